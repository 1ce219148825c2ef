//===- BenchProgram.h - One compile, as rasp-run does -----------*- C++ -*-===//
//
// The benchmark driver compiles through the same driver calls as `rasp-run`
// (loadProgram, then compileToCraftModel, compileToTensorIR or
// CompiledProgram::compile), in a fresh MLIRContext per compile, with every
// stage timed as a scope.
//
//===----------------------------------------------------------------------===//

#ifndef RASP_BENCH_BENCHPROGRAM_H
#define RASP_BENCH_BENCHPROGRAM_H

#include "RaspDialect/Dialect/Craft/Analysis/ModelStats.h"
#include "RaspDialect/Driver/Executor.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OwningOpRef.h"
#include "mlir/Support/Timing.h"

#include <memory>
#include <string>

namespace mlir::rasp::bench {

/// What to compile: a `.rasp` source or a `.mlir` rasp program, with
/// rasp-run's command-line parameters.
struct ProgramSpec {
  /// The file name; `load` statements resolve relative to it.
  std::string path;
  /// The file's contents, read once so that compiles do not time file I/O.
  std::string contents;
  mlir::rasp::driver::RunOverrides overrides;
  /// rasp-run's --compile-options (options of --rasp-to-linalg).
  std::string compileOptions;
  /// rasp-run's --optimize: the model-size optimisations (the option string
  /// may still turn single ones on or off).
  bool optimize = true;
};

/// How far to compile.
enum class StopAfter {
  CraftModel, ///< --rasp-to-craft-model: the layered craft.model.
  TensorIR,   ///< --rasp-to-linalg: the model as tensor IR.
  JIT,        ///< and the runtime: lowered to LLVM and JIT-compiled.
};

/// A program compiled by `compileProgram`. Owns the context the compiled
/// model reads its weights from.
struct CompiledProgram {
  std::unique_ptr<mlir::MLIRContext> context;
  /// The craft model or the tensor IR (before the JIT).
  mlir::OwningOpRef<mlir::ModuleOp> module;
  mlir::rasp::driver::RunConfig config;
  /// The JIT-compiled program (StopAfter::JIT).
  std::unique_ptr<mlir::rasp::driver::CompiledProgram> jit;
  mlir::rasp::runtime::CompileStats runtimeStats;
  /// Creating the context and loading the dialects (not in any scope).
  double contextWall = 0, contextCPU = 0;
};

/// Reads `path` into a spec. Returns false and prints an error on failure.
bool loadProgramSpec(const std::string &path, ProgramSpec &spec);

/// Compiles `spec` in a fresh context up to `stopAfter`. The stages are
/// scopes nested in `timing`, named as in `rasp-run --timing`: "parse",
/// "compile to tensor IR" (or "compile to craft model") with one scope per
/// pass, "lower to LLVM dialect", "JIT compile". Diagnostics go to stderr.
mlir::FailureOr<CompiledProgram>
compileProgram(const ProgramSpec &spec, const mlir::DialectRegistry &registry,
               StopAfter stopAfter, mlir::TimingScope &timing);

/// The statistics of the program's craft.model (--craft-model-stats).
mlir::FailureOr<mlir::craft::ModelStats>
computeProgramStats(const ProgramSpec &spec,
                    const mlir::DialectRegistry &registry);

/// The statistics of the craft.model of a program compiled with
/// StopAfter::CraftModel.
mlir::FailureOr<mlir::craft::ModelStats>
getModelStats(CompiledProgram &compiled);

} // namespace mlir::rasp::bench

#endif // RASP_BENCH_BENCHPROGRAM_H
