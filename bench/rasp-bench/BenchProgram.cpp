//===- BenchProgram.cpp - One compile of a program, as rasp-run does ------===//

#include "BenchProgram.h"
#include "StageTiming.h"

#include "RaspDialect/Dialect/Craft/IR/CraftOps.h"
#include "RaspDialect/Pipelines/Pipelines.h"
#include "RaspDialect/Target/ImportRASP.h"
#include "RaspDialect/Tools/RaspRun/CompileProgram.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/WithColor.h"

using namespace mlir;
using namespace mlir::rasp;
using namespace mlir::rasp::bench;

bool mlir::rasp::bench::loadProgramSpec(const std::string &path,
                                        ProgramSpec &spec) {
  std::string error;
  std::unique_ptr<llvm::MemoryBuffer> file = openInputFile(path, &error);
  if (!file) {
    llvm::WithColor::error(llvm::errs(), "rasp-bench") << error << "\n";
    return false;
  }
  spec.path = path;
  spec.contents = file->getBuffer().str();
  return true;
}

namespace {
/// A parsed program in its own context, with diagnostics on stderr.
struct ParsedProgram {
  llvm::SourceMgr sourceMgr;
  std::unique_ptr<SourceMgrDiagnosticHandler> diagnostics;
  OwningOpRef<ModuleOp> source;
  ProgramOp program;
  RunConfig config;
};
} // namespace

/// Parses the program as rasp-run does: a `.rasp` source through the
/// frontend with the parameters applied, anything else as MLIR.
static LogicalResult parse(const ProgramSpec &spec, MLIRContext *context,
                           ParsedProgram &parsed) {
  parsed.sourceMgr.AddNewSourceBuffer(
      llvm::MemoryBuffer::getMemBufferCopy(spec.contents, spec.path),
      llvm::SMLoc());
  parsed.diagnostics =
      std::make_unique<SourceMgrDiagnosticHandler>(parsed.sourceMgr, context);
  if (llvm::sys::path::extension(spec.path) == ".rasp") {
    ImportRASPOptions options;
    options.vocab = spec.overrides.vocab;
    options.maxSeqLen = spec.overrides.maxSeqLen;
    options.bos = spec.overrides.bos;
    options.causal = spec.overrides.causal.value_or(false);
    parsed.source = importRASP(parsed.sourceMgr, context, options);
  } else {
    parsed.source = parseSourceFile<ModuleOp>(parsed.sourceMgr, context);
  }
  if (!parsed.source)
    return failure();
  FailureOr<ProgramOp> program = selectProgram(*parsed.source, "");
  if (failed(program))
    return failure();
  parsed.program = *program;
  FailureOr<RunConfig> config = resolveRunConfig(*program, spec.overrides);
  if (failed(config))
    return failure();
  parsed.config = std::move(*config);
  return success();
}

static std::unique_ptr<MLIRContext>
createContext(const DialectRegistry &registry) {
  auto context = std::make_unique<MLIRContext>(registry);
  context->loadAllAvailableDialects();
  context->printOpOnDiagnostic(false);
  return context;
}

FailureOr<CompiledProgram>
mlir::rasp::bench::compileProgram(const ProgramSpec &spec,
                                  const DialectRegistry &registry,
                                  StopAfter stopAfter, TimingScope &timing) {
  CompiledProgram compiled;
  double wall = wallSeconds(), cpu = processCPUSeconds();
  compiled.context = createContext(registry);
  compiled.contextWall = wallSeconds() - wall;
  compiled.contextCPU = processCPUSeconds() - cpu;

  ParsedProgram parsed;
  {
    TimingScope scope = timing.nest("parse");
    if (failed(parse(spec, compiled.context.get(), parsed)))
      return failure();
  }
  compiled.config = parsed.config;
  compiled.module = extractProgram(parsed.program, parsed.program.getOutput(),
                                   compiled.config);

  if (stopAfter == StopAfter::CraftModel) {
    TimingScope scope = timing.nest("compile to craft model");
    // The craft-model part of the --rasp-to-linalg pipeline, with the same
    // options as the whole compile.
    RASPToLinalgOptions options;
    if (failed(parseCompileOptions(options, spec.compileOptions, spec.optimize,
                                   compiled.module->getLoc())))
      return failure();
    PassManager pm(compiled.context.get());
    populateRASPToCraftModelPipeline(pm, options);
    pm.enableTiming(scope);
    if (failed(pm.run(*compiled.module)))
      return failure();
    return compiled;
  }
  {
    TimingScope scope = timing.nest("compile to tensor IR");
    if (failed(compileToTensorIR(*compiled.module, scope, spec.compileOptions,
                                 spec.optimize)))
      return failure();
  }
  if (stopAfter == StopAfter::TensorIR)
    return compiled;
  FailureOr<std::unique_ptr<runtime::CompiledModel>> model =
      runtime::CompiledModel::compile(*compiled.module,
                                      getCompiledModeOptions(),
                                      &compiled.runtimeStats, &timing);
  if (failed(model))
    return failure();
  compiled.model = std::move(*model);
  return compiled;
}

FailureOr<craft::ModelStats>
mlir::rasp::bench::computeProgramStats(const ProgramSpec &spec,
                                       const DialectRegistry &registry) {
  TimingScope noTiming;
  FailureOr<CompiledProgram> compiled =
      compileProgram(spec, registry, StopAfter::CraftModel, noTiming);
  if (failed(compiled))
    return failure();
  return getModelStats(*compiled);
}

FailureOr<craft::ModelStats>
mlir::rasp::bench::getModelStats(CompiledProgram &compiled) {
  auto models = compiled.module->getOps<craft::ModelOp>();
  if (models.empty())
    return emitError(compiled.module->getLoc(), "no craft.model");
  return craft::computeModelStats(*models.begin());
}
