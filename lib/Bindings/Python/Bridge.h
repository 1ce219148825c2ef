//===- Bridge.h - The compiler as the Python module sees it -----*- C++ -*-===//
//
// The interface between raspc's native module (RaspcModule.cpp, pybind11,
// compiled with C++ exceptions, which pybind11 reports Python errors with)
// and the compiler (compiled without them, as LLVM and MLIR are). It uses
// the standard library only: no exception is thrown across it and nothing
// calls back into Python, so no exception can unwind through MLIR's frames;
// the module's translation unit stays free of MLIR's headers (and quick to
// compile). Failures are returned as `Outcome`s holding the diagnostics'
// text.
//
// A `ProgramBuilder` writes a `rasp.program` op by op, as raspc.rasp's
// expressions are visited in dependency order, and answers the value set of
// any SOp built so far (the compiler's own basis inference), which is what
// raspc tabulates Python functions on. A `Program` is the finished, checked
// program: interpreted, compiled to a `Model` (the JIT), or to its products
// (tensor IR, safetensors, statistics).
//
//===----------------------------------------------------------------------===//

#ifndef RASPC_BINDINGS_PYTHON_BRIDGE_H
#define RASPC_BINDINGS_PYTHON_BRIDGE_H

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace raspc {

/// A Python value: None, bool, int (64-bit), float, str or tuple.
struct Value {
  enum class Kind : uint8_t { None, Bool, Int, Float, Str, Tuple };
  Kind kind = Kind::None;
  bool boolean = false;
  int64_t integer = 0;
  double real = 0.0;
  std::string str;
  std::vector<Value> items;
};

/// A result or the text of what went wrong.
template <typename T>
struct Outcome {
  std::optional<T> value;
  std::string error;

  static Outcome failure(std::string message) {
    Outcome out;
    out.error = std::move(message);
    return out;
  }
  bool ok() const { return value.has_value(); }
};

enum class Encoding : uint8_t { Categorical, Numerical };

/// Tracr's Comparison, applied as `predicate(key, query)`.
enum class Comparison : uint8_t { Eq, Lt, Leq, Gt, Geq, Neq, True, False };

/// A vocabulary as `rasp-run --vocab=TEXT` (a comma-separated list) or
/// `--vocab-file=PATH` reads it, items typed by `type` ("auto", "str",
/// "int" or "float", as `--vocab-type`); errors name the file and line.
Outcome<std::vector<Value>> parseVocab(const std::string &text,
                                       const std::string &type);
Outcome<std::vector<Value>> readVocabFile(const std::string &path,
                                          const std::string &type);

/// The compile parameters and options of a program.
struct Parameters {
  /// The vocabulary in token-id order.
  std::vector<Value> vocab;
  int64_t maxSeqLen = 0;
  std::string bos = "BOS";
  bool causal = false;
  /// Options of the `--rasp-to-linalg` pipeline as rasp-opt takes them
  /// (`"fuse-mlps=false"`), applied after `optimize`.
  std::string compileOptions;
  /// false: every model-size optimisation off (rasp-run --optimize=false).
  bool optimize = true;
};

class Program;

/// Writes a `rasp.program` one op at a time. Every op gets the label of its
/// RASP expression as its location (a NameLoc), which names its residual
/// subspace and is how diagnostics point at it. SOps and selectors are
/// handles: indices in the order they were built.
class ProgramBuilder {
public:
  /// A program named `name` with `parameters` (the value sets depend on
  /// the vocabulary, max_seq_len and causal).
  static Outcome<std::unique_ptr<ProgramBuilder>>
  create(const std::string &name, const Parameters &parameters);
  ~ProgramBuilder();

  Outcome<int> tokens(const std::string &label, Encoding encoding);
  Outcome<int> indices(const std::string &label, Encoding encoding);
  Outcome<int> full(const Value &fill, const std::string &label,
                    Encoding encoding);
  /// A `rasp.map` whose body is the table `keys[i] -> results[i]`.
  Outcome<int> mapTable(int input, const std::vector<Value> &keys,
                        const std::vector<Value> &results,
                        const std::string &label, Encoding encoding);
  /// A `rasp.sequence_map` whose body is the table; keys are pairs (tuples).
  Outcome<int> sequenceMapTable(int lhs, int rhs,
                                const std::vector<Value> &keys,
                                const std::vector<Value> &results,
                                const std::string &label, Encoding encoding);
  Outcome<int> linearSequenceMap(int lhs, int rhs, double lhsCoeff,
                                 double rhsCoeff, const std::string &label,
                                 Encoding encoding);
  Outcome<int> select(int keys, int queries, Comparison predicate,
                      const std::string &label);
  /// A `rasp.select_where` whose body is the table over (key, query) pairs.
  Outcome<int> selectTable(int keys, int queries,
                           const std::vector<Value> &pairs,
                           const std::vector<bool> &selected,
                           const std::string &label);
  Outcome<int> selectorAnd(int lhs, int rhs, const std::string &label);
  Outcome<int> selectorOr(int lhs, int rhs, const std::string &label);
  Outcome<int> selectorNot(int input, const std::string &label);
  /// `defaultValue` absent: None.
  Outcome<int> aggregate(int selector, int input,
                         const std::optional<Value> &defaultValue,
                         const std::string &label, Encoding encoding);
  Outcome<int> selectorWidth(int selector, const std::string &label,
                             Encoding encoding);

  /// The value set of the SOp `sop` (without None), in the compiler's
  /// order: basis inference over the program built so far.
  Outcome<std::vector<Value>> valueSet(int sop);

  /// The program in MLIR's textual form, as far as it is built.
  std::string print();

  /// Ends the program with `output` as its output SOp and checks it and its
  /// parameters. The builder is spent either way.
  static Outcome<std::shared_ptr<Program>>
  finish(std::unique_ptr<ProgramBuilder> builder, int output);

  struct State;

private:
  explicit ProgramBuilder(std::unique_ptr<State> state);
  std::unique_ptr<State> state;
};

/// The outcome of one input.
struct RunResult {
  bool succeeded = false;
  /// The output sequence (BOS dropped), when it succeeded.
  std::vector<Value> values;
  std::string error;
};

/// The value every SOp or selector of a program took on one input.
struct Evaluation {
  bool succeeded = false;
  std::string error;
  /// Per requested handle: whether it is a selector.
  std::vector<bool> isSelector;
  /// Per requested handle: the values of an SOp, empty for a selector.
  std::vector<std::vector<Value>> values;
  /// Per requested handle: the selection of a selector, [query][key], empty
  /// for an SOp.
  std::vector<std::vector<std::vector<bool>>> selections;
};

/// A tensor of a safetensors file, float32 or bool, row-major.
struct Tensor {
  std::string name;
  std::vector<int64_t> shape;
  bool isBool = false;
  std::vector<float> data;
  std::vector<uint8_t> bits;
};

struct Safetensors {
  std::vector<Tensor> tensors;
  std::vector<std::pair<std::string, std::string>> metadata;
};

class Model;

/// A finished program and its parameters. Shared by the models compiled
/// from it, which read their weights from its MLIR context.
class Program : public std::enable_shared_from_this<Program> {
public:
  ~Program();

  const Parameters &getParameters() const;
  bool isNumerical() const;
  std::string print() const;

  /// Runs the reference interpreter on each input (token ids, BOS not
  /// included).
  std::vector<RunResult>
  interpret(const std::vector<std::vector<int64_t>> &inputs);
  /// Runs the interpreter on one input (token ids) and returns the values
  /// of `handles` (SOps and selectors of the builder).
  Evaluation evaluate(const std::vector<int64_t> &input,
                      const std::vector<int> &handles);

  /// Compiles the program to native code (the JIT).
  Outcome<std::shared_ptr<Model>> compile();
  Outcome<std::string> tensorIR();
  /// rasp-run --model-stats: text, or JSON.
  Outcome<std::string> modelStats(bool json);
  Outcome<Safetensors> safetensors();
  /// Writes the safetensors file (replacing `path` only with `overwrite`).
  Outcome<bool> writeSafetensors(const std::string &path, bool overwrite);
  /// The HTML report (docs/Report.md) of `inputs` (token ids).
  Outcome<bool> writeReport(const std::string &path,
                            const std::vector<std::vector<int64_t>> &inputs);

  struct State;
  explicit Program(std::unique_ptr<State> state);

private:
  std::unique_ptr<State> state;
};

/// The output of a batch run: per input its result and output vectors.
struct BatchResult {
  std::vector<RunResult> results;
  /// Per input: positions x width floats (BOS dropped).
  std::vector<std::vector<float>> vectors;
  int64_t width = 0;
};

/// A compiled model (the JIT), and its traced forward pass.
class Model {
public:
  ~Model();
  /// Runs the inputs (token ids, BOS not included) as one padded batch.
  BatchResult run(const std::vector<std::vector<int64_t>> &inputs);
  /// The trace document (docs/Trace.md, with raw vectors) of each input.
  std::vector<Outcome<std::string>>
  trace(const std::vector<std::vector<int64_t>> &inputs);
  bool isCategorical() const;
  /// The value of each output column of a categorical output.
  std::vector<Value> outputValues() const;

  struct State;
  explicit Model(std::unique_ptr<State> state);

private:
  std::unique_ptr<State> state;
};

} // namespace raspc

#endif // RASPC_BINDINGS_PYTHON_BRIDGE_H
