//===- MatrixTest.cpp - Craft weight matrices and their attributes --------===//

#include "RaspDialect/Dialect/Craft/Evaluator/Matrix.h"
#include "RaspDialect/Dialect/Craft/IR/CraftWeights.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/MLIRContext.h"

#include "gtest/gtest.h"

using namespace mlir;
using namespace mlir::craft;

namespace {

/// Every entry of `m` as a dense row-major array.
std::vector<double> entries(const Matrix &m) {
  std::vector<double> out;
  for (int64_t r = 0; r < m.getRows(); ++r)
    for (int64_t c = 0; c < m.getCols(); ++c)
      out.push_back(m.get(r, c));
  return out;
}

TEST(MatrixTest, TripletsSumDuplicatesAndDropZeros) {
  Matrix m = Matrix::fromTriplets(
      2, 3, {{1, 2, 1.5}, {0, 0, 2.0}, {1, 2, 0.5}, {0, 1, 1.0}, {0, 1, -1.0}});
  EXPECT_EQ(entries(m), (std::vector<double>{2, 0, 0, 0, 0, 2}));
  EXPECT_EQ(m.getNumNonZeros(), 2);
  EXPECT_FALSE(m.isZeroOne());
}

TEST(MatrixTest, RowTimesMatrixInBothPrecisions) {
  Matrix m = Matrix::fromTriplets(3, 2, {{0, 0, 1}, {1, 1, 2}, {2, 0, -1}});
  double xd[3] = {1, 2, 3}, yd[2] = {0, 0};
  m.accumulateRowTimes(xd, yd);
  EXPECT_EQ(yd[0], -2);
  EXPECT_EQ(yd[1], 4);
  Matrix bits = Matrix::fromPredicate(
      3, 70, [](int64_t r, int64_t c) { return c % 3 == r; });
  std::vector<float> xf = {1, 10, 100}, yf(70, 0);
  bits.accumulateRowTimes(xf.data(), yf.data());
  for (int c = 0; c < 70; ++c)
    EXPECT_EQ(yf[c], c % 3 == 0 ? 1 : c % 3 == 1 ? 10 : 100);
}

class MatrixAttrTest : public ::testing::Test {
protected:
  MLIRContext context;
};

TEST_F(MatrixAttrTest, SmallMatricesAreDense) {
  Matrix m = Matrix::fromTriplets(2, 2, {{0, 1, 0.25}, {1, 0, -3}});
  ElementsAttr attr = m.toElementsAttr(&context);
  ASSERT_TRUE(isa<DenseElementsAttr>(attr));
  EXPECT_TRUE(cast<ShapedType>(attr.getShapedType()).getElementType().isF64());
  EXPECT_EQ(entries(Matrix::fromElementsAttr(attr)), entries(m));

  Matrix table =
      Matrix::fromPredicate(3, 3, [](int64_t r, int64_t c) { return r < c; });
  ElementsAttr tableAttr = table.toElementsAttr(&context);
  EXPECT_TRUE(cast<ShapedType>(tableAttr.getShapedType())
                  .getElementType()
                  .isInteger(1));
  EXPECT_EQ(entries(Matrix::fromElementsAttr(tableAttr)), entries(table));
}

TEST_F(MatrixAttrTest, LargeSparseMatricesAreSparse) {
  std::vector<Triplet> diagonal;
  for (int64_t i = 0; i < 200; ++i)
    diagonal.push_back({i, 199 - i, i % 2 ? 1.0 : -0.5});
  Matrix m = Matrix::fromTriplets(200, 200, diagonal);
  ElementsAttr attr = m.toElementsAttr(&context);
  EXPECT_TRUE(isa<SparseElementsAttr>(attr));
  EXPECT_EQ(entries(Matrix::fromElementsAttr(attr)), entries(m));
  EXPECT_EQ(toDenseMatrix(attr), entries(m));
}

TEST_F(MatrixAttrTest, LargeTablesAreBitPacked) {
  // Not a multiple of 8 or 64 wide, so the packing order matters.
  Matrix m = Matrix::fromPredicate(
      67, 101, [](int64_t r, int64_t c) { return (r * 7 + c * 3) % 5 < 2; });
  ElementsAttr attr = m.toElementsAttr(&context);
  auto dense = dyn_cast<DenseElementsAttr>(attr);
  ASSERT_TRUE(dense);
  EXPECT_TRUE(dense.getElementType().isInteger(1));
  // The bits read back through the generic accessor and our fast path agree.
  int64_t i = 0;
  for (bool b : dense.getValues<bool>()) {
    EXPECT_EQ(b, m.get(i / 101, i % 101) == 1.0);
    ++i;
  }
  EXPECT_EQ(entries(Matrix::fromElementsAttr(attr)), entries(m));
}

TEST_F(MatrixAttrTest, DenseResourcesAreRead) {
  std::vector<double> data = {0, 1.5, 0, -2, 0, 0};
  auto type = RankedTensorType::get({2, 3}, Float64Type::get(&context));
  auto attr = DenseF64ResourceElementsAttr::get(
      type, "w",
      HeapAsmResourceBlob::allocateAndCopyInferAlign(ArrayRef<double>(data)));
  EXPECT_TRUE(succeeded(verifyWeights(
      [&] { return emitError(UnknownLoc::get(&context)); }, attr, "w", 2, 3)));
  EXPECT_EQ(entries(Matrix::fromElementsAttr(cast<ElementsAttr>(attr))), data);
}

TEST_F(MatrixAttrTest, AllZeroIsASplat) {
  ElementsAttr attr = Matrix(3, 4).toElementsAttr(&context);
  auto dense = dyn_cast<DenseElementsAttr>(attr);
  ASSERT_TRUE(dense);
  EXPECT_TRUE(dense.isSplat());
  EXPECT_EQ(Matrix::fromElementsAttr(attr).getNumNonZeros(), 0);
}

} // namespace
