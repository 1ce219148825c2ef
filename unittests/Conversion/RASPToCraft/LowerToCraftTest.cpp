//===- LowerToCraftTest.cpp - Lowered programs against their semantics ----===//
//
// Lowers Tracr library programs at max_seq_len 64 and runs the craft
// programs in float32 on random inputs of every length, comparing with
// direct implementations of the programs. The value sets the lowering needs
// are computed here for the few constructs these programs use, with the
// shared element-function evaluator.
//
//===----------------------------------------------------------------------===//

#include "RaspDialect/Conversion/RASPToCraft/RASPToCraft.h"
#include "RaspDialect/Dialect/Craft/Evaluator/Evaluator.h"
#include "RaspDialect/InitAll.h"
#include "RaspDialect/Semantics/ElementFunction.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"
#include "llvm/ADT/TypeSwitch.h"

#include "gtest/gtest.h"

#include <algorithm>
#include <random>

using namespace mlir;
using namespace mlir::rasp;

namespace {

/// Writes the `values` attribute of every SOp op: enough basis inference
/// for the programs below (numerical aggregates only of 0/1 values).
LogicalResult annotateValueSets(ProgramOp program, int64_t maxLen) {
  MLIRContext *context = program.getContext();
  llvm::DenseMap<Value, ValueSet> sets;
  auto eval = [](Region &body, ArrayRef<PyValue> args) {
    FailureOr<ElementFunction> fn = ElementFunction::get(body);
    return (*fn)(args);
  };
  for (Operation &op : program.getBody().front()) {
    if (op.getNumResults() != 1 || !isa<SOpType>(op.getResult(0).getType()))
      continue;
    ValueSet set;
    bool ok = true;
    llvm::TypeSwitch<Operation *>(&op)
        .Case([&](TokensOp) { set = *fromArrayAttr(*program.getVocab()); })
        .Case([&](IndicesOp) {
          for (int64_t i = 0; i < maxLen; ++i)
            set.push_back(PyValue::integer(i));
        })
        .Case([&](FullOp full) { set = {*fromAttr(full.getFill())}; })
        .Case([&](SelectorWidthOp) {
          for (int64_t i = 0; i <= maxLen; ++i)
            set.push_back(PyValue::integer(i));
        })
        .Case([&](MapOp map) {
          for (const PyValue &x : sets[map.getInput()])
            if (FailureOr<PyValue> y = eval(map.getBody(), {x}); succeeded(y))
              set.push_back(*y);
            else
              ok = false;
        })
        .Case([&](SequenceMapOp seq) {
          for (const PyValue &x : sets[seq.getLhs()])
            for (const PyValue &y : sets[seq.getRhs()])
              if (FailureOr<PyValue> z = eval(seq.getBody(), {x, y});
                  succeeded(z))
                set.push_back(*z);
              else
                ok = false;
        })
        .Case([&](LinearSequenceMapOp lin) {
          double a = lin.getLhsCoeff().convertToDouble();
          double b = lin.getRhsCoeff().convertToDouble();
          for (const PyValue &x : sets[lin.getLhs()])
            for (const PyValue &y : sets[lin.getRhs()])
              set.push_back(PyValue::real(a * x.toDouble() + b * y.toDouble()));
        })
        .Case([&](AggregateOp agg) {
          if (!cast<SOpType>(agg.getType()).isNumerical()) {
            set = sets[agg.getInput()];
            return;
          }
          for (int64_t n = 1; n <= maxLen; ++n)
            for (int64_t k = 0; k <= n; ++k)
              set.push_back(PyValue::real(static_cast<double>(k) / n));
        });
    if (!ok)
      return failure();
    llvm::erase_if(set, [](const PyValue &v) { return v.isNone(); });
    canonicalizeValueSet(set);
    op.setAttr(RASPDialect::getValuesAttrName(), toArrayAttr(context, set));
    sets[op.getResult(0)] = set;
  }
  return success();
}

class LowerToCraftTest : public ::testing::Test {
protected:
  LowerToCraftTest() {
    DialectRegistry registry;
    registerAllDialects(registry);
    context.appendDialectRegistry(registry);
    context.loadAllAvailableDialects();
  }

  /// Parses `source` (with VOCAB and N placeholders), annotates and lowers
  /// it, and returns the evaluator of the craft program.
  craft::ProgramEvaluator lower(std::string source, llvm::StringRef vocab,
                                int64_t maxLen,
                                const LowerToCraftPassOptions &options = {},
                                LowerToCraftStats *stats = nullptr) {
    for (auto [key, value] :
         {std::pair<std::string, std::string>{"VOCAB", vocab.str()},
          {"MAXLEN", std::to_string(maxLen)}})
      for (size_t at; (at = source.find(key)) != std::string::npos;)
        source.replace(at, key.size(), value);
    module = parseSourceString<ModuleOp>(source, &context);
    EXPECT_TRUE(module);
    auto program = cast<ProgramOp>(module->getBody()->front());
    EXPECT_TRUE(succeeded(annotateValueSets(program, maxLen)));
    FailureOr<craft::ProgramOp> lowered = lowerToCraft(program, options, stats);
    EXPECT_TRUE(succeeded(lowered));
    program.erase();
    EXPECT_TRUE(succeeded(verify(*module)));
    return *craft::ProgramEvaluator::get(*lowered);
  }

  /// Random inputs over `vocab`: every length from 1 to maxLen once, then
  /// `extra` more of random lengths.
  std::vector<std::vector<PyValue>> inputs(const ValueSet &vocab,
                                           int64_t maxLen, int extra) {
    std::vector<std::vector<PyValue>> out;
    for (int64_t i = 0; i < maxLen + extra; ++i) {
      int64_t n = i < maxLen ? i + 1 : 1 + rng() % maxLen;
      std::vector<PyValue> in;
      for (int64_t j = 0; j < n; ++j)
        in.push_back(vocab[rng() % vocab.size()]);
      out.push_back(in);
    }
    return out;
  }

  static std::vector<PyValue> run(const craft::ProgramEvaluator &e,
                                  ArrayRef<PyValue> in) {
    llvm::Expected<std::vector<PyValue>> out = e.runAndDecode<float>(in);
    if (!out) {
      ADD_FAILURE() << llvm::toString(out.takeError());
      return {};
    }
    return *out;
  }

  static std::string show(ArrayRef<PyValue> values) {
    std::string s;
    for (const PyValue &v : values)
      s += v.repr() + " ";
    return s;
  }

  MLIRContext context;
  OwningOpRef<ModuleOp> module;
  std::mt19937 rng{2024};
};

ValueSet strs(std::initializer_list<const char *> items) {
  ValueSet s;
  for (const char *i : items)
    s.push_back(PyValue::str(i));
  return s;
}

constexpr int64_t kMaxLen = 64;

constexpr const char *kReverse = R"mlir(
rasp.program @reverse attributes {vocab = VOCAB, max_seq_len = MAXLEN : i64} {
  %t = rasp.tokens : !rasp.sop<categorical, !rasp.str>
  %i = rasp.indices : !rasp.sop<categorical, i64>
  %all = rasp.select %t, %t, true : !rasp.sop<categorical, !rasp.str>, !rasp.sop<categorical, !rasp.str>
  %len = rasp.selector_width %all : !rasp.sop<categorical, i64>
  %opp = rasp.sequence_map %len, %i : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64> -> !rasp.sop<categorical, i64> {
  ^bb0(%l: i64, %x: i64):
    %0 = arith.subi %l, %x : i64
    %c1 = arith.constant 1 : i64
    %1 = arith.subi %0, %c1 : i64
    rasp.yield %1 : i64
  }
  %flip = rasp.select %i, %opp, eq : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64>
  %rev = rasp.aggregate %flip, %t : !rasp.sop<categorical, !rasp.str> -> !rasp.sop<categorical, !rasp.str>
  rasp.output %rev : !rasp.sop<categorical, !rasp.str>
}
)mlir";

TEST_F(LowerToCraftTest, ReverseAtLength64) {
  ValueSet vocab = strs({"a", "b", "c", "d"});
  craft::ProgramEvaluator e =
      lower(kReverse, R"(["a", "b", "c", "d"])", kMaxLen);
  for (const std::vector<PyValue> &in : inputs(vocab, kMaxLen, 20)) {
    std::vector<PyValue> want(in.rbegin(), in.rend());
    std::vector<PyValue> got = run(e, in);
    ASSERT_EQ(show(got), show(want)) << "input " << show(in);
  }
}

// Fusion judges each fused MLP's work before synthesising it: above
// max-fused-work, `opp` is computed from the subspaces of `len` and the
// indices instead (counted for the pass statistic), and the model is still
// exact.
TEST_F(LowerToCraftTest, FusionFallsBackPerMLPAboveMaxFusedWork) {
  ValueSet vocab = strs({"a", "b", "c", "d"});
  LowerToCraftStats fused;
  lower(kReverse, R"(["a", "b", "c", "d"])", kMaxLen, {}, &fused);
  EXPECT_EQ(fused.fusionFallbacks, 0);

  LowerToCraftPassOptions options;
  // `len` is 65 points (work 2990), `opp` 4160 points (295360).
  options.maxFusedWork = 10000;
  LowerToCraftStats stats;
  craft::ProgramEvaluator e =
      lower(kReverse, R"(["a", "b", "c", "d"])", kMaxLen, options, &stats);
  EXPECT_EQ(stats.fusionFallbacks, 1);
  for (const std::vector<PyValue> &in : inputs(vocab, kMaxLen, 20)) {
    std::vector<PyValue> want(in.rbegin(), in.rend());
    ASSERT_EQ(show(run(e, in)), show(want)) << "input " << show(in);
  }
}

constexpr const char *kHist = R"mlir(
rasp.program @hist attributes {vocab = VOCAB, max_seq_len = MAXLEN : i64} {
  %t = rasp.tokens : !rasp.sop<categorical, i64>
  %s = rasp.select %t, %t, eq : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64>
  %h = rasp.selector_width %s : !rasp.sop<categorical, i64>
  rasp.output %h : !rasp.sop<categorical, i64>
}
)mlir";

TEST_F(LowerToCraftTest, HistAtLength64) {
  ValueSet vocab = {PyValue::integer(0), PyValue::integer(1),
                    PyValue::integer(2)};
  craft::ProgramEvaluator e = lower(kHist, "[0, 1, 2]", kMaxLen);
  for (const std::vector<PyValue> &in : inputs(vocab, kMaxLen, 20)) {
    std::vector<PyValue> want;
    for (const PyValue &t : in)
      want.push_back(PyValue::integer(llvm::count(in, t)));
    ASSERT_EQ(show(run(e, in)), show(want)) << "input " << show(in);
  }
}

constexpr const char *kSort = R"mlir(
rasp.program @sort attributes {vocab = VOCAB, max_seq_len = MAXLEN : i64} {
  %t = rasp.tokens : !rasp.sop<categorical, i64>
  %i = rasp.indices : !rasp.sop<categorical, i64>
  %keys = rasp.sequence_map %t, %i : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64> -> !rasp.sop<categorical, f64> {
  ^bb0(%x: i64, %j: i64):
    %xf = arith.sitofp %x : i64 to f64
    %jf = arith.sitofp %j : i64 to f64
    %n = arith.constant MAXLEN.0 : f64
    %d = arith.divf %jf, %n : f64
    %k = arith.addf %xf, %d : f64
    rasp.yield %k : f64
  }
  %smaller = rasp.select %keys, %keys, lt : !rasp.sop<categorical, f64>, !rasp.sop<categorical, f64>
  %pos = rasp.selector_width %smaller : !rasp.sop<categorical, i64>
  %sel = rasp.select %pos, %i, eq : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64>
  %sort = rasp.aggregate %sel, %t : !rasp.sop<categorical, i64> -> !rasp.sop<categorical, i64>
  rasp.output %sort : !rasp.sop<categorical, i64>
}
)mlir";

TEST_F(LowerToCraftTest, SortAtLength64) {
  ValueSet vocab;
  for (int64_t v = 1; v <= 5; ++v)
    vocab.push_back(PyValue::integer(v));
  craft::ProgramEvaluator e = lower(kSort, "[1, 2, 3, 4, 5]", kMaxLen);
  for (const std::vector<PyValue> &in : inputs(vocab, kMaxLen, 20)) {
    std::vector<PyValue> want = in;
    std::stable_sort(want.begin(), want.end(), PyValue::setLess);
    ASSERT_EQ(show(run(e, in)), show(want)) << "input " << show(in);
  }
}

constexpr const char *kFracPrevs = R"mlir(
rasp.program @frac_prevs attributes {vocab = VOCAB, max_seq_len = MAXLEN : i64} {
  %t = rasp.tokens : !rasp.sop<categorical, !rasp.str>
  %i = rasp.indices : !rasp.sop<categorical, i64>
  %b = rasp.map %t : !rasp.sop<categorical, !rasp.str> -> !rasp.sop<numerical, i1> {
  ^bb0(%x: !rasp.str):
    %open = rasp.constant("(") : !rasp.str
    %eq = rasp.binary eq %x, %open : !rasp.str, !rasp.str -> i1
    rasp.yield %eq : i1
  }
  %prevs = rasp.select %i, %i, leq : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64>
  %frac = rasp.aggregate %prevs, %b default(0) : !rasp.sop<numerical, i1> -> !rasp.sop<numerical, f64>
  %more = rasp.map %frac : !rasp.sop<numerical, f64> -> !rasp.sop<categorical, i64> {
  ^bb0(%x: f64):
    %c = arith.constant 0.5 : f64
    %gt = arith.cmpf ogt, %x, %c : f64
    %r = arith.extui %gt : i1 to i64
    rasp.yield %r : i64
  }
  %out = rasp.sequence_map %more, %frac : !rasp.sop<categorical, i64>, !rasp.sop<numerical, f64> -> !rasp.sop<numerical, f64> {
  ^bb0(%m: i64, %x: f64):
    %mf = arith.sitofp %m : i64 to f64
    %r = arith.addf %mf, %x : f64
    rasp.yield %r : f64
  }
  rasp.output %out : !rasp.sop<numerical, f64>
}
)mlir";

TEST_F(LowerToCraftTest, FracPrevsAndADiscretisedMapAtLength64) {
  // out = (frac > 1/2) + frac: the discretising map needs the mean to
  // within a quarter of the smallest gap between fractions, 1 / (64 * 63).
  ValueSet vocab = strs({"(", ")", "a"});
  craft::ProgramEvaluator e =
      lower(kFracPrevs, R"v(["(", ")", "a"])v", kMaxLen);
  for (const std::vector<PyValue> &in : inputs(vocab, kMaxLen, 20)) {
    std::vector<PyValue> got = run(e, in);
    ASSERT_EQ(got.size(), in.size());
    int64_t open = 0;
    for (size_t i = 0; i < in.size(); ++i) {
      open += in[i].getStr() == "(";
      double frac = static_cast<double>(open) / (i + 1);
      double want = (frac > 0.5 ? 1.0 : 0.0) + frac;
      ASSERT_NEAR(got[i].getFloat(), want, 1e-5)
          << "input " << show(in) << " position " << i;
    }
  }
}

constexpr const char *kEarlierSame = R"mlir(
rasp.program @earlier_same attributes {vocab = VOCAB, max_seq_len = MAXLEN : i64} {
  %t = rasp.tokens : !rasp.sop<categorical, !rasp.str>
  %i = rasp.indices : !rasp.sop<categorical, i64>
  %same = rasp.select %t, %t, eq : !rasp.sop<categorical, !rasp.str>, !rasp.sop<categorical, !rasp.str>
  %before = rasp.select %i, %i, lt : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64>
  %both = rasp.selector_and %same, %before
  %w = rasp.selector_width %both : !rasp.sop<categorical, i64>
  %other = rasp.selector_or %same, %before
  %x = rasp.selector_width %other : !rasp.sop<categorical, i64>
  %sum = rasp.sequence_map %w, %x : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64> -> !rasp.sop<categorical, i64> {
  ^bb0(%a: i64, %b: i64):
    %c = arith.constant 100 : i64
    %m = arith.muli %a, %c : i64
    %r = arith.addi %m, %b : i64
    rasp.yield %r : i64
  }
  rasp.output %sum : !rasp.sop<categorical, i64>
}
)mlir";

TEST_F(LowerToCraftTest, CompositeSelectorsAtLength16) {
  // 100 * #{earlier equal tokens} + #{equal or earlier tokens}.
  int64_t maxLen = 16;
  ValueSet vocab = strs({"a", "b", "c"});
  craft::ProgramEvaluator e = lower(kEarlierSame, R"(["a", "b", "c"])", maxLen);
  for (const std::vector<PyValue> &in : inputs(vocab, maxLen, 20)) {
    std::vector<PyValue> want;
    for (size_t q = 0; q < in.size(); ++q) {
      int64_t both = 0, either = 0;
      for (size_t k = 0; k < in.size(); ++k) {
        both += in[k] == in[q] && k < q;
        either += in[k] == in[q] || k < q;
      }
      want.push_back(PyValue::integer(100 * both + either));
    }
    ASSERT_EQ(show(run(e, in)), show(want)) << "input " << show(in);
  }
}

constexpr const char *kShuffleDyck = R"mlir(
rasp.program @shuffle_dyck attributes {vocab = VOCAB, max_seq_len = MAXLEN : i64} {
  %t = rasp.tokens : !rasp.sop<categorical, !rasp.str>
  %i = rasp.indices : !rasp.sop<categorical, i64>
  %is_open = rasp.map %t : !rasp.sop<categorical, !rasp.str> -> !rasp.sop<numerical, i1> {
  ^bb0(%x: !rasp.str):
    %c = rasp.constant("(") : !rasp.str
    %eq = rasp.binary eq %x, %c : !rasp.str, !rasp.str -> i1
    rasp.yield %eq : i1
  }
  %is_close = rasp.map %t : !rasp.sop<categorical, !rasp.str> -> !rasp.sop<numerical, i1> {
  ^bb0(%x: !rasp.str):
    %c = rasp.constant(")") : !rasp.str
    %eq = rasp.binary eq %x, %c : !rasp.str, !rasp.str -> i1
    rasp.yield %eq : i1
  }
  %prevs = rasp.select %i, %i, leq : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64>
  %opens = rasp.aggregate %prevs, %is_open default(0) : !rasp.sop<numerical, i1> -> !rasp.sop<numerical, f64>
  %closes = rasp.aggregate %prevs, %is_close default(0) : !rasp.sop<numerical, i1> -> !rasp.sop<numerical, f64>
  %balance = rasp.linear_sequence_map %opens, %closes coefficients (1.0, -1.0) : !rasp.sop<numerical, f64>, !rasp.sop<numerical, f64> -> !rasp.sop<numerical, f64>
  %neg = rasp.map %balance : !rasp.sop<numerical, f64> -> !rasp.sop<categorical, i1> {
  ^bb0(%x: f64):
    %z = arith.constant 0.0 : f64
    %lt = arith.cmpf olt, %x, %z : f64
    rasp.yield %lt : i1
  }
  %zero = rasp.map %balance : !rasp.sop<numerical, f64> -> !rasp.sop<categorical, i1> {
  ^bb0(%x: f64):
    %z = arith.constant 0.0 : f64
    %eq = arith.cmpf oeq, %x, %z : f64
    rasp.yield %eq : i1
  }
  %neg_num = rasp.map %neg : !rasp.sop<categorical, i1> -> !rasp.sop<numerical, i1> {
  ^bb0(%x: i1):
    rasp.yield %x : i1
  }
  %all = rasp.select %i, %i, true : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64>
  %has_neg = rasp.aggregate %all, %neg_num default(0) : !rasp.sop<numerical, i1> -> !rasp.sop<numerical, f64>
  %len = rasp.selector_width %all : !rasp.sop<categorical, i64>
  %last = rasp.map %len : !rasp.sop<categorical, i64> -> !rasp.sop<categorical, i64> {
  ^bb0(%x: i64):
    %c1 = arith.constant 1 : i64
    %y = arith.subi %x, %c1 : i64
    rasp.yield %y : i64
  }
  %at_last = rasp.select %i, %last, eq : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64>
  %last_zero = rasp.aggregate %at_last, %zero : !rasp.sop<categorical, i1> -> !rasp.sop<categorical, i1>
  %out = rasp.sequence_map %last_zero, %has_neg : !rasp.sop<categorical, i1>, !rasp.sop<numerical, f64> -> !rasp.sop<categorical, i1> {
  ^bb0(%z: i1, %h: f64):
    %zero_f = arith.constant 0.0 : f64
    %none = arith.cmpf oeq, %h, %zero_f : f64
    %r = arith.andi %z, %none : i1
    rasp.yield %r : i1
  }
  rasp.output %out : !rasp.sop<categorical, i1>
}
)mlir";

TEST_F(LowerToCraftTest, ShuffleDyckChainAtLength32) {
  // Numerical means, their difference, discretising maps to booleans, a
  // numerical mean of one of them and a discretised test of that mean: the
  // rounding noise of each discretising MLP must not reach the next one.
  // (Length 32 keeps the value set of the difference, all differences of
  // two fractions, small enough for this test's basis inference.)
  int64_t maxLen = 32;
  ValueSet vocab = strs({"(", ")"});
  craft::ProgramEvaluator e = lower(kShuffleDyck, R"v(["(", ")"])v", maxLen);
  std::vector<std::vector<PyValue>> all = inputs(vocab, maxLen, 40);
  // Balanced inputs are rare at random; add some.
  for (int64_t n = 2; n <= maxLen; n += 2) {
    std::vector<PyValue> in;
    for (int64_t j = 0; j < n; ++j)
      in.push_back(PyValue::str(j % 2 ? ")" : "("));
    all.push_back(in);
    std::rotate(in.begin(), in.begin() + 1, in.end());
    all.push_back(in);
  }
  for (const std::vector<PyValue> &in : all) {
    int64_t depth = 0;
    bool negative = false;
    for (const PyValue &t : in) {
      depth += t.getStr() == "(" ? 1 : -1;
      negative |= depth < 0;
    }
    bool balanced = depth == 0 && !negative;
    std::vector<PyValue> want(in.size(), PyValue::boolean(balanced));
    ASSERT_EQ(show(run(e, in)), show(want)) << "input " << show(in);
  }
}

constexpr const char *kCountLessFreq = R"mlir(
rasp.program @count_less_freq attributes {vocab = VOCAB, max_seq_len = MAXLEN : i64} {
  %t = rasp.tokens : !rasp.sop<categorical, !rasp.str>
  %same = rasp.select %t, %t, eq : !rasp.sop<categorical, !rasp.str>, !rasp.sop<categorical, !rasp.str>
  %hist = rasp.selector_width %same : !rasp.sop<categorical, i64>
  %rare = rasp.select_where %hist, %hist : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64> {
  ^bb0(%k: i64, %q: i64):
    %c2 = arith.constant 2 : i64
    %le = arith.cmpi sle, %k, %c2 : i64
    rasp.yield %le : i1
  }
  %out = rasp.selector_width %rare : !rasp.sop<categorical, i64>
  rasp.output %out : !rasp.sop<categorical, i64>
}
)mlir";

TEST_F(LowerToCraftTest, CountLessFreqAtLength64) {
  // A selector width whose keys are another selector width's output.
  ValueSet vocab = strs({"a", "b", "c", "d", "e", "f", "g", "h"});
  craft::ProgramEvaluator e = lower(
      kCountLessFreq, R"(["a", "b", "c", "d", "e", "f", "g", "h"])", kMaxLen);
  for (const std::vector<PyValue> &in : inputs(vocab, kMaxLen, 20)) {
    int64_t rare = 0;
    for (const PyValue &t : in)
      rare += llvm::count(in, t) <= 2;
    std::vector<PyValue> want(in.size(), PyValue::integer(rare));
    ASSERT_EQ(show(run(e, in)), show(want)) << "input " << show(in);
  }
}

constexpr const char *kSortFreq = R"mlir(
rasp.program @sort_freq attributes {vocab = VOCAB, max_seq_len = MAXLEN : i64} {
  %t = rasp.tokens : !rasp.sop<categorical, i64>
  %i = rasp.indices : !rasp.sop<categorical, i64>
  %same = rasp.select %t, %t, eq : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64>
  %hist = rasp.selector_width %same : !rasp.sop<categorical, i64>
  %keys = rasp.sequence_map %hist, %i : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64> -> !rasp.sop<categorical, f64> {
  ^bb0(%h: i64, %j: i64):
    %hf = arith.sitofp %h : i64 to f64
    %jf = arith.sitofp %j : i64 to f64
    %n = arith.constant MAXLEN.0 : f64
    %d = arith.divf %jf, %n : f64
    %neg = arith.negf %hf : f64
    %k = arith.addf %neg, %d : f64
    rasp.yield %k : f64
  }
  %smaller = rasp.select %keys, %keys, lt : !rasp.sop<categorical, f64>, !rasp.sop<categorical, f64>
  %pos = rasp.selector_width %smaller : !rasp.sop<categorical, i64>
  %sel = rasp.select %pos, %i, eq : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64>
  %out = rasp.aggregate %sel, %t : !rasp.sop<categorical, i64> -> !rasp.sop<categorical, i64>
  rasp.output %out : !rasp.sop<categorical, i64>
}
)mlir";

TEST_F(LowerToCraftTest, SortFreqAtLength64) {
  // Tokens by decreasing frequency, ties by position: 4 160 distinct keys.
  ValueSet vocab = {PyValue::integer(1), PyValue::integer(2),
                    PyValue::integer(3), PyValue::integer(4)};
  craft::ProgramEvaluator e = lower(kSortFreq, "[1, 2, 3, 4]", kMaxLen);
  for (const std::vector<PyValue> &in : inputs(vocab, kMaxLen, 10)) {
    std::vector<size_t> order(in.size());
    for (size_t i = 0; i < in.size(); ++i)
      order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
      return llvm::count(in, in[a]) > llvm::count(in, in[b]);
    });
    std::vector<PyValue> want;
    for (size_t i : order)
      want.push_back(in[i]);
    ASSERT_EQ(show(run(e, in)), show(want)) << "input " << show(in);
  }
}

} // namespace
