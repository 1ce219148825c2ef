//===- ExportSafetensors.cpp - The --rasp-to-safetensors translation ------===//

#include "RaspDialect/Target/Safetensors/ExportSafetensors.h"
#include "RaspDialect/Target/ImportRASP.h"
#include "RaspDialect/Target/Safetensors/TransformerWeights.h"
#include "RaspDialect/Tools/RaspRun/ModelTools.h"
#include "RaspDialect/Tools/RaspRun/TranslationInput.h"

#include "mlir/Tools/mlir-translate/Translation.h"

using namespace mlir;
using namespace mlir::rasp;

static LogicalResult exportSafetensors(llvm::SourceMgr &sourceMgr,
                                       llvm::raw_ostream &os,
                                       MLIRContext *context) {
  FailureOr<TranslationInput> in = loadTranslationInput(sourceMgr, context);
  if (failed(in))
    return failure();
  TimingScope noTiming;
  FailureOr<CraftModelModule> compiled =
      compileToCraftModel(in->program, in->output, in->config, noTiming);
  if (failed(compiled))
    return failure();
  FailureOr<safetensors::File> weights =
      safetensors::buildTransformerWeights(compiled->model);
  if (failed(weights))
    return failure();
  if (llvm::Error error = safetensors::write(*weights, os))
    return emitError(compiled->model.getLoc(),
                     llvm::toString(std::move(error)));
  return success();
}

void mlir::rasp::registerRASPToSafetensorsTranslation() {
  // Registers --vocab, --max-seq-len, ... before the command line is parsed.
  getTranslationParameters();
  static TranslateRegistration registration(
      "rasp-to-safetensors",
      "compile a .rasp source or .mlir rasp program and write the "
      "transformer's weights as safetensors (TransformerLens names)",
      [](const std::shared_ptr<llvm::SourceMgr> &sourceMgr,
         llvm::raw_ostream &os, MLIRContext *context) {
        return exportSafetensors(*sourceMgr, os, context);
      });
}
