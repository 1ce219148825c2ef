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
  InferBasesPassOptions bases;
  bases.vocab.assign(options.vocab.begin(), options.vocab.end());
  bases.maxSeqLen = options.maxSeqLen;
  bases.bos = options.bos;
  bases.causal = options.causal;
  pm.addPass(createInferBasesPass(bases));
  pm.addPass(createValidatePass());
  LowerToCraftPassOptions lowering;
  lowering.fuseMLPs = options.fuseMLPs;
  lowering.fuseWidthFactor = options.fuseWidthFactor;
  lowering.factorSelectors = options.factorSelectors;
  lowering.foldEmbeddings = options.foldEmbeddings;
  pm.addPass(createLowerToCraftPass(lowering));
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
  ConvertCraftToLinalgPassOptions convert;
  convert.resourceMinElements = options.resourceMinElements;
  convert.sparseMinElements = options.sparseMinElements;
  convert.sparseGatherCost = options.sparseGatherCost;
  convert.lookupMinElements = options.lookupMinElements;
  convert.specializeMinElements = options.specializeMinElements;
  convert.batchSize = options.batchSize;
  convert.reshapeDynamicSplits = options.reshapeDynamicSplits;
  pm.addPass(createConvertCraftToLinalgPass(convert));
}

void mlir::rasp::registerPipelines() {
  PassPipelineRegistration<RASPToCraftModelOptions>(
      "rasp-to-craft-model",
      "compile rasp programs to layered craft models (infer bases, validate, "
      "lower to craft, allocate layers)",
      populateRASPToCraftModelPipeline<RASPToCraftModelOptions>);
  PassPipelineRegistration<RASPToLinalgOptions>(
      "rasp-to-linalg",
      "compile rasp programs to tensor IR in the JIT runtime's calling "
      "convention (--rasp-to-craft-model, then --convert-craft-to-linalg)",
      populateRASPToLinalgPipeline);
}
