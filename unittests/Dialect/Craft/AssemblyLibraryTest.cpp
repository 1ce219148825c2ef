//===- AssemblyLibraryTest.cpp - Assembled Tracr library models -----------===//
//
// Assembles the model of every Tracr library program (Tracr's graph,
// LibraryPrograms.h), with and without causal masks, runs it as a plain
// transformer in residual coordinates (float32 loops over the embedding tables,
// the factorised W_QK, the projections and the readout) and checks it against
// the craft evaluator on the same model: the output subspace at every position,
// and the decoded outputs, on every input up to a length.
//
//===----------------------------------------------------------------------===//

#include "RaspDialect/Dialect/Craft/Analysis/Assembly.h"
#include "RaspDialect/Dialect/Craft/Evaluator/Evaluator.h"
#include "RaspDialect/Dialect/Craft/Transforms/AllocateLayers.h"
#include "RaspDialect/InitAll.h"
#include "Support/LibraryPrograms.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"

#include "gtest/gtest.h"

#include <cmath>

using namespace mlir;
using namespace mlir::craft;
using rasp::PyValue;

namespace {

/// Inputs per program and mode, at most (whole lengths only).
constexpr size_t kMaxInputs = 400;

/// y += x * projection, x a residual row.
void apply(const Projection &p, const float *x, float *y) {
  for (const Projection::Segment &s : p.segments)
    for (int64_t r = 0; r < s.range.dim; ++r) {
      float xv = x[s.range.offset + r];
      if (xv != 0.0f)
        p.weights->forEachInRow(s.row + r, [&](int64_t c, double w) {
          y[c] += xv * static_cast<float>(w);
        });
    }
}

/// The residual stream (n x width) after running `m` on `ids` (BOS first).
std::vector<float> forward(const AssembledModel &m,
                           llvm::ArrayRef<int64_t> ids) {
  int64_t n = ids.size(), d = m.width;
  std::vector<float> x(n * d);
  for (int64_t p = 0; p < n; ++p) {
    std::vector<float> token = m.embedding.tokenRow(ids[p]);
    std::vector<float> place = m.embedding.positionRow(p);
    for (int64_t c = 0; c < d; ++c)
      x[p * d + c] = token[c] + place[c];
  }
  for (const AssembledLayer &layer : m.layers) {
    // Heads read the stream before the layer.
    std::vector<float> update(n * d, 0.0f);
    for (const AssembledHead &head : layer.heads) {
      QKFactors f = factoriseQK(head.qk);
      int64_t dk = f.getKeyDim(), dv = head.value.getOutDim();
      std::vector<float> q(n * dk, 0.0f), k(n * dk), v(n * dv, 0.0f);
      for (int64_t p = 0; p < n; ++p) {
        apply(f.query, &x[p * d], &q[p * dk]);
        int64_t c = 0;
        for (const ResidualRange &range : f.keys)
          for (int64_t i = 0; i < range.dim; ++i)
            k[p * dk + c++] = x[p * d + range.offset + i];
        apply(head.value, &x[p * d], &v[p * dv]);
      }
      float scale = static_cast<float>(head.scale);
      for (int64_t i = 0; i < n; ++i) {
        int64_t last = head.causal ? i : n - 1;
        std::vector<float> a(last + 1);
        float max = -INFINITY, sum = 0;
        for (int64_t j = 0; j <= last; ++j) {
          float s = 0;
          for (int64_t c = 0; c < dk; ++c)
            s += q[i * dk + c] * k[j * dk + c];
          a[j] = scale * s;
          max = std::max(max, a[j]);
        }
        for (float &w : a)
          sum += (w = std::exp(w - max));
        for (int64_t j = 0; j <= last; ++j)
          for (int64_t c = 0; c < dv; ++c)
            update[i * d + head.output.offset + c] +=
                a[j] / sum * v[j * dv + c];
      }
    }
    for (int64_t i = 0; i < n * d; ++i)
      x[i] += update[i];
    if (!layer.mlp)
      continue;
    const AssembledMLP &mlp = *layer.mlp;
    int64_t h = mlp.getHiddenSize(), o = mlp.w2->getCols();
    for (int64_t p = 0; p < n; ++p) {
      std::vector<float> hidden(h, 0.0f), y(o, 0.0f);
      apply(mlp.hidden, &x[p * d], hidden.data());
      for (int64_t u = 0; u < h; ++u)
        if (hidden[u] > 0)
          mlp.w2->forEachInRow(u, [&](int64_t c, double w) {
            y[c] += hidden[u] * static_cast<float>(w);
          });
      for (const OutputSlice &s : mlp.outputs)
        for (int64_t c = 0; c < s.range.dim; ++c)
          x[p * d + s.range.offset + c] += y[s.column + c];
    }
  }
  return x;
}

struct Case {
  const char *program;
  bool causal;
};

std::string caseName(const ::testing::TestParamInfo<Case> &info) {
  return std::string(info.param.program) + (info.param.causal ? "_causal" : "");
}

class AssemblyLibraryTest : public ::testing::TestWithParam<Case> {
protected:
  AssemblyLibraryTest() { rasp::test::loadProjectDialects(context); }

  MLIRContext context;
};

TEST_P(AssemblyLibraryTest, AssembledModelComputesWhatTheCraftModelComputes) {
  const Case &c = GetParam();
  std::string pipeline = std::string("infer-bases{causal=") +
                         (c.causal ? "true" : "false") +
                         "},validate,lower-to-craft,allocate-layers";
  OwningOpRef<ModuleOp> module =
      rasp::test::compileLibraryProgram(context, c.program, pipeline);
  ASSERT_TRUE(module);
  auto models = module->getOps<ModelOp>();
  ASSERT_FALSE(models.empty());
  ModelOp model = *models.begin();

  FailureOr<AssembledModel> assembled = assembleModel(model);
  ASSERT_TRUE(succeeded(assembled));
  ProgramOp flat = flattenModel(model);
  FailureOr<ProgramEvaluator> evaluator = ProgramEvaluator::get(flat);
  ASSERT_TRUE(succeeded(evaluator));
  Value output = flat.getOutput();
  SpaceAttr space = getSpace(output);
  const Readout &readout = assembled->readout;
  ASSERT_EQ(readout.space, space);

  const EmbeddingTables &e = assembled->embedding;
  std::vector<std::vector<int64_t>> inputs =
      rasp::test::allTokenIdSequences<std::vector<int64_t>>(
          e.numTokenIds - 1, assembled->maxSeqLen, kMaxInputs);
  ASSERT_GE(inputs.size(), static_cast<size_t>(e.numTokenIds));
  for (const std::vector<int64_t> &input : inputs) {
    std::vector<PyValue> tokens;
    std::vector<int64_t> ids = {e.getBosId()};
    for (int64_t id : input) {
      tokens.push_back(*rasp::fromAttr(e.vocab[id]));
      ids.push_back(id);
    }
    llvm::Expected<ProgramTrace<float>> trace = evaluator->run<float>(tokens);
    ASSERT_TRUE(static_cast<bool>(trace));
    const Activation<float> &want = trace->values.find(output)->second;
    std::vector<float> x = forward(*assembled, ids);
    for (int64_t p = 0; p < static_cast<int64_t>(ids.size()); ++p) {
      const float *got = &x[p * assembled->width + readout.range.offset];
      for (int64_t c = 0; c < readout.range.dim; ++c)
        ASSERT_NEAR(got[c], want.at(p, c), 1e-4 * (1 + std::fabs(got[c])))
            << "position " << p << ", direction " << readout.labels[c]
            << ", input of length " << input.size();
      if (p == 0)
        continue;
      PyValue a = decode(space, got), b = decode(space, want.row(p));
      if (a.isFloat() && b.isFloat())
        EXPECT_NEAR(a.getFloat(), b.getFloat(),
                    1e-5 * (1 + std::fabs(a.getFloat())));
      else
        EXPECT_TRUE(a.identical(b)) << a.repr() << " vs " << b.repr();
    }
  }
}

std::vector<Case> allCases() {
  std::vector<Case> cases;
  for (const char *name : rasp::test::tracrLibraryPrograms())
    for (bool causal : {false, true})
      cases.push_back({name, causal});
  return cases;
}

INSTANTIATE_TEST_SUITE_P(TracrLibrary, AssemblyLibraryTest,
                         ::testing::ValuesIn(allCases()), caseName);

} // namespace
