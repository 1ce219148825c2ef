//===- Pipelines.cpp - Registered pass pipelines --------------------------===//

#include "RaspDialect/Pipelines/Pipelines.h"
#include "RaspDialect/Conversion/Passes.h"
#include "RaspDialect/Dialect/Craft/Transforms/Passes.h"
#include "RaspDialect/Dialect/RASP/Transforms/Passes.h"

#include "mlir/Pass/PassRegistry.h"

using namespace mlir;
using namespace mlir::rasp;

void mlir::rasp::populateRASPToCraftModelPipeline(
    OpPassManager &pm, const RASPToCraftModelOptions &options) {
  InferBasesPassOptions bases;
  bases.vocab.assign(options.vocab.begin(), options.vocab.end());
  bases.maxSeqLen = options.maxSeqLen;
  bases.bos = options.bos;
  bases.causal = options.causal;
  pm.addPass(createInferBasesPass(bases));
  pm.addPass(createValidatePass());
  pm.addPass(createLowerToCraftPass());
  pm.addPass(craft::createAllocateLayersPass());
}

void mlir::rasp::populateRASPToLinalgPipeline(
    OpPassManager &pm, const RASPToLinalgOptions &options) {
  RASPToCraftModelOptions model;
  model.vocab = ArrayRef<std::string>(options.vocab);
  model.maxSeqLen = options.maxSeqLen;
  model.bos = options.bos;
  model.causal = options.causal;
  populateRASPToCraftModelPipeline(pm, model);
  ConvertCraftToLinalgPassOptions convert;
  convert.resourceMinElements = options.resourceMinElements;
  convert.sparseMinElements = options.sparseMinElements;
  convert.sparseGatherCost = options.sparseGatherCost;
  convert.lookupMinElements = options.lookupMinElements;
  pm.addPass(createConvertCraftToLinalgPass(convert));
}

void mlir::rasp::registerPipelines() {
  PassPipelineRegistration<RASPToCraftModelOptions>(
      "rasp-to-craft-model",
      "compile rasp programs to layered craft models (infer bases, validate, "
      "lower to craft, allocate layers)",
      populateRASPToCraftModelPipeline);
  PassPipelineRegistration<RASPToLinalgOptions>(
      "rasp-to-linalg",
      "compile rasp programs to tensor IR in the JIT runtime's calling "
      "convention (--rasp-to-craft-model, then --convert-craft-to-linalg)",
      populateRASPToLinalgPipeline);
}
