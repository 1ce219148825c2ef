//===- Executor.h - Running programs and compiled models --------*- C++ -*-===//
//
// The ways the driver evaluates a loaded program: the reference interpreter,
// the craft evaluator (the synthesised weights applied by the oracle of the
// synthesis tests), the JIT-compiled transformer, and the traced float32
// forward pass of the same model. Each is an Executor: it gets every input
// at once (the compiled one runs them as one batch) and returns one result
// per input, in order. Inputs are vocabulary indices without BOS; one that
// is out of range or too long gets an error result, never a crash.
//
//===----------------------------------------------------------------------===//

#ifndef RASPDIALECT_DRIVER_EXECUTOR_H
#define RASPDIALECT_DRIVER_EXECUTOR_H

#include "RaspDialect/Driver/Driver.h"
#include "RaspDialect/Runtime/MemoryEstimate.h"
#include "RaspDialect/Trace/TraceDocument.h"

#include "mlir/IR/Location.h"
#include "llvm/ADT/SmallVector.h"

#include <memory>
#include <optional>

namespace mlir::rasp::driver {

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

/// A program compiled to native code (the `--rasp-to-linalg` pipeline, then
/// the runtime's lowering and JIT), with what decoding its output needs.
/// Owns the tensor IR, whose weights the compiled code reads in place: the
/// MLIRContext of the program must outlive it. `run` is thread-safe.
class CompiledProgram : public Executor {
public:
  ~CompiledProgram() override;

  const RunConfig &getConfig() const { return config; }
  /// The tensor IR the code was compiled from.
  ModuleOp getTensorIR() const { return *module; }
  runtime::CompiledModel &getModel() const { return *model; }
  const runtime::CompileStats &getCompileStats() const { return stats; }
  /// Width W of an output vector.
  int64_t getOutputWidth() const;
  /// Categorical outputs decode to `getOutputValues()[argmax]`, numerical
  /// ones are the single column.
  bool isCategorical() const { return categorical; }
  llvm::ArrayRef<PyValue> getOutputValues() const { return outputValues; }

  /// Runs `inputs` in batches padded with BOS and decodes every position
  /// (argmax over the output values, None where no entry reaches 1/2;
  /// numerical outputs as floats). With `vectors`, `(*vectors)[i]` receives
  /// the output vectors of input i: W floats per token, BOS dropped. A
  /// batch holds at most 256 inputs and fits the memory budget
  /// (`estimateRunBytes`); an input that alone does not fit gets an error.
  std::vector<RunResult> run(llvm::ArrayRef<TokenIds> inputs,
                             std::vector<std::vector<float>> *vectors) const;
  std::vector<RunResult> run(llvm::ArrayRef<TokenIds> inputs) override {
    return run(inputs, nullptr);
  }

  /// Whether the program was compiled as the traced variant
  /// (`options.pipeline.trace`).
  bool isTraced() const { return segments.has_value(); }
  /// For a traced program: runs `inputs` like `run` and sets
  /// `(*recordings)[i]` to what the model recorded on input i (when it
  /// succeeded): the data of `rasp-run --trace` and `--report`.
  std::vector<RunResult>
  runTraced(llvm::ArrayRef<TokenIds> inputs,
            std::vector<trace::ForwardResult> &recordings) const;
  /// The estimated bytes a run of `rows` inputs padded to `positions`
  /// (BOS included) allocates (runtime::ActivationEstimate).
  uint64_t estimateRunBytes(int64_t rows, int64_t positions) const;

  /// Compiles `program` with `options`. Stages are timed as scopes nested
  /// in `timing` ("compile to tensor IR", "lower to LLVM dialect", "JIT
  /// compile"). Emits located diagnostics and fails if it does not compile.
  static FailureOr<std::unique_ptr<CompiledProgram>>
  compile(const LoadedProgram &program, const DriverOptions &options,
          TimingScope *timing = nullptr);

private:
  CompiledProgram() = default;
  /// Runs the inputs `chunk` indexes as one padded batch; `rows`, if given,
  /// receives every position (BOS included) of every input's whole result.
  void runChunk(llvm::ArrayRef<TokenIds> inputs, llvm::ArrayRef<size_t> chunk,
                std::vector<RunResult> &results,
                std::vector<std::vector<float>> *vectors,
                std::vector<std::vector<float>> *rows) const;

  OwningOpRef<ModuleOp> module;
  runtime::ActivationEstimate activations;
  std::unique_ptr<runtime::CompiledModel> model;
  runtime::CompileStats stats;
  RunConfig config;
  std::vector<PyValue> outputValues;
  bool categorical = false;
  /// Width W of the output subspace: the first W columns of the result.
  int64_t outputWidth = 0;
  std::optional<trace::TraceSegments> segments;

  /// Runs the inputs in chunks that fit the memory budget (runChunk).
  std::vector<RunResult> runBatch(llvm::ArrayRef<TokenIds> inputs,
                                  std::vector<std::vector<float>> *vectors,
                                  std::vector<std::vector<float>> *rows) const;
};

/// The reference interpreter. Emits diagnostics and fails if the program
/// cannot be prepared.
FailureOr<std::unique_ptr<Executor>>
createInterpreterExecutor(const LoadedProgram &program);

/// The craft evaluator in float32 on the layered model the compiled program
/// converts (compileToCraftModel), its components in layer order. Emits
/// diagnostics and fails if the program does not compile.
FailureOr<std::unique_ptr<Executor>>
createCraftExecutor(const LoadedProgram &program, const DriverOptions &options);

/// Compiles `program` as the traced variant of the model function
/// (`options` with `pipeline.trace` set), JIT-compiles it, and sets every
/// result's `RunResult::document` to the trace document (options.trace) of
/// what the model recorded; `model` is the craft model of the same program
/// and options (compileToCraftModel), for the names of the layout and the
/// heads. Emits diagnostics and fails if the program does not compile or
/// the model does not use `program`'s vocabulary.
FailureOr<std::unique_ptr<Executor>>
createTraceExecutor(const LoadedProgram &program, CraftModel model,
                    const DriverOptions &options,
                    TimingScope *timing = nullptr);

/// `program` compiled as the traced variant of the model function
/// (`options` with `pipeline.trace` set): CompiledProgram::runTraced.
FailureOr<std::unique_ptr<CompiledProgram>>
compileTraced(const LoadedProgram &program, const DriverOptions &options,
              TimingScope *timing = nullptr);

/// `model` assembled (for the names of its subspaces and heads and its
/// readout). Emits an error and fails if its token ids are not `config`'s
/// vocabulary in order.
FailureOr<craft::AssembledModel> assembleTracedModel(const CraftModel &model,
                                                     const RunConfig &config);

/// What a trace of `program` needs: the traced variant compiled
/// (compileTraced), `model` assembled (assembleTracedModel) and the layout of
/// its residual stream.
struct TracedProgram {
  std::unique_ptr<CompiledProgram> compiled;
  craft::AssembledModel assembled;
  trace::TraceLayout layout;
};

/// Builds the TracedProgram of `program` and its craft model `model` (the
/// one trace and report executors use). Emits diagnostics and fails like
/// its parts.
FailureOr<TracedProgram> prepareTrace(const LoadedProgram &program,
                                      const CraftModel &model,
                                      const DriverOptions &options,
                                      TimingScope *timing = nullptr);

/// The value a float32 model output stands for: the shortest decimal that
/// reads back as the same float, as a Python float (so 1/3 prints as
/// 0.33333334, not 0.3333333432674408).
PyValue float32Value(float value);

/// Why `ids` is not an input of a program with `config`: an id outside the
/// vocabulary or more than max-seq-len tokens. Empty if it is one.
std::string checkTokenIds(llvm::ArrayRef<unsigned> ids,
                          const RunConfig &config);

} // namespace mlir::rasp::driver

#endif // RASPDIALECT_DRIVER_EXECUTOR_H
