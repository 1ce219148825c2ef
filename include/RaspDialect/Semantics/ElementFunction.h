//===- ElementFunction.h - Evaluation of element functions ------*- C++ -*-===//
//
// The one evaluator of RASP element functions: the bodies of `rasp.map`,
// `rasp.sequence_map` and `rasp.select_where`. The interpreter, basis
// inference and weight synthesis all call it, so the compiled model and the
// reference semantics cannot drift apart.
//
// Ops in a body have Python semantics on PyValues: `arith` integer ops trap
// on 64-bit overflow, `arith.divf` and `arith.floordivsi` trap on a zero
// divisor, `scf.if` evaluates only the taken branch.
//
//===----------------------------------------------------------------------===//

#ifndef RASPDIALECT_SEMANTICS_ELEMENTFUNCTION_H
#define RASPDIALECT_SEMANTICS_ELEMENTFUNCTION_H

#include "RaspDialect/Semantics/PyValue.h"

#include "mlir/IR/Location.h"
#include "mlir/IR/Region.h"

#include <memory>

namespace mlir::rasp {

/// Where and why an element function failed.
struct EvalError {
  Location loc;
  std::string message;
};

/// What an element function reads of one argument: the values its body
/// computes from that argument alone (and constants) where they meet another
/// argument or become the result. Two values of the argument with equal keys
/// give equal results, and the same evaluation errors, against every value
/// of the other arguments (ElementFunction::keyOf).
struct ArgumentKey {
  enum class State : uint8_t { Value, Failed, NotComputed };
  llvm::SmallVector<PyValue, 2> values;
  llvm::SmallVector<State, 2> states;
  /// The value does not bind to the argument's type (the function fails).
  bool uncoercible = false;

  /// Identical values (`1` and `1.0` differ) in identical states.
  bool operator==(const ArgumentKey &other) const;
  bool operator!=(const ArgumentKey &other) const { return !(*this == other); }
};

llvm::hash_code hash_value(const ArgumentKey &key);

/// An element function body prepared for repeated evaluation. Cheap to copy.
class ElementFunction {
public:
  /// Prepares the single-block `body`, which must end in `rasp.yield`.
  /// Emits an error at the first op the evaluator does not support.
  static FailureOr<ElementFunction> get(Region &body);

  unsigned getNumArguments() const;

  /// Evaluates the function on `args`, which are first coerced to the block
  /// argument types. On failure, fills `error` if given.
  FailureOr<PyValue> operator()(llvm::ArrayRef<PyValue> args,
                                EvalError *error = nullptr) const;

  /// The key of `value` as argument `arg` (see ArgumentKey): a function that
  /// reads `x` only through `x < 0` has two keys, whatever the other
  /// arguments. Parts of the body that depend on `arg` alone are evaluated
  /// as the body would (only the taken branch of a condition on `arg`
  /// alone); a failure there is a key state, not an error. A value that
  /// does not coerce to the argument's type has a key of its own.
  ArgumentKey keyOf(unsigned arg, const PyValue &value) const;

  /// Whether some key of `arg` is smaller than the argument itself: false
  /// when the argument meets the others (or is the result) directly, so that
  /// every value is its own key.
  bool hasNarrowKeys(unsigned arg) const;

  struct Impl;

private:
  explicit ElementFunction(std::shared_ptr<const Impl> impl)
      : impl(std::move(impl)) {}
  std::shared_ptr<const Impl> impl;
};

/// Values of one argument grouped by their keys (ElementFunction::keyOf):
/// values with equal keys are interchangeable for the function.
struct KeyClasses {
  /// The class of each value.
  std::vector<uint32_t> classOf;
  /// The index of the first value of each class.
  std::vector<uint32_t> representatives;
};

/// Groups `values` of argument `arg` of `fn` by key, one key evaluation per
/// value.
KeyClasses classifyByKey(const ElementFunction &fn, unsigned arg,
                         llvm::ArrayRef<PyValue> values);

/// The classes of the values of both arguments of a two-argument function:
/// x and x' share a class iff f(x, y) and f(x', y) are identical for every
/// y in `ys` (and likewise for y). Computed from the key classes with one
/// call per pair of key classes, so a function that reads its arguments
/// through a few comparisons costs |xs| + |ys| key evaluations, not
/// |xs| * |ys| calls. `call` evaluates the function (and reports failures).
struct PairClasses {
  KeyClasses lhs, rhs;
  /// The function on the representatives, row-major: table[i * #rhs + j].
  std::vector<PyValue> table;
};
FailureOr<PairClasses> classifyPair(
    const ElementFunction &fn, llvm::ArrayRef<PyValue> xs,
    llvm::ArrayRef<PyValue> ys,
    llvm::function_ref<FailureOr<PyValue>(const PyValue &, const PyValue &)>
        call);

/// Returns the failure's text in the form used by every diagnostic that
/// reports an evaluation error: "<message> (evaluating on <args>)".
std::string describeEvalFailure(const EvalError &error,
                                llvm::ArrayRef<PyValue> args);

} // namespace mlir::rasp

#endif // RASPDIALECT_SEMANTICS_ELEMENTFUNCTION_H
