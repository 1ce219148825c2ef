//===- Selectors.h - Selection tables and composite selectors ---*- C++ -*-===//
//
// A selector becomes a table over (query value, key value) pairs. Composite
// selectors (`selector_and/or/not`) become a conjunction of tables, each over
// the value tuples of the SOps it reads; an attention head sums the
// conjuncts' logits, so a query selects a key exactly when every conjunct
// holds (docs/exactness.md, section 4).
//
//===----------------------------------------------------------------------===//

#ifndef RASPDIALECT_CONVERSION_RASPTOCRAFT_SYNTHESIS_SELECTORS_H
#define RASPDIALECT_CONVERSION_RASPTOCRAFT_SYNTHESIS_SELECTORS_H

#include "RaspDialect/Dialect/Craft/Evaluator/Matrix.h"
#include "RaspDialect/Dialect/RASP/IR/RASPDialect.h"
#include "RaspDialect/Semantics/PyValue.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/Error.h"

#include <optional>

namespace mlir::craft::synth {

/// The table of `select(keys, queries, predicate)`: rows are query values,
/// columns key values, entry (q, k) is `predicate(keys[k], queries[q])`.
/// Built-in comparisons of numbers or strings take a sorted fast path.
llvm::Expected<Matrix> comparisonTable(rasp::Comparison predicate,
                                       const rasp::ValueSet &keys,
                                       const rasp::ValueSet &queries);

/// The table of a predicate function `pred(key, query)`.
llvm::Expected<Matrix> predicateTable(
    llvm::function_ref<llvm::Expected<bool>(const rasp::PyValue &key,
                                            const rasp::PyValue &query)>
        pred,
    const rasp::ValueSet &keys, const rasp::ValueSet &queries);

/// A boolean combination of selects. Operands are numbered by the caller;
/// a leaf reads one key and one query operand, or none on a side whose SOp
/// is a constant (its table then has a single row or column).
struct SelectorTree {
  enum class Kind { Leaf, And, Or, Not };
  Kind kind = Kind::Leaf;
  std::optional<unsigned> keyOperand, queryOperand;
  Matrix table;
  std::vector<SelectorTree> children;

  static SelectorTree leaf(std::optional<unsigned> key,
                           std::optional<unsigned> query, Matrix table);
  static SelectorTree combine(Kind kind, std::vector<SelectorTree> children);
};

/// One factor of a selector: a table over the value tuples of its query
/// operands (rows, mixed radix with the first operand most significant) and
/// of its key operands (columns). No operands on a side: one row / column.
struct Conjunct {
  llvm::SmallVector<unsigned> queryOperands, keyOperands;
  Matrix table;
};

/// A selector as a conjunction: a key is selected iff every conjunct's entry
/// is 1. Conjuncts that are 1 everywhere are dropped; one that is 0
/// everywhere is kept with no operands (it selects nothing).
struct SelectorPlan {
  std::vector<Conjunct> conjuncts;
};

/// Pushes negations to the leaves, splits the top-level conjunction, merges
/// the factors that read the same operands and tabulates each factor over
/// its operands' value tuples. Fails if a table would exceed `maxEntries`.
llvm::Expected<SelectorPlan>
planSelector(const SelectorTree &tree,
             llvm::function_ref<int64_t(unsigned)> dimOf, int64_t maxEntries);

} // namespace mlir::craft::synth

#endif // RASPDIALECT_CONVERSION_RASPTOCRAFT_SYNTHESIS_SELECTORS_H
