//===- AssemblyTest.cpp - A craft.model in residual coordinates -----------===//
//
// The embedding tables, projections and readout of a hand-written model, the
// W_QK factorisation, and the diagnostics of `assembleModel`.
//
//===----------------------------------------------------------------------===//

#include "RaspDialect/Dialect/Craft/Analysis/Assembly.h"
#include "RaspDialect/InitAll.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"

#include "gtest/gtest.h"

using namespace mlir;
using namespace mlir::craft;

namespace {

/// Vocabulary order (c, a, b) differs from the token space's order (a, b, c).
/// Layer 0: a head reading (indices, one) against (indices, bos) writing
/// `prev`; an MLP reading prev and one writing two results.
constexpr llvm::StringLiteral kModel = R"mlir(
craft.model @m attributes {
    vocab = ["c", "a", "b"], max_seq_len = 2 : i64,
    residual = [#craft.space<"tokens", ["a", "b", "c"]>, #craft.space<"tokens", ["BOS"]>,
                #craft.space<"one">, #craft.space<"indices", [0, 1]>,
                #craft.space<"prev", ["a", "b", "c"]>, #craft.space<"is_a">, #craft.space<"is_b">],
    labels = ["tokens:a", "tokens:b", "tokens:c", "tokens:BOS", "one", "indices:0", "indices:1",
              "prev:a", "prev:b", "prev:c", "is_a", "is_b"]} {
  %tokens, %indices, %one, %bos = craft.embed
      tokens #craft.space<"tokens", ["a", "b", "c"]>
      indices #craft.space<"indices", [0, 1]>
      one #craft.space<"one">
      bos #craft.space<"tokens", ["BOS"]>
  %prev, %is_a, %is_b = craft.layer 0 {
    %h = craft.attention_head
        query(%indices, %one : !craft.vec<2>, !craft.vec<1>)
        key(%indices, %bos : !craft.vec<2>, !craft.vec<1>)
        value(%tokens : !craft.vec<3>) scale 40.0
        w_qk [#craft.qk<0, 0, dense<[[false, false], [true, false]]> : tensor<2x2xi1>>,
              #craft.qk<1, 1, dense<0.5> : tensor<1x1xf64>>]
        w_ov dense<[[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]> : tensor<3x3xf64>
        -> #craft.space<"prev", ["a", "b", "c"]>
    %m:2 = craft.mlp(%h, %one : !craft.vec<3>, !craft.vec<1>)
        w1 dense<[[1.0, 0.0], [0.0, 1.0], [0.0, 0.0], [0.0, 0.0]]> : tensor<4x2xf64>
        w2 dense<[[1.0, 0.0], [0.0, 2.0]]> : tensor<2x2xf64>
        -> [#craft.space<"is_a">, #craft.space<"is_b">]
    craft.yield %h, %m#0, %m#1 : !craft.vec<3>, !craft.vec<1>, !craft.vec<1>
  } : !craft.vec<3>, !craft.vec<1>, !craft.vec<1>
  craft.output %prev : !craft.vec<3>
}
)mlir";

class AssemblyTest : public ::testing::Test {
protected:
  AssemblyTest() {
    DialectRegistry registry;
    rasp::registerAllDialects(registry);
    context.appendDialectRegistry(registry);
    context.loadAllAvailableDialects();
  }

  ModelOp parse(llvm::StringRef text) {
    module = parseSourceString<ModuleOp>(text, &context);
    if (!module)
      return {};
    auto models = module->getOps<ModelOp>();
    return models.empty() ? ModelOp() : *models.begin();
  }

  MLIRContext context;
  OwningOpRef<ModuleOp> module;
};

TEST_F(AssemblyTest, EmbeddingTablesFollowTheVocabularyOrder) {
  ModelOp model = parse(kModel);
  ASSERT_TRUE(model);
  FailureOr<AssembledModel> assembled = assembleModel(model);
  ASSERT_TRUE(succeeded(assembled));
  const EmbeddingTables &e = assembled->embedding;
  EXPECT_EQ(e.width, 12);
  EXPECT_EQ(e.numTokenIds, 4);
  EXPECT_EQ(e.getBosId(), 3);
  EXPECT_EQ(e.numPositions, 3);
  // Id 0 is "c" (third direction), id 1 "a", id 2 "b"; every row sets one.
  using V = std::vector<float>;
  EXPECT_EQ(e.tokenRow(0), (V{0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(e.tokenRow(1), (V{1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(e.tokenRow(2), (V{0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(e.tokenRow(3), (V{0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0}));
  // Position 0 (BOS) is zero; position p sets indices:p-1.
  EXPECT_EQ(e.positionRow(0), V(12, 0.0f));
  EXPECT_EQ(e.positionRow(1), (V{0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(e.positionRow(2), (V{0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0}));
  EXPECT_EQ(e.columns.offset, 0);
  EXPECT_EQ(e.columns.dim, 7);
  EXPECT_EQ(e.tokenLabels,
            (llvm::SmallVector<std::string>{"tokens:c", "tokens:a", "tokens:b",
                                            "tokens:BOS"}));
}

TEST_F(AssemblyTest, ComponentsReadAndWriteResidualRanges) {
  ModelOp model = parse(kModel);
  ASSERT_TRUE(model);
  FailureOr<AssembledModel> assembled = assembleModel(model);
  ASSERT_TRUE(succeeded(assembled));
  ASSERT_EQ(assembled->layers.size(), 1u);
  const AssembledLayer &layer = assembled->layers[0];
  ASSERT_EQ(layer.heads.size(), 1u);
  const AssembledHead &head = layer.heads[0];
  EXPECT_EQ(head.name, "prev");
  EXPECT_EQ(head.scale, 40.0);
  EXPECT_FALSE(head.causal);
  ASSERT_EQ(head.qk.size(), 2u);
  EXPECT_EQ(head.qk[0].query.offset, 5);
  EXPECT_EQ(head.qk[0].key.offset, 5);
  EXPECT_EQ(head.qk[1].query.offset, 4); // one
  EXPECT_EQ(head.qk[1].key.offset, 3);   // bos
  EXPECT_TRUE(head.qk[0].querySpace.isCategorical());
  ASSERT_EQ(head.value.segments.size(), 1u);
  EXPECT_EQ(head.value.segments[0].range.offset, 0);
  EXPECT_EQ(head.value.segments[0].range.dim, 3);
  EXPECT_EQ(head.output.offset, 7);
  EXPECT_EQ(head.output.dim, 3);

  // The MLP reads prev and one (not adjacent: two segments) and writes
  // is_a, is_b (adjacent: one slice).
  ASSERT_TRUE(layer.mlp);
  const AssembledMLP &mlp = *layer.mlp;
  EXPECT_EQ(mlp.getHiddenSize(), 2);
  ASSERT_EQ(mlp.hidden.segments.size(), 2u);
  EXPECT_EQ(mlp.hidden.segments[0].range.offset, 7);
  EXPECT_EQ(mlp.hidden.segments[0].row, 0);
  EXPECT_EQ(mlp.hidden.segments[1].range.offset, 4);
  EXPECT_EQ(mlp.hidden.segments[1].row, 3);
  ASSERT_EQ(mlp.outputs.size(), 1u);
  EXPECT_EQ(mlp.outputs[0].range.offset, 10);
  EXPECT_EQ(mlp.outputs[0].range.dim, 2);
  EXPECT_EQ(mlp.outputs[0].column, 0);

  EXPECT_EQ(assembled->readout.range.offset, 7);
  EXPECT_TRUE(assembled->readout.isCategorical());
  EXPECT_EQ(assembled->readout.labels,
            (llvm::SmallVector<std::string>{"prev:a", "prev:b", "prev:c"}));
}

TEST_F(AssemblyTest, FactorisationMergesAdjacentRanges) {
  ModelOp model = parse(kModel);
  ASSERT_TRUE(model);
  FailureOr<AssembledModel> assembled = assembleModel(model);
  ASSERT_TRUE(succeeded(assembled));
  QKFactors f = factoriseQK(assembled->layers[0].heads[0].qk);
  // Queries one (4) and indices (5, 6) are adjacent: one segment of 3 rows.
  ASSERT_EQ(f.query.segments.size(), 1u);
  EXPECT_EQ(f.query.segments[0].range.offset, 4);
  EXPECT_EQ(f.query.segments[0].range.dim, 3);
  // Keys bos (3) and indices (5, 6) are not: key space = [bos, indices].
  ASSERT_EQ(f.keys.size(), 2u);
  EXPECT_EQ(f.keys[0].offset, 3);
  EXPECT_EQ(f.keys[1].offset, 5);
  ASSERT_EQ(f.getKeyDim(), 3);
  const Matrix &w = *f.query.weights;
  // Row 0 = one: 0.5 against bos; rows 1, 2 = indices: the table.
  EXPECT_EQ(w.get(0, 0), 0.5);
  EXPECT_EQ(w.get(0, 1), 0.0);
  EXPECT_EQ(w.get(2, 1), 1.0);
  EXPECT_EQ(w.get(1, 1), 0.0);
  EXPECT_EQ(w.getNumNonZeros(), 2);
}

TEST_F(AssemblyTest, VocabularyItemWithoutDirectionIsAnError) {
  std::string text = kModel.str();
  text.replace(text.find("[\"c\", \"a\", \"b\"]"), 15, "[\"c\", \"a\", \"x\"]");
  ModelOp model = parse(text);
  ASSERT_TRUE(model);
  std::string message;
  ScopedDiagnosticHandler handler(&context, [&](Diagnostic &d) {
    message = d.str();
    return success();
  });
  EXPECT_TRUE(failed(assembleModel(model)));
  EXPECT_EQ(message, "'craft.model' op vocabulary item \"x\" has no direction "
                     "in the token space #craft.space<\"tokens\", [\"a\", "
                     "\"b\", \"c\"]>");
}

TEST_F(AssemblyTest, PositionWithoutIndexDirectionIsAnError) {
  std::string text = kModel.str();
  text.replace(text.find("max_seq_len = 2"), 15, "max_seq_len = 3");
  ModelOp model = parse(text);
  ASSERT_TRUE(model);
  std::string message;
  ScopedDiagnosticHandler handler(&context, [&](Diagnostic &d) {
    message = d.str();
    return success();
  });
  EXPECT_TRUE(failed(assembleModel(model)));
  EXPECT_EQ(message, "'craft.model' op position 3 (index 2) has no direction "
                     "in the indices space #craft.space<\"indices\", [0, 1]>");
}

} // namespace
