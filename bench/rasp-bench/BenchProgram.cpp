//===- BenchProgram.cpp - One compile of a program, as rasp-run does ------===//

#include "BenchProgram.h"
#include "StageTiming.h"

#include "RaspDialect/Dialect/Craft/IR/CraftOps.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/MemoryBuffer.h"
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
/// A loaded program in its own context, with diagnostics on stderr.
struct ParsedProgram {
  llvm::SourceMgr sourceMgr;
  std::unique_ptr<SourceMgrDiagnosticHandler> diagnostics;
  driver::LoadedProgram loaded;
};
} // namespace

/// Loads the program as rasp-run does (the driver's loadProgram).
static LogicalResult parse(const ProgramSpec &spec, MLIRContext *context,
                           const driver::DriverOptions &options,
                           ParsedProgram &parsed) {
  parsed.sourceMgr.AddNewSourceBuffer(
      llvm::MemoryBuffer::getMemBufferCopy(spec.contents, spec.path),
      llvm::SMLoc());
  parsed.diagnostics =
      std::make_unique<SourceMgrDiagnosticHandler>(parsed.sourceMgr, context);
  FailureOr<driver::LoadedProgram> loaded =
      driver::loadProgram(parsed.sourceMgr, context, options);
  if (failed(loaded))
    return failure();
  parsed.loaded = std::move(*loaded);
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

  driver::DriverOptions options;
  options.parameters = spec.overrides;
  // Compile-time benchmarks measure compiling: no compilation cache.
  options.runtime.cache.enabled = false;
  if (llvm::Error error = options.parsePipelineOptions(spec.compileOptions)) {
    llvm::WithColor::error(llvm::errs(), "rasp-bench")
        << llvm::toString(std::move(error)) << "\n";
    return failure();
  }
  ParsedProgram parsed;
  {
    TimingScope scope = timing.nest("parse");
    if (failed(parse(spec, compiled.context.get(), options, parsed)))
      return failure();
  }
  compiled.config = parsed.loaded.config;

  if (stopAfter == StopAfter::CraftModel) {
    FailureOr<driver::CraftModel> model =
        driver::compileToCraftModel(parsed.loaded, options, &timing);
    if (failed(model))
      return failure();
    compiled.module = std::move(model->module);
    return compiled;
  }
  if (stopAfter == StopAfter::TensorIR) {
    FailureOr<OwningOpRef<ModuleOp>> module =
        driver::compileToTensorIR(parsed.loaded, options, &timing);
    if (failed(module))
      return failure();
    compiled.module = std::move(*module);
    return compiled;
  }
  FailureOr<std::unique_ptr<driver::CompiledProgram>> jit =
      driver::CompiledProgram::compile(parsed.loaded, options, &timing);
  if (failed(jit))
    return failure();
  compiled.runtimeStats = (*jit)->getCompileStats();
  compiled.jit = std::move(*jit);
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
  auto models = compiled->module->getOps<craft::ModelOp>();
  if (models.empty())
    return emitError(compiled->module->getLoc(), "no craft.model");
  return craft::computeModelStats(*models.begin());
}
