//===- EvaluatorTest.cpp - Running craft programs on inputs ---------------===//

#include "RaspDialect/Dialect/Craft/Evaluator/Evaluator.h"
#include "RaspDialect/InitAll.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"

#include "gtest/gtest.h"

using namespace mlir;
using namespace mlir::craft;
using rasp::PyValue;

namespace {

/// prev[i] = tokens[i - 1] (None at i = 0); is_a = (prev == "a") as a
/// number; frac = causal mean of is_a over positions 0..i.
constexpr llvm::StringLiteral kProgram = R"mlir(
craft.program @prev attributes {max_seq_len = 3 : i64} {
  %tokens, %indices, %one, %bos = craft.embed
      tokens #craft.space<"tokens", ["a", "b", "c"]>
      indices #craft.space<"indices", [0, 1, 2]>
      one #craft.space<"one">
      bos #craft.space<"tokens", ["BOS"]>
  %prev = craft.attention_head
      query(%indices, %one : !craft.vec<3>, !craft.vec<1>)
      key(%indices, %bos : !craft.vec<3>, !craft.vec<1>)
      value(%tokens : !craft.vec<3>) scale 40.0
      w_qk [#craft.qk<0, 0, dense<[[false, false, false], [true, false, false], [false, true, false]]> : tensor<3x3xi1>>,
            #craft.qk<1, 1, dense<0.5> : tensor<1x1xf64>>]
      w_ov dense<[[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]> : tensor<3x3xf64>
      -> #craft.space<"prev", ["a", "b", "c"]>
  %is_a = craft.mlp(%prev : !craft.vec<3>)
      w1 dense<[[1.0], [0.0], [0.0]]> : tensor<3x1xf64> w2 dense<1.0> : tensor<1x1xf64>
      -> [#craft.space<"is_a">]
  %g:2 = craft.multi_head {
    %frac = craft.attention_head query(%one : !craft.vec<1>) key(%bos : !craft.vec<1>)
        value(%is_a : !craft.vec<1>) scale 40.0 causal
        w_qk [#craft.qk<0, 0, dense<-1.0> : tensor<1x1xf64>>]
        w_ov dense<1.0> : tensor<1x1xf64> -> #craft.space<"frac">
    %same = craft.attention_head query(%indices : !craft.vec<3>) key(%indices : !craft.vec<3>)
        value(%tokens : !craft.vec<3>) scale 40.0
        w_qk [#craft.qk<0, 0, dense<[[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]> : tensor<3x3xf64>>]
        w_ov dense<[[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]> : tensor<3x3xf64>
        -> #craft.space<"same", ["a", "b", "c"]>
    craft.yield %frac, %same : !craft.vec<1>, !craft.vec<3>
  } : !craft.vec<1>, !craft.vec<3>
  craft.output %prev : !craft.vec<3>
}
)mlir";

class EvaluatorTest : public ::testing::Test {
protected:
  EvaluatorTest() {
    DialectRegistry registry;
    rasp::registerAllDialects(registry);
    context.appendDialectRegistry(registry);
    context.loadAllAvailableDialects();
    module = parseSourceString<ModuleOp>(kProgram, &context);
    program = cast<ProgramOp>(module->getBody()->front());
  }

  /// Python reprs of decoded values.
  static std::vector<std::string> reprs(llvm::ArrayRef<PyValue> values) {
    std::vector<std::string> out;
    for (const PyValue &v : values)
      out.push_back(v.repr());
    return out;
  }

  /// Value of `name` at every position but BOS.
  template <typename T>
  std::vector<std::string> run(llvm::ArrayRef<PyValue> input, Value value) {
    FailureOr<ProgramEvaluator> evaluator = ProgramEvaluator::get(program);
    EXPECT_TRUE(succeeded(evaluator));
    llvm::Expected<ProgramTrace<T>> trace = evaluator->run<T>(input);
    EXPECT_TRUE(static_cast<bool>(trace));
    return reprs(trace->decode(value));
  }

  Value result(StringRef label) {
    Value found;
    program.walk([&](Operation *op) {
      for (Value v : op->getResults())
        if (SpaceAttr s = getSpace(v); s && s.getLabel() == label)
          found = v;
    });
    return found;
  }

  MLIRContext context;
  OwningOpRef<ModuleOp> module;
  ProgramOp program;
};

std::vector<PyValue> strs(std::initializer_list<const char *> tokens) {
  std::vector<PyValue> out;
  for (const char *t : tokens)
    out.push_back(PyValue::str(t));
  return out;
}

TEST_F(EvaluatorTest, AttentionAndMLP) {
  for (auto out : {run<double>(strs({"a", "b", "c"}), result("prev")),
                   run<float>(strs({"a", "b", "c"}), result("prev"))})
    EXPECT_EQ(out, (std::vector<std::string>{"None", "'a'", "'b'"}));
  // The first token attends BOS with weight 1 - 2e^-20: what leaks from the
  // other keys is far below what decoding or a downstream MLP resolves.
  FailureOr<ProgramEvaluator> evaluator = ProgramEvaluator::get(program);
  ASSERT_TRUE(succeeded(evaluator));
  llvm::Expected<ProgramTrace<float>> trace =
      evaluator->run<float>(strs({"a", "a", "b"}));
  ASSERT_TRUE(static_cast<bool>(trace));
  const Activation<float> &isA = trace->values.find(result("is_a"))->second;
  const float expected[] = {0, 0, 1, 1};
  for (int64_t p = 0; p < 4; ++p)
    EXPECT_NEAR(isA.at(p, 0), expected[p], 1e-8) << "position " << p;
}

TEST_F(EvaluatorTest, CausalMeanInsideMultiHead) {
  FailureOr<ProgramEvaluator> evaluator = ProgramEvaluator::get(program);
  ASSERT_TRUE(succeeded(evaluator));
  llvm::Expected<ProgramTrace<float>> trace =
      evaluator->run<float>(strs({"a", "a", "b"}));
  ASSERT_TRUE(static_cast<bool>(trace));
  const Activation<float> &frac = trace->values.find(result("frac"))->second;
  EXPECT_NEAR(frac.at(0, 0), 0.0f, 1e-8); // BOS only sees itself.
  EXPECT_NEAR(frac.at(1, 0), 0.0f, 1e-7);
  EXPECT_NEAR(frac.at(2, 0), 0.5f, 1e-7);
  EXPECT_NEAR(frac.at(3, 0), 2.0f / 3.0f, 1e-7);
  EXPECT_EQ(reprs(trace->decode(result("same"))),
            (std::vector<std::string>{"'a'", "'a'", "'b'"}));
}

TEST_F(EvaluatorTest, DecodesTheProgramOutput) {
  FailureOr<ProgramEvaluator> evaluator = ProgramEvaluator::get(program);
  ASSERT_TRUE(succeeded(evaluator));
  llvm::Expected<std::vector<PyValue>> out =
      evaluator->runAndDecode<double>(strs({"c", "b"}));
  ASSERT_TRUE(static_cast<bool>(out));
  EXPECT_EQ(reprs(*out), (std::vector<std::string>{"None", "'c'"}));
  llvm::Expected<std::vector<PyValue>> empty =
      evaluator->runAndDecode<double>({});
  ASSERT_TRUE(static_cast<bool>(empty));
  EXPECT_TRUE(empty->empty());
}

TEST_F(EvaluatorTest, RejectsBadInputs) {
  FailureOr<ProgramEvaluator> evaluator = ProgramEvaluator::get(program);
  ASSERT_TRUE(succeeded(evaluator));
  llvm::Expected<ProgramTrace<double>> unknown =
      evaluator->run<double>(strs({"a", "z"}));
  ASSERT_FALSE(static_cast<bool>(unknown));
  EXPECT_EQ(llvm::toString(unknown.takeError()),
            "token 'z' is not in the vocabulary");
  llvm::Expected<ProgramTrace<double>> tooLong =
      evaluator->run<double>(strs({"a", "b", "c", "a"}));
  ASSERT_FALSE(static_cast<bool>(tooLong));
  EXPECT_EQ(llvm::toString(tooLong.takeError()),
            "input of length 4 is longer than the maximum 3");
}

} // namespace
