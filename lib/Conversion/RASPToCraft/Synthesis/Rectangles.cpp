//===- Rectangles.cpp - Relations over pairs as unions of rectangles ------===//

#include "RaspDialect/Conversion/RASPToCraft/Synthesis/Rectangles.h"

#include <cstring>

using namespace mlir;
using namespace mlir::craft;
using namespace mlir::craft::synth;

llvm::Expected<std::optional<std::vector<Rectangle>>>
mlir::craft::synth::factorRelationByBlocks(
    PairSizes n,
    llvm::function_ref<llvm::Error(int64_t, int64_t,
                                   llvm::MutableArrayRef<uint8_t>)>
        block,
    int64_t maxRectangles) {
  // The b-relation of each (a_k, a_q), as bits over (b_q, b_k); pairs with
  // the same non-empty b-relation form one rectangle. Every ((a_k, b_k),
  // (a_q, b_q)) in R lies in exactly the rectangle of its (a_k, a_q), so
  // the rectangles are disjoint and their union is R. There are at most
  // `maxRectangles` distinct b-relations, so a linear search finds a pair's.
  size_t size = static_cast<size_t>(n.bq * n.bk);
  std::vector<std::vector<uint8_t>> bRelations;
  std::vector<std::vector<std::pair<int64_t, int64_t>>> aPairs;
  std::vector<uint8_t> bits(size);
  for (int64_t ak = 0; ak < n.ak; ++ak)
    for (int64_t aq = 0; aq < n.aq; ++aq) {
      std::fill(bits.begin(), bits.end(), 0);
      if (llvm::Error e = block(ak, aq, bits))
        return std::move(e);
      if (llvm::none_of(bits, [](uint8_t b) { return b != 0; }))
        continue;
      size_t group = 0;
      while (group < bRelations.size() &&
             std::memcmp(bRelations[group].data(), bits.data(), size) != 0)
        ++group;
      if (group == bRelations.size()) {
        if (static_cast<int64_t>(bRelations.size()) == maxRectangles)
          return std::optional<std::vector<Rectangle>>();
        bRelations.push_back(bits);
        aPairs.emplace_back();
      }
      aPairs[group].push_back({aq, ak});
    }
  std::vector<Rectangle> rectangles;
  for (size_t i = 0; i < bRelations.size(); ++i) {
    Rectangle r;
    std::vector<Triplet> a;
    for (auto [aq, ak] : aPairs[i])
      a.push_back({aq, ak, 1.0});
    r.a = Matrix::fromTriplets(n.aq, n.ak, std::move(a));
    const std::vector<uint8_t> &relation = bRelations[i];
    r.b = Matrix::fromPredicate(n.bq, n.bk, [&](int64_t bq, int64_t bk) {
      return relation[bq * n.bk + bk] != 0;
    });
    rectangles.push_back(std::move(r));
  }
  return std::optional<std::vector<Rectangle>>(std::move(rectangles));
}

llvm::Expected<std::optional<std::vector<Rectangle>>>
mlir::craft::synth::factorRelation(
    PairSizes n,
    llvm::function_ref<llvm::Expected<bool>(int64_t, int64_t, int64_t, int64_t)>
        relation,
    int64_t maxRectangles) {
  return factorRelationByBlocks(
      n,
      [&](int64_t ak, int64_t aq,
          llvm::MutableArrayRef<uint8_t> bits) -> llvm::Error {
        for (int64_t bq = 0; bq < n.bq; ++bq)
          for (int64_t bk = 0; bk < n.bk; ++bk) {
            llvm::Expected<bool> r = relation(ak, bk, aq, bq);
            if (!r)
              return r.takeError();
            bits[bq * n.bk + bk] = *r;
          }
        return llvm::Error::success();
      },
      maxRectangles);
}
