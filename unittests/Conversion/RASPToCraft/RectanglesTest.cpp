//===- RectanglesTest.cpp - Relations over pairs as unions of rectangles --===//
//
// factorRelation writes a relation over ((a_k, b_k), (a_q, b_q)) as disjoint
// rectangles A_i x B_i: the tests rebuild the relation from the rectangles
// and compare it entry by entry, and check the rectangle counts of the
// relations selector widths meet.
//
//===----------------------------------------------------------------------===//

#include "RaspDialect/Conversion/RASPToCraft/Synthesis/Rectangles.h"

#include "gtest/gtest.h"

using namespace mlir;
using namespace mlir::craft;
using namespace mlir::craft::synth;

namespace {

using Relation = std::function<bool(int64_t, int64_t, int64_t, int64_t)>;

/// The rectangles of `rel`, and a check that they partition it: every
/// entry of the relation lies in exactly one rectangle, no other entry in
/// any.
std::vector<Rectangle> factorAndCheck(PairSizes n, const Relation &rel,
                                      int64_t maxRectangles = 16) {
  auto result = factorRelation(
      n,
      [&](int64_t ak, int64_t bk, int64_t aq,
          int64_t bq) -> llvm::Expected<bool> { return rel(ak, bk, aq, bq); },
      maxRectangles);
  EXPECT_TRUE(static_cast<bool>(result));
  if (!result) {
    llvm::consumeError(result.takeError());
    return {};
  }
  EXPECT_TRUE(result->has_value());
  std::vector<Rectangle> rects = std::move(**result);
  for (int64_t ak = 0; ak < n.ak; ++ak)
    for (int64_t bk = 0; bk < n.bk; ++bk)
      for (int64_t aq = 0; aq < n.aq; ++aq)
        for (int64_t bq = 0; bq < n.bq; ++bq) {
          int covered = 0;
          for (const Rectangle &r : rects)
            covered += r.a.get(aq, ak) != 0 && r.b.get(bq, bk) != 0;
          EXPECT_EQ(covered, rel(ak, bk, aq, bq) ? 1 : 0)
              << ak << " " << bk << " " << aq << " " << bq;
        }
  return rects;
}

TEST(RectanglesTest, LexicographicOrderIsTwoRectangles) {
  // sort's keys token + index / N compared with <: a_k < a_q, or a_k == a_q
  // and b_k < b_q.
  std::vector<Rectangle> rects = factorAndCheck(
      {4, 5, 4, 5}, [](int64_t ak, int64_t bk, int64_t aq, int64_t bq) {
        return ak < aq || (ak == aq && bk < bq);
      });
  EXPECT_EQ(rects.size(), 2u);
}

TEST(RectanglesTest, SortFreqKeysAreTwoRectangles) {
  // sort_freq: keys -hist + index / N, hist in 0..5.
  auto key = [](int64_t h, int64_t i) { return -h + i / 5.0; };
  std::vector<Rectangle> rects = factorAndCheck(
      {6, 5, 6, 5}, [&](int64_t ak, int64_t bk, int64_t aq, int64_t bq) {
        return key(ak, bk) < key(aq, bq);
      });
  EXPECT_EQ(rects.size(), 2u);
}

TEST(RectanglesTest, RelationOfOneOperandIsOneRectangle) {
  // Only a matters: one rectangle whose b-table holds everywhere.
  std::vector<Rectangle> rects =
      factorAndCheck({3, 2, 3, 2}, [](int64_t ak, int64_t, int64_t aq,
                                      int64_t) { return ak <= aq; });
  ASSERT_EQ(rects.size(), 1u);
  EXPECT_EQ(rects[0].b.getNumNonZeros(), 4);
}

TEST(RectanglesTest, EmptyRelationHasNoRectangles) {
  EXPECT_TRUE(
      factorAndCheck({2, 2, 2, 2}, [](int64_t, int64_t, int64_t, int64_t) {
        return false;
      }).empty());
}

TEST(RectanglesTest, TooManyRectangles) {
  // a_k + b_k == a_q + b_q over 0..3: every (a_k, a_q) with |a_k - a_q| <= 3
  // induces a different b-relation.
  auto result = factorRelation(
      {4, 4, 4, 4},
      [](int64_t ak, int64_t bk, int64_t aq,
         int64_t bq) -> llvm::Expected<bool> { return ak + bk == aq + bq; },
      3);
  ASSERT_TRUE(static_cast<bool>(result));
  EXPECT_FALSE(result->has_value());
  factorAndCheck({4, 4, 4, 4}, [](int64_t ak, int64_t bk, int64_t aq,
                                  int64_t bq) { return ak + bk == aq + bq; });
}

TEST(RectanglesTest, ErrorsArePassedOn) {
  auto result = factorRelation(
      {1, 1, 1, 1},
      [](int64_t, int64_t, int64_t, int64_t) -> llvm::Expected<bool> {
        return llvm::createStringError("TypeError: no order");
      },
      4);
  ASSERT_FALSE(static_cast<bool>(result));
  EXPECT_EQ(llvm::toString(result.takeError()), "TypeError: no order");
}

} // namespace
