//===- CompileProgram.h - Compile a rasp program for rasp-run ---*- C++ -*-===//

#ifndef RASPDIALECT_TOOLS_RASPRUN_COMPILEPROGRAM_H
#define RASPDIALECT_TOOLS_RASPRUN_COMPILEPROGRAM_H

#include "RaspDialect/Pipelines/Pipelines.h"
#include "RaspDialect/Runtime/Runtime.h"
#include "RaspDialect/Tools/RaspRun/RunConfig.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "mlir/Support/Timing.h"

namespace mlir::rasp {

/// Copies `program` into a new module with `output` as its output SOp (ops
/// the output does not depend on are dropped) and the compile parameters of
/// `config` as its attributes, ready for the compilation pipeline.
OwningOpRef<ModuleOp> extractProgram(ProgramOp program, Value output,
                                     const RunConfig &config);

/// Parses `pipelineOptions`, an option string of the `--rasp-to-linalg`
/// pipeline (rasp-run's `--compile-options`), into `options`, after turning
/// the model-size optimisations off unless `optimize` (so the string may
/// still turn single ones on). Emits an error at `loc` if it does not parse.
LogicalResult parseCompileOptions(RASPToLinalgOptions &options,
                                  llvm::StringRef pipelineOptions,
                                  bool optimize, Location loc);

/// Runs the `--rasp-to-linalg` pipeline with `pipelineOptions` (its option
/// string, e.g. `lookup-min-elements=0`) on `module` (from `extractProgram`),
/// leaving one `func.func` in the JIT runtime's calling convention, with the
/// model-size optimisations unless `optimize` is false (the option string
/// may still turn single ones on). Each pass is timed as a scope nested in
/// `timing`. Emits diagnostics.
LogicalResult compileToTensorIR(ModuleOp module, TimingScope &timing,
                                llvm::StringRef pipelineOptions = "",
                                bool optimize = true);

/// The runtime options of rasp-run's compiled mode (also used by the
/// benchmark driver, so that it measures exactly what rasp-run does).
runtime::CompileOptions getCompiledModeOptions();

} // namespace mlir::rasp

#endif // RASPDIALECT_TOOLS_RASPRUN_COMPILEPROGRAM_H
