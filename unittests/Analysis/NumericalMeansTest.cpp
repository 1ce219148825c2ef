//===- NumericalMeansTest.cpp - Value sets of numerical aggregates --------===//

#include "RaspDialect/Analysis/ValueSets.h"

#include "gtest/gtest.h"

#include <cmath>
#include <cstring>
#include <functional>

using namespace mlir;
using namespace mlir::rasp;

namespace {

/// The set of `sum(xs) / len(xs)` over every sequence of 1..maxSeqLen values
/// of `inputs`, evaluated as the interpreter does: Python's `_mean` (the
/// single value for one element), `sum` folding left from int 0.
/// With `onlyLength`, only the sequences of that length.
std::vector<double> bruteForceMeans(const ValueSet &inputs, int maxSeqLen,
                                    int onlyLength = 0) {
  std::vector<double> out;
  std::vector<PyValue> seq;
  std::function<void(int)> rec = [&](int n) {
    if (!seq.empty() && (!onlyLength || int(seq.size()) == onlyLength)) {
      PyValue mean = seq.front();
      if (seq.size() > 1) {
        PyValue sum = PyValue::integer(0);
        for (const PyValue &x : seq)
          sum = cantFail(py::binary(BinaryKind::Add, sum, x));
        mean = cantFail(
            py::binary(BinaryKind::TrueDiv, sum, PyValue::integer(seq.size())));
      }
      out.push_back(mean.toDouble());
    }
    if (n == 0)
      return;
    for (const PyValue &v : inputs) {
      seq.push_back(v);
      rec(n - 1);
      seq.pop_back();
    }
  };
  rec(maxSeqLen);
  return out;
}

/// Distinct doubles, compared bit for bit (0.0 and -0.0 merged).
std::vector<uint64_t> bitsOf(std::vector<double> values) {
  std::vector<uint64_t> bits;
  for (double d : values) {
    if (d == 0.0)
      d = 0.0;
    uint64_t b;
    std::memcpy(&b, &d, sizeof(b));
    bits.push_back(b);
  }
  llvm::sort(bits);
  bits.erase(std::unique(bits.begin(), bits.end()), bits.end());
  return bits;
}

std::vector<double> doublesOf(const ValueSet &set) {
  std::vector<double> out;
  for (const PyValue &v : set) {
    EXPECT_TRUE(v.isFloat()) << v.repr();
    out.push_back(v.toDouble());
  }
  return out;
}

ValueSet ints(std::initializer_list<int64_t> values) {
  ValueSet out;
  for (int64_t v : values)
    out.push_back(PyValue::integer(v));
  return out;
}

ValueSet floats(std::initializer_list<double> values) {
  ValueSet out;
  for (double v : values)
    out.push_back(PyValue::real(v));
  return out;
}

ValueSet means(const ValueSet &inputs, int64_t maxSeqLen,
               size_t maxValues = kDefaultMaxValues) {
  llvm::Expected<ValueSet> result =
      numericalMeans(inputs, maxSeqLen, maxValues);
  if (!result) {
    ADD_FAILURE() << llvm::toString(result.takeError());
    return {};
  }
  return *result;
}

std::string errorOf(const ValueSet &inputs, int64_t maxSeqLen,
                    size_t maxValues) {
  llvm::Expected<ValueSet> result =
      numericalMeans(inputs, maxSeqLen, maxValues);
  if (result)
    return "no error";
  return llvm::toString(result.takeError());
}

TEST(NumericalMeansTest, ZeroOneInputsGiveEveryFraction) {
  ValueSet bools = {PyValue::boolean(false), PyValue::boolean(true)};
  ValueSet set = means(bools, 4);
  // 0, 1/4, 1/3, 1/2, 2/3, 3/4, 1: 2/3 and 3/4 are missing from Tracr's set.
  std::vector<double> expected = {0.0,       0.25, 1.0 / 3.0, 0.5,
                                  2.0 / 3.0, 0.75, 1.0};
  EXPECT_EQ(doublesOf(set), expected);
  // The Farey sequence F_10 has 33 terms.
  EXPECT_EQ(means(ints({0, 1}), 10).size(), 33u);
}

TEST(NumericalMeansTest, MatchesBruteForce) {
  const std::pair<ValueSet, int> cases[] = {
      {ints({0, 1}), 5},
      {ints({1, 3}), 4},
      {ints({-2, 0, 5}), 5},
      {ints({7}), 4},
      {{PyValue::boolean(true)}, 3},
      {ints({0, 1, 2, 3, 4, 5, 6, 7, 8, 9}), 3},
      // A sparse range: the sorted-vector programme instead of the bitset.
      {ints({-5, 0, 1000000007}), 5},
      // Floats: sums round differently in different orders.
      {floats({0.1, 0.2, 0.7}), 5},
      {floats({0.1, 1e16, -1e16}), 4},
      {floats({-0.0, 0.3, 1.0 / 3.0}), 5},
  };
  for (const auto &[inputs, maxSeqLen] : cases) {
    std::string label;
    for (const PyValue &v : inputs)
      label += v.repr() + " ";
    EXPECT_EQ(bitsOf(doublesOf(means(inputs, maxSeqLen))),
              bitsOf(bruteForceMeans(inputs, maxSeqLen)))
        << "inputs " << label << "max_seq_len " << maxSeqLen;
  }
}

TEST(NumericalMeansTest, ByCountMatchesBruteForcePerLength) {
  const std::pair<ValueSet, int> cases[] = {
      {ints({0, 1}), 5},
      {ints({-2, 0, 5}), 4},
      {ints({-5, 0, 1000000007}), 4},
      {floats({0.1, 0.2, 0.7}), 4},
  };
  for (const auto &[inputs, maxSeqLen] : cases) {
    llvm::Expected<std::vector<ValueSet>> byCount =
        numericalMeansByCount(inputs, maxSeqLen, kDefaultMaxValues);
    ASSERT_TRUE(static_cast<bool>(byCount))
        << llvm::toString(byCount.takeError());
    ASSERT_EQ(byCount->size(), size_t(maxSeqLen));
    for (int n = 1; n <= maxSeqLen; ++n)
      EXPECT_EQ(bitsOf(doublesOf((*byCount)[n - 1])),
                bitsOf(bruteForceMeans(inputs, maxSeqLen, n)))
          << inputs.front().repr() << "..., length " << n;
  }
}

TEST(NumericalMeansTest, MeansAreFloats) {
  ValueSet set = means(ints({2}), 3);
  ASSERT_EQ(set.size(), 1u);
  EXPECT_TRUE(set[0].isFloat());
  EXPECT_EQ(set[0].repr(), "2.0");
}

TEST(NumericalMeansTest, NoneIsIgnored) {
  ValueSet set = means({PyValue::none(), PyValue::integer(1)}, 3);
  ASSERT_EQ(set.size(), 1u);
  EXPECT_EQ(set[0].repr(), "1.0");
  EXPECT_TRUE(means({}, 3).empty());
}

TEST(NumericalMeansTest, NaNPropagates) {
  ValueSet set = means(floats({1.0, std::nan("")}), 2);
  // 1.0, nan, and the means of (1, nan) and (nan, nan): nan.
  ASSERT_EQ(set.size(), 2u);
  EXPECT_EQ(set[0].repr(), "1.0");
  EXPECT_TRUE(std::isnan(set[1].getFloat()));
}

TEST(NumericalMeansTest, CapStopsWithADiagnostic) {
  ValueSet tokens;
  for (int i = 0; i < 100; ++i)
    tokens.push_back(PyValue::integer(i));
  // Means of 0..99 over up to 100 values: about 3 * 10^5 fractions.
  std::string error = errorOf(tokens, 100, 100000);
  EXPECT_EQ(error.rfind("more than 100000 distinct means or sums", 0), 0u)
      << error;
  EXPECT_NE(error.find("raise 'max-values'"), std::string::npos) << error;
  error = errorOf(floats({0.1, 0.2, 0.7}), 10, 50);
  EXPECT_EQ(error.rfind("more than 50 distinct means or sums", 0), 0u) << error;
  // Under the cap the same inputs succeed.
  EXPECT_EQ(means(tokens, 2).size(), 199u);
}

TEST(NumericalMeansTest, IntSumsMustFit) {
  EXPECT_EQ(errorOf(ints({1, int64_t(1) << 62}), 2, 100),
            "the sum of 2 selected values may overflow a 64-bit int");
  EXPECT_EQ(errorOf(ints({-(int64_t(1) << 62) - 1}), 2, 100),
            "the sum of 2 selected values may overflow a 64-bit int");
  EXPECT_EQ(means(ints({-(int64_t(1) << 62)}), 2).size(), 1u);
}

} // namespace
