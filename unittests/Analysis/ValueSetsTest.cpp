//===- ValueSetsTest.cpp - Basis inference and selector facts -------------===//

#include "RaspDialect/Analysis/ValueSets.h"
#include "RaspDialect/Analysis/SelectorFacts.h"
#include "RaspDialect/Analysis/Validation.h"
#include "RaspDialect/InitAll.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"

#include "gtest/gtest.h"

#include <chrono>

using namespace mlir;
using namespace mlir::rasp;

namespace {

class ValueSetsTest : public ::testing::Test {
protected:
  ValueSetsTest() {
    DialectRegistry registry;
    registerAllDialects(registry);
    context.appendDialectRegistry(registry);
    context.loadAllAvailableDialects();
  }

  ProgramOp parse(llvm::StringRef text) {
    module = parseSourceString<ModuleOp>(text, &context);
    EXPECT_TRUE(module);
    return module ? *module->getOps<ProgramOp>().begin() : ProgramOp();
  }

  /// The SOp or selector named by the `test.name` attribute `name`.
  Value named(ProgramOp program, llvm::StringRef name) {
    Value found;
    program.walk([&](Operation *op) {
      auto attr = op->getAttrOfType<StringAttr>("test.name");
      if (attr && attr.getValue() == name)
        found = op->getResult(0);
    });
    EXPECT_TRUE(found) << name.str();
    return found;
  }

  static std::string repr(const ValueSet *set) {
    if (!set)
      return "<none>";
    std::string out = "{";
    for (const PyValue &v : *set)
      out += (out.size() > 1 ? ", " : "") + v.repr();
    return out + "}";
  }

  MLIRContext context;
  OwningOpRef<ModuleOp> module;
};

constexpr llvm::StringLiteral kReverse = R"mlir(
  rasp.program @reverse attributes {vocab = ["a", "b"], max_seq_len = 3} {
    %t = rasp.tokens {test.name = "tokens"} : !rasp.sop<categorical, !rasp.str>
    %i = rasp.indices {test.name = "indices"} : !rasp.sop<categorical, i64>
    %all = rasp.select %t, %t, true {test.name = "all"} : !rasp.sop<categorical, !rasp.str>, !rasp.sop<categorical, !rasp.str>
    %len = rasp.selector_width %all {test.name = "length"} : !rasp.sop<categorical, i64>
    %opp = rasp.sequence_map %len, %i {test.name = "opp"} : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64> -> !rasp.sop<categorical, i64> {
    ^bb0(%l: i64, %x: i64):
      %d = arith.subi %l, %x : i64
      %c1 = arith.constant 1 : i64
      %r = arith.subi %d, %c1 : i64
      rasp.yield %r : i64
    }
    %flip = rasp.select %i, %opp, eq {test.name = "flip"} : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64>
    %before = rasp.select %i, %i, lt {test.name = "before"} : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64>
    %upto = rasp.select %i, %i, leq {test.name = "upto"} : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64>
    %either = rasp.selector_or %before, %all {test.name = "either"}
    %rank = rasp.selector_width %before {test.name = "rank"} : !rasp.sop<categorical, i64>
    %rev = rasp.aggregate %flip, %t {test.name = "reverse"} : !rasp.sop<categorical, !rasp.str> -> !rasp.sop<categorical, !rasp.str>
    rasp.output %rev : !rasp.sop<categorical, !rasp.str>
  })mlir";

TEST_F(ValueSetsTest, ComputesEverySOp) {
  ProgramOp program = parse(kReverse);
  ASSERT_TRUE(program);
  FailureOr<ValueSetAnalysis> analysis = ValueSetAnalysis::compute(program, {});
  ASSERT_TRUE(succeeded(analysis));
  EXPECT_EQ(analysis->getMaxSeqLen(), 3);
  EXPECT_EQ(repr(analysis->lookup(named(program, "tokens"))), "{'a', 'b'}");
  EXPECT_EQ(repr(analysis->lookup(named(program, "length"))), "{0, 1, 2, 3}");
  EXPECT_EQ(repr(analysis->lookup(named(program, "opp"))),
            "{-3, -2, -1, 0, 1, 2}");
  EXPECT_EQ(repr(analysis->lookup(named(program, "reverse"))), "{'a', 'b'}");
  // Selectors have no value set.
  EXPECT_EQ(analysis->lookup(named(program, "flip")), nullptr);
}

TEST_F(ValueSetsTest, OptionsOverrideAttributesWithoutTouchingThem) {
  ProgramOp program = parse(kReverse);
  ASSERT_TRUE(program);
  ValueSetOptions options;
  options.vocab = ValueSet{PyValue::integer(5)};
  options.maxSeqLen = 1;
  // The tokens are strings: an int vocabulary does not fit.
  std::string message;
  ScopedDiagnosticHandler handler(&context, [&](Diagnostic &diag) {
    message = diag.str();
    return success();
  });
  EXPECT_TRUE(failed(ValueSetAnalysis::compute(program, options)));
  EXPECT_EQ(message, "'rasp.tokens' op vocabulary item 5 does not fit the "
                     "tokens value type '!rasp.str'");
  options.vocab = ValueSet{PyValue::str("z")};
  FailureOr<ValueSetAnalysis> analysis =
      ValueSetAnalysis::compute(program, options);
  ASSERT_TRUE(succeeded(analysis));
  EXPECT_EQ(repr(analysis->lookup(named(program, "tokens"))), "{'z'}");
  EXPECT_EQ(repr(analysis->lookup(named(program, "indices"))), "{0}");
  EXPECT_EQ(program.getMaxSeqLen(), 3u);
}

TEST_F(ValueSetsTest, SelectorFacts) {
  ProgramOp program = parse(kReverse);
  ASSERT_TRUE(program);
  FailureOr<ValueSetAnalysis> analysis = ValueSetAnalysis::compute(program, {});
  ASSERT_TRUE(succeeded(analysis));
  auto lookup = [&](Value v) { return analysis->lookup(v); };
  SelectorFacts facts(lookup, /*causal=*/false);
  EXPECT_TRUE(facts.alwaysSelectsSome(named(program, "all")));
  EXPECT_TRUE(facts.alwaysSelectsSome(named(program, "upto")));
  EXPECT_TRUE(facts.alwaysSelectsSome(named(program, "either")));
  EXPECT_FALSE(facts.alwaysSelectsSome(named(program, "before")));
  EXPECT_FALSE(facts.alwaysSelectsSome(named(program, "flip")));

  EXPECT_TRUE(facts.selectsAtMostOne(named(program, "flip")));
  EXPECT_FALSE(facts.selectsAtMostOne(named(program, "before")));

  EXPECT_TRUE(facts.isPositionInjective(named(program, "indices")));
  EXPECT_TRUE(facts.isPositionInjective(named(program, "rank")));
  EXPECT_FALSE(facts.isPositionInjective(named(program, "tokens")));
  // length - i - 1 is injective: the indices are, and length is the same at
  // every position, where i -> length - i - 1 is injective.
  EXPECT_TRUE(facts.isPositionInjective(named(program, "opp")));
  EXPECT_FALSE(facts.isPositionInjective(named(program, "length")));

  EXPECT_TRUE(facts.selectsEqualValues(named(program, "flip"),
                                       named(program, "tokens")));
  EXPECT_FALSE(facts.selectsEqualValues(named(program, "all"),
                                        named(program, "tokens")));

  // Causal masks count ranks within a prefix: no longer injective.
  SelectorFacts causal(lookup, /*causal=*/true);
  EXPECT_FALSE(causal.isPositionInjective(named(program, "rank")));
  // ... and a causal "length" is i + 1, so opp_index is 0 everywhere.
  EXPECT_FALSE(causal.isPositionInjective(named(program, "opp")));
  EXPECT_TRUE(causal.alwaysSelectsSome(named(program, "upto")));
}

/// Tracr's make_sort(tokens, tokens, max_seq_len=N, min_key=1) with vocab
/// {1..V}: keys = x + i / N.
std::string sortProgram(int vocabSize, int maxSeqLen) {
  std::string vocab;
  for (int v = 1; v <= vocabSize; ++v)
    vocab += (v > 1 ? ", " : "") + std::to_string(v);
  return R"mlir(
    rasp.program @sort attributes {vocab = [)mlir" +
         vocab + "], max_seq_len = " + std::to_string(maxSeqLen) +
         R"mlir(} {
      %t = rasp.tokens : !rasp.sop<categorical, i64>
      %i = rasp.indices : !rasp.sop<categorical, i64>
      %keys = rasp.sequence_map %t, %i {test.name = "keys"} : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64> -> !rasp.sop<categorical, f64> {
      ^bb0(%x: i64, %j: i64):
        %n = arith.constant )mlir" +
         std::to_string(maxSeqLen) + R"mlir( : i64
        %q = rasp.binary truediv %j, %n : i64, i64 -> f64
        %xf = arith.sitofp %x : i64 to f64
        %k = arith.addf %xf, %q : f64
        rasp.yield %k : f64
      }
      %smaller = rasp.select %keys, %keys, lt : !rasp.sop<categorical, f64>, !rasp.sop<categorical, f64>
      %target = rasp.selector_width %smaller {test.name = "target"} : !rasp.sop<categorical, i64>
      %sel = rasp.select %target, %i, eq {test.name = "sel"} : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64>
      %sort = rasp.aggregate %sel, %t {test.name = "sort"} : !rasp.sop<categorical, i64> -> !rasp.sop<categorical, i64>
      rasp.output %sort : !rasp.sop<categorical, i64>
    })mlir";
}

/// Measures inference (and validation) for sort at V = N = 100, where
/// Tracr's compile times out. Prints the times; asserts only the results.
TEST_F(ValueSetsTest, SortAtVocab100Length100) {
  ProgramOp program = parse(sortProgram(100, 100));
  ASSERT_TRUE(program);
  auto start = std::chrono::steady_clock::now();
  FailureOr<ValueSetAnalysis> analysis = ValueSetAnalysis::compute(program, {});
  auto inferred = std::chrono::steady_clock::now();
  ASSERT_TRUE(succeeded(analysis));
  auto lookup = [&](Value v) { return analysis->lookup(v); };
  // Silent validation: the sort aggregate is proved to select one key.
  int diagnostics = 0;
  ScopedDiagnosticHandler handler(&context, [&](Diagnostic &) {
    ++diagnostics;
    return success();
  });
  EXPECT_TRUE(succeeded(validateProgram(program, lookup, {})));
  auto validated = std::chrono::steady_clock::now();
  EXPECT_EQ(diagnostics, 0);

  EXPECT_EQ(analysis->lookup(named(program, "keys"))->size(), 10000u);
  EXPECT_EQ(analysis->lookup(named(program, "target"))->size(), 101u);
  EXPECT_EQ(analysis->lookup(named(program, "sort"))->size(), 100u);

  using ms = std::chrono::duration<double, std::milli>;
  std::printf("sort V=100 N=100: inference %.1f ms, validation %.1f ms\n",
              ms(inferred - start).count(), ms(validated - inferred).count());
}

} // namespace
