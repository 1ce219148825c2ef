//===- AllocateLayersTest.cpp - Layered models compute what programs do ---===//
//
// Runs a craft program and the model --allocate-layers makes of it through
// the craft evaluator and compares every subspace at every position. The
// model is run as the equivalent program in which each layer's heads form a
// craft.multi_head (they read the stream before the layer) followed by the
// layer's MLP.
//
//===----------------------------------------------------------------------===//

#include "RaspDialect/Dialect/Craft/Transforms/AllocateLayers.h"
#include "RaspDialect/Dialect/Craft/Analysis/ModelStats.h"
#include "RaspDialect/Dialect/Craft/Evaluator/Evaluator.h"
#include "RaspDialect/Dialect/Craft/IR/CraftModel.h"
#include "RaspDialect/InitAll.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"

#include "gtest/gtest.h"

using namespace mlir;
using namespace mlir::craft;
using rasp::PyValue;

namespace {

/// prev = the previous token (a head); is_a, is_b (numerical) and ab (a
/// categorical lookup) are MLPs of prev or tokens that share an MLP
/// sublayer; frac = causal mean of is_a, and pos, a head grouped with frac
/// that only reads the embedding (so it runs in layer 0, beside prev);
/// total = is_a + is_b + frac, an MLP after them.
constexpr llvm::StringLiteral kProgram = R"mlir(
craft.program @p attributes {max_seq_len = 3 : i64, causal} {
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
  %is_b = craft.mlp(%one, %prev : !craft.vec<1>, !craft.vec<3>)
      w1 dense<[[-0.5, 0.0], [0.0, 0.0], [1.5, 2.0], [0.0, 0.0]]> : tensor<4x2xf64>
      w2 dense<[[1.0], [-0.25]]> : tensor<2x1xf64>
      -> [#craft.space<"is_b">]
  %ab = craft.mlp(%tokens, %one, %tokens : !craft.vec<3>, !craft.vec<1>, !craft.vec<3>)
      w1 dense<[[1.0, 0.0], [0.0, 1.0], [0.0, 0.0], [0.0, 0.0], [0.5, 0.0], [0.0, 0.0], [0.0, 0.0]]> : tensor<7x2xf64>
      w2 dense<[[1.0, 0.0], [0.0, 1.0]]> : tensor<2x2xf64>
      -> [#craft.space<"ab", [true, false]>]
  %g:2 = craft.multi_head {
    %frac = craft.attention_head query(%one : !craft.vec<1>) key(%bos : !craft.vec<1>)
        value(%is_a : !craft.vec<1>) scale 40.0 causal
        w_qk [#craft.qk<0, 0, dense<-1.0> : tensor<1x1xf64>>]
        w_ov dense<1.0> : tensor<1x1xf64> -> #craft.space<"frac">
    %pos = craft.attention_head query(%indices : !craft.vec<3>) key(%indices : !craft.vec<3>)
        value(%indices : !craft.vec<3>) scale 40.0 causal
        w_qk [#craft.qk<0, 0, dense<[[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]> : tensor<3x3xf64>>]
        w_ov dense<[[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]> : tensor<3x3xf64>
        -> #craft.space<"pos", [0, 1, 2]>
    craft.yield %frac, %pos : !craft.vec<1>, !craft.vec<3>
  } : !craft.vec<1>, !craft.vec<3>
  %total = craft.mlp(%is_a, %is_b, %g#0, %one : !craft.vec<1>, !craft.vec<1>, !craft.vec<1>, !craft.vec<1>)
      w1 dense<[[1.0, -1.0], [1.0, -1.0], [1.0, -1.0], [0.25, 0.0]]> : tensor<4x2xf64>
      w2 dense<[[1.0], [-1.0]]> : tensor<2x1xf64>
      -> [#craft.space<"total">]
  craft.output %total : !craft.vec<1>
}
)mlir";

/// The value of every subspace of `program` (as the evaluator records it:
/// group results, not the heads inside), by label.
std::map<std::string, Value> subspaces(ProgramOp program) {
  std::map<std::string, Value> out;
  for (Operation &op : program.getBody().front())
    for (Value v : op.getResults())
      out[getSpace(v).getLabel().str() + "/" +
          std::to_string(getSpace(v).getDim())] = v;
  return out;
}

/// Every input over `vocab` of length 0..maxLen.
std::vector<std::vector<PyValue>> allInputs(llvm::ArrayRef<PyValue> vocab,
                                            size_t maxLen) {
  std::vector<std::vector<PyValue>> out = {{}};
  for (size_t i = 0; i < out.size(); ++i)
    if (out[i].size() < maxLen)
      for (const PyValue &v : vocab) {
        std::vector<PyValue> next = out[i];
        next.push_back(v);
        out.push_back(std::move(next));
      }
  return out;
}

class AllocateLayersTest : public ::testing::Test {
protected:
  AllocateLayersTest() {
    DialectRegistry registry;
    rasp::registerAllDialects(registry);
    context.appendDialectRegistry(registry);
    context.loadAllAvailableDialects();
    module = parseSourceString<ModuleOp>(kProgram, &context);
    program = cast<ProgramOp>(module->getBody()->front());
  }

  /// Compares every subspace of the program and of its model.
  template <typename T>
  void compare(ProgramOp flat, double tolerance) {
    FailureOr<ProgramEvaluator> before = ProgramEvaluator::get(program);
    FailureOr<ProgramEvaluator> after = ProgramEvaluator::get(flat);
    ASSERT_TRUE(succeeded(before) && succeeded(after));
    std::map<std::string, Value> want = subspaces(program),
                                 got = subspaces(flat);
    ASSERT_EQ(want.size(), got.size());
    std::vector<PyValue> vocab = {PyValue::str("a"), PyValue::str("b"),
                                  PyValue::str("c")};
    for (const std::vector<PyValue> &input : allInputs(vocab, 3)) {
      llvm::Expected<ProgramTrace<T>> a = before->run<T>(input);
      llvm::Expected<ProgramTrace<T>> b = after->run<T>(input);
      ASSERT_TRUE(static_cast<bool>(a) && static_cast<bool>(b));
      for (const auto &[label, value] : want) {
        ASSERT_TRUE(got.count(label)) << label;
        const Activation<T> &x = a->values.find(value)->second;
        const Activation<T> &y = b->values.find(got[label])->second;
        ASSERT_EQ(x.data.size(), y.data.size()) << label;
        for (size_t i = 0; i < x.data.size(); ++i)
          EXPECT_NEAR(x.data[i], y.data[i], tolerance)
              << label << " entry " << i << " on an input of length "
              << input.size();
      }
    }
  }

  MLIRContext context;
  OwningOpRef<ModuleOp> module;
  ProgramOp program;
};

TEST_F(AllocateLayersTest, ModelComputesWhatTheProgramComputes) {
  FailureOr<ModelOp> model = allocateLayers(program);
  ASSERT_TRUE(succeeded(model));
  ASSERT_TRUE(succeeded(verify(*model)));
  // prev, pos | is_a, is_b, ab || frac | total.
  EXPECT_EQ(model->getNumLayers(), 2u);
  SmallVector<LayerOp> layers(model->getLayers());
  EXPECT_EQ(llvm::range_size(layers[0].getHeads()), 2u);
  ASSERT_TRUE(layers[0].getMLP());
  EXPECT_EQ(layers[0].getMLP().getNumResults(), 3u);
  EXPECT_EQ(layers[0].getMLP().getHiddenSize(), 1 + 2 + 2);
  EXPECT_EQ(llvm::range_size(layers[1].getHeads()), 1u);
  ProgramOp flat = flattenModel(*model);
  ASSERT_TRUE(succeeded(verify(flat)));
  compare<double>(flat, 1e-12);
  compare<float>(flat, 1e-6);
}

TEST_F(AllocateLayersTest, LayoutGivesEverySubspaceItsRange) {
  FailureOr<ModelOp> model = allocateLayers(program);
  ASSERT_TRUE(succeeded(model));
  ResidualLayout layout = ResidualLayout::get(*model);
  EXPECT_EQ(layout.getWidth(), model->getResidualWidth());
  SmallVector<std::string> labels = residualLabels(layout.getSpaces());
  ASSERT_EQ(static_cast<int64_t>(labels.size()), layout.getWidth());
  // Each layer result's range holds exactly its own directions.
  for (LayerOp layer : model->getLayers())
    for (Value result : layer.getResults()) {
      std::optional<ResidualRange> range = layout.lookup(result);
      ASSERT_TRUE(range.has_value());
      SmallVector<std::string> own = residualLabels(getSpace(result));
      ASSERT_EQ(range->dim, static_cast<int64_t>(own.size()));
      for (int64_t i = 0; i < range->dim; ++i)
        EXPECT_EQ(labels[range->offset + i], own[i]);
    }
  EmbedOp embed = model->getEmbedOp();
  EXPECT_EQ(layout.lookup(embed.getTokens())->offset, 0);
  EXPECT_EQ(layout.lookup(embed.getBos())->offset, 3);
  EXPECT_EQ(layout.lookup(embed.getOne())->offset, 4);
  EXPECT_EQ(layout.lookup(embed.getIndices())->offset, 5);
}

TEST_F(AllocateLayersTest, Stats) {
  FailureOr<ModelOp> model = allocateLayers(program);
  ASSERT_TRUE(succeeded(model));
  ModelStats stats = computeModelStats(*model);
  EXPECT_EQ(stats.name, "p");
  EXPECT_TRUE(stats.causal);
  EXPECT_EQ(stats.numLayers, 2u);
  EXPECT_EQ(stats.headsPerLayer(), (std::vector<int64_t>{2, 1}));
  EXPECT_EQ(stats.mlpHiddenPerLayer(), (std::vector<int64_t>{5, 2}));
  // tokens 3, BOS, one, indices 3, prev 3, pos 3, is_a, is_b, ab 2, frac,
  // total.
  EXPECT_EQ(stats.residualWidth, 3 + 1 + 1 + 3 + 3 + 3 + 1 + 1 + 2 + 1 + 1);
  // prev: (3 + 1) x (3 + 1) + 3 x 3; layer-0 MLP: inputs prev, one, tokens
  // (7) x 5 + 5 x 4; frac 1 + 1; pos 9 + 9; total 4 x 2 + 2 x 1.
  EXPECT_EQ(stats.blockParams, 16 + 9 + 35 + 20 + 2 + 18 + 8 + 2);
}

} // namespace
