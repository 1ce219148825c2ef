//===- ModelTools.h - Inspecting rasp-run's compiled model ------*- C++ -*-===//
//
// What `rasp-run` offers besides running inputs, on the same compiled model
// as its compiled mode: the layered `craft.model` (for `--export` and
// `--model-stats`) and an executor that traces the forward pass of every
// input (`--trace`).
//
//===----------------------------------------------------------------------===//

#ifndef RASPDIALECT_TOOLS_RASPRUN_MODELTOOLS_H
#define RASPDIALECT_TOOLS_RASPRUN_MODELTOOLS_H

#include "RaspDialect/Dialect/Craft/IR/CraftOps.h"
#include "RaspDialect/Tools/RaspRun/Executor.h"
#include "RaspDialect/Trace/TraceDocument.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

namespace mlir::rasp {

/// A program compiled to its layered `craft.model`.
struct CraftModelModule {
  OwningOpRef<ModuleOp> module;
  craft::ModelOp model;
};

/// Compiles `program`, with `output` as its output, by the
/// `--rasp-to-craft-model` pipeline: the model the compiled mode converts to
/// tensor IR. The passes are timed as scopes nested in `timing`. Emits
/// diagnostics and fails if the program does not compile.
FailureOr<CraftModelModule> compileToCraftModel(ProgramOp program, Value output,
                                                const RunConfig &config,
                                                TimingScope &timing);

/// The forward-pass options matching `pipelineOptions`, the options of the
/// `--rasp-to-linalg` pipeline the compiled mode uses (`--compile-options`).
/// Emits an error at `loc` if they do not parse.
FailureOr<trace::ForwardOptions>
getForwardOptions(llvm::StringRef pipelineOptions, Location loc);

/// Runs every input through the float32 forward pass of `model`
/// (trace::runForward) and sets `RunResult::document` to its trace document
/// besides the decoded values. Emits diagnostics and fails if the model
/// cannot be assembled or does not use `config`'s vocabulary.
FailureOr<std::unique_ptr<Executor>>
createTraceExecutor(CraftModelModule model, const RunConfig &config,
                    const trace::ForwardOptions &forwardOptions,
                    const trace::TraceOptions &traceOptions);

} // namespace mlir::rasp

#endif // RASPDIALECT_TOOLS_RASPRUN_MODELTOOLS_H
