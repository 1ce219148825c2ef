//===- AttentionTest.cpp - Aggregate and selector-width heads -------------===//
//
// Runs synthesised heads (and selector-width decoders) in float32 on whole
// sequences up to max_seq_len 256 and checks every position: categorical
// outputs decode to the selected value (None where nothing is selected),
// numerical means and widths are within their rounding bounds, and BOS stays
// clean.
//
//===----------------------------------------------------------------------===//

#include "RaspDialect/Conversion/RASPToCraft/Synthesis/Attention.h"
#include "RaspDialect/Conversion/RASPToCraft/Synthesis/CategoricalMLP.h"
#include "RaspDialect/Conversion/RASPToCraft/Synthesis/NumericalMLP.h"
#include "RaspDialect/Conversion/RASPToCraft/Synthesis/Selectors.h"
#include "SynthesisTestUtils.h"

#include <map>
#include <random>

using namespace mlir;
using namespace mlir::craft;
using namespace mlir::craft::synth;
using namespace mlir::craft::testing;
using rasp::Comparison;

namespace {

SynthesisOptions options(int64_t maxLen, bool causal = false) {
  SynthesisOptions o;
  o.maxSeqLen = maxLen;
  o.causal = causal;
  return o;
}

/// A sequence of n tokens: one-hot activations of the SOps a test reads,
/// keyed by operand id, plus `one` and `bos`.
struct Sequence {
  explicit Sequence(int64_t n)
      : n(n), one(ones<float>(n + 1)), b(bos<float>(n + 1)) {}

  /// Adds a categorical SOp with value index `index[i]` at token i.
  void add(unsigned id, llvm::ArrayRef<int64_t> index, int64_t dim) {
    std::vector<int64_t> column = {-1};
    column.insert(column.end(), index.begin(), index.end());
    sops.emplace(id, oneHot<float>(column, dim));
  }
  void add(unsigned id, Activation<float> a) { sops.emplace(id, std::move(a)); }

  const Activation<float> *get(unsigned id) const {
    if (id == kOneOperand)
      return &one;
    if (id == kBosOperand)
      return &b;
    return &sops.at(id);
  }

  Activation<float> run(const SelectorHead &head,
                        const Activation<float> &value) const {
    EXPECT_TRUE(head.block.isConsistent());
    SmallVector<const Activation<float> *> q, k;
    for (unsigned id : head.queries)
      q.push_back(get(id));
    for (unsigned id : head.keys)
      k.push_back(get(id));
    return applyAttention<float>(head.block, q, k, {&value});
  }

  int64_t n;
  Activation<float> one, b;
  std::map<unsigned, Activation<float>> sops;
};

constexpr unsigned kTokens = 0, kIndices = 1, kOther = 2;

std::vector<int64_t> iota(int64_t n) {
  std::vector<int64_t> v(n);
  for (int64_t i = 0; i < n; ++i)
    v[i] = i;
  return v;
}

Matrix table(Comparison c, const ValueSet &keys, const ValueSet &queries) {
  llvm::Expected<Matrix> m = comparisonTable(c, keys, queries);
  EXPECT_TRUE(static_cast<bool>(m));
  return std::move(*m);
}

/// Applies the selector-width block (head and both decoders) to `seq` and
/// checks every position against `expected` (the width at token i).
void checkSelectorWidth(const Sequence &seq, llvm::ArrayRef<SelectorTerm> terms,
                        llvm::function_ref<int64_t(unsigned)> dimOf,
                        int64_t maxLen, bool causal,
                        llvm::ArrayRef<int64_t> expected) {
  SynthesisOptions o = options(maxLen, causal);
  SelectorHead head =
      selectorHead(terms, dimOf, HeadKind::SelectorWidth,
                   Matrix::fromTriplets(1, 1, {{0, 0, 1.0}}), o);
  Activation<float> y = seq.run(head, seq.b);

  ValueSet widths = ints(0, maxLen);
  llvm::Expected<MLPBlock> cat = selectorWidthDecoder(widths, &widths, o);
  llvm::Expected<MLPBlock> num = selectorWidthDecoder(widths, nullptr, o);
  ASSERT_TRUE(cat && num);
  Activation<float> c = apply<float>(*cat, {&y, &seq.one, &seq.b});
  Activation<float> v = apply<float>(*num, {&y, &seq.one, &seq.b});
  EXPECT_TRUE(rowIsZero(c, 0));
  EXPECT_EQ(v.at(0, 0), 0.0f);
  for (int64_t i = 0; i < seq.n; ++i) {
    int64_t w = expected[i], p = i + 1;
    // The attention output is 1/(w+1) to within a quarter of the gap to its
    // neighbours, so the decoder's ramps cannot see the difference.
    double target = 1.0 / (w + 1), gap = 1.0 / ((w + 1) * (w + 2.0));
    EXPECT_LT(std::abs(y.at(p, 0) - target), gap / 4) << "position " << p;
    std::vector<double> x = {y.at(p, 0), 1.0, 0.0};
    std::vector<double> cb = mlpRoundingBound(*cat, x);
    for (int64_t j = 0; j <= maxLen; ++j)
      ASSERT_LE(std::abs(c.at(p, j) - (j == w)), cb[j])
          << "position " << p << " width " << w << " direction " << j;
    EXPECT_LE(std::abs(v.at(p, 0) - w), mlpRoundingBound(*num, x)[0])
        << "position " << p;
  }
}

class SelectorWidthTest : public ::testing::TestWithParam<int64_t> {};

TEST_P(SelectorWidthTest, EveryWidthFromZeroToMaxLen) {
  int64_t maxLen = GetParam();
  ValueSet idx = ints(0, maxLen - 1);
  Sequence seq(maxLen);
  seq.add(kIndices, iota(maxLen), maxLen);
  auto dimOf = [&](unsigned) { return maxLen; };
  // key < query selects i keys at token i; key <= query selects i + 1.
  std::vector<int64_t> lt = iota(maxLen), leq(maxLen);
  for (int64_t i = 0; i < maxLen; ++i)
    leq[i] = i + 1;
  checkSelectorWidth(seq,
                     {{kIndices, kIndices, table(Comparison::Lt, idx, idx)}},
                     dimOf, maxLen, false, lt);
  checkSelectorWidth(seq,
                     {{kIndices, kIndices, table(Comparison::Leq, idx, idx)}},
                     dimOf, maxLen, false, leq);
  // Causal: key >= query leaves only the query's own position.
  checkSelectorWidth(seq,
                     {{kIndices, kIndices, table(Comparison::Geq, idx, idx)}},
                     dimOf, maxLen, true, std::vector<int64_t>(maxLen, 1));
}

TEST_P(SelectorWidthTest, LengthOfEveryInputLength) {
  // select(tokens, tokens, True) has no conjunct left: every key is selected.
  int64_t maxLen = GetParam();
  for (int64_t n : {int64_t(1), int64_t(2), maxLen / 2 + 1, maxLen}) {
    Sequence seq(n);
    checkSelectorWidth(
        seq, {}, [](unsigned) { return 0; }, maxLen, false,
        std::vector<int64_t>(n, n));
  }
}

INSTANTIATE_TEST_SUITE_P(MaxSeqLen, SelectorWidthTest,
                         ::testing::Values(5, 64, 256));

class AggregateTest : public ::testing::TestWithParam<int64_t> {};

TEST_P(AggregateTest, ReverseOfEveryLength) {
  int64_t maxLen = GetParam();
  ValueSet idx = ints(0, maxLen - 1);
  std::mt19937 rng(7);
  for (int64_t n : {int64_t(1), int64_t(3), maxLen}) {
    // queries: opp_index = n - 1 - i; keys: indices; values: random tokens.
    std::vector<int64_t> opp(n), tokens(n);
    for (int64_t i = 0; i < n; ++i) {
      opp[i] = n - 1 - i;
      tokens[i] = rng() % 4;
    }
    Sequence seq(n);
    seq.add(kIndices, iota(n), maxLen);
    seq.add(kOther, opp, maxLen);
    std::vector<int64_t> column = {-1};
    column.insert(column.end(), tokens.begin(), tokens.end());
    Activation<float> value = oneHot<float>(column, 4);
    SelectorHead head = selectorHead(
        {{kOther, kIndices, table(Comparison::Eq, idx, idx)}},
        [&](unsigned) { return maxLen; }, HeadKind::Aggregate,
        unwrap(categoricalValueMap(ints(0, 3), ints(0, 3))), options(maxLen));
    Activation<float> out = seq.run(head, value);
    for (int64_t k = 0; k < 4; ++k)
      EXPECT_LE(std::abs(out.at(0, k)), 4 * kAttentionLeak) << "BOS";
    for (int64_t i = 0; i < n; ++i)
      EXPECT_LE(oneHotError(out, i + 1, tokens[n - 1 - i]), 4 * kAttentionLeak)
          << "n " << n << " token " << i;
  }
}

TEST_P(AggregateTest, NothingSelectedIsNone) {
  // shift_by(1): query i selects key i - 1; token 0 selects nothing.
  int64_t maxLen = GetParam();
  ValueSet idx = ints(0, maxLen - 1);
  Matrix shift = unwrap(predicateTable(
      [](const PyValue &k, const PyValue &q) -> llvm::Expected<bool> {
        return q.getInt() == k.getInt() + 1;
      },
      idx, idx));
  Sequence seq(maxLen);
  seq.add(kIndices, iota(maxLen), maxLen);
  std::vector<int64_t> column = {-1};
  for (int64_t i = 0; i < maxLen; ++i)
    column.push_back(i % 3);
  Activation<float> value = oneHot<float>(column, 3);
  SelectorHead head = selectorHead(
      {{kIndices, kIndices, shift}}, [&](unsigned) { return maxLen; },
      HeadKind::Aggregate, unwrap(categoricalValueMap(ints(0, 2), ints(0, 2))),
      options(maxLen));
  Activation<float> out = seq.run(head, value);
  EXPECT_EQ(decodeCategoricalIndex(out.row(1), 3), -1);
  EXPECT_LE(oneHotError(out, 1, -1), 4 * kAttentionLeak);
  for (int64_t i = 1; i < maxLen; ++i)
    EXPECT_LE(oneHotError(out, i + 1, (i - 1) % 3), 4 * kAttentionLeak);
}

TEST_P(AggregateTest, NumericalMeanOfArbitraryValues) {
  // frac_prevs-style prefix means of values that are not 0/1 (Tracr's basis
  // inference refuses them) and of 0/1 values, including causal heads.
  int64_t maxLen = GetParam();
  ValueSet idx = ints(0, maxLen - 1);
  std::mt19937 rng(11);
  const double pool[] = {-1.5, 0, 2, 3.25, 1};
  for (bool causal : {false, true})
    for (bool binary : {false, true}) {
      std::vector<double> column = {0.0};
      for (int64_t i = 0; i < maxLen; ++i)
        column.push_back(binary ? rng() % 2 : pool[rng() % 5]);
      Sequence seq(maxLen);
      seq.add(kIndices, iota(maxLen), maxLen);
      Activation<float> value = numeric<float>(column);
      SelectorHead head = selectorHead(
          {{kIndices, kIndices, table(Comparison::Leq, idx, idx)}},
          [&](unsigned) { return maxLen; }, HeadKind::Aggregate,
          Matrix::fromTriplets(1, 1, {{0, 0, 1.0}}), options(maxLen, causal));
      Activation<float> out = seq.run(head, value);
      EXPECT_LE(std::abs(out.at(0, 0)), 4 * kAttentionLeak);
      double sum = 0, maxAbs = 3.25;
      for (int64_t i = 0; i < maxLen; ++i) {
        sum += column[i + 1];
        double mean = sum / (i + 1);
        // Weights: softmax normalisation (i + 3 terms); output: a dot product
        // of i + 2 terms; leakage below kAttentionLeak of the largest value.
        double bound =
            2 * dotBound(i + 3, maxAbs) + 4 * kAttentionLeak * maxAbs;
        EXPECT_LE(std::abs(out.at(i + 1, 0) - mean), bound) << "token " << i;
      }
    }
}

INSTANTIATE_TEST_SUITE_P(MaxSeqLen, AggregateTest,
                         ::testing::Values(5, 64, 256));

//===----------------------------------------------------------------------===//
// Composite selectors and constant operands
//===----------------------------------------------------------------------===//

/// Widths by brute force from a selection predicate on token positions.
std::vector<int64_t>
bruteWidths(int64_t n, llvm::function_ref<bool(int64_t k, int64_t q)> sel,
            bool causal = false) {
  std::vector<int64_t> w(n, 0);
  for (int64_t q = 0; q < n; ++q)
    for (int64_t k = 0; k < n; ++k)
      w[q] += sel(k, q) && (!causal || k <= q);
  return w;
}

TEST(CompositeSelectorTest, AndOfDifferentOperandsSumsLogits) {
  // select(tokens, tokens, ==) and select(indices, indices, <): earlier
  // occurrences of the query's token.
  int64_t maxLen = 64, vocab = 3;
  ValueSet tok = ints(0, vocab - 1), idx = ints(0, maxLen - 1);
  std::mt19937 rng(3);
  std::vector<int64_t> tokens(maxLen);
  for (int64_t &t : tokens)
    t = rng() % vocab;
  Sequence seq(maxLen);
  seq.add(kTokens, tokens, vocab);
  seq.add(kIndices, iota(maxLen), maxLen);
  auto dimOf = [&](unsigned id) { return id == kTokens ? vocab : maxLen; };
  std::vector<SelectorTerm> terms = {
      {kTokens, kTokens, table(Comparison::Eq, tok, tok)},
      {kIndices, kIndices, table(Comparison::Lt, idx, idx)}};
  checkSelectorWidth(seq, terms, dimOf, maxLen, false,
                     bruteWidths(maxLen, [&](int64_t k, int64_t q) {
                       return tokens[k] == tokens[q] && k < q;
                     }));
  // As an aggregate every selected key holds the query's own token.
  SelectorHead head =
      selectorHead(terms, dimOf, HeadKind::Aggregate,
                   unwrap(categoricalValueMap(tok, tok)), options(maxLen));
  Activation<float> out = seq.run(head, *seq.get(kTokens));
  for (int64_t i = 0; i < maxLen; ++i) {
    bool seen =
        llvm::is_contained(llvm::ArrayRef(tokens).take_front(i), tokens[i]);
    EXPECT_EQ(decodeCategoricalIndex(out.row(i + 1), vocab),
              seen ? tokens[i] : -1);
  }
}

TEST(CompositeSelectorTest, OrAndNotThroughPlansAndTupleFeatures) {
  int64_t maxLen = 12, vocab = 3;
  ValueSet tok = ints(0, vocab - 1), idx = ints(0, maxLen - 1);
  auto dimOf = [&](unsigned id) { return id == kTokens ? vocab : maxLen; };
  using Kind = SelectorTree::Kind;
  auto eq =
      SelectorTree::leaf(kTokens, kTokens, table(Comparison::Eq, tok, tok));
  auto lt =
      SelectorTree::leaf(kIndices, kIndices, table(Comparison::Lt, idx, idx));
  // (tokens == tokens) or not (indices < indices)
  SelectorTree tree = SelectorTree::combine(
      Kind::Or, {eq, SelectorTree::combine(Kind::Not, {lt})});
  llvm::Expected<SelectorPlan> plan = planSelector(tree, dimOf, 1 << 20);
  ASSERT_TRUE(static_cast<bool>(plan));
  ASSERT_EQ(plan->conjuncts.size(), 1u);
  const Conjunct &c = plan->conjuncts.front();
  EXPECT_EQ(c.queryOperands, (SmallVector<unsigned>{kTokens, kIndices}));
  EXPECT_EQ(c.keyOperands, (SmallVector<unsigned>{kTokens, kIndices}));

  std::mt19937 rng(5);
  std::vector<int64_t> tokens(maxLen);
  for (int64_t &t : tokens)
    t = rng() % vocab;
  Sequence seq(maxLen);
  seq.add(kTokens, tokens, vocab);
  seq.add(kIndices, iota(maxLen), maxLen);
  // The tuple feature (token, index) read by both queries and keys.
  MLPBlock tuple = tupleFeature({vocab, maxLen});
  seq.add(kOther,
          apply<float>(tuple, {seq.get(kTokens), seq.get(kIndices), &seq.one}));
  checkSelectorWidth(
      seq, {{kOther, kOther, c.table}},
      [&](unsigned) { return vocab * maxLen; }, maxLen, false,
      bruteWidths(maxLen, [&](int64_t k, int64_t q) {
        return tokens[k] == tokens[q] || !(k < q);
      }));
}

TEST(CompositeSelectorTest, ConstantKeysAndQueries) {
  // select(full(2), indices, lambda k, q: q > k): keys are constant;
  // select(indices, full(2), <): queries are constant.
  int64_t maxLen = 16;
  ValueSet idx = ints(0, maxLen - 1), two = {PyValue::integer(2)};
  Sequence seq(maxLen);
  seq.add(kIndices, iota(maxLen), maxLen);
  auto dimOf = [&](unsigned) { return maxLen; };
  Matrix constKey = table(Comparison::Lt, two, idx);   // |idx| x 1
  Matrix constQuery = table(Comparison::Lt, idx, two); // 1 x |idx|
  checkSelectorWidth(
      seq, {{kIndices, std::nullopt, constKey}}, dimOf, maxLen, false,
      bruteWidths(maxLen, [](int64_t, int64_t q) { return 2 < q; }));
  checkSelectorWidth(
      seq, {{std::nullopt, kIndices, constQuery}}, dimOf, maxLen, false,
      bruteWidths(maxLen, [](int64_t k, int64_t) { return k < 2; }));
  // A selector that holds nowhere: width 0, aggregate None.
  checkSelectorWidth(seq, {{std::nullopt, std::nullopt, Matrix(1, 1)}}, dimOf,
                     maxLen, false, std::vector<int64_t>(maxLen, 0));
}

TEST(AttentionScaleTest, DerivedAndOverridden) {
  // (N + 1) exp(-s gap) = 2^-26, up to rounding s to float32.
  SynthesisOptions o = options(5);
  EXPECT_NEAR(6 * std::exp(-softmaxScale(o, 0.5) * 0.5) / kAttentionLeak, 1,
              1e-5);
  EXPECT_NEAR(257 * std::exp(-softmaxScale(options(256), 1.0)) / kAttentionLeak,
              1, 1e-5);
  o.softmaxScale = 100;
  EXPECT_EQ(softmaxScale(o, 0.5), 100);
}

} // namespace
