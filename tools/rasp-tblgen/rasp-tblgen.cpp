//===- rasp-tblgen.cpp - The project's TableGen driver --------------------===//
//
// mlir-tblgen's driver with the project's own generators (as circt-tblgen
// is CIRCT's): they read the same records as MLIR's, so a declaration in a
// .td file stays the only one.
//
//===----------------------------------------------------------------------===//

#include "mlir/Tools/mlir-tblgen/MlirTblgenMain.h"

int main(int argc, char **argv) { return mlir::MlirTblgenMain(argc, argv); }
