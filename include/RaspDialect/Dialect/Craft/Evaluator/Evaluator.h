//===- Evaluator.h - Running craft components on vectors --------*- C++ -*-===//
//
// The craft evaluator applies components, or a whole `craft.program`, to
// per-position vectors in their named bases, in double or float32 precision.
// It is the oracle of the weight-synthesis unit tests: a construction is
// correct when, evaluated in float32, every reachable input decodes to the
// value the RASP semantics gives.
//
// Float32 evaluation rounds every weight to float and accumulates products in
// float in a fixed order (rows of the weight matrix in increasing order,
// keys in increasing position), like a straightforward dense kernel.
//
//===----------------------------------------------------------------------===//

#ifndef RASPDIALECT_DIALECT_CRAFT_EVALUATOR_EVALUATOR_H
#define RASPDIALECT_DIALECT_CRAFT_EVALUATOR_EVALUATOR_H

#include "RaspDialect/Dialect/Craft/Evaluator/Blocks.h"
#include "RaspDialect/Semantics/PyValue.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/Support/Error.h"

#include <memory>

namespace mlir::craft {

/// The contents of one subspace at every position: `numPositions x dim`,
/// row-major.
template <typename T>
struct Activation {
  Activation(int64_t numPositions = 0, int64_t dim = 0)
      : numPositions(numPositions), dim(dim), data(numPositions * dim, T(0)) {}

  T *row(int64_t position) { return data.data() + position * dim; }
  const T *row(int64_t position) const { return data.data() + position * dim; }
  T &at(int64_t position, int64_t i) { return data[position * dim + i]; }
  T at(int64_t position, int64_t i) const { return data[position * dim + i]; }

  int64_t numPositions;
  int64_t dim;
  std::vector<T> data;
};

/// Applies an MLP; returns one activation per result.
template <typename T>
std::vector<Activation<T>>
applyMLP(const MLPBlock &block, llvm::ArrayRef<const Activation<T> *> inputs);

/// Applies an attention head over all positions of its operands.
template <typename T>
Activation<T> applyAttention(const AttentionBlock &block,
                             llvm::ArrayRef<const Activation<T> *> queries,
                             llvm::ArrayRef<const Activation<T> *> keys,
                             llvm::ArrayRef<const Activation<T> *> values);

/// Index of the direction a categorical vector encodes: the argmax, or -1
/// (None) if no entry reaches 1/2.
template <typename T>
int64_t decodeCategoricalIndex(const T *vector, int64_t dim);

/// Decodes one position of a subspace with basis `space`: the argmax value
/// of a categorical space (None for a vector without an entry >= 1/2), the
/// float value of a numerical one.
template <typename T>
rasp::PyValue decode(SpaceAttr space, const T *vector);

/// The values a categorical space one-hot encodes.
FailureOr<rasp::ValueSet> spaceValues(SpaceAttr space);

/// The state of every subspace after running a program on one input.
template <typename T>
struct ProgramTrace {
  llvm::DenseMap<Value, Activation<T>> values;
  /// Input length + 1 (BOS).
  int64_t numPositions = 0;

  /// Decoded contents of `value` at positions 1..n (BOS dropped).
  std::vector<rasp::PyValue> decode(Value value) const;
};

/// A `craft.program` prepared for repeated evaluation.
class ProgramEvaluator {
public:
  /// Reads the weights of every component of `program` once.
  static FailureOr<ProgramEvaluator> get(ProgramOp program);

  /// Runs the program on `tokens` (without BOS). Fails on tokens outside the
  /// vocabulary and inputs longer than the indices space.
  template <typename T>
  llvm::Expected<ProgramTrace<T>>
  run(llvm::ArrayRef<rasp::PyValue> tokens) const;

  /// Runs the program and decodes its output (BOS dropped).
  template <typename T>
  llvm::Expected<std::vector<rasp::PyValue>>
  runAndDecode(llvm::ArrayRef<rasp::PyValue> tokens) const;

  ProgramOp getProgram() const { return program; }

  struct Impl;

private:
  ProgramEvaluator(ProgramOp program, std::shared_ptr<const Impl> impl)
      : program(program), impl(std::move(impl)) {}
  // Op handles are cheap values; mutable because their accessors are not const.
  mutable ProgramOp program;
  std::shared_ptr<const Impl> impl;
};

} // namespace mlir::craft

#endif // RASPDIALECT_DIALECT_CRAFT_EVALUATOR_EVALUATOR_H
