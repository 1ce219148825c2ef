// RUN: rasp-opt %s --rasp-check-llvm-dialect -split-input-file -verify-diagnostics

func.func @f() {
  // expected-error @below {{op not lowered to the LLVM dialect}}
  return
}

// -----

llvm.func @g() {
  llvm.return
}
