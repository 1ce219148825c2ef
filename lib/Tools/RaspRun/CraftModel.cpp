//===- CraftModel.cpp - rasp-run's compiled model as a craft.model --------===//

#include "RaspDialect/Pipelines/Pipelines.h"
#include "RaspDialect/Tools/RaspRun/CompileProgram.h"
#include "RaspDialect/Tools/RaspRun/ModelTools.h"

#include "mlir/Pass/PassManager.h"

using namespace mlir;
using namespace mlir::rasp;

FailureOr<CraftModelModule>
mlir::rasp::compileToCraftModel(ProgramOp program, Value output,
                                const RunConfig &config, TimingScope &timing) {
  CraftModelModule out;
  out.module = extractProgram(program, output, config);
  PassManager pm(program.getContext());
  // The compile parameters are attributes of the extracted program.
  RASPToCraftModelOptions options;
  if (!config.optimize)
    options.disableOptimizations();
  populateRASPToCraftModelPipeline(pm, options);
  pm.enableTiming(timing);
  if (failed(pm.run(*out.module)))
    return failure();
  auto models = out.module->getOps<craft::ModelOp>();
  if (models.empty())
    return emitError(program.getLoc(), "compilation produced no craft.model");
  out.model = *models.begin();
  return out;
}

FailureOr<trace::ForwardOptions>
mlir::rasp::getForwardOptions(StringRef pipelineOptions, Location loc) {
  std::string errors;
  llvm::raw_string_ostream errorStream(errors);
  RASPToLinalgOptions options;
  if (failed(options.parseFromString(pipelineOptions, errorStream)))
    return emitError(loc, "invalid compile options '")
           << pipelineOptions << "': " << StringRef(errors).trim();
  trace::ForwardOptions out;
  out.lookupMinElements = options.lookupMinElements;
  return out;
}
