//===- IndexArithmetic.h - Linear relations of positions --------*- C++ -*-===//
//
// Finds the selectors whose query and key SOps are functions of `indices`
// alone and whose relation is "key index == m * query index + d" for
// integers m, d (`select(indices, indices + 1, ==)`, Tracr's `shift_by`,
// ...). Such a selector can be an attention head whose score is the exact
// quadratic form -(i_k - m i_q - d)^2 over the numerical position features
// i and i^2 (docs/exactness.md, section 7), with a constant-size W_QK
// instead of a table over the two value sets. It also finds `select(k, q,
// ==)` between affine functions of the position and a selector width
// (`length - indices - 1`, a sort's `target_pos`), whose head reads the
// exact integer values of both sides (section 7.4). The analysis decides,
// per selector, which encoding gives the smaller model; the lowering
// follows it.
//
//===----------------------------------------------------------------------===//

#ifndef RASPDIALECT_ANALYSIS_INDEXARITHMETIC_H
#define RASPDIALECT_ANALYSIS_INDEXARITHMETIC_H

#include "RaspDialect/Dialect/RASP/IR/RASPOps.h"
#include "RaspDialect/Semantics/PyValue.h"

#include "llvm/ADT/DenseMap.h"

#include <optional>
#include <string>
#include <vector>

namespace mlir::rasp {

/// An integer SOp that is `widthCoeff * w + indexCoeff * i + constant` at
/// every position i, for at most one selector width w (`length - indices -
/// 1`, a sort's `target_pos`), checked on every (w, i) pair.
struct AffinePosition {
  /// The `rasp.selector_width` result w, or null (a function of indices).
  Value width;
  int64_t widthCoeff = 0, indexCoeff = 0, constant = 0;
  /// The smallest and largest value over all (w, i) pairs.
  int64_t lo = 0, hi = 0;
  /// The values w takes (its value set), if `width` is set.
  std::vector<int64_t> widths;
};

/// The encoding chosen for one selector of an aggregate or selector width.
struct IndexSelectorPlan {
  /// Selected iff key index == slope * query index + offset.
  int64_t slope = 0, offset = 0;
  /// Entries of the categorical W_QK table, and the size of the quadratic
  /// head (W_QK entries, the embedding of the position features, and their
  /// two residual directions counted as the table's query and key rows).
  int64_t categoricalCost = 0, quadraticCost = 0;
  /// The quadratic form is used (it is exact and smaller).
  bool quadratic = false;
  /// Why: the comparison of the costs, or what rules the form out.
  std::string reason;
  /// Set for `select(key, query, ==)` between affine positions of which
  /// one reads a selector width (docs/exactness.md, 7.4): the head's score
  /// is -(a x_k + b x_q + c)^2, where x is the side's exact numerical value
  /// if it reads a width (coefficient 1, constant 0) and the position i
  /// otherwise (its index coefficient and constant).
  std::optional<AffinePosition> keyForm, queryForm;
  int64_t a = 1, b = 0, c = 0;
};

/// Runs over one program before weight synthesis.
class IndexArithmetic {
public:
  /// `positions` is the index value set (0 .. N-1).
  IndexArithmetic(ProgramOp program, int64_t maxSeqLen);

  /// The plan for a `select` or `select_where` result that is a linear
  /// relation of positions; null for every other selector.
  const IndexSelectorPlan *planFor(Value selector) const {
    auto it = plans.find(selector);
    return it == plans.end() ? nullptr : &it->second;
  }

  /// The largest magnitude the quadratic form's partial sums may reach for
  /// float32 to compute it exactly (half-integers below 2^22).
  static constexpr double kMaxExactScore = double(1 << 22);

private:
  /// The value of an SOp of `indices` alone at each position, if it is one.
  const std::vector<PyValue> *tableOf(Value sop);
  /// The SOp as an affine position, if it is one.
  std::optional<AffinePosition> formOf(Value sop);
  std::optional<AffinePosition> computeForm(Value sop);
  void analyse(Operation *select);
  /// `select(keys, queries, ==)` between affine positions.
  void analyseAffine(SelectOp select);

  int64_t n;
  llvm::DenseMap<Value, std::optional<std::vector<PyValue>>> tables;
  llvm::DenseMap<Value, std::optional<AffinePosition>> forms;
  llvm::DenseMap<Value, IndexSelectorPlan> plans;
};

} // namespace mlir::rasp

#endif // RASPDIALECT_ANALYSIS_INDEXARITHMETIC_H
