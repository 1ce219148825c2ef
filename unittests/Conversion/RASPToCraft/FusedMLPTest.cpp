//===- FusedMLPTest.cpp - MLPs for functions of several features ----------===//
//
// Every test builds the table of a function the fused lowering meets in the
// Tracr library, synthesises its MLP and evaluates it in float32 at every
// reachable point (and BOS): categorical outputs must be the one-hot up to
// the block's own error bound (far below 1/2), numerical outputs the value
// up to that bound, and BOS exactly zero. Inputs are also perturbed by the
// errors the features declare.
//
//===----------------------------------------------------------------------===//

#include "RaspDialect/Conversion/RASPToCraft/Synthesis/FusedMLP.h"
#include "SynthesisTestUtils.h"

#include <cmath>
#include <map>
#include <set>

using namespace mlir;
using namespace mlir::craft;
using namespace mlir::craft::synth;
using namespace mlir::craft::testing;

namespace {

/// Synthesises `fn` and checks that the analytic error bound is never
/// below the same bound evaluated with every unit at every point.
FusedMLP synthesizeChecked(const FusedFunction &fn,
                           const SynthesisOptions &options, int64_t maxHidden) {
  FusedMLP mlp =
      unwrap(synthesizeFused(fn, options, maxHidden, /*pointwise=*/true));
  EXPECT_GE(mlp.outputError, mlp.pointwiseError);
  return mlp;
}

/// One input position: the raw value of every operand row (without `one` and
/// `bos`, which the harness adds) and the expected output.
struct Sample {
  std::vector<double> rows;
  SparseVector expected;
};

/// Evaluates `block` in float32 on the samples (position 0 is BOS, whose
/// rows are `bosRows`) and checks every output against its expectation
/// within `bound`. Returns the largest deviation seen.
double expectOutputs(const MLPBlock &block, llvm::ArrayRef<Sample> samples,
                     llvm::ArrayRef<double> bosRows, double bound) {
  EXPECT_TRUE(block.isConsistent());
  int64_t rows = block.w1.getRows() - 2;
  int64_t n = samples.size() + 1;
  // One activation per raw row keeps the harness independent of the
  // operand grouping: the block reads the rows in order.
  std::vector<Activation<float>> acts;
  for (int64_t r = 0; r < rows; ++r) {
    Activation<float> a(n, 1);
    a.at(0, 0) = static_cast<float>(bosRows[r]);
    for (size_t p = 0; p < samples.size(); ++p)
      a.at(p + 1, 0) = static_cast<float>(samples[p].rows[r]);
    acts.push_back(std::move(a));
  }
  acts.push_back(ones<float>(n));
  acts.push_back(bos<float>(n));
  MLPBlock flat = block;
  flat.inputDims.assign(rows + 2, 1);
  std::vector<const Activation<float> *> inputs;
  for (const Activation<float> &a : acts)
    inputs.push_back(&a);
  std::vector<Activation<float>> out = applyMLP<float>(flat, inputs);
  double worst = 0;
  int64_t col = 0;
  for (const Activation<float> &o : out) {
    for (int64_t c = 0; c < o.dim; ++c, ++col) {
      EXPECT_EQ(o.at(0, c), 0.0f) << "BOS must stay clean";
      for (size_t p = 0; p < samples.size(); ++p) {
        double want = 0;
        for (auto [i, v] : samples[p].expected)
          if (i == col)
            want = v;
        double err = std::abs(static_cast<double>(o.at(p + 1, c)) - want);
        worst = std::max(worst, err);
        EXPECT_LE(err, bound) << "sample " << p << ", output " << col;
      }
    }
  }
  return worst;
}

/// Operand rows for a fused function whose operands each have dimension
/// `dims[i]`, followed by `one` and `bos`.
FusedFunction withOperands(llvm::ArrayRef<int64_t> dims) {
  FusedFunction fn;
  fn.inputDims.assign(dims.begin(), dims.end());
  int64_t rows = 0;
  for (int64_t d : dims)
    rows += d;
  fn.inputDims.push_back(1);
  fn.inputDims.push_back(1);
  fn.oneRow = rows;
  fn.bosRow = rows + 1;
  return fn;
}

/// The width reading feature 1/(w+1) for w = 0..maxWidth on `row`.
NumericalFeature widthFeature(int64_t row, int64_t maxWidth) {
  NumericalFeature f;
  f.form = {{row, 1.0, 1.0}};
  for (int64_t w = 0; w <= maxWidth; ++w)
    f.readings.push_back(1.0 / static_cast<double>(w + 1));
  // docs/exactness.md (2.1): the head's output is 1/(w+1) up to (u + tau).
  f.relError = std::ldexp(1.0, -23);
  f.bosRange = {0.0, 1.0};
  return f;
}

SynthesisOptions options(int64_t maxLen) {
  SynthesisOptions o;
  o.maxSeqLen = maxLen;
  return o;
}

/// One-hot rows of `index` in a `dim`-dimensional space.
void pushOneHot(std::vector<double> &rows, int64_t dim, int64_t index) {
  for (int64_t i = 0; i < dim; ++i)
    rows.push_back(i == index ? 1.0 : 0.0);
}

//===----------------------------------------------------------------------===//
// One numerical feature
//===----------------------------------------------------------------------===//

class WidthDecoderTest : public ::testing::TestWithParam<int64_t> {};

TEST_P(WidthDecoderTest, EveryWidthDecodesExactly) {
  int64_t n = GetParam();
  FusedFunction fn = withOperands({1});
  fn.numerical.push_back(widthFeature(0, n));
  std::vector<Sample> samples;
  for (int64_t w = 0; w <= n; ++w) {
    fn.points.push_back(w);
    fn.outputs.push_back({{w, 1.0}});
    double y = 1.0 / (w + 1);
    // The reading and both ends of its declared error.
    for (double e : {-1.0, 0.0, 1.0})
      samples.push_back({{y * (1 + e * fn.numerical[0].relError)}, {{w, 1.0}}});
  }
  fn.outputDims = {n + 1};
  FusedMLP mlp = synthesizeChecked(fn, options(n), 0);
  EXPECT_LT(mlp.outputError, 1e-3);
  // One step per pair of adjacent widths and a base unit.
  EXPECT_EQ(mlp.block.getHiddenSize(), 2 * n + 1);
  double worst = expectOutputs(mlp.block, samples, {1.0}, mlp.outputError);
  ::testing::Test::RecordProperty("max_error", std::to_string(worst));
}

INSTANTIATE_TEST_SUITE_P(Lengths, WidthDecoderTest,
                         ::testing::Values(5, 64, 256));

TEST(FusedMLPTest, NumericalOutputOfAnAffineFeatureNeedsTwoUnits) {
  // b = o - c of two numerical means, written as a number: ReLU(b) and
  // ReLU(-b), exact for every input.
  FusedFunction fn = withOperands({1, 1});
  NumericalFeature b;
  b.form = {{0, 1.0, 1.0}, {1, -1.0, 1.0}};
  std::vector<Sample> samples;
  for (int64_t i = 0; i <= 10; ++i) {
    double v = (i - 5) / 5.0;
    b.readings.push_back(v);
    fn.points.push_back(i);
    fn.outputs.push_back(v == 0 ? SparseVector() : SparseVector{{0, v}});
    samples.push_back(
        {{std::max(v, 0.0), std::max(-v, 0.0)}, fn.outputs.back()});
  }
  fn.numerical.push_back(b);
  fn.outputDims = {1};
  fn.numericalOutput = true;
  FusedMLP mlp = synthesizeChecked(fn, options(5), 0);
  EXPECT_EQ(mlp.block.getHiddenSize(), 2);
  expectOutputs(mlp.block, samples, {0.0, 0.0}, mlp.outputError);
}

TEST(FusedMLPTest, ValuesTooCloseToSeparateAreRefused) {
  FusedFunction fn = withOperands({1});
  NumericalFeature f;
  f.form = {{0, 1.0, 1.0}};
  f.readings = {-0.6666666666666667, -0.6666666666666666};
  fn.numerical.push_back(f);
  fn.points = {0, 1};
  fn.outputs = {{{0, 1.0}}, {{1, 1.0}}};
  fn.outputDims = {2};
  llvm::Expected<FusedMLP> mlp = synthesizeFused(fn, options(5), 0);
  ASSERT_FALSE(static_cast<bool>(mlp));
  EXPECT_EQ(llvm::toString(mlp.takeError()),
            "the values -0.6666666666666667 and -0.6666666666666666 must map "
            "to different outputs but are too close to be told apart in "
            "float32");
}

TEST(FusedMLPTest, ValuesTooCloseButEquivalentNeedNoStep) {
  // The same pair with the same output: no step between them.
  FusedFunction fn = withOperands({1});
  NumericalFeature f;
  f.form = {{0, 1.0, 1.0}};
  f.readings = {-0.6666666666666667, -0.6666666666666666, 0.0};
  fn.numerical.push_back(f);
  fn.points = {0, 1, 2};
  fn.outputs = {{{0, 1.0}}, {{0, 1.0}}, {{1, 1.0}}};
  fn.outputDims = {2};
  FusedMLP mlp = synthesizeChecked(fn, options(5), 0);
  EXPECT_EQ(mlp.block.getHiddenSize(), 3);
  expectOutputs(mlp.block,
                {{{-0.6666666666666667}, {{0, 1.0}}},
                 {{-0.6666666666666666}, {{0, 1.0}}},
                 {{0.0}, {{1, 1.0}}}},
                {0.0}, mlp.outputError);
}

//===----------------------------------------------------------------------===//
// Categorical features
//===----------------------------------------------------------------------===//

TEST(FusedMLPTest, ThreeCategoricalInputsWithNone) {
  // detect_pattern: a and b (bools that may be None) and the token: the
  // output is (a and b) == (token == "c"), None where a or b is None.
  FusedFunction fn = withOperands({2, 2, 3});
  fn.categorical = {{0, 2, 0.0}, {2, 2, 0.0}, {4, 3, 0.0}};
  std::vector<Sample> samples;
  for (int32_t a = -1; a < 2; ++a)
    for (int32_t b = -1; b < 2; ++b)
      for (int32_t t = 0; t < 3; ++t) {
        SparseVector out;
        if (a >= 0 && b >= 0) {
          bool v = (a && b) == (t == 2);
          out = {{v ? 1 : 0, 1.0}};
        }
        fn.points.insert(fn.points.end(), {a, b, t});
        fn.outputs.push_back(out);
        Sample s;
        pushOneHot(s.rows, 2, a);
        pushOneHot(s.rows, 2, b);
        pushOneHot(s.rows, 3, t);
        s.expected = out;
        samples.push_back(s);
      }
  fn.outputDims = {2};
  FusedMLP mlp = synthesizeChecked(fn, options(5), 0);
  EXPECT_EQ(mlp.outputError, 0.0);
  // Contexts with equal outputs share units: at most one per context.
  EXPECT_LE(mlp.block.getHiddenSize(), 12);
  expectOutputs(mlp.block, samples, {0, 0, 0, 0, 0, 0, 0}, 0.0);
}

TEST(FusedMLPTest, NumericalLookupOfOneExactInput) {
  FusedFunction fn = withOperands({4});
  fn.categorical = {{0, 4, 0.0}};
  std::vector<Sample> samples;
  double values[] = {-2.5, 0.0, 1.0, 3.0};
  for (int32_t v = 0; v < 4; ++v) {
    fn.points.push_back(v);
    fn.outputs.push_back(values[v] == 0 ? SparseVector()
                                        : SparseVector{{0, values[v]}});
    Sample s;
    pushOneHot(s.rows, 4, v);
    s.expected = fn.outputs.back();
    samples.push_back(s);
  }
  fn.outputDims = {1};
  fn.numericalOutput = true;
  FusedMLP mlp = synthesizeChecked(fn, options(5), 0);
  EXPECT_EQ(mlp.block.getHiddenSize(), 2);
  expectOutputs(mlp.block, samples, {0, 0, 0, 0}, mlp.outputError);
}

TEST(FusedMLPTest, NoisyCategoricalInputsAreReadThroughClamps) {
  // A lookup of a one-hot that is up to 0.1 off in every entry.
  FusedFunction fn = withOperands({3});
  fn.categorical = {{0, 3, 0.1}};
  std::vector<Sample> samples;
  for (int32_t v = 0; v < 3; ++v) {
    fn.points.push_back(v);
    fn.outputs.push_back({{(v + 1) % 3, 1.0}});
    for (double e : {-0.1, 0.1}) {
      Sample s;
      pushOneHot(s.rows, 3, v);
      for (double &r : s.rows)
        r += r == 1.0 ? -std::abs(e) : e;
      s.expected = fn.outputs.back();
      samples.push_back(s);
    }
  }
  fn.outputDims = {3};
  FusedMLP mlp = synthesizeChecked(fn, options(5), 0);
  EXPECT_LT(mlp.outputError, 1e-5);
  expectOutputs(mlp.block, samples, {0.05, -0.05, 0.1}, mlp.outputError);
}

TEST(FusedMLPTest, NoneInputWithAValueIsRefused) {
  FusedFunction fn = withOperands({2});
  fn.categorical = {{0, 2, 0.0}};
  fn.points = {-1, 0};
  fn.outputs = {{{0, 1.0}}, {{1, 1.0}}};
  fn.outputDims = {2};
  llvm::Expected<FusedMLP> mlp = synthesizeFused(fn, options(5), 0);
  ASSERT_FALSE(static_cast<bool>(mlp));
  EXPECT_NE(llvm::toString(mlp.takeError()).find("None"), std::string::npos);
}

TEST(FusedMLPTest, ATableThatIsNoFunctionIsRefused) {
  FusedFunction fn = withOperands({2});
  fn.categorical = {{0, 2, 0.0}};
  fn.points = {0, 0};
  fn.outputs = {{{0, 1.0}}, {{1, 1.0}}};
  fn.outputDims = {2};
  llvm::Expected<FusedMLP> mlp = synthesizeFused(fn, options(5), 0);
  ASSERT_FALSE(static_cast<bool>(mlp));
  llvm::consumeError(mlp.takeError());
}

TEST(FusedMLPTest, AnIndexOutsideAFeatureIsRefused) {
  FusedFunction fn = withOperands({2});
  fn.categorical = {{0, 2, 0.0}};
  fn.points = {0, 2};
  fn.outputs = {{{0, 1.0}}, {{1, 1.0}}};
  fn.outputDims = {2};
  llvm::Expected<FusedMLP> mlp = synthesizeFused(fn, options(5), 0);
  ASSERT_FALSE(static_cast<bool>(mlp));
  EXPECT_EQ(llvm::toString(mlp.takeError()),
            "fused table point 1 has value index 2 for a feature with 2 "
            "values");
}

TEST(FusedMLPTest, CoincidingReadingsWithDifferentOutputsAreRefused) {
  // Two values that are equal as doubles (2^53 and 2^53 + 1): the gap is 0,
  // which must not give an infinite slope and a NaN margin that passes.
  FusedFunction fn = withOperands({1});
  NumericalFeature f;
  f.form = {{0, 1.0, 1.0}};
  f.readings = {9007199254740992.0, 9007199254740992.0};
  fn.numerical.push_back(f);
  fn.points = {0, 1};
  fn.outputs = {{{0, 1.0}}, {{1, 1.0}}};
  fn.outputDims = {2};
  for (double slope : {0.0, 100.0}) {
    SynthesisOptions o = options(5);
    o.mlpSlope = slope;
    llvm::Expected<FusedMLP> mlp = synthesizeFused(fn, o, 0);
    ASSERT_FALSE(static_cast<bool>(mlp)) << "slope " << slope;
    EXPECT_NE(llvm::toString(mlp.takeError()).find("too close"),
              std::string::npos);
  }
}

TEST(FusedMLPTest, TheHiddenBudgetIsRespected) {
  FusedFunction fn = withOperands({1});
  fn.numerical.push_back(widthFeature(0, 10));
  for (int64_t w = 0; w <= 10; ++w) {
    fn.points.push_back(w);
    fn.outputs.push_back({{w, 1.0}});
  }
  fn.outputDims = {11};
  llvm::Expected<FusedMLP> mlp = synthesizeFused(fn, options(10), 8);
  ASSERT_FALSE(static_cast<bool>(mlp));
  EXPECT_NE(llvm::toString(mlp.takeError()).find("more than 8"),
            std::string::npos);
}

//===----------------------------------------------------------------------===//
// Mixed and several numerical features
//===----------------------------------------------------------------------===//

class ReverseIndexTest : public ::testing::TestWithParam<int64_t> {};

TEST_P(ReverseIndexTest, WidthMinusIndexMinusOne) {
  // reverse's opp_idx = length - indices - 1 straight from the attention
  // output of `length`, gated by the index one-hot.
  int64_t n = GetParam();
  FusedFunction fn = withOperands({1, n});
  fn.numerical.push_back(widthFeature(0, n));
  fn.categorical = {{1, n, 0.0}};
  // Output space: the values -n .. n - 1.
  auto column = [&](int64_t v) { return v + n; };
  std::vector<Sample> samples;
  for (int64_t w = 0; w <= n; ++w)
    for (int64_t i = 0; i < n; ++i) {
      fn.points.insert(fn.points.end(),
                       {static_cast<int32_t>(w), static_cast<int32_t>(i)});
      fn.outputs.push_back({{column(w - i - 1), 1.0}});
      Sample s;
      s.rows.push_back(1.0 / (w + 1));
      pushOneHot(s.rows, n, i);
      s.expected = fn.outputs.back();
      samples.push_back(s);
    }
  fn.outputDims = {2 * n};
  FusedMLP mlp = synthesizeChecked(fn, options(n), 0);
  EXPECT_LT(mlp.outputError, 1e-3);
  std::vector<double> bosRows(1 + n, 0.0);
  bosRows[0] = 1.0;
  expectOutputs(mlp.block, samples, bosRows, mlp.outputError);
}

INSTANTIATE_TEST_SUITE_P(Lengths, ReverseIndexTest, ::testing::Values(5, 64));

class SumOfWidthsTest : public ::testing::TestWithParam<int64_t> {};

TEST_P(SumOfWidthsTest, TwoAttentionOutputsDecodeToTheirSum) {
  // sort's factorised selector width: w1 + w2 <= n from 1/(w1+1), 1/(w2+1).
  int64_t n = GetParam();
  FusedFunction fn = withOperands({1, 1});
  fn.numerical = {widthFeature(0, n), widthFeature(1, n)};
  std::vector<Sample> samples;
  for (int64_t a = 0; a <= n; ++a)
    for (int64_t b = 0; a + b <= n; ++b) {
      fn.points.insert(fn.points.end(),
                       {static_cast<int32_t>(a), static_cast<int32_t>(b)});
      fn.outputs.push_back({{a + b, 1.0}});
      samples.push_back({{1.0 / (a + 1), 1.0 / (b + 1)}, fn.outputs.back()});
    }
  fn.outputDims = {n + 1};
  FusedMLP mlp = synthesizeChecked(fn, options(n), 0);
  // The bound grows with the activations along the projection (about n^2);
  // far below the 1/2 a decoder tolerates.
  EXPECT_LT(mlp.outputError, 0.05);
  double worst = expectOutputs(mlp.block, samples, {1.0, 1.0}, mlp.outputError);
  ::testing::Test::RecordProperty("max_error", std::to_string(worst));
}

INSTANTIATE_TEST_SUITE_P(Lengths, SumOfWidthsTest, ::testing::Values(5, 12));

/// Every difference o - c of fractions k/n, 0 <= k <= n <= maxLen, as
/// basis inference computes it (double arithmetic, so values one ulp apart
/// appear: -0.6666666666666667 and -0.6666666666666666).
std::vector<double> balances(int64_t maxLen) {
  std::set<double> fractions, diffs;
  for (int64_t n = 1; n <= maxLen; ++n)
    for (int64_t k = 0; k <= n; ++k)
      fractions.insert(static_cast<double>(k) / n);
  for (double o : fractions)
    for (double c : fractions)
      diffs.insert(o - c);
  return std::vector<double>(diffs.begin(), diffs.end());
}

TEST(FusedMLPTest, ShuffleDyckBalancesOfTwoPairs) {
  // (b1 == 0 and b2 == 0) and (b1 < 0 or b2 < 0) over the balance
  // differences of shuffle_dyck2 at max_seq_len 5: two numerical linear
  // features, each over two numerical means.
  std::vector<double> bs = balances(5);
  ASSERT_TRUE(std::count(bs.begin(), bs.end(), -0.6666666666666667) &&
              std::count(bs.begin(), bs.end(), -0.6666666666666666));
  auto feature = [&](int64_t o, int64_t c) {
    NumericalFeature f;
    f.form = {{o, 1.0, 1.0}, {c, -1.0, 1.0}};
    f.readings = bs;
    // Numerical means: docs/exactness.md (2.1).
    f.absError = 1e-6;
    return f;
  };
  for (bool allZero : {true, false}) {
    FusedFunction fn = withOperands({1, 1, 1, 1});
    fn.numerical = {feature(0, 1), feature(2, 3)};
    std::vector<Sample> samples;
    for (size_t i = 0; i < bs.size(); ++i)
      for (size_t j = 0; j < bs.size(); ++j) {
        double b1 = bs[i], b2 = bs[j];
        bool v = allZero ? (b1 == 0 && b2 == 0) : (b1 < 0 || b2 < 0);
        fn.points.insert(fn.points.end(),
                         {static_cast<int32_t>(i), static_cast<int32_t>(j)});
        SparseVector out = allZero ? SparseVector{{v ? 1 : 0, 1.0}}
                           : v     ? SparseVector{{0, 1.0}}
                                   : SparseVector();
        fn.outputs.push_back(out);
        // Each mean off by its declared error, in the worse direction.
        samples.push_back({{std::max(b1, 0.0) + 1e-6, std::max(-b1, 0.0),
                            std::max(b2, 0.0), std::max(-b2, 0.0) + 1e-6},
                           out});
      }
    fn.outputDims = {allZero ? 2 : 1};
    fn.numericalOutput = !allZero;
    FusedMLP mlp = synthesizeChecked(fn, options(5), 0);
    EXPECT_LT(mlp.outputError, 0.05);
    // all_zero is true at a single point: two steps around it and a base.
    if (allZero) {
      EXPECT_LE(mlp.block.getHiddenSize(), 5);
    }
    double worst =
        expectOutputs(mlp.block, samples, {0, 0, 0, 0}, mlp.outputError);
    ::testing::Test::RecordProperty(allZero ? "all_zero_max_error"
                                            : "any_negative_max_error",
                                    std::to_string(worst));
  }
}

TEST(FusedMLPTest, NoisyGateOfANumericalStep) {
  // last_zero and not has_neg: a noisy bool gating a step on a mean.
  FusedFunction fn = withOperands({2, 1});
  fn.categorical = {{0, 2, 1e-5}};
  NumericalFeature mean;
  mean.form = {{2, 1.0, 1.0}};
  for (int64_t k = 0; k <= 5; ++k)
    mean.readings.push_back(k / 5.0);
  mean.absError = 1e-6;
  fn.numerical = {mean};
  std::vector<Sample> samples;
  for (int32_t z = -1; z < 2; ++z)
    for (int32_t k = 0; k <= 5; ++k) {
      SparseVector out;
      if (z >= 0)
        out = {{(z == 1 && k == 0) ? 1 : 0, 1.0}};
      fn.points.insert(fn.points.end(), {k, z});
      fn.outputs.push_back(out);
      Sample s;
      pushOneHot(s.rows, 2, z);
      s.rows[0] += 1e-5;
      s.rows[1] -= 1e-5;
      s.rows.push_back(k / 5.0);
      s.expected = out;
      samples.push_back(s);
    }
  fn.outputDims = {2};
  FusedMLP mlp = synthesizeChecked(fn, options(5), 0);
  EXPECT_LT(mlp.outputError, 1e-3);
  expectOutputs(mlp.block, samples, {0, 0, 0}, mlp.outputError + 1e-4);
}

} // namespace
