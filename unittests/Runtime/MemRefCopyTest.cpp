//===- MemRefCopyTest.cpp - The runtime's strided copy --------------------===//
//
// copyStrided stands in for MLIR's memrefCopy in every compiled model; the
// library programs exercise it end to end, these its corner cases.
//
//===----------------------------------------------------------------------===//

#include "MemRefCopy.h"

#include "gtest/gtest.h"

#include <numeric>
#include <vector>

using namespace mlir::rasp::runtime::detail;

namespace {
/// A ranked descriptor {allocated, aligned, offset, sizes, strides}.
std::vector<int64_t> describe(float *data, int64_t offset,
                              std::vector<int64_t> sizes,
                              std::vector<int64_t> strides) {
  std::vector<int64_t> fields = {reinterpret_cast<int64_t>(data),
                                 reinterpret_cast<int64_t>(data), offset};
  fields.insert(fields.end(), sizes.begin(), sizes.end());
  fields.insert(fields.end(), strides.begin(), strides.end());
  return fields;
}
} // namespace

TEST(MemRefCopyTest, CopiesATransposedView) {
  // A 3x4 row-major source read through a transposed 4x3 view, into a
  // 4x3 row-major target.
  std::vector<float> source(12), target(12, -1);
  std::iota(source.begin(), source.end(), 0.0f);
  auto from = describe(source.data(), 0, {4, 3}, {1, 4});
  auto to = describe(target.data(), 0, {4, 3}, {3, 1});
  UnrankedDescriptor a{2, from.data()}, b{2, to.data()};
  copyStrided(sizeof(float), &a, &b);
  for (int64_t i = 0; i < 4; ++i)
    for (int64_t j = 0; j < 3; ++j)
      EXPECT_EQ(target[i * 3 + j], source[j * 4 + i]) << i << "," << j;
}

TEST(MemRefCopyTest, CopiesContiguousRowsAtOffsets) {
  // Rows 1..2 of a 3x4 source (offset 4) into the middle of a padded
  // 2x6 target (offset 1, row stride 6).
  std::vector<float> source(12), target(12, -1);
  std::iota(source.begin(), source.end(), 0.0f);
  auto from = describe(source.data(), 4, {2, 4}, {4, 1});
  auto to = describe(target.data(), 1, {2, 4}, {6, 1});
  UnrankedDescriptor a{2, from.data()}, b{2, to.data()};
  copyStrided(sizeof(float), &a, &b);
  std::vector<float> expected = {-1, 4, 5, 6, 7, -1, -1, 8, 9, 10, 11, -1};
  EXPECT_EQ(target, expected);
}

TEST(MemRefCopyTest, RankZeroAndEmpty) {
  std::vector<float> source = {7}, target = {0};
  auto from = describe(source.data(), 0, {}, {});
  auto to = describe(target.data(), 0, {}, {});
  UnrankedDescriptor a{0, from.data()}, b{0, to.data()};
  copyStrided(sizeof(float), &a, &b);
  EXPECT_EQ(target[0], 7);
  // A dimension of size 0: nothing is read or written.
  auto empty = describe(nullptr, 0, {0, 3}, {3, 1});
  auto other = describe(target.data(), 0, {0, 3}, {3, 1});
  UnrankedDescriptor c{2, empty.data()}, d{2, other.data()};
  copyStrided(sizeof(float), &c, &d);
  EXPECT_EQ(target[0], 7);
}
