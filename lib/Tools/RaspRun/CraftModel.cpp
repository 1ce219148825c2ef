//===- CraftModel.cpp - rasp-run's compiled model as a craft.model --------===//

#include "RaspDialect/Pipelines/Pipelines.h"
#include "RaspDialect/Tools/RaspRun/CompileProgram.h"
#include "RaspDialect/Tools/RaspRun/ModelTools.h"

#include "mlir/Pass/PassManager.h"

using namespace mlir;
using namespace mlir::rasp;

FailureOr<CraftModelModule>
mlir::rasp::compileToCraftModel(ProgramOp program, Value output,
                                const RunConfig &config, TimingScope &timing,
                                StringRef pipelineOptions) {
  // The compile parameters are attributes of the extracted program; the
  // option string chooses the optimisations, as for the compiled mode.
  RASPToLinalgOptions options;
  if (failed(parseCompileOptions(options, pipelineOptions, config.optimize,
                                 program.getLoc())))
    return failure();
  CraftModelModule out;
  out.module = extractProgram(program, output, config);
  PassManager pm(program.getContext());
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
  RASPToLinalgOptions options;
  if (failed(parseCompileOptions(options, pipelineOptions, true, loc)))
    return failure();
  trace::ForwardOptions out;
  out.lookupMinElements = options.lookupMinElements;
  return out;
}
