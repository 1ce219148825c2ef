//===- Rectangles.h - Relations as unions of rectangles ---------*- C++ -*-===//
//
// A selector whose keys and queries are functions of two SOps each,
// key = f(a_k, b_k) and query = g(a_q, b_q), selects by a relation
// R((a_k, b_k), (a_q, b_q)). Grouping the pairs (a_k, a_q) by the relation
// they induce between b_k and b_q writes R as a disjoint union of rectangles
// A_i(a_k, a_q) x B_i(b_k, b_q): a head per rectangle needs no feature of
// the pairs, only the one-hots of a and b (docs/Fusion.md, "Factorised
// selector widths"). Lexicographic orders, as in sort's keys
// token + index / N, give two rectangles: a_k < a_q, and a_k == a_q with
// b_k < b_q.
//
//===----------------------------------------------------------------------===//

#ifndef RASPDIALECT_CONVERSION_RASPTOCRAFT_SYNTHESIS_RECTANGLES_H
#define RASPDIALECT_CONVERSION_RASPTOCRAFT_SYNTHESIS_RECTANGLES_H

#include "RaspDialect/Dialect/Craft/Evaluator/Matrix.h"

#include "llvm/Support/Error.h"

#include <optional>
#include <vector>

namespace mlir::craft::synth {

/// One rectangle: `a` is a 0/1 table over (a_q, a_k) (rows, columns), `b`
/// over (b_q, b_k).
struct Rectangle {
  Matrix a, b;
};

/// The sizes of the value sets of a_k, b_k, a_q and b_q.
struct PairSizes {
  int64_t ak, bk, aq, bq;
};

/// R as a disjoint union of rectangles, or std::nullopt if it needs more
/// than `maxRectangles`. `relation(ak, bk, aq, bq)` gives R on value
/// indices; its errors are passed on.
llvm::Expected<std::optional<std::vector<Rectangle>>> factorRelation(
    PairSizes sizes,
    llvm::function_ref<llvm::Expected<bool>(int64_t, int64_t, int64_t, int64_t)>
        relation,
    int64_t maxRectangles);

/// The same from R a block at a time: `block(ak, aq, bits)` sets
/// bits[bq * sizes.bk + bk] (initially 0) to R((ak, bk), (aq, bq)) for every
/// bq and bk, so a caller that knows R's structure skips a call per pair.
llvm::Expected<std::optional<std::vector<Rectangle>>> factorRelationByBlocks(
    PairSizes sizes,
    llvm::function_ref<llvm::Error(int64_t, int64_t,
                                   llvm::MutableArrayRef<uint8_t>)>
        block,
    int64_t maxRectangles);

} // namespace mlir::craft::synth

#endif // RASPDIALECT_CONVERSION_RASPTOCRAFT_SYNTHESIS_RECTANGLES_H
