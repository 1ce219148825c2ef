//===- NumericalMLPTest.cpp - Discretising, affine and linear MLPs --------===//
//
// Every input value of the value set gives the function's value: exactly the
// one-hot for categorical outputs (up to float32 rounding of the weights,
// bounded per input), and the number up to the float32 rounding bound of the
// two matrix products for numerical ones. Value sets are those of frac_prevs
// (all fractions k/n, n <= N) for N = 64 and N = 256, whose smallest gap is
// 1 / (N (N - 1)).
//
//===----------------------------------------------------------------------===//

#include "RaspDialect/Conversion/RASPToCraft/Synthesis/NumericalMLP.h"
#include "SynthesisTestUtils.h"

#include <cmath>

using namespace mlir;
using namespace mlir::craft;
using namespace mlir::craft::synth;
using namespace mlir::craft::testing;

namespace {

/// Every fraction k / n with 0 <= k <= n <= maxLen, as floats.
ValueSet fractions(int64_t maxLen) {
  ValueSet s;
  for (int64_t n = 1; n <= maxLen; ++n)
    for (int64_t k = 0; k <= n; ++k)
      s.push_back(PyValue::real(static_cast<double>(k) / n));
  rasp::canonicalizeValueSet(s);
  return s;
}

SynthesisOptions options(int64_t maxLen) {
  SynthesisOptions o;
  o.maxSeqLen = maxLen;
  return o;
}

/// Evaluates a numerical-input MLP ([x, one, bos]) at every value of `xs`
/// (positions 1..) with BOS at position 0, in float32.
Activation<float> runOnValues(const MLPBlock &block,
                              llvm::ArrayRef<double> xs) {
  std::vector<double> column = {0.0};
  column.insert(column.end(), xs.begin(), xs.end());
  Activation<float> x = numeric<float>(column);
  Activation<float> one = ones<float>(column.size());
  Activation<float> b = bos<float>(column.size());
  return apply<float>(block, {&x, &one, &b});
}

/// Checks numerical outputs against `f` within the float32 rounding bound.
void expectNumerical(const MLPBlock &block, llvm::ArrayRef<double> xs,
                     llvm::function_ref<double(double)> f) {
  Activation<float> y = runOnValues(block, xs);
  EXPECT_EQ(y.at(0, 0), 0.0f) << "BOS must stay clean";
  double worst = 0;
  for (size_t k = 0; k < xs.size(); ++k) {
    double x32 = static_cast<float>(xs[k]);
    double bound = mlpRoundingBound(block, {x32, 1.0, 0.0})[0];
    double err = std::abs(static_cast<double>(y.at(k + 1, 0)) - f(xs[k]));
    // The float32 input itself may differ from xs[k] by half an ulp, which
    // the ramps absorb; the output may in addition round to float32.
    double allowed = bound + std::ldexp(std::abs(f(xs[k])), -24);
    EXPECT_LE(err, allowed) << "x = " << xs[k];
    worst = std::max(worst, err);
  }
  ::testing::Test::RecordProperty("max_abs_error", std::to_string(worst));
}

std::vector<double> values(const ValueSet &set) { return *numericValues(set); }

std::vector<PyValue> tabulate(const ValueSet &in,
                              llvm::function_ref<PyValue(double)> f) {
  std::vector<PyValue> out;
  for (const PyValue &v : in)
    out.push_back(f(v.toDouble()));
  return out;
}

TEST(NumericalMLPTest, NonLinearMapOnFractionsUpTo64) {
  ValueSet in = fractions(64);
  auto f = [](double x) { return x * x - 0.5; };
  llvm::Expected<MLPBlock> block = mapNumericalToNumerical(
      in, tabulate(in, [&](double x) { return PyValue::real(f(x)); }),
      options(64));
  ASSERT_TRUE(static_cast<bool>(block));
  expectNumerical(*block, values(in), f);
}

TEST(NumericalMLPTest, StepFunctionOnFractionsUpTo256) {
  ValueSet in = fractions(256);
  auto f = [](double x) { return std::floor(8 * x) / 8 - 0.5; };
  llvm::Expected<MLPBlock> block = mapNumericalToNumerical(
      in, tabulate(in, [&](double x) { return PyValue::real(f(x)); }),
      options(256));
  ASSERT_TRUE(static_cast<bool>(block));
  // Eight steps (at 1/8, ..., 7/8 and 1) and at most a base unit.
  EXPECT_LE(block->getHiddenSize(), 1 + 2 * 8);
  expectNumerical(*block, values(in), f);
}

TEST(NumericalMLPTest, InputErrorsBelowAQuarterGapAreAbsorbed) {
  ValueSet in = fractions(64);
  std::vector<double> xs = values(in);
  auto f = [](double x) { return std::round(x * 7); };
  llvm::Expected<MLPBlock> block = mapNumericalToNumerical(
      in, tabulate(in, [&](double x) { return PyValue::real(f(x)); }),
      options(64));
  ASSERT_TRUE(static_cast<bool>(block));
  std::vector<double> perturbed;
  std::vector<double> expected;
  for (size_t k = 0; k < xs.size(); ++k) {
    double left = k ? xs[k] - xs[k - 1] : INFINITY;
    double right = k + 1 < xs.size() ? xs[k + 1] - xs[k] : INFINITY;
    double delta = 0.24 * std::min(left, right);
    for (double d : {-delta, delta}) {
      perturbed.push_back(xs[k] + d);
      expected.push_back(f(xs[k]));
    }
  }
  Activation<float> y = runOnValues(*block, perturbed);
  for (size_t k = 0; k < perturbed.size(); ++k)
    EXPECT_NEAR(y.at(k + 1, 0), expected[k], 1e-3) << "x = " << perturbed[k];
}

TEST(NumericalMLPTest, AffineMapsAreExactEverywhere) {
  ValueSet in = {PyValue::integer(0), PyValue::real(0.5), PyValue::integer(1),
                 PyValue::integer(7)};
  llvm::Expected<MLPBlock> block = mapNumericalToNumerical(
      in, tabulate(in, [](double x) { return PyValue::real(3 * x - 2); }),
      options(8));
  ASSERT_TRUE(static_cast<bool>(block));
  EXPECT_EQ(block->getHiddenSize(), 3);
  Activation<float> y = runOnValues(*block, {0, 0.5, 1, 7, 0.25, -3});
  EXPECT_EQ(y.at(0, 0), 0.0f);
  const float expected[] = {-2, -0.5, 1, 19, -1.25, -11};
  for (int k = 0; k < 6; ++k)
    EXPECT_EQ(y.at(k + 1, 0), expected[k]);
}

TEST(NumericalMLPTest, ToCategoricalOnSignedDifferences) {
  // The values of frac_prevs(a) - frac_prevs(b) at N = 12, decoded to
  // x < 0 (shuffle_dyck's any_negative) and to round(4 x).
  ValueSet fr = fractions(12), in;
  for (const PyValue &a : fr)
    for (const PyValue &b : fr)
      in.push_back(PyValue::real(a.toDouble() - b.toDouble()));
  rasp::canonicalizeValueSet(in);
  std::vector<double> xs = values(in);

  ValueSet bools = {PyValue::boolean(false), PyValue::boolean(true)};
  llvm::Expected<MLPBlock> neg = mapNumericalToCategorical(
      in, tabulate(in, [](double x) { return PyValue::boolean(x < 0); }), bools,
      options(12));
  ASSERT_TRUE(static_cast<bool>(neg));
  EXPECT_EQ(neg->getHiddenSize(), 3);
  ValueSet rounded = ints(-4, 4);
  llvm::Expected<MLPBlock> quarter = mapNumericalToCategorical(
      in,
      tabulate(in,
               [](double x) { return PyValue::integer(std::lround(4 * x)); }),
      rounded, options(12));
  ASSERT_TRUE(static_cast<bool>(quarter));

  Activation<float> a = runOnValues(*neg, xs), b = runOnValues(*quarter, xs);
  EXPECT_TRUE(rowIsZero(a, 0));
  EXPECT_TRUE(rowIsZero(b, 0));
  for (size_t k = 0; k < xs.size(); ++k) {
    double x32 = static_cast<float>(xs[k]);
    std::vector<double> boundA = mlpRoundingBound(*neg, {x32, 1, 0});
    std::vector<double> boundB = mlpRoundingBound(*quarter, {x32, 1, 0});
    int64_t ia = xs[k] < 0, ib = std::lround(4 * xs[k]) + 4;
    for (int64_t i = 0; i < 2; ++i)
      EXPECT_LE(std::abs(a.at(k + 1, i) - (i == ia)), boundA[i]);
    for (int64_t i = 0; i < 9; ++i)
      EXPECT_LE(std::abs(b.at(k + 1, i) - (i == ib)), boundB[i]);
    EXPECT_EQ(decodeCategoricalIndex(b.row(k + 1), 9), ib);
  }
}

TEST(NumericalMLPTest, NoneOutputsAreTheZeroVector) {
  ValueSet in = {PyValue::integer(0), PyValue::integer(1), PyValue::integer(2)};
  llvm::Expected<MLPBlock> block = mapNumericalToCategorical(
      in, {PyValue::str("a"), PyValue::none(), PyValue::str("a")},
      {PyValue::str("a")}, options(4));
  ASSERT_TRUE(static_cast<bool>(block));
  Activation<float> y = runOnValues(*block, {0, 1, 2});
  EXPECT_EQ(oneHotError(y, 1, 0), 0.0);
  EXPECT_TRUE(rowIsZero(y, 2));
  EXPECT_EQ(oneHotError(y, 3, 0), 0.0);
}

TEST(NumericalMLPTest, RejectsNonNumericInputs) {
  llvm::Expected<MLPBlock> block = mapNumericalToNumerical(
      {PyValue::str("a")}, {PyValue::integer(1)}, options(4));
  ASSERT_FALSE(static_cast<bool>(block));
  EXPECT_EQ(llvm::toString(block.takeError()),
            "numerical SOp takes the value 'a', which is not a finite number");
}

TEST(NumericalMLPTest, LinearCombinations) {
  Activation<float> x = numeric<float>({0, 1.5, -2, 0.25});
  Activation<float> y = numeric<float>({0, -1, 3, 0.5});
  Activation<float> r = apply<float>(linearSequenceMap(2.5, -0.5), {&x, &y});
  const float expected[] = {0, 4.25, -6.5, 0.375};
  for (int p = 0; p < 4; ++p)
    EXPECT_EQ(r.at(p, 0), expected[p]);
  Activation<float> s = apply<float>(linearMap(-3), {&x});
  EXPECT_EQ(s.at(2, 0), 6.0f);
  EXPECT_EQ(linearSequenceMap(1, 0).getHiddenSize(), 2);
}

TEST(NumericalMLPTest, TracrSlopeOverrideMissesLargeWidths) {
  // With one slope L = 100 for every step, the ramps around 1/(w+1) overlap
  // once 1/(w(w+1)) < 1/L, so some width decodes wrongly; the derived slopes
  // decode all of them.
  ValueSet widths = ints(0, 20);
  auto wrong = [&](const SynthesisOptions &o) {
    llvm::Expected<MLPBlock> block = selectorWidthDecoder(widths, &widths, o);
    EXPECT_TRUE(static_cast<bool>(block));
    std::vector<double> xs;
    for (int w = 20; w >= 0; --w)
      xs.push_back(1.0 / (w + 1));
    Activation<float> y = runOnValues(*block, xs);
    int errors = 0;
    for (int k = 0; k < 21; ++k)
      errors += decodeCategoricalIndex(y.row(k + 1), 21) != 20 - k;
    return errors;
  };
  SynthesisOptions tracr = options(20);
  tracr.mlpSlope = 100;
  EXPECT_GT(wrong(tracr), 0);
  EXPECT_EQ(wrong(options(20)), 0);
}

TEST(NumericalMLPTest, SelectorWidthDecoderRejectsNegativeWidths) {
  llvm::Expected<MLPBlock> block =
      selectorWidthDecoder({PyValue::integer(-1)}, nullptr, options(4));
  ASSERT_FALSE(static_cast<bool>(block));
  EXPECT_EQ(llvm::toString(block.takeError()),
            "selector width value -1 is negative");
}

} // namespace

TEST(NumericalMLPTest, SumOfNoisyOneHotValuesWithinItsBound) {
  // Two one-hots over widths 0 .. 512, every entry off by up to 0.2 (the
  // clamp units absorb up to 1/4): the output is w1 + w2 up to the bound,
  // and 0 at BOS (row 0), whose entries are all at most 0.2.
  std::vector<int64_t> widths;
  for (int64_t w = 0; w <= 512; ++w)
    widths.push_back(w);
  std::vector<std::vector<int64_t>> values = {widths, widths};
  MLPBlock block = sumOfOneHotValues(values);
  double bound = sumOfOneHotValuesError(values);
  EXPECT_LT(bound, 2e-3);
  const int64_t pairs[][2] = {{0, 0},     {0, 0}, {512, 0},  {3, 509},
                              {256, 255}, {1, 1}, {511, 512}};
  int64_t n = std::size(pairs), dim = widths.size();
  Activation<float> e1(n, dim), e2(n, dim);
  for (int64_t p = 0; p < n; ++p)
    for (int64_t k = 0; k < dim; ++k) {
      // Deterministic noise in [-0.2, 0.2], never below 0 off the one-hot.
      float noise = 0.2f *
                    static_cast<float>((p * 7919 + k * 104729) % 201 - 100) /
                    100.0f;
      e1.at(p, k) = (p > 0 && k == pairs[p][0] ? 1.0f : 0.0f) + noise;
      e2.at(p, k) = (p > 0 && k == pairs[p][1] ? 1.0f : 0.0f) - noise;
    }
  Activation<float> one = ones<float>(n);
  Activation<float> y = apply<float>(block, {&e1, &e2, &one});
  EXPECT_EQ(y.at(0, 0), 0.0f);
  for (int64_t p = 1; p < n; ++p)
    EXPECT_LE(std::abs(static_cast<double>(y.at(p, 0)) -
                       static_cast<double>(pairs[p][0] + pairs[p][1])),
              bound)
        << "row " << p;
}
