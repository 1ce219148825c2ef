//===- Interpreter.h - Reference interpreter of RASP programs ---*- C++ -*-===//
//
// Evaluates a `rasp.program` on input sequences with the semantics of Tracr's
// `DefaultRASPEvaluator` (or its `CausalEvaluator`). It is the oracle every
// compiled model is tested against. Element functions are evaluated by the
// shared `ElementFunction`, so basis inference and the interpreter agree.
//
// The one deliberate deviation from Tracr: a categorical aggregate whose
// selected values differ is an error (Tracr averages them, which a compiled
// categorical model cannot represent).
//
//===----------------------------------------------------------------------===//

#ifndef RASPDIALECT_INTERPRETER_INTERPRETER_H
#define RASPDIALECT_INTERPRETER_INTERPRETER_H

#include "RaspDialect/Dialect/RASP/IR/RASPOps.h"
#include "RaspDialect/Semantics/PyValue.h"

#include <memory>
#include <vector>

namespace mlir::rasp {

/// Where and why evaluating a program on one input failed.
struct InterpretError {
  Location loc;
  std::string message;
};

/// The value of a selector on one input: whether query position `q` selects
/// key position `k`.
class Selection {
public:
  Selection() = default;
  explicit Selection(unsigned length)
      : length(length), bits(size_t(length) * length, 0) {}

  /// The sequence length n; the matrix is n x n.
  unsigned size() const { return length; }
  bool get(unsigned query, unsigned key) const {
    return bits[size_t(query) * length + key];
  }
  void set(unsigned query, unsigned key, bool selected) {
    bits[size_t(query) * length + key] = selected;
  }
  /// Number of keys query position `query` selects.
  unsigned countSelected(unsigned query) const;

private:
  unsigned length = 0;
  std::vector<uint8_t> bits;
};

namespace detail {
struct PreparedProgram;
class Evaluator;
} // namespace detail

/// The values every SOp and selector of a program took on one input.
class Trace {
public:
  /// The per-position values of `sop`, a result of an op of the program
  /// (empty for any other value).
  llvm::ArrayRef<PyValue> getValues(Value sop) const;
  /// The selection matrix of `selector`, a result of an op of the program
  /// (an empty matrix for any other value).
  const Selection &getSelection(Value selector) const;
  /// The values of the interpreter's output SOp.
  llvm::ArrayRef<PyValue> getOutput() const;

private:
  friend class Interpreter;
  friend class detail::Evaluator;
  std::shared_ptr<const detail::PreparedProgram> program;
  std::vector<std::vector<PyValue>> sops;
  std::vector<Selection> selections;
};

/// A program prepared for evaluation on many inputs. Cheap to copy; the
/// program must outlive it.
class Interpreter {
public:
  /// Prepares `program` (compiling each element function once). `output`
  /// selects the SOp `run` returns; by default the program's output. Emits
  /// an error at the first op the interpreter cannot evaluate.
  static FailureOr<Interpreter> get(ProgramOp program, Value output = {});

  ProgramOp getProgram() const;
  Value getOutput() const;

  /// Evaluates the output SOp on `tokens`. Only the ops the output depends
  /// on run, as in Tracr. With `causal`, every selector is masked to keys at
  /// or before the query, as Tracr's CausalEvaluator. On failure fills
  /// `error` (location of the failing op and a message) if given.
  FailureOr<std::vector<PyValue>> run(llvm::ArrayRef<PyValue> tokens,
                                      bool causal,
                                      InterpretError *error = nullptr) const;

  /// Like `run`, but evaluates every op of the program and returns all
  /// values. Fails if any op fails, even one the output does not use.
  FailureOr<Trace> trace(llvm::ArrayRef<PyValue> tokens, bool causal,
                         InterpretError *error = nullptr) const;

private:
  explicit Interpreter(std::shared_ptr<const detail::PreparedProgram> impl)
      : impl(std::move(impl)) {}
  LogicalResult evaluate(llvm::ArrayRef<PyValue> tokens, bool causal,
                         bool everything, Trace &trace,
                         InterpretError *error) const;

  std::shared_ptr<const detail::PreparedProgram> impl;
};

} // namespace mlir::rasp

#endif // RASPDIALECT_INTERPRETER_INTERPRETER_H
