//===- CategoricalMLPTest.cpp - Lookup, product and constant MLPs ---------===//
//
// Exhaustive checks over the value sets, in float32: every input value (pair)
// gives exactly the one-hot or number of the function's value, and BOS gives
// exactly zero.
//
//===----------------------------------------------------------------------===//

#include "RaspDialect/Conversion/RASPToCraft/Synthesis/CategoricalMLP.h"
#include "SynthesisTestUtils.h"

using namespace mlir;
using namespace mlir::craft;
using namespace mlir::craft::synth;
using namespace mlir::craft::testing;

namespace {

TEST(CategoricalMLPTest, IndexInUsesPythonEquality) {
  ValueSet s = {PyValue::integer(1), PyValue::real(2.5), PyValue::str("a")};
  EXPECT_EQ(indexIn(s, PyValue::real(1.0)), 0);
  EXPECT_EQ(indexIn(s, PyValue::boolean(true)), 0);
  EXPECT_EQ(indexIn(s, PyValue::str("a")), 2);
  EXPECT_EQ(indexIn(s, PyValue::integer(2)), -1);
}

TEST(CategoricalMLPTest, MapToCategoricalIsAnExactLookup) {
  // f(x) = x % 3, None for x == 7, over 0..9.
  ValueSet in = ints(0, 9), out = ints(0, 2);
  std::vector<PyValue> f;
  for (const PyValue &x : in)
    f.push_back(x.getInt() == 7 ? PyValue::none()
                                : PyValue::integer(x.getInt() % 3));
  llvm::Expected<MLPBlock> block = mapCategoricalToCategorical(in, f, out);
  ASSERT_TRUE(static_cast<bool>(block));
  EXPECT_EQ(block->getHiddenSize(), 3);

  std::vector<int64_t> index = {-1};
  for (int64_t i = 0; i < 10; ++i)
    index.push_back(i);
  Activation<float> x = oneHot<float>(index, 10);
  Activation<float> y = apply<float>(*block, {&x});
  EXPECT_TRUE(rowIsZero(y, 0));
  for (int64_t i = 0; i < 10; ++i) {
    if (i == 7)
      EXPECT_TRUE(rowIsZero(y, i + 1));
    else
      EXPECT_EQ(oneHotError(y, i + 1, i % 3), 0.0) << "input " << i;
  }
}

TEST(CategoricalMLPTest, MapToCategoricalRejectsUnknownOutputs) {
  llvm::Expected<MLPBlock> block = mapCategoricalToCategorical(
      ints(0, 1), {PyValue::integer(0), PyValue::integer(5)}, ints(0, 1));
  ASSERT_FALSE(static_cast<bool>(block));
  EXPECT_EQ(llvm::toString(block.takeError()),
            "the function yields 5 for input 1, which is not in the output "
            "value set");
}

TEST(CategoricalMLPTest, MapToNumericalKeepsNegativeValues) {
  // Tracr issue #24: a ReLU on the looked-up value clips x - 5 below zero.
  ValueSet in = ints(0, 9);
  std::vector<PyValue> f;
  for (const PyValue &x : in)
    f.push_back(x.getInt() % 2 ? PyValue::integer(x.getInt() - 5)
                               : PyValue::real(-0.1 * x.getInt()));
  llvm::Expected<MLPBlock> block = mapCategoricalToNumerical(in, f);
  ASSERT_TRUE(static_cast<bool>(block));
  std::vector<int64_t> index = {-1};
  for (int64_t i = 0; i < 10; ++i)
    index.push_back(i);
  Activation<float> x = oneHot<float>(index, 10);
  Activation<float> y = apply<float>(*block, {&x});
  EXPECT_EQ(y.at(0, 0), 0.0f);
  for (int64_t i = 0; i < 10; ++i)
    EXPECT_EQ(y.at(i + 1, 0), static_cast<float>(f[i].toDouble()))
        << "input " << i;
}

TEST(CategoricalMLPTest, MapToNumericalRejectsStrings) {
  llvm::Expected<MLPBlock> block =
      mapCategoricalToNumerical(ints(0, 0), {PyValue::str("a")});
  ASSERT_FALSE(static_cast<bool>(block));
  EXPECT_EQ(llvm::toString(block.takeError()),
            "the value for input 0 is 'a', which a numerical SOp cannot hold");
}

/// Positions: BOS, then every (x, y) pair.
struct PairInputs {
  PairInputs(int64_t nx, int64_t ny) {
    std::vector<int64_t> xi = {-1}, yi = {-1};
    for (int64_t i = 0; i < nx; ++i)
      for (int64_t j = 0; j < ny; ++j) {
        xi.push_back(i);
        yi.push_back(j);
      }
    x = oneHot<float>(xi, nx);
    y = oneHot<float>(yi, ny);
    one = ones<float>(xi.size());
  }
  Activation<float> x, y, one;
};

TEST(CategoricalMLPTest, SequenceMapToCategoricalOverAllPairs) {
  ValueSet xs = ints(1, 3), ys = ints(0, 4), out = ints(1, 7);
  std::vector<PyValue> table;
  for (const PyValue &x : xs)
    for (const PyValue &y : ys)
      table.push_back(y.getInt() == 0
                          ? PyValue::none()
                          : PyValue::integer(x.getInt() + y.getInt()));
  llvm::Expected<MLPBlock> block = sequenceMapToCategorical(xs, ys, table, out);
  ASSERT_TRUE(static_cast<bool>(block));
  EXPECT_EQ(block->getHiddenSize(), 12); // 15 pairs, 3 of them None.
  PairInputs in(3, 5);
  Activation<float> r = apply<float>(*block, {&in.x, &in.y, &in.one});
  EXPECT_TRUE(rowIsZero(r, 0));
  for (int64_t i = 0; i < 3; ++i)
    for (int64_t j = 0; j < 5; ++j) {
      int64_t p = 1 + i * 5 + j;
      if (j == 0)
        EXPECT_TRUE(rowIsZero(r, p));
      else
        EXPECT_EQ(oneHotError(r, p, indexIn(out, table[i * 5 + j])), 0.0);
    }
}

TEST(CategoricalMLPTest, SequenceMapToNumericalOverAllPairs) {
  ValueSet xs = ints(1, 3), ys = ints(0, 4);
  std::vector<PyValue> table;
  for (const PyValue &x : xs)
    for (const PyValue &y : ys)
      table.push_back(PyValue::real(x.getInt() - 0.5 * y.getInt()));
  llvm::Expected<MLPBlock> block = sequenceMapToNumerical(xs, ys, table);
  ASSERT_TRUE(static_cast<bool>(block));
  PairInputs in(3, 5);
  Activation<float> r = apply<float>(*block, {&in.x, &in.y, &in.one});
  EXPECT_EQ(r.at(0, 0), 0.0f);
  for (int64_t k = 0; k < 15; ++k)
    EXPECT_EQ(r.at(k + 1, 0), static_cast<float>(table[k].toDouble()));
}

TEST(CategoricalMLPTest, SequenceMapToleratesNoisyOneHots) {
  ValueSet xs = ints(0, 1), ys = ints(0, 1), out = ints(0, 2);
  std::vector<PyValue> table = {PyValue::integer(0), PyValue::integer(1),
                                PyValue::integer(1), PyValue::integer(2)};
  llvm::Expected<MLPBlock> block = sequenceMapToCategorical(xs, ys, table, out);
  ASSERT_TRUE(static_cast<bool>(block));
  PairInputs in(2, 2);
  for (int64_t p = 1; p < 5; ++p)
    for (int64_t i = 0; i < 2; ++i) {
      in.x.at(p, i) += i ? 1e-3f : -1e-3f;
      in.y.at(p, i) += i ? -1e-3f : 1e-3f;
    }
  Activation<float> r = apply<float>(*block, {&in.x, &in.y, &in.one});
  for (int64_t k = 0; k < 4; ++k)
    EXPECT_EQ(decodeCategoricalIndex(r.row(k + 1), 3), indexIn(out, table[k]));
}

TEST(CategoricalMLPTest, TupleFeatureIsTheMixedRadixOneHot) {
  MLPBlock block = tupleFeature({2, 3, 2});
  std::vector<int64_t> a = {-1}, b = {-1}, c = {-1};
  for (int64_t i = 0; i < 2; ++i)
    for (int64_t j = 0; j < 3; ++j)
      for (int64_t k = 0; k < 2; ++k) {
        a.push_back(i);
        b.push_back(j);
        c.push_back(k);
      }
  Activation<float> x = oneHot<float>(a, 2), y = oneHot<float>(b, 3),
                    z = oneHot<float>(c, 2), one = ones<float>(13);
  Activation<float> r = apply<float>(block, {&x, &y, &z, &one});
  EXPECT_TRUE(rowIsZero(r, 0));
  for (int64_t t = 0; t < 12; ++t)
    EXPECT_EQ(oneHotError(r, t + 1, t), 0.0) << "tuple " << t;
}

TEST(CategoricalMLPTest, ConstantsAreZeroAtBos) {
  Activation<float> one = ones<float>(3), b = bos<float>(3);
  Activation<float> c = apply<float>(constantCategorical(4, 2), {&one, &b});
  EXPECT_TRUE(rowIsZero(c, 0));
  EXPECT_EQ(oneHotError(c, 1, 2), 0.0);
  EXPECT_EQ(oneHotError(c, 2, 2), 0.0);
  Activation<float> none = apply<float>(constantCategorical(4, -1), {&one, &b});
  EXPECT_TRUE(rowIsZero(none, 1));
  Activation<float> n = apply<float>(constantNumerical(-2.5), {&one, &b});
  EXPECT_EQ(n.at(0, 0), 0.0f);
  EXPECT_EQ(n.at(1, 0), -2.5f);
}

} // namespace

namespace {

/// Adds +-`noise` to every entry of rows 1.. of `a` (a one-hot that a
/// discretising MLP wrote with rounding noise).
void addNoise(Activation<float> &a, float noise) {
  for (int64_t p = 1; p < a.numPositions; ++p)
    for (int64_t i = 0; i < a.dim; ++i)
      a.at(p, i) += (p + i) % 2 ? noise : -noise;
}

TEST(CleanMLPTest, LookupsRemoveInputNoise) {
  ValueSet in = ints(0, 5), out = ints(0, 1);
  std::vector<PyValue> f, g;
  for (const PyValue &x : in) {
    f.push_back(PyValue::integer(x.getInt() % 2));
    g.push_back(PyValue::real(0.25 * x.getInt() - 1));
  }
  MLPBlock cat = unwrap(cleanLookup(in, f, &out));
  MLPBlock num = unwrap(cleanLookup(in, g, nullptr));
  std::vector<int64_t> index = {-1};
  for (int64_t i = 0; i < 6; ++i)
    index.push_back(i);
  Activation<float> x = oneHot<float>(index, 6), one = ones<float>(7);
  addNoise(x, 0.12f);
  Activation<float> c = apply<float>(cat, {&x, &one});
  Activation<float> v = apply<float>(num, {&x, &one});
  EXPECT_TRUE(rowIsZero(c, 0));
  EXPECT_EQ(v.at(0, 0), 0.0f);
  for (int64_t i = 0; i < 6; ++i) {
    EXPECT_LE(oneHotError(c, i + 1, i % 2), 1e-6) << "input " << i;
    EXPECT_NEAR(v.at(i + 1, 0), 0.25 * i - 1, 1e-6) << "input " << i;
  }
}

TEST(CleanMLPTest, SequenceMapsAndTuplesRemoveInputNoise) {
  ValueSet xs = ints(1, 3), ys = ints(0, 4), out = ints(1, 7);
  std::vector<PyValue> table;
  for (const PyValue &x : xs)
    for (const PyValue &y : ys)
      table.push_back(PyValue::integer(x.getInt() + y.getInt()));
  MLPBlock block = unwrap(cleanSequenceMap(xs, ys, table, &out));
  PairInputs in(3, 5);
  addNoise(in.x, 0.12f);
  addNoise(in.y, -0.12f);
  Activation<float> r = apply<float>(block, {&in.x, &in.y, &in.one});
  EXPECT_TRUE(rowIsZero(r, 0));
  for (int64_t k = 0; k < 15; ++k)
    EXPECT_LE(oneHotError(r, k + 1, indexIn(out, table[k])), 1e-6);

  MLPBlock tuple = cleanTupleFeature({3, 5});
  Activation<float> t = apply<float>(tuple, {&in.x, &in.y, &in.one});
  EXPECT_TRUE(rowIsZero(t, 0));
  for (int64_t k = 0; k < 15; ++k)
    EXPECT_LE(oneHotError(t, k + 1, k), 1e-6);
}

} // namespace
