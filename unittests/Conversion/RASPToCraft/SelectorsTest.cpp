//===- SelectorsTest.cpp - Selection tables and selector plans ------------===//

#include "RaspDialect/Conversion/RASPToCraft/Synthesis/Selectors.h"
#include "SynthesisTestUtils.h"

using namespace mlir;
using namespace mlir::craft;
using namespace mlir::craft::synth;
using namespace mlir::craft::testing;
using rasp::Comparison;

namespace {

const Comparison kAll[] = {Comparison::Eq,   Comparison::Lt,   Comparison::Leq,
                           Comparison::Gt,   Comparison::Geq,  Comparison::Neq,
                           Comparison::True, Comparison::False};

/// comparisonTable against the entry-by-entry Python semantics.
void expectMatchesPython(const ValueSet &keys, const ValueSet &queries) {
  for (Comparison c : kAll) {
    Matrix fast = unwrap(comparisonTable(c, keys, queries));
    ASSERT_EQ(fast.getRows(), static_cast<int64_t>(queries.size()));
    ASSERT_EQ(fast.getCols(), static_cast<int64_t>(keys.size()));
    for (size_t q = 0; q < queries.size(); ++q)
      for (size_t k = 0; k < keys.size(); ++k) {
        llvm::Expected<bool> want = rasp::py::compare(c, keys[k], queries[q]);
        ASSERT_TRUE(static_cast<bool>(want));
        EXPECT_EQ(fast.get(q, k) == 1.0, *want)
            << rasp::stringifyComparison(c).str() << " key " << keys[k].repr()
            << " query " << queries[q].repr();
      }
  }
}

TEST(SelectorsTest, ComparisonTablesOfNumbersAndStrings) {
  ValueSet nums = {PyValue::boolean(false), PyValue::real(0.5),
                   PyValue::integer(1),     PyValue::real(1.5),
                   PyValue::integer(70),    PyValue::real(-2)};
  rasp::canonicalizeValueSet(nums);
  ValueSet other = ints(-3, 80);
  expectMatchesPython(nums, other);
  expectMatchesPython(other, nums);
  ValueSet strs = {PyValue::str("("), PyValue::str(")"), PyValue::str("a"),
                   PyValue::str("ab"), PyValue::str("b")};
  expectMatchesPython(strs, strs);
}

TEST(SelectorsTest, MixedTypesUseThePythonOperators) {
  ValueSet mixed = {PyValue::integer(1), PyValue::str("a")};
  Matrix eq = unwrap(comparisonTable(Comparison::Eq, mixed, mixed));
  EXPECT_EQ(eq.getNumNonZeros(), 2);
  llvm::Expected<Matrix> lt = comparisonTable(Comparison::Lt, mixed, mixed);
  ASSERT_FALSE(static_cast<bool>(lt));
  EXPECT_EQ(llvm::toString(lt.takeError()),
            "TypeError: '<' not supported between instances of 'str' and "
            "'int' (evaluating on key 'a' and query 1)");
}

constexpr unsigned kA = 0, kB = 1;

TEST(SelectorsTest, PlansGroupFactorsByOperands) {
  ValueSet s = ints(0, 3);
  auto dimOf = [](unsigned) { return int64_t(4); };
  using Kind = SelectorTree::Kind;
  auto leaf = [&](unsigned k, unsigned q, Comparison c) {
    return SelectorTree::leaf(k, q, unwrap(comparisonTable(c, s, s)));
  };
  // (A < A) and (B == B) and (A != A): two factors; the A factors merge.
  SelectorTree tree = SelectorTree::combine(
      Kind::And, {leaf(kA, kA, Comparison::Lt), leaf(kB, kB, Comparison::Eq),
                  leaf(kA, kA, Comparison::Neq)});
  SelectorPlan plan = unwrap(planSelector(tree, dimOf, 1000));
  ASSERT_EQ(plan.conjuncts.size(), 2u);
  EXPECT_EQ(plan.conjuncts[0].queryOperands, SmallVector<unsigned>{kA});
  EXPECT_EQ(plan.conjuncts[1].keyOperands, SmallVector<unsigned>{kB});
  for (int64_t q = 0; q < 4; ++q)
    for (int64_t k = 0; k < 4; ++k)
      EXPECT_EQ(plan.conjuncts[0].table.get(q, k), k < q ? 1.0 : 0.0);

  // not ((A < A) or (A >= A)) holds nowhere.
  SelectorTree never = SelectorTree::combine(
      Kind::Not,
      {SelectorTree::combine(Kind::Or, {leaf(kA, kA, Comparison::Lt),
                                        leaf(kA, kA, Comparison::Geq)})});
  SelectorPlan none = unwrap(planSelector(never, dimOf, 1000));
  ASSERT_EQ(none.conjuncts.size(), 1u);
  EXPECT_TRUE(none.conjuncts[0].queryOperands.empty());
  EXPECT_EQ(none.conjuncts[0].table.getNumNonZeros(), 0);

  // (A == A) or True holds everywhere: no factor at all.
  SelectorTree always = SelectorTree::combine(
      Kind::Or, {leaf(kA, kA, Comparison::Eq), leaf(kB, kB, Comparison::True)});
  EXPECT_TRUE(unwrap(planSelector(always, dimOf, 1000)).conjuncts.empty());
}

TEST(SelectorsTest, PlansRefuseHugeTupleTables) {
  ValueSet s = ints(0, 99);
  auto dimOf = [](unsigned) { return int64_t(100); };
  SelectorTree tree = SelectorTree::combine(
      SelectorTree::Kind::Or,
      {SelectorTree::leaf(kA, kA,
                          unwrap(comparisonTable(Comparison::Eq, s, s))),
       SelectorTree::leaf(kB, kB,
                          unwrap(comparisonTable(Comparison::Lt, s, s)))});
  llvm::Expected<SelectorPlan> plan = planSelector(tree, dimOf, 1000000);
  ASSERT_FALSE(static_cast<bool>(plan));
  EXPECT_EQ(llvm::toString(plan.takeError()),
            "a factor of this selector needs a table over 10000 query tuples "
            "and 10000 key tuples, more than the limit of 1000000 entries");
}

} // namespace
