//===- Executor.h - The ways rasp-run evaluates a program -------*- C++ -*-===//
//
// `rasp-run` evaluates a program in one of several modes: the reference
// interpreter, the craft evaluator (the synthesised weights applied by the
// oracle of the synthesis tests), or the JIT-compiled transformer. Each mode
// is an Executor: it gets every valid input at once (the compiled mode runs
// them as one batch) and returns one result per input, in order.
//
//===----------------------------------------------------------------------===//

#ifndef RASPDIALECT_TOOLS_RASPRUN_EXECUTOR_H
#define RASPDIALECT_TOOLS_RASPRUN_EXECUTOR_H

#include "RaspDialect/Tools/RaspRun/RunConfig.h"

#include "mlir/IR/Location.h"
#include "mlir/Support/Timing.h"
#include "llvm/ADT/SmallVector.h"

#include <memory>

namespace mlir::rasp {

/// The output of one input, or why it could not be computed.
struct RunResult {
  /// The decoded output sequence (BOS dropped) when `succeeded`.
  std::vector<PyValue> values;
  bool succeeded = false;
  /// Where and why evaluation failed otherwise.
  std::optional<Location> errorLoc;
  std::string error;
  /// One line of JSON printed instead of `values` when the executor traces
  /// (`--trace`); empty otherwise.
  std::string document;
};

/// An input sequence as indices into `RunConfig::vocab`, without BOS.
using TokenIds = llvm::SmallVector<unsigned>;

/// Evaluates a program on batches of inputs.
class Executor {
public:
  virtual ~Executor();
  /// One result per input, in order.
  virtual std::vector<RunResult> run(llvm::ArrayRef<TokenIds> inputs) = 0;
};

/// The reference interpreter. Emits diagnostics and fails if the program
/// cannot be prepared.
FailureOr<std::unique_ptr<Executor>>
createInterpreterExecutor(ProgramOp program, Value output,
                          const RunConfig &config);

/// The craft evaluator in float32 on the layered model the compiled mode
/// converts (compileToCraftModel with `pipelineOptions`, rasp-run's
/// `--compile-options`), its components in layer order. Emits diagnostics
/// and fails if the program does not compile.
FailureOr<std::unique_ptr<Executor>>
createCraftExecutor(ProgramOp program, Value output, const RunConfig &config,
                    llvm::StringRef pipelineOptions = "");

/// The JIT-compiled transformer: the `--rasp-to-linalg` pipeline, then the
/// runtime's lowering and JIT, once; `run` evaluates all inputs as one
/// padded batch and decodes the output subspace (argmax over the output
/// values, None where no entry reaches 1/2; numerical outputs as floats).
/// Compile stages are timed as scopes nested in `timing`. Emits located
/// diagnostics and fails if the program does not compile.
/// `pipelineOptions` are options of the `--rasp-to-linalg` pipeline (the
/// weight forms of the conversion).
FailureOr<std::unique_ptr<Executor>>
createCompiledExecutor(ProgramOp program, Value output, const RunConfig &config,
                       TimingScope &timing,
                       llvm::StringRef pipelineOptions = "");

/// The value a float32 model output stands for: the shortest decimal that
/// reads back as the same float, as a Python float (so 1/3 prints as
/// 0.33333334, not 0.3333333432674408).
PyValue float32Value(float value);

} // namespace mlir::rasp

#endif // RASPDIALECT_TOOLS_RASPRUN_EXECUTOR_H
