//===- CompileProgram.cpp - Compile a rasp program for rasp-run -----------===//

#include "RaspDialect/Tools/RaspRun/CompileProgram.h"
#include "RaspDialect/Pipelines/Pipelines.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Pass/PassManager.h"

using namespace mlir;
using namespace mlir::rasp;

OwningOpRef<ModuleOp> mlir::rasp::extractProgram(ProgramOp program,
                                                 Value output,
                                                 const RunConfig &config) {
  MLIRContext *context = program.getContext();
  OwningOpRef<ModuleOp> module = ModuleOp::create(program.getLoc());
  OpBuilder builder(context);
  builder.setInsertionPointToEnd(module->getBody());
  IRMapping mapping;
  auto copy = cast<ProgramOp>(builder.clone(*program, mapping));

  // Point the output at the requested SOp, then drop what no longer feeds it
  // (every RASP op is pure): a dead op must not stop compilation.
  OutputOp out = copy.getOutputOp();
  out.getOutputMutable().assign(mapping.lookup(output));
  Block &body = copy.getBody().front();
  for (Operation &op :
       llvm::make_early_inc_range(llvm::reverse(body.without_terminator())))
    if (op.use_empty())
      op.erase();

  copy.setVocabAttr(toArrayAttr(context, config.vocab));
  copy.setMaxSeqLenAttr(builder.getI64IntegerAttr(config.maxSeqLen));
  copy.setBosAttr(builder.getStringAttr(config.bos));
  copy.setCausal(config.causal);
  return module;
}

LogicalResult mlir::rasp::parseCompileOptions(RASPToLinalgOptions &options,
                                              StringRef pipelineOptions,
                                              bool optimize, Location loc) {
  if (!optimize)
    options.disableOptimizations();
  std::string errors;
  llvm::raw_string_ostream errorStream(errors);
  if (failed(options.parseFromString(pipelineOptions, errorStream)))
    return emitError(loc, "invalid compile options '")
           << pipelineOptions << "': " << StringRef(errors).trim();
  return success();
}

LogicalResult mlir::rasp::compileToTensorIR(ModuleOp module,
                                            TimingScope &timing,
                                            StringRef pipelineOptions,
                                            bool optimize) {
  RASPToLinalgOptions options;
  if (failed(parseCompileOptions(options, pipelineOptions, optimize,
                                 module.getLoc())))
    return failure();
  PassManager pm(module.getContext());
  populateRASPToLinalgPipeline(pm, options);
  pm.enableTiming(timing);
  return pm.run(module);
}
