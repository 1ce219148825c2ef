//===- rasp-translate.cpp - RASP translation driver -----------------------===//
//
// mlirTranslateMain with the project's translations: `--import-rasp` reads a
// .rasp program into the rasp dialect; `--rasp-to-tensor-ir` compiles a .rasp
// or .mlir program to upstream tensor IR; `--rasp-to-safetensors` writes the
// compiled transformer's weights. The last two are the driver's.
//
//===----------------------------------------------------------------------===//

#include "RaspDialect/Driver/Translations.h"

#include "mlir/Tools/mlir-translate/MlirTranslateMain.h"

int main(int argc, char **argv) {
  mlir::rasp::driver::registerTranslations();
  return mlir::failed(
      mlir::mlirTranslateMain(argc, argv, "RASP translation tool\n"));
}
