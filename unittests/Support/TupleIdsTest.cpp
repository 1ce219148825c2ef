//===- TupleIdsTest.cpp - Dense ids of integer rows -----------------------===//

#include "RaspDialect/Support/TupleIds.h"

#include "gtest/gtest.h"

#include <map>
#include <random>
#include <vector>

using namespace mlir::rasp;

namespace {

/// Files every row under one hash, so that every lookup walks the chain.
struct CollidingHash {
  uint64_t operator()(llvm::ArrayRef<int32_t>) const { return 7; }
};

/// Inserts random rows into `ids` and checks them against a std::map: equal
/// rows get equal ids, ids are dense in order of first insertion, and the
/// second insertion of a row is not new.
template <typename Ids>
void checkAgainstMap(Ids &ids, size_t width, int rows, int32_t range) {
  std::mt19937 rng(42);
  std::uniform_int_distribution<int32_t> value(-1, range);
  std::map<std::vector<int32_t>, int32_t> reference;
  for (int i = 0; i < rows; ++i) {
    std::vector<int32_t> row(width);
    for (int32_t &v : row)
      v = value(rng);
    auto [it, fresh] =
        reference.try_emplace(row, static_cast<int32_t>(reference.size()));
    auto [id, inserted] = ids.insert(row);
    ASSERT_EQ(inserted, fresh) << "row " << i;
    ASSERT_EQ(id, it->second) << "row " << i;
  }
  EXPECT_EQ(ids.size(), static_cast<int32_t>(reference.size()));
}

TEST(TupleIdsTest, DenseIdsInOrderOfFirstInsertion) {
  TupleIds<> ids(2);
  EXPECT_EQ(ids.insert({3, -1}), std::make_pair(0, true));
  EXPECT_EQ(ids.insert({-1, 3}), std::make_pair(1, true));
  EXPECT_EQ(ids.insert({3, -1}), std::make_pair(0, false));
  EXPECT_EQ(ids.size(), 2);
}

TEST(TupleIdsTest, AgreesWithAMapOfVectors) {
  TupleIds<> ids(3);
  checkAgainstMap(ids, 3, 20000, 20);
}

TEST(TupleIdsTest, CollidingHashesAreChained) {
  TupleIds<CollidingHash> ids(2);
  checkAgainstMap(ids, 2, 2000, 6);
}

TEST(TupleIdsTest, EmptyRowsAreOneRow) {
  TupleIds<> ids(0);
  EXPECT_EQ(ids.insert({}), std::make_pair(0, true));
  EXPECT_EQ(ids.insert({}), std::make_pair(0, false));
  EXPECT_EQ(ids.size(), 1);
}

} // namespace
