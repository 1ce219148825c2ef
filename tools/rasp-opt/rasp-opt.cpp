//===- rasp-opt.cpp - RASP optimizer driver -------------------------------===//
//
// MlirOptMain with the rasp and craft dialects, the project's passes and the
// upstream dialects and passes, so one tool can run every stage from a RASP
// program down to LLVM-ready tensor IR.
//
//===----------------------------------------------------------------------===//

#include "RaspDialect/InitAll.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

namespace mlir::rasp::test {
void registerTestPasses();
void registerLayerTestPasses();
} // namespace mlir::rasp::test

int main(int argc, char **argv) {
  mlir::registerAllPasses();
  mlir::rasp::registerAllPasses();
  mlir::rasp::test::registerTestPasses();
  mlir::rasp::test::registerLayerTestPasses();
  mlir::DialectRegistry registry;
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  mlir::rasp::registerAllDialects(registry);
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "RASP optimizer driver\n", registry));
}
