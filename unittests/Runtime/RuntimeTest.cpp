//===- RuntimeTest.cpp - JIT runtime against a C++ reference -------------===//

#include "TestModel.h"

#include "RaspDialect/Runtime/MemoryEstimate.h"
#include "RaspDialect/Runtime/Passes.h"
#include "RaspDialect/Runtime/Runtime.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"

#include "gtest/gtest.h"

#include <cmath>
#include <random>

using namespace mlir;
using namespace mlir::rasp::runtime;
using namespace mlir::rasp::runtime::testing;

namespace {

class RuntimeTest : public ::testing::Test {
protected:
  RuntimeTest() {
    DialectRegistry registry;
    registerRuntimeDialects(registry);
    context.appendDialectRegistry(registry);
  }

  OwningOpRef<ModuleOp> parse(const TestModel &model, bool inlineWeights) {
    OwningOpRef<ModuleOp> module =
        parseSourceString<ModuleOp>(model.toMLIR(inlineWeights), &context);
    if (module && !inlineWeights)
      model.attachWeights(*module);
    return module;
  }

  std::unique_ptr<CompiledModel> compile(ModuleOp module,
                                         const CompileOptions &options = {}) {
    FailureOr<std::unique_ptr<CompiledModel>> compiled =
        CompiledModel::compile(module, options);
    return succeeded(compiled) ? std::move(*compiled) : nullptr;
  }

  MLIRContext context;
};

/// A random batch: BOS (id 0) first, random lengths, padding with id 0.
struct Batch {
  Batch(const TestModelShape &shape, int64_t size, int64_t positions,
        unsigned seed)
      : size(size), positions(positions) {
    std::mt19937 rng(seed);
    std::uniform_int_distribution<int32_t> id(1, shape.numTokenIds - 1);
    std::uniform_int_distribution<int32_t> length(1, positions);
    for (int64_t b = 0; b < size; ++b) {
      lengths.push_back(b == 0 ? positions : length(rng));
      for (int64_t p = 0; p < positions; ++p)
        tokens.push_back(p == 0 || p >= lengths.back() ? 0 : id(rng));
    }
  }
  TokenBatch view() const { return {size, positions, tokens, lengths}; }

  int64_t size, positions;
  std::vector<int32_t> tokens, lengths;
};

std::vector<float> run(const CompiledModel &model, const Batch &batch) {
  std::vector<float> out(batch.size * batch.positions * model.getOutputWidth());
  llvm::Error error = model.run(batch.view(), out);
  EXPECT_FALSE(static_cast<bool>(error)) << llvm::toString(std::move(error));
  return out;
}

/// Compares the real positions of every row to the reference.
void expectMatchesReference(const TestModel &model, const Batch &batch,
                            const std::vector<float> &got) {
  std::vector<float> want =
      model.reference(batch.tokens, batch.lengths, batch.size, batch.positions);
  int64_t w = model.getShape().outputWidth;
  for (int64_t b = 0; b < batch.size; ++b)
    for (int64_t p = 0; p < batch.lengths[b]; ++p)
      for (int64_t c = 0; c < w; ++c) {
        int64_t i = (b * batch.positions + p) * w + c;
        ASSERT_NEAR(got[i], want[i], 1e-4 * (1 + std::fabs(want[i])))
            << "row " << b << " position " << p << " column " << c;
      }
}

/// Checks each row against the same row run alone, unpadded: bit-identical.
void expectSameAsAlone(const CompiledModel &model, const Batch &batch,
                       const std::vector<float> &got) {
  int64_t w = model.getOutputWidth();
  for (int64_t b = 0; b < batch.size; ++b) {
    int32_t length = batch.lengths[b];
    std::vector<int32_t> tokens(batch.tokens.begin() + b * batch.positions,
                                batch.tokens.begin() + b * batch.positions +
                                    length);
    std::vector<int32_t> lengths{length};
    std::vector<float> alone(length * w);
    ASSERT_FALSE(
        static_cast<bool>(model.run({1, length, tokens, lengths}, alone)));
    for (int64_t i = 0; i < length * w; ++i)
      ASSERT_EQ(alone[i], got[b * batch.positions * w + i])
          << "row " << b << " element " << i;
  }
}

struct Case {
  const char *name;
  TestModelShape shape;
};

TestModelShape shapeWith(int64_t width, int64_t head, int64_t hidden,
                         int64_t layers, bool causal, bool softmaxOp) {
  TestModelShape shape;
  shape.numTokenIds = 7;
  shape.maxPositions = 11;
  shape.width = width;
  shape.headWidth = head;
  shape.hidden = hidden;
  shape.outputWidth = 5;
  shape.layers = layers;
  shape.causal = causal;
  shape.softmaxOp = softmaxOp;
  return shape;
}

TEST_F(RuntimeTest, MatchesReferenceOnPaddedBatches) {
  const Case cases[] = {
      {"tiny", shapeWith(8, 4, 8, 1, false, false)},
      {"causal", shapeWith(8, 4, 8, 1, true, false)},
      {"softmax-op", shapeWith(8, 4, 8, 1, false, true)},
      {"expand-shape",
       [] {
         TestModelShape shape = shapeWith(8, 4, 8, 1, true, false);
         shape.expandShape = true;
         return shape;
       }()},
      // Widths that leave row, column and cache-block tails.
      {"odd-widths", shapeWith(77, 9, 45, 2, true, false)},
      {"cache-blocks", shapeWith(600, 40, 530, 1, false, false)},
      // A 300x1030 weight: 256-column blocks packed, a 6-column tail.
      {"packed", shapeWith(1030, 8, 300, 1, false, false)},
      // K above the 4096 cache block: a split reduction with a 4-deep tail.
      {"deep-k", shapeWith(4100, 4, 8, 1, false, false)},
  };
  for (const Case &c : cases) {
    SCOPED_TRACE(c.name);
    TestModel model(c.shape, /*seed=*/42);
    OwningOpRef<ModuleOp> module = parse(model, /*inlineWeights=*/false);
    ASSERT_TRUE(module);
    // Level 3: the register-blocked matmul kernels (every tail and block).
    CompileOptions optimized;
    optimized.optLevel = 3;
    std::unique_ptr<CompiledModel> compiled = compile(*module, optimized);
    ASSERT_TRUE(compiled);
    EXPECT_EQ(compiled->getOptLevel(), 3u);
    EXPECT_EQ(compiled->getOutputWidth(), 5);
    EXPECT_EQ(compiled->getNumTokenIds(), 7);
    EXPECT_EQ(compiled->getMaxPositions(), 11);
    for (int64_t size : {1, 3, 13}) {
      Batch batch(c.shape, size, /*positions=*/size == 1 ? 11 : 9, size);
      std::vector<float> got = run(*compiled, batch);
      expectMatchesReference(model, batch, got);
      expectSameAsAlone(*compiled, batch, got);
    }
  }
}

TEST_F(RuntimeTest, InlineAndResourceWeightsAgree) {
  TestModelShape shape = shapeWith(8, 4, 8, 1, true, false);
  TestModel model(shape, 7);
  OwningOpRef<ModuleOp> inlined = parse(model, /*inlineWeights=*/true);
  ASSERT_TRUE(inlined);
  CompileOptions keepConstants;
  keepConstants.weightArgumentMinElements = INT64_MAX;
  CompileStats stats;
  FailureOr<std::unique_ptr<CompiledModel>> baked =
      CompiledModel::compile(*inlined, keepConstants, &stats);
  ASSERT_TRUE(succeeded(baked));
  EXPECT_EQ(stats.numWeightArguments, 0);
  CompileOptions outlineAll;
  outlineAll.weightArgumentMinElements = 1;
  FailureOr<std::unique_ptr<CompiledModel>> outlined =
      CompiledModel::compile(*inlined, outlineAll, &stats);
  ASSERT_TRUE(succeeded(outlined));
  // Embeddings, q, k, v, o, w1, b1, w2, b2.
  EXPECT_EQ(stats.numWeightArguments, 10);
  Batch batch(shape, 4, 6, 1);
  std::vector<float> a = run(**baked, batch);
  std::vector<float> b = run(**outlined, batch);
  expectMatchesReference(model, batch, a);
  expectMatchesReference(model, batch, b);
}

TEST_F(RuntimeTest, ThreadsAndCodegenOptionsDoNotChangeResults) {
  TestModelShape shape = shapeWith(70, 16, 100, 2, false, false);
  TestModel model(shape, 3);
  OwningOpRef<ModuleOp> module = parse(model, false);
  ASSERT_TRUE(module);
  std::unique_ptr<CompiledModel> fast = compile(*module);
  CompileOptions plain;
  plain.vectorizeMatmuls = false;
  plain.approximateMath = false;
  plain.optLevel = 1;
  std::unique_ptr<CompiledModel> slow = compile(*module, plain);
  ASSERT_TRUE(fast && slow);
  Batch batch(shape, 37, 10, 5);
  fast->setNumThreads(1);
  std::vector<float> single = run(*fast, batch);
  fast->setNumThreads(2);
  EXPECT_EQ(fast->getNumThreads(), 2u);
  std::vector<float> dual = run(*fast, batch);
  EXPECT_EQ(single, dual);
  expectMatchesReference(model, batch, single);
  expectMatchesReference(model, batch, run(*slow, batch));
}

TEST_F(RuntimeTest, ChoosesTheLevelByWorkAndTiersUp) {
  TestModelShape shape = shapeWith(70, 16, 100, 2, true, false);
  TestModel model(shape, 7);
  OwningOpRef<ModuleOp> module = parse(model, false);
  ASSERT_TRUE(module);
  Batch batch(shape, 13, 11, 3);

  // Little work per sequence: level 1 first; the tier-up compiles level 3,
  // whose results are the same bits.
  // Without the cache: a tier-up cached by an earlier run would be loaded
  // at level 3 at once (CacheTest checks that).
  CompileOptions quick;
  quick.cache.enabled = false;
  quick.optimizeMinWork = int64_t(1) << 40;
  quick.tierUpWork = int64_t(1) << 40;
  CompileStats stats;
  FailureOr<std::unique_ptr<CompiledModel>> tiered =
      CompiledModel::compile(*module, quick, &stats);
  ASSERT_TRUE(succeeded(tiered));
  EXPECT_EQ(stats.optLevel, 1u);
  EXPECT_GT(stats.estimatedWork, 0);
  EXPECT_EQ((*tiered)->getOptLevel(), 1u);
  std::vector<float> first = run(**tiered, batch);
  expectMatchesReference(model, batch, first);
  ASSERT_FALSE(static_cast<bool>((*tiered)->optimizeNow()));
  EXPECT_EQ((*tiered)->getOptLevel(), 3u);
  EXPECT_EQ(run(**tiered, batch), first);

  // The tier-up starts by itself once the model has done enough work (on a
  // background thread; optimizeNow waits for it).
  quick.tierUpWork = 1;
  std::unique_ptr<CompiledModel> automatic = compile(*module, quick);
  ASSERT_TRUE(automatic);
  EXPECT_EQ(run(*automatic, batch), first);
  ASSERT_FALSE(static_cast<bool>(automatic->optimizeNow()));
  EXPECT_EQ(automatic->getOptLevel(), 3u);
  EXPECT_EQ(run(*automatic, batch), first);

  // Much work per sequence: level 3 directly, nothing to tier up.
  CompileOptions heavy;
  heavy.cache.enabled = false;
  heavy.optimizeMinWork = 1;
  std::unique_ptr<CompiledModel> direct = compile(*module, heavy);
  ASSERT_TRUE(direct);
  EXPECT_EQ(direct->getOptLevel(), 3u);
  expectMatchesReference(model, batch, run(*direct, batch));

  // An explicit level never tiers up.
  CompileOptions fixed = quick;
  fixed.optLevel = 1;
  std::unique_ptr<CompiledModel> pinned = compile(*module, fixed);
  ASSERT_TRUE(pinned);
  run(*pinned, batch);
  ASSERT_FALSE(static_cast<bool>(pinned->optimizeNow()));
  EXPECT_EQ(pinned->getOptLevel(), 1u);
}

TEST_F(RuntimeTest, RejectsBatchesOutsideTheCallingConvention) {
  TestModelShape shape = shapeWith(8, 4, 8, 1, false, false);
  TestModel model(shape, 1);
  OwningOpRef<ModuleOp> module = parse(model, true);
  std::unique_ptr<CompiledModel> compiled = compile(*module);
  ASSERT_TRUE(compiled);
  Batch batch(shape, 2, 4, 1);
  std::vector<float> out(2 * 4 * 5);
  auto message = [&](const Batch &b, size_t outSize) {
    std::vector<float> buffer(outSize);
    llvm::Error error = compiled->run(b.view(), buffer);
    return error ? llvm::toString(std::move(error)) : std::string();
  };
  EXPECT_EQ(message(batch, out.size()), "");
  Batch badId = batch;
  badId.tokens[5] = 7;
  EXPECT_EQ(message(badId, out.size()),
            "row 1 position 1: token id 7 not in [0, 7)");
  Batch badLength = batch;
  badLength.lengths[1] = 0;
  EXPECT_EQ(message(badLength, out.size()), "row 1: length 0 not in [1, 4]");
  Batch tooLong(shape, 1, 12, 1);
  EXPECT_EQ(message(tooLong, 12 * 5), "positions 12 not in [1, 11]");
  EXPECT_EQ(message(batch, 3), "buffer sizes do not match the batch shape");
  Batch empty(shape, 0, 4, 1);
  EXPECT_EQ(message(empty, 0), "");
}

TEST_F(RuntimeTest, DiagnosesModulesOutsideTheCallingConvention) {
  auto diagnose = [&](const char *source) {
    OwningOpRef<ModuleOp> module =
        parseSourceString<ModuleOp>(source, &context);
    EXPECT_TRUE(module);
    std::string message;
    ScopedDiagnosticHandler handler(&context, [&](Diagnostic &diag) {
      message = diag.str();
      return success();
    });
    EXPECT_TRUE(failed(CompiledModel::compile(*module)));
    return message;
  };
  EXPECT_EQ(diagnose("func.func @f(%a: tensor<?xf32>) -> tensor<?xf32> {\n"
                     "  return %a : tensor<?xf32>\n}"),
            "model function must have type (tensor<BxPxi32>, tensor<Bxi32>) "
            "-> tensor<BxPxWxf32>, got '(tensor<?xf32>) -> tensor<?xf32>'");
  EXPECT_EQ(diagnose("func.func @f(%t: tensor<?x?xi32>, %l: tensor<?xi32>) "
                     "-> tensor<?x?x2xf32> {\n"
                     "  %e = tensor.empty() : tensor<1x1x2xf32>\n"
                     "  %c = tensor.cast %e : tensor<1x1x2xf32> to "
                     "tensor<?x?x2xf32>\n"
                     "  return %c : tensor<?x?x2xf32>\n}"),
            "model function needs a positive integer 'rasp.num_token_ids' "
            "attribute");
  EXPECT_EQ(diagnose("func.func private @f()"), "no public function to run");
}

TEST_F(RuntimeTest, EstimatesActivationsAsPolynomialsInBatchAndPositions) {
  OwningOpRef<ModuleOp> module = parseSourceString<ModuleOp>(
      "func.func @f(%t: tensor<?x?xi32>, %l: tensor<?xi32>) "
      "-> tensor<?x?x3xf32> {\n"
      "  %c0 = arith.constant 0 : index\n"
      "  %c1 = arith.constant 1 : index\n"
      "  %b = tensor.dim %t, %c0 : tensor<?x?xi32>\n"
      "  %n = tensor.dim %t, %c1 : tensor<?x?xi32>\n"
      "  %m = arith.muli %b, %n : index\n"
      "  %rows = tensor.empty(%m) : tensor<?x8xf32>\n"
      "  %scores = tensor.empty(%b, %n, %n) : tensor<?x?x?xf32>\n"
      "  %other = arith.addi %b, %n : index\n"
      "  %unknown = tensor.empty(%other) : tensor<?xi8>\n"
      "  %out = tensor.empty(%b, %n) : tensor<?x?x3xf32>\n"
      "  return %out : tensor<?x?x3xf32>\n}",
      &context);
  ASSERT_TRUE(module);
  auto func = *module->getOps<func::FuncOp>().begin();
  ActivationEstimate estimate = ActivationEstimate::get(func);
  // Every allocation twice: rows 2*32*B*P, scores 2*4*B*P^2, the unknown
  // size as B*P bytes 2*1*B*P, the result 2*12*B*P, plus the result copied
  // out 2*12*B*P.
  auto expected = [](uint64_t b, uint64_t p) {
    return (64 + 2 + 24 + 24) * b * p + 8 * b * p * p;
  };
  EXPECT_EQ(estimate.evaluate(1, 1), expected(1, 1));
  EXPECT_EQ(estimate.evaluate(2, 5), expected(2, 5));
  EXPECT_EQ(estimate.evaluate(256, 51), expected(256, 51));
  EXPECT_EQ(estimate.evaluate(INT64_MAX, INT64_MAX), UINT64_MAX);
  EXPECT_EQ(estimate.evaluate(0, 7), 0u);
}

TEST_F(RuntimeTest, EstimatesActivationsOfEveryCallOfAComponentFunction) {
  // The model calls one shape-generic component twice, once with the batch
  // and positions as index operands, once with a row count traced through a
  // tensor operand: both calls' allocations count, with the caller's sizes.
  OwningOpRef<ModuleOp> module = parseSourceString<ModuleOp>(
      "func.func @f(%t: tensor<?x?xi32>, %l: tensor<?xi32>) "
      "-> tensor<?x?x3xf32> {\n"
      "  %c0 = arith.constant 0 : index\n"
      "  %c1 = arith.constant 1 : index\n"
      "  %b = tensor.dim %t, %c0 : tensor<?x?xi32>\n"
      "  %n = tensor.dim %t, %c1 : tensor<?x?xi32>\n"
      "  %x = tensor.empty(%b) : tensor<?x4xf32>\n"
      "  %y = call @head(%x, %b, %n) : (tensor<?x4xf32>, index, index) "
      "-> tensor<?x?x?xf32>\n"
      "  %z = call @head(%x, %n, %c1) : (tensor<?x4xf32>, index, index) "
      "-> tensor<?x?x?xf32>\n"
      "  %out = tensor.empty(%b, %n) : tensor<?x?x3xf32>\n"
      "  return %out : tensor<?x?x3xf32>\n}\n"
      "func.func private @head(%x: tensor<?x4xf32>, %b: index, %n: index) "
      "-> tensor<?x?x?xf32> {\n"
      "  %c0 = arith.constant 0 : index\n"
      "  %rows = tensor.dim %x, %c0 : tensor<?x4xf32>\n"
      "  %s = tensor.empty(%rows, %n, %n) : tensor<?x?x?xf32>\n"
      "  %p = tensor.empty(%b, %n, %n) : tensor<?x?x?xf32>\n"
      "  return %p : tensor<?x?x?xf32>\n}",
      &context);
  ASSERT_TRUE(module);
  auto func = *module->getOps<func::FuncOp>().begin();
  ActivationEstimate estimate = ActivationEstimate::get(func);
  // Twice each: x 16*B, first call 4*B*P^2 + 4*B*P^2, second call 4*B*1 +
  // 4*P*1, the result 12*B*P plus its copy out 12*B*P.
  auto expected = [](uint64_t b, uint64_t p) {
    return 2 * (16 * b + 8 * b * p * p + 4 * b + 4 * p + 24 * b * p);
  };
  EXPECT_EQ(estimate.evaluate(1, 1), expected(1, 1));
  EXPECT_EQ(estimate.evaluate(3, 7), expected(3, 7));
  EXPECT_EQ(estimate.evaluate(256, 51), expected(256, 51));
}

} // namespace
