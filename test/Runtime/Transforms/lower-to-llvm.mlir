// The whole pipeline on the tiny test model: pure LLVM dialect (checked by
// the pipeline's last pass), the weights as arguments of the model
// function, and one matmul kernel shared by the three 8x4 projections.
// RUN: rasp-opt %S/../Inputs/tiny-model.mlir --rasp-lower-to-llvm=weight-argument-min-elements=32 | FileCheck %s
// Without outlining and kernels: the weights are globals, no kernel.
// RUN: rasp-opt %S/../Inputs/tiny-model.mlir --rasp-lower-to-llvm="weight-argument-min-elements=0 vectorize-matmuls=false" | FileCheck %s --check-prefix=PLAIN

// CHECK-NOT:     llvm.mlir.global {{.*}}constant @__constant_8x4xf32
// CHECK:         llvm.func @model(
// CHECK-COUNT-3:   llvm.call @__rasp_matmul(
// CHECK:         llvm.func @__rasp_matmul(
// CHECK-SAME:      passthrough = ["noinline"]

// PLAIN-NOT:     __rasp_matmul
// PLAIN:         llvm.mlir.global private constant @__constant_8x4xf32
// PLAIN:         llvm.func @model(
