//===- SelectorFactsImpl.h - Internals of SelectorFacts ---------*- C++ -*-===//
//
// Shared by SelectorFacts.cpp (facts about selectors) and SOpFacts.cpp
// (facts about SOps: injective, uniform, possibly None).
//
//===----------------------------------------------------------------------===//

#ifndef RASPDIALECT_LIB_ANALYSIS_SELECTORFACTSIMPL_H
#define RASPDIALECT_LIB_ANALYSIS_SELECTORFACTSIMPL_H

#include "RaspDialect/Analysis/SelectorFacts.h"

#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/DenseMap.h"

#include <optional>

namespace mlir::rasp {
namespace detail {
/// A selector as one predicate over the values of `keys` and `queries`.
struct PredicateView {
  Value keys, queries;
  /// Whether a key holding `k` is selected for a query holding `q`; failure
  /// if the predicate cannot be evaluated.
  std::function<FailureOr<bool>(const PyValue &k, const PyValue &q)> eval;
  /// The selector is exactly `select(keys, queries, eq)`.
  bool pureEq = false;
};

/// True if no two of `values` are equal and none is None.
bool allDistinct(llvm::ArrayRef<PyValue> values);

/// True if `v` holds statically typed values: its value set then lists every
/// value it can hold exactly (a dynamically typed set merges 1 and 1.0).
inline bool isStaticallyTyped(Value v) {
  return !isa<AnyValueType>(cast<SOpType>(v.getType()).getValueType());
}
} // namespace detail

/// The state behind SelectorFacts: memoized facts per SOp and compiled
/// element functions per op.
struct SelectorFacts::Impl {
  std::function<const ValueSet *(Value)> valuesOf;
  bool causal;
  llvm::DenseMap<Operation *, std::optional<ElementFunction>> functions;
  llvm::DenseMap<Value, bool> injective, uniform, noneable;

  /// The value set of `v`; an empty set if unknown (nothing is then proved
  /// from it, as every proof needs a non-trivial enumeration or structure).
  const ValueSet &set(Value v) {
    static const ValueSet empty;
    const ValueSet *s = valuesOf(v);
    return s ? *s : empty;
  }

  bool known(Value v) { return valuesOf(v) != nullptr; }

  /// The evaluator of `op`'s body (cheap to copy), or nullopt if it has none
  /// we can run. Diagnostics are swallowed: basis inference reported them.
  std::optional<ElementFunction> function(Operation *op) {
    auto [it, inserted] = functions.try_emplace(op);
    if (inserted) {
      ScopedDiagnosticHandler silence(op->getContext(),
                                      [](Diagnostic &) { return success(); });
      FailureOr<ElementFunction> fn = ElementFunction::get(op->getRegion(0));
      if (succeeded(fn))
        it->second = *fn;
    }
    return it->second;
  }

  std::optional<detail::PredicateView> view(Value selector);
  bool alwaysSelectsSome(Value selector);
  bool selectsAtMostOne(Value selector);
  bool isPositionInjective(Value sop);
  bool computeInjective(Value sop);
  bool isUniform(Value sop);
  bool mayBeNone(Value sop);
  FailureOr<ValueSet> evaluateOnAll(Operation *op, const ValueSet &lhs,
                                    const ValueSet *rhs);
  bool selectsEqualValues(Value selector, Value sop);
  bool isFunctionOf(Value sop, Value root, llvm::DenseMap<Value, bool> &memo);
  FailureOr<PyValue> evalAt(Value sop, Value root, const PyValue &rootValue,
                            llvm::DenseMap<Value, PyValue> &memo);
};

} // namespace mlir::rasp

#endif // RASPDIALECT_LIB_ANALYSIS_SELECTORFACTSIMPL_H
