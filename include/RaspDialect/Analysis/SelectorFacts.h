//===- SelectorFacts.h - Input-independent selector facts -------*- C++ -*-===//
//
// Facts that hold for every input of length 1..max_seq_len, proved from the
// value sets and the element functions: whether a selector always selects a
// key, selects at most one key, or only selects keys holding equal values of
// an SOp, and whether an SOp holds distinct values at distinct positions.
//
// Every query answers "proved" (true) or "not proved" (false); false never
// claims the opposite. Proofs that would evaluate a predicate or function on
// more than `kMaxFactEvaluations` inputs give up. The rules are listed in
// docs/BasisInference.md.
//
//===----------------------------------------------------------------------===//

#ifndef RASPDIALECT_ANALYSIS_SELECTORFACTS_H
#define RASPDIALECT_ANALYSIS_SELECTORFACTS_H

#include "RaspDialect/Analysis/ValueSets.h"
#include "RaspDialect/Semantics/ElementFunction.h"

#include <functional>
#include <memory>

namespace mlir::rasp {

/// Budget of element-function evaluations for one proof.
inline constexpr size_t kMaxFactEvaluations = size_t(1) << 22;

/// Proves facts about the selectors and SOps of one program.
class SelectorFacts {
public:
  /// `valuesOf` gives the value set of every SOp the queries reach; `causal`
  /// says whether attention is masked to the prefix ending at the query.
  SelectorFacts(std::function<const ValueSet *(Value)> valuesOf, bool causal);
  ~SelectorFacts();
  SelectorFacts(SelectorFacts &&);

  /// At every query position `selector` selects at least one key.
  bool alwaysSelectsSome(Value selector);

  /// At every query position `selector` selects at most one key.
  bool selectsAtMostOne(Value selector);

  /// Distinct positions of `sop` always hold distinct (Python `!=`) values.
  bool isPositionInjective(Value sop);

  /// At every query position, the keys `selector` selects hold equal values
  /// of `sop`, so a categorical aggregate of `sop` never has to average.
  bool selectsEqualValues(Value selector, Value sop);

  struct Impl;

private:
  std::unique_ptr<Impl> impl;
};

} // namespace mlir::rasp

#endif // RASPDIALECT_ANALYSIS_SELECTORFACTS_H
