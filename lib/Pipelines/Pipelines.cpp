//===- Pipelines.cpp - Registered pass pipelines --------------------------===//

#include "RaspDialect/Pipelines/Pipelines.h"
#include "RaspDialect/Conversion/Passes.h"
#include "RaspDialect/Dialect/Craft/Transforms/Passes.h"
#include "RaspDialect/Dialect/RASP/Transforms/Passes.h"

#include "mlir/Pass/PassRegistry.h"

using namespace mlir;
using namespace mlir::rasp;

template <typename Derived>
void mlir::rasp::populateRASPToCraftModelPipeline(
    OpPassManager &pm, const RASPCompileOptions<Derived> &options) {
  pm.addPass(createInferBasesPass(toInferBasesPassOptions(options)));
  pm.addPass(createValidatePass(toValidatePassOptions(options)));
  pm.addPass(createLowerToCraftPass(toLowerToCraftPassOptions(options)));
  if (options.foldEmbeddings)
    pm.addPass(craft::createFoldEmbeddingsPass());
  if (options.pruneDirections)
    pm.addPass(craft::createPruneDirectionsPass());
  pm.addPass(craft::createAllocateLayersPass());
}

template void mlir::rasp::populateRASPToCraftModelPipeline(
    OpPassManager &, const RASPCompileOptions<RASPToCraftModelOptions> &);
template void mlir::rasp::populateRASPToCraftModelPipeline(
    OpPassManager &, const RASPCompileOptions<RASPToLinalgOptions> &);

void mlir::rasp::populateRASPToLinalgPipeline(
    OpPassManager &pm, const RASPToLinalgOptions &options) {
  populateRASPToCraftModelPipeline(pm, options);
  pm.addPass(createConvertCraftToLinalgPass(
      toConvertCraftToLinalgPassOptions(options)));
}

void mlir::rasp::registerPipelines() {
  PassPipelineRegistration<RASPToCraftModelOptions>(
      "rasp-to-craft-model",
      "compile rasp programs to layered craft models (infer bases, validate, "
      "lower to craft, fold embeddings, prune directions, allocate layers)",
      populateRASPToCraftModelPipeline<RASPToCraftModelOptions>);
  PassPipelineRegistration<RASPToLinalgOptions>(
      "rasp-to-linalg",
      "compile rasp programs to tensor IR in the JIT runtime's calling "
      "convention (--rasp-to-craft-model, then --convert-craft-to-linalg)",
      populateRASPToLinalgPipeline);
}
