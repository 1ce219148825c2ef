//===- DirectionTest.cpp - Residual-basis labels of craft directions ------===//

#include "RaspDialect/Dialect/Craft/IR/CraftDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/MLIRContext.h"

#include "gtest/gtest.h"

using namespace mlir;
using namespace mlir::craft;

namespace {

class DirectionTest : public ::testing::Test {
protected:
  DirectionTest() : b(&context) { context.loadDialect<CraftDialect>(); }

  std::string label(StringRef name, Attribute value) {
    return DirectionAttr::get(&context, b.getStringAttr(name), value).str();
  }

  MLIRContext context;
  Builder b;
};

TEST_F(DirectionTest, LabelsLookLikeTracrs) {
  EXPECT_EQ(label("tokens", b.getStringAttr("a")), "tokens:a");
  EXPECT_EQ(label("indices", b.getI64IntegerAttr(3)), "indices:3");
  EXPECT_EQ(label("opp_index", b.getI64IntegerAttr(-1)), "opp_index:-1");
  EXPECT_EQ(label("one", Attribute()), "one");
  EXPECT_EQ(label("frac", b.getF64FloatAttr(0.5)), "frac:0.5");
  EXPECT_EQ(label("b", b.getBoolAttr(true)), "b:True");
  EXPECT_EQ(label("pair", b.getArrayAttr(
                              {b.getI64IntegerAttr(1), b.getStringAttr("a")})),
            "pair:(1, 'a')");
}

TEST_F(DirectionTest, SpacesListTheirDirections) {
  auto space = SpaceAttr::get(
      &context, b.getStringAttr("x"),
      b.getArrayAttr({b.getI64IntegerAttr(1), b.getI64IntegerAttr(2)}));
  EXPECT_TRUE(space.isCategorical());
  EXPECT_EQ(space.getDim(), 2u);
  EXPECT_EQ(space.getDirection(1).str(), "x:2");
  EXPECT_EQ(space.indexOf(b.getI64IntegerAttr(2)), 1u);
  EXPECT_EQ(space.indexOf(b.getI64IntegerAttr(3)), std::nullopt);

  auto numerical = SpaceAttr::get(b.getStringAttr("y"));
  EXPECT_TRUE(numerical.isNumerical());
  EXPECT_EQ(numerical.getDim(), 1u);
  EXPECT_EQ(numerical.getDirection(0).str(), "y");
}

} // namespace
