//===- TransformerWeightsTest.cpp - Exported TransformerLens tensors ------===//
//
// Exports every Tracr library program (Tracr's graph, LibraryPrograms.h),
// with and without causal masks, serialises and re-reads the file, runs the
// dense forward pass a TransformerLens user would run (every head of every
// layer, zero padding included) from the tensors and the metadata alone, and
// checks its decoded outputs against the craft evaluator in float32 on the same
// components on every input up to a length. Checks the layout of
// reverse tensor by tensor.
//
//===----------------------------------------------------------------------===//

#include "RaspDialect/Target/Safetensors/TransformerWeights.h"

#include "RaspDialect/Dialect/Craft/Analysis/Assembly.h"
#include "RaspDialect/Dialect/Craft/Evaluator/Evaluator.h"
#include "RaspDialect/Dialect/Craft/Transforms/AllocateLayers.h"
#include "RaspDialect/InitAll.h"
#include "RaspDialect/Pipelines/Pipelines.h"
#include "Support/LibraryPrograms.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"

#include "gtest/gtest.h"
#include <nlohmann/json.hpp>

#include <cmath>

using namespace mlir;
using namespace mlir::rasp;
using namespace mlir::rasp::safetensors;
using Json = nlohmann::json;

namespace {

/// A row-major matrix view of a tensor (or of one head of a 3-d tensor).
struct View {
  const float *data;
  int64_t rows, cols;
  float at(int64_t r, int64_t c) const { return data[r * cols + c]; }
};

View view(const File &f, const std::string &name, int64_t head = -1) {
  const Tensor *t = f.lookup(name);
  EXPECT_NE(t, nullptr) << name;
  if (head < 0)
    return {t->data.data(), t->shape[0], t->shape.size() > 1 ? t->shape[1] : 1};
  return {t->data.data() + head * t->shape[1] * t->shape[2], t->shape[1],
          t->shape[2]};
}

/// x (n x a) * w (a x b).
std::vector<float> matmul(const std::vector<float> &x, int64_t n, View w) {
  std::vector<float> y(n * w.cols, 0.0f);
  for (int64_t i = 0; i < n; ++i)
    for (int64_t k = 0; k < w.rows; ++k)
      for (int64_t j = 0; j < w.cols; ++j)
        y[i * w.cols + j] += x[i * w.rows + k] * w.at(k, j);
  return y;
}

/// TransformerLens' config: HookedTransformerConfig's keyword arguments.
Json config(const File &f) {
  return Json::parse(*f.lookupMetadata("transformer_lens_config"));
}

int64_t cfgInt(const File &f, const char *key) {
  return config(f).at(key).get<int64_t>();
}

/// Adds bias `b` (one row) to every row of `x`.
void addBias(std::vector<float> &x, View b) {
  int64_t n = b.rows * b.cols;
  for (size_t i = 0; i < x.size(); ++i)
    x[i] += b.data[i % n];
}

/// The decoded outputs of the dense model in `f` on `ids` (BOS first), as
/// HookedTransformer computes them from TransformerLens' config alone (zero
/// biases included).
std::vector<Json> denseForward(const File &f, const std::vector<int64_t> &ids) {
  Json cfg = config(f);
  int64_t n = ids.size(), d = cfg["d_model"].get<int64_t>();
  bool causal = cfg["attention_dir"] == "causal";
  View we = view(f, "embed.W_E"), wp = view(f, "pos_embed.W_pos");
  std::vector<float> x(n * d);
  for (int64_t p = 0; p < n; ++p)
    for (int64_t c = 0; c < d; ++c)
      x[p * d + c] = we.at(ids[p], c) + wp.at(p, c);
  for (int64_t l = 0, e = cfg["n_layers"].get<int64_t>(); l < e; ++l) {
    std::string b = "blocks." + std::to_string(l) + ".";
    std::vector<float> attn(n * d, 0.0f);
    addBias(attn, view(f, b + "attn.b_O"));
    for (int64_t h = 0, e = cfg["n_heads"].get<int64_t>(); h < e; ++h) {
      int64_t dh = cfg["d_head"].get<int64_t>();
      auto project = [&](const char *w, const char *bias) {
        std::vector<float> y = matmul(x, n, view(f, b + w, h));
        const Tensor *t = f.lookup(b + bias);
        addBias(y, {t->data.data() + h * dh, 1, dh});
        return y;
      };
      std::vector<float> q = project("attn.W_Q", "attn.b_Q");
      std::vector<float> k = project("attn.W_K", "attn.b_K");
      std::vector<float> v = project("attn.W_V", "attn.b_V");
      std::vector<float> z(n * dh, 0.0f);
      for (int64_t i = 0; i < n; ++i) {
        std::vector<float> s(n, -INFINITY);
        float max = -INFINITY, sum = 0;
        for (int64_t j = 0; j <= (causal ? i : n - 1); ++j) {
          s[j] = 0;
          for (int64_t c = 0; c < dh; ++c)
            s[j] += q[i * dh + c] * k[j * dh + c];
          max = std::max(max, s[j]);
        }
        for (float &e : s)
          sum += (e = std::exp(e - max));
        for (int64_t j = 0; j < n; ++j)
          for (int64_t c = 0; c < dh; ++c)
            z[i * dh + c] += s[j] / sum * v[j * dh + c];
      }
      std::vector<float> o = matmul(z, n, view(f, b + "attn.W_O", h));
      for (int64_t i = 0; i < n * d; ++i)
        attn[i] += o[i];
    }
    for (int64_t i = 0; i < n * d; ++i)
      x[i] += attn[i];
    if (cfg["attn_only"].get<bool>())
      continue;
    std::vector<float> hidden = matmul(x, n, view(f, b + "mlp.W_in"));
    View bin = view(f, b + "mlp.b_in");
    for (int64_t i = 0; i < n; ++i)
      for (int64_t u = 0; u < bin.rows; ++u)
        hidden[i * bin.rows + u] =
            std::max(hidden[i * bin.rows + u] + bin.data[u], 0.0f);
    std::vector<float> out = matmul(hidden, n, view(f, b + "mlp.W_out"));
    View bout = view(f, b + "mlp.b_out");
    for (int64_t i = 0; i < n * d; ++i)
      x[i] += out[i] + bout.data[i % d];
  }
  View wu = view(f, "unembed.W_U");
  std::vector<float> logits = matmul(x, n, wu);
  addBias(logits, view(f, "unembed.b_U"));
  bool categorical = *f.lookupMetadata("rasp.output_encoding") == "categorical";
  Json values = categorical
                    ? Json::parse(*f.lookupMetadata("rasp.output_values"))
                    : Json();
  std::vector<Json> decoded;
  for (int64_t p = 1; p < n; ++p) {
    const float *row = logits.data() + p * wu.cols;
    if (!categorical) {
      decoded.push_back(row[0]);
      continue;
    }
    int64_t i = craft::decodeCategoricalIndex(row, wu.cols);
    decoded.push_back(i < 0 ? Json(nullptr) : values[i]);
  }
  return decoded;
}

class TransformerWeightsTest : public ::testing::Test {
protected:
  TransformerWeightsTest() {
    DialectRegistry registry;
    registerAllDialects(registry);
    context.appendDialectRegistry(registry);
    context.loadAllAvailableDialects();
  }

  /// The craft.model of a library program.
  craft::ModelOp compile(const std::string &program, bool causal) {
    std::string path = rasp::test::libraryProgramPath(program);
    module = parseSourceFile<ModuleOp>(path, &context);
    EXPECT_TRUE(module) << path;
    PassManager pm(&context);
    RASPToCraftModelOptions options;
    options.causal = causal;
    populateRASPToCraftModelPipeline(pm, options);
    EXPECT_TRUE(succeeded(pm.run(*module)));
    return *module->getOps<craft::ModelOp>().begin();
  }

  /// The model's weights after a write and a read.
  File exportAndRead(craft::ModelOp model) {
    FailureOr<File> weights = buildTransformerWeights(model);
    EXPECT_TRUE(succeeded(weights));
    std::string bytes;
    llvm::raw_string_ostream os(bytes);
    EXPECT_FALSE(static_cast<bool>(write(*weights, os)));
    return llvm::cantFail(read(bytes));
  }

  MLIRContext context;
  OwningOpRef<ModuleOp> module;
};

std::vector<int64_t> shape(const File &f, const std::string &name) {
  const Tensor *t = f.lookup(name);
  return t ? t->shape : std::vector<int64_t>{-1};
}

TEST_F(TransformerWeightsTest, ReverseLayout) {
  craft::ModelOp model = compile("reverse", false);
  craft::AssembledModel m = *craft::assembleModel(model);
  File f = exportAndRead(model);
  int64_t d = m.width, layers = m.layers.size();
  EXPECT_EQ(cfgInt(f, "d_model"), d);
  EXPECT_EQ(cfgInt(f, "n_layers"), layers);
  EXPECT_EQ(cfgInt(f, "n_heads"), 1);
  EXPECT_EQ(cfgInt(f, "d_vocab"), 5);
  EXPECT_EQ(cfgInt(f, "n_ctx"), 6);
  EXPECT_EQ(config(f)["attention_dir"], "bidirectional");
  EXPECT_EQ(config(f)["normalization_type"], nullptr);
  EXPECT_EQ(*f.lookupMetadata("rasp.bos_id"), "4");
  EXPECT_EQ(*f.lookupMetadata("schema"), kTransformerSchema);
  EXPECT_EQ(Json::parse(*f.lookupMetadata("rasp.vocab")),
            Json({{"a", 0}, {"b", 1}, {"c", 2}, {"d", 3}}));
  EXPECT_EQ(Json::parse(*f.lookupMetadata("rasp.residual_labels")).size(),
            static_cast<size_t>(d));
  EXPECT_EQ(Json::parse(*f.lookupMetadata("rasp.output_values")),
            Json({"a", "b", "c", "d"}));
  int64_t dh = cfgInt(f, "d_head"), dm = cfgInt(f, "d_mlp");
  std::vector<std::string> names;
  for (const Tensor &t : f.tensors)
    names.push_back(t.name);
  // Embeddings, 13 tensors per layer, the unembedding and its bias, then
  // one mask per layer.
  ASSERT_EQ(names.size(), static_cast<size_t>(4 + 14 * layers));
  EXPECT_EQ(names.front(), "embed.W_E");
  EXPECT_EQ(names[2 + 13 * layers], "unembed.W_U");
  EXPECT_EQ(names[3 + 13 * layers], "unembed.b_U");
  EXPECT_EQ(names.back(),
            "blocks." + std::to_string(layers - 1) + ".attn.mask");
  EXPECT_EQ(shape(f, "embed.W_E"), (std::vector<int64_t>{5, d}));
  EXPECT_EQ(shape(f, "pos_embed.W_pos"), (std::vector<int64_t>{6, d}));
  for (int64_t l = 0; l < layers; ++l) {
    std::string b = "blocks." + std::to_string(l) + ".";
    for (const char *w : {"attn.W_Q", "attn.W_K", "attn.W_V"})
      EXPECT_EQ(shape(f, b + w), (std::vector<int64_t>{1, d, dh}));
    EXPECT_EQ(shape(f, b + "attn.W_O"), (std::vector<int64_t>{1, dh, d}));
    EXPECT_EQ(shape(f, b + "mlp.W_in"), (std::vector<int64_t>{d, dm}));
    EXPECT_EQ(shape(f, b + "mlp.b_in"), (std::vector<int64_t>{dm}));
    EXPECT_EQ(shape(f, b + "mlp.W_out"), (std::vector<int64_t>{dm, d}));
    EXPECT_EQ(shape(f, b + "mlp.b_out"), (std::vector<int64_t>{d}));
    for (const char *bias : {"attn.b_Q", "attn.b_K", "attn.b_V"})
      EXPECT_EQ(shape(f, b + bias), (std::vector<int64_t>{1, dh}));
    EXPECT_EQ(shape(f, b + "attn.b_O"), (std::vector<int64_t>{d}));
    for (const char *bias : {"attn.b_Q", "attn.b_K", "attn.b_V", "attn.b_O"})
      EXPECT_TRUE(llvm::all_of(f.lookup(b + bias)->data,
                               [](float v) { return v == 0.0f; }));
    // TransformerLens' buffers: -inf, and the causal mask key <= query.
    EXPECT_EQ(shape(f, b + "attn.IGNORE"), (std::vector<int64_t>{}));
    EXPECT_EQ(f.lookup(b + "attn.IGNORE")->data, std::vector<float>{-INFINITY});
    const Tensor *mask = f.lookup(b + "attn.mask");
    ASSERT_NE(mask, nullptr);
    EXPECT_EQ(mask->dtype, DType::Bool);
    EXPECT_EQ(mask->shape, (std::vector<int64_t>{6, 6}));
    for (int64_t q = 0; q < 6; ++q)
      for (int64_t k = 0; k < 6; ++k)
        EXPECT_EQ(mask->data[q * 6 + k], k <= q ? 1.0f : 0.0f);
  }
  EXPECT_EQ(shape(f, "unembed.W_U"),
            (std::vector<int64_t>{d, m.readout.range.dim}));
  EXPECT_EQ(shape(f, "unembed.b_U"),
            (std::vector<int64_t>{m.readout.range.dim}));

  // The embeddings are the assembled tables.
  EXPECT_EQ(f.lookup("embed.W_E")->data, m.embedding.denseTokens());
  EXPECT_EQ(f.lookup("pos_embed.W_pos")->data, m.embedding.densePositions());
  // W_K is the identity on the key subspaces; W_Q carries the scale.
  const craft::AssembledHead &head = m.layers.back().heads.front();
  craft::QKFactors qk = craft::factoriseQK(head.qk);
  std::string last = "blocks." + std::to_string(layers - 1) + ".attn.";
  View wk = view(f, last + "W_K", 0), wq = view(f, last + "W_Q", 0);
  EXPECT_EQ(wk.at(qk.keys.front().offset, 0), 1.0f);
  const craft::Projection::Segment &s = qk.query.segments.front();
  for (int64_t c = 0; c < qk.getKeyDim(); ++c)
    EXPECT_EQ(wq.at(s.range.offset, c),
              static_cast<float>(head.scale * qk.query.weights->get(s.row, c)));
  // b_in holds the W1 row of `one`; W_in's `one` row is zero.
  int64_t one = llvm::find(m.labels, "one") - m.labels.begin();
  const craft::AssembledMLP &mlp = *m.layers.front().mlp;
  View win = view(f, "blocks.0.mlp.W_in"), bin = view(f, "blocks.0.mlp.b_in");
  for (const craft::Projection::Segment &seg : mlp.hidden.segments)
    if (seg.range.offset <= one && one < seg.range.offset + seg.range.dim)
      for (int64_t u = 0; u < mlp.getHiddenSize(); ++u) {
        EXPECT_EQ(bin.data[u], static_cast<float>(mlp.hidden.weights->get(
                                   seg.row + one - seg.range.offset, u)));
        EXPECT_EQ(win.at(one, u), 0.0f);
      }
}

struct Case {
  const char *program;
  bool causal;
};

class TransformerWeightsLibraryTest
    : public TransformerWeightsTest,
      public ::testing::WithParamInterface<Case> {};

TEST_P(TransformerWeightsLibraryTest, DenseForwardPassDecodesLikeTheModel) {
  craft::ModelOp model = compile(GetParam().program, GetParam().causal);
  craft::AssembledModel m = *craft::assembleModel(model);
  File f = exportAndRead(model);
  // The reference: the craft evaluator in float32 on the model's components.
  craft::ProgramEvaluator evaluator =
      *craft::ProgramEvaluator::get(craft::flattenModel(model));
  int64_t vocab = m.embedding.numTokenIds - 1, bos = m.embedding.getBosId();
  // Every input up to a length, at most about 300.
  std::vector<std::vector<int64_t>> inputs = {{bos}};
  for (size_t i = 0; i < inputs.size() && inputs.size() < 300; ++i)
    if (static_cast<int64_t>(inputs[i].size()) <= m.maxSeqLen)
      for (int64_t id = 0; id < vocab; ++id) {
        inputs.push_back(inputs[i]);
        inputs.back().push_back(id);
      }
  for (const std::vector<int64_t> &ids : inputs) {
    if (static_cast<int64_t>(ids.size()) > m.maxSeqLen + 1)
      continue;
    std::vector<PyValue> tokens;
    for (size_t i = 1; i < ids.size(); ++i)
      tokens.push_back(*fromAttr(m.embedding.vocab[ids[i]]));
    std::vector<PyValue> expected =
        llvm::cantFail(evaluator.runAndDecode<float>(tokens));
    std::vector<Json> got = denseForward(f, ids);
    ASSERT_EQ(got.size(), expected.size());
    for (auto [g, w] : llvm::zip(got, expected)) {
      if (w.isFloat()) {
        EXPECT_NEAR(g.get<double>(), w.getFloat(),
                    1e-4 * (1 + std::fabs(w.getFloat())));
      } else {
        EXPECT_EQ(g.dump(), w.toJSON());
      }
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

std::string caseName(const ::testing::TestParamInfo<Case> &info) {
  return std::string(info.param.program) + (info.param.causal ? "_causal" : "");
}

INSTANTIATE_TEST_SUITE_P(TracrLibrary, TransformerWeightsLibraryTest,
                         ::testing::ValuesIn(allCases()), caseName);

} // namespace
