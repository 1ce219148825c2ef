//===- Rectangles.cpp - Relations over pairs as unions of rectangles ------===//

#include "RaspDialect/Conversion/RASPToCraft/Synthesis/Rectangles.h"

#include <map>

using namespace mlir;
using namespace mlir::craft;
using namespace mlir::craft::synth;

llvm::Expected<std::optional<std::vector<Rectangle>>>
mlir::craft::synth::factorRelation(
    PairSizes n,
    llvm::function_ref<llvm::Expected<bool>(int64_t, int64_t, int64_t, int64_t)>
        relation,
    int64_t maxRectangles) {
  // The b-relation of each (a_k, a_q), as bits over (b_q, b_k); pairs with
  // the same non-empty b-relation form one rectangle. Every ((a_k, b_k),
  // (a_q, b_q)) in R lies in exactly the rectangle of its (a_k, a_q), so
  // the rectangles are disjoint and their union is R.
  std::map<std::vector<bool>, size_t> groups;
  std::vector<std::vector<bool>> bRelations;
  std::vector<std::vector<std::pair<int64_t, int64_t>>> aPairs;
  for (int64_t ak = 0; ak < n.ak; ++ak)
    for (int64_t aq = 0; aq < n.aq; ++aq) {
      std::vector<bool> bits(n.bq * n.bk);
      bool any = false;
      for (int64_t bq = 0; bq < n.bq; ++bq)
        for (int64_t bk = 0; bk < n.bk; ++bk) {
          llvm::Expected<bool> r = relation(ak, bk, aq, bq);
          if (!r)
            return r.takeError();
          bits[bq * n.bk + bk] = *r;
          any |= *r;
        }
      if (!any)
        continue;
      auto [it, inserted] = groups.try_emplace(bits, bRelations.size());
      if (inserted) {
        if (static_cast<int64_t>(bRelations.size()) == maxRectangles)
          return std::optional<std::vector<Rectangle>>();
        bRelations.push_back(bits);
        aPairs.emplace_back();
      }
      aPairs[it->second].push_back({aq, ak});
    }
  std::vector<Rectangle> rectangles;
  for (size_t i = 0; i < bRelations.size(); ++i) {
    Rectangle r;
    std::vector<Triplet> a;
    for (auto [aq, ak] : aPairs[i])
      a.push_back({aq, ak, 1.0});
    r.a = Matrix::fromTriplets(n.aq, n.ak, std::move(a));
    const std::vector<bool> &bits = bRelations[i];
    r.b = Matrix::fromPredicate(n.bq, n.bk, [&](int64_t bq, int64_t bk) {
      return bits[bq * n.bk + bk];
    });
    rectangles.push_back(std::move(r));
  }
  return std::optional<std::vector<Rectangle>>(std::move(rectangles));
}
