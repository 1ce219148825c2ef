//===- TransformerWeights.cpp - A craft.model as TransformerLens tensors --===//
//
// Per head, the assembled W_QK = W_Q W_K^T factorisation is used as is:
// W_K is the identity on the head's key subspaces, W_Q maps the query
// subspaces onto them, times the head's softmax scale. W_OV (value operands
// x output subspace) of rank r <= min(values, outputs) is split through the
// narrower side: W_V selects the value subspaces and W_O holds W_OV, or W_V
// holds W_OV and W_O places the result in the output subspace. MLP biases
// are the W1 rows of the `one` direction (always 1), moved to b_in. Weights
// are accumulated, so an operand read twice contributes twice, as in the
// compiled code. The zero biases and the buffers TransformerLens registers
// are written too, so the file is a complete HookedTransformer state dict.
//
//===----------------------------------------------------------------------===//

#include "RaspDialect/Target/Safetensors/TransformerWeights.h"
#include "RaspDialect/Dialect/Craft/Analysis/Assembly.h"
#include "RaspDialect/Semantics/PyValue.h"

#include "llvm/ADT/DenseSet.h"
#include "llvm/Support/FormatVariadic.h"

#include <nlohmann/json.hpp>

#include <cmath>

using namespace mlir;
using namespace mlir::rasp;
using namespace mlir::rasp::safetensors;
using craft::AssembledHead;
using craft::AssembledModel;
using Json = nlohmann::ordered_json;

namespace {
/// The common sizes of the dense layout.
struct Dims {
  int64_t layers = 0, heads = 1, dHead = 1, dMlp = 1, dModel = 0;
  int64_t dVocab = 0, nCtx = 0, dOut = 0;
  /// No layer has an MLP: TransformerLens' attn_only, no MLP tensors.
  bool attnOnly = true;
};

/// A head's width in the dense layout: its key space and the rank of its
/// W_OV factorisation.
struct HeadShape {
  int64_t qk = 0, ov = 0;
};

class WeightBuilder {
public:
  WeightBuilder(craft::ModelOp model, const AssembledModel &m, int64_t one)
      : model(model), m(m), oneColumn(one) {}

  FailureOr<File> build(uint64_t maxBytes);

private:
  static HeadShape shapeOf(const AssembledHead &head);
  void computeDims();
  /// Bytes of all tensors in the dense layout.
  uint64_t dataBytes() const;
  Tensor &add(std::string name, std::vector<int64_t> shape,
              DType dtype = DType::F32) {
    int64_t n = 1;
    for (int64_t d : shape)
      n *= d;
    file.tensors.push_back({std::move(name), std::move(shape),
                            std::vector<float>(n, 0.0f), dtype});
    return file.tensors.back();
  }
  void addHead(const AssembledHead &head, int64_t h, Tensor &wq, Tensor &wk,
               Tensor &wv, Tensor &wo);
  void addMLP(const craft::AssembledMLP &mlp, Tensor &win, Tensor &bin,
              Tensor &wout);
  void addMetadata();
  Json transformerLensConfig() const;
  void meta(std::string key, std::string value) {
    file.metadata.emplace_back(std::move(key), std::move(value));
  }
  static std::string json(const Json &value) {
    return value.dump(-1, ' ', false, Json::error_handler_t::replace);
  }

  craft::ModelOp model;
  const AssembledModel &m;
  int64_t oneColumn;
  Dims dims;
  File file;
};
} // namespace

/// The key width of craft::factoriseQK (the distinct key subspaces side by
/// side), without building the factor: W_QK may be 10^4 x 10^4.
HeadShape WeightBuilder::shapeOf(const AssembledHead &head) {
  HeadShape s;
  llvm::SmallDenseSet<int64_t> keys;
  for (const AssembledHead::QKBlock &block : head.qk)
    if (keys.insert(block.key.offset).second)
      s.qk += block.key.dim;
  int64_t values = head.value.weights ? head.value.weights->getRows() : 0;
  s.ov = std::min(values, head.output.dim);
  return s;
}

/// W_Q[h, row, c] is element (h * d_model + row) * d_head + c; W_O[h, r, col]
/// is (h * d_head + r) * d_model + col.
void WeightBuilder::addHead(const AssembledHead &head, int64_t h, Tensor &wq,
                            Tensor &wk, Tensor &wv, Tensor &wo) {
  int64_t d = dims.dModel, dh = dims.dHead;
  auto in = [&](Tensor &t, int64_t row, int64_t c) -> float & {
    return t.data[(h * d + row) * dh + c];
  };
  craft::QKFactors f = craft::factoriseQK(head.qk);
  for (const craft::Projection::Segment &s : f.query.segments)
    for (int64_t i = 0; i < s.range.dim; ++i)
      f.query.weights->forEachInRow(s.row + i, [&](int64_t c, double w) {
        in(wq, s.range.offset + i, c) += static_cast<float>(head.scale * w);
      });
  int64_t column = 0;
  for (const craft::ResidualRange &range : f.keys)
    for (int64_t i = 0; i < range.dim; ++i)
      in(wk, range.offset + i, column++) = 1.0f;

  HeadShape shape = shapeOf(head);
  if (shape.ov == 0)
    return;
  const craft::Matrix &ov = *head.value.weights;
  int64_t out = head.output.offset;
  auto o = [&](int64_t r, int64_t col) -> float & {
    return wo.data[(h * dh + r) * d + col];
  };
  if (ov.getRows() <= head.output.dim) {
    // W_V selects the value operands (row r of W_OV is direction r of the
    // head's value space); W_O is W_OV.
    for (const craft::Projection::Segment &s : head.value.segments)
      for (int64_t i = 0; i < s.range.dim; ++i)
        in(wv, s.range.offset + i, s.row + i) = 1.0f;
    ov.forEachNonZero([&](int64_t r, int64_t c, double w) {
      o(r, out + c) = static_cast<float>(w);
    });
    return;
  }
  // W_V is W_OV read from the residual; W_O writes the output subspace.
  for (const craft::Projection::Segment &s : head.value.segments)
    for (int64_t i = 0; i < s.range.dim; ++i)
      ov.forEachInRow(s.row + i, [&](int64_t c, double w) {
        in(wv, s.range.offset + i, c) += static_cast<float>(w);
      });
  for (int64_t c = 0; c < head.output.dim; ++c)
    o(c, out + c) = 1.0f;
}

void WeightBuilder::addMLP(const craft::AssembledMLP &mlp, Tensor &win,
                           Tensor &bin, Tensor &wout) {
  int64_t d = dims.dModel, dm = dims.dMlp;
  const craft::Matrix &w1 = *mlp.hidden.weights;
  for (const craft::Projection::Segment &s : mlp.hidden.segments)
    for (int64_t i = 0; i < s.range.dim; ++i) {
      int64_t column = s.range.offset + i;
      w1.forEachInRow(s.row + i, [&](int64_t u, double w) {
        float &target =
            column == oneColumn ? bin.data[u] : win.data[column * dm + u];
        target += static_cast<float>(w);
      });
    }
  // Column c of W2 goes to residual column target[c] (-1: nowhere).
  std::vector<int64_t> target(mlp.w2->getCols(), -1);
  for (const craft::OutputSlice &slice : mlp.outputs)
    for (int64_t c = 0; c < slice.range.dim; ++c)
      target[slice.column + c] = slice.range.offset + c;
  mlp.w2->forEachNonZero([&](int64_t u, int64_t c, double w) {
    if (target[c] >= 0)
      wout.data[u * d + target[c]] += static_cast<float>(w);
  });
}

/// How a token is written on the command line.
static std::string printedForm(const PyValue &v) {
  return v.isStr() ? v.getStr() : v.repr();
}

/// A value as JSON; tuples are arrays.
static Json valueJSON(const PyValue &v) {
  if (v.isNone())
    return nullptr;
  if (v.isBool())
    return v.getBool();
  if (v.isInt())
    return v.getInt();
  if (v.isFloat())
    return v.getFloat();
  if (v.isTuple()) {
    Json items = Json::array();
    for (const PyValue &item : v.getItems())
      items.push_back(valueJSON(item));
    return items;
  }
  return v.getStr();
}

static Json valueJSON(Attribute attr) {
  FailureOr<PyValue> v = fromAttr(attr);
  if (failed(v))
    return nullptr;
  return valueJSON(*v);
}

void WeightBuilder::addMetadata() {
  const craft::EmbeddingTables &e = m.embedding;
  Json heads = Json::array(), names = Json::array(), scales = Json::array(),
       qk = Json::array(), ov = Json::array(), hidden = Json::array();
  for (const craft::AssembledLayer &layer : m.layers) {
    heads.push_back(layer.heads.size());
    Json n = Json::array(), s = Json::array(), q = Json::array(),
         o = Json::array();
    for (const AssembledHead &head : layer.heads) {
      HeadShape shape = shapeOf(head);
      n.push_back(head.name);
      s.push_back(head.scale);
      q.push_back(shape.qk);
      o.push_back(shape.ov);
    }
    names.push_back(std::move(n));
    scales.push_back(std::move(s));
    qk.push_back(std::move(q));
    ov.push_back(std::move(o));
    hidden.push_back(layer.mlp ? layer.mlp->getHiddenSize() : 0);
  }
  Json vocab = Json::object();
  for (auto [id, item] : llvm::enumerate(e.vocab)) {
    FailureOr<PyValue> v = fromAttr(item);
    vocab[succeeded(v) ? printedForm(*v) : "?"] = id;
  }
  std::string bos = "BOS";
  ArrayAttr bosValues = model.getEmbedOp().getBosSpace().getValues();
  if (bosValues && !bosValues.empty())
    if (FailureOr<PyValue> v = fromAttr(bosValues[0]); succeeded(v))
      bos = printedForm(*v);
  bool categorical = m.readout.isCategorical();
  Json outputValues = Json::array();
  if (categorical)
    for (Attribute attr : m.readout.space.getValues())
      outputValues.push_back(valueJSON(attr));

  meta("format", "pt");
  meta("schema", kTransformerSchema.str());
  meta("transformer_lens_config", json(transformerLensConfig()));
  meta("rasp.max_seq_len", std::to_string(m.maxSeqLen));
  meta("rasp.vocab", json(vocab));
  meta("rasp.bos", bos);
  meta("rasp.bos_id", std::to_string(e.getBosId()));
  meta("rasp.output_encoding", categorical ? "categorical" : "numerical");
  meta("rasp.output_labels", json(m.readout.labels));
  if (categorical)
    meta("rasp.output_values", json(outputValues));
  meta("rasp.output_decoding",
       categorical ? "argmax of x W_U at each position; null where no entry "
                     "reaches 0.5; the first of equal maxima"
                   : "the single column of x W_U at each position");
  meta("rasp.residual_labels", json(m.labels));
  meta("rasp.attention_scale_convention",
       "each head's softmax scale is folded into W_Q: logits = (x W_Q)(x "
       "W_K)^T, not divided by sqrt(d_head) (use_attn_scale false)");
  meta("rasp.head_scales", json(scales));
  meta("rasp.heads_per_layer", json(heads));
  meta("rasp.head_names", json(names));
  meta("rasp.head_qk_dims", json(qk));
  meta("rasp.head_ov_dims", json(ov));
  meta("rasp.mlp_hidden_per_layer", json(hidden));
}

/// Keyword arguments of TransformerLens' HookedTransformerConfig, with its
/// names and value conventions only, so `HookedTransformerConfig(**cfg)`
/// accepts them as they are (docs/Export.md).
Json WeightBuilder::transformerLensConfig() const {
  Json cfg = Json::object();
  cfg["model_name"] = m.name;
  cfg["n_layers"] = dims.layers;
  cfg["d_model"] = dims.dModel;
  cfg["n_ctx"] = dims.nCtx;
  cfg["d_head"] = dims.dHead;
  cfg["n_heads"] = dims.heads;
  if (!dims.attnOnly)
    cfg["d_mlp"] = dims.dMlp;
  cfg["d_vocab"] = dims.dVocab;
  cfg["d_vocab_out"] = dims.dOut;
  cfg["act_fn"] = "relu";
  cfg["normalization_type"] = nullptr;
  cfg["attention_dir"] = m.causal ? "causal" : "bidirectional";
  cfg["attn_only"] = dims.attnOnly;
  cfg["use_attn_scale"] = false;
  cfg["positional_embedding_type"] = "standard";
  cfg["default_prepend_bos"] = false;
  // Every weight comes from the file: random initialisation is wasted work.
  cfg["init_weights"] = false;
  return cfg;
}

void WeightBuilder::computeDims() {
  dims.layers = m.layers.size();
  dims.dModel = m.width;
  dims.dVocab = m.embedding.numTokenIds;
  dims.nCtx = m.embedding.numPositions;
  dims.dOut = m.readout.range.dim;
  for (const craft::AssembledLayer &layer : m.layers) {
    dims.heads = std::max<int64_t>(dims.heads, layer.heads.size());
    for (const AssembledHead &head : layer.heads) {
      HeadShape s = shapeOf(head);
      dims.dHead = std::max({dims.dHead, s.qk, s.ov});
    }
    if (layer.mlp) {
      dims.dMlp = std::max(dims.dMlp, layer.mlp->getHiddenSize());
      dims.attnOnly = false;
    }
  }
}

uint64_t WeightBuilder::dataBytes() const {
  uint64_t d = dims.dModel, hd = uint64_t(dims.heads) * dims.dHead,
           dm = dims.dMlp;
  // W_Q, W_K, W_V, W_O, b_Q, b_K, b_V, b_O, IGNORE; the MLP.
  uint64_t perLayer = 4 * d * hd + 3 * hd + d + 1;
  if (!dims.attnOnly)
    perLayer += d * dm + dm + dm * d + d;
  uint64_t floats = (dims.dVocab + dims.nCtx) * d + dims.layers * perLayer +
                    (d + 1) * dims.dOut;
  uint64_t maskBytes = uint64_t(dims.layers) * dims.nCtx * dims.nCtx;
  return floats * sizeof(float) + maskBytes;
}

/// `bytes` for people: "7156.2 MB", "38520 bytes".
static std::string formatSize(uint64_t bytes) {
  if (bytes < (uint64_t(1) << 20))
    return std::to_string(bytes) + " bytes";
  return llvm::formatv("{0:F1} MB", bytes / 1048576.0).str();
}

FailureOr<File> WeightBuilder::build(uint64_t maxBytes) {
  computeDims();
  if (uint64_t bytes = dataBytes(); bytes > maxBytes) {
    std::string mlp =
        dims.attnOnly ? "no MLP" : "d_mlp " + std::to_string(dims.dMlp);
    return model.emitError("the dense layout of the export needs ")
           << formatSize(bytes) << " of tensors (" << dims.layers
           << " layers, d_model " << dims.dModel << ", " << dims.heads
           << " heads of width " << dims.dHead << ", " << mlp
           << "), more than the limit of " << formatSize(maxBytes);
  }

  int64_t d = dims.dModel;
  add("embed.W_E", {dims.dVocab, d}).data = m.embedding.denseTokens();
  add("pos_embed.W_pos", {dims.nCtx, d}).data = m.embedding.densePositions();
  for (auto [l, layer] : llvm::enumerate(m.layers)) {
    std::string prefix = "blocks." + std::to_string(l) + ".";
    std::vector<int64_t> in = {dims.heads, d, dims.dHead};
    // Tensors are added in place, so index them after all are created.
    size_t first = file.tensors.size();
    add(prefix + "attn.W_Q", in);
    add(prefix + "attn.W_K", in);
    add(prefix + "attn.W_V", in);
    add(prefix + "attn.W_O", {dims.heads, dims.dHead, d});
    // Attention has no biases: TransformerLens' are zero.
    for (const char *bias : {"attn.b_Q", "attn.b_K", "attn.b_V"})
      add(prefix + bias, {dims.heads, dims.dHead});
    add(prefix + "attn.b_O", {d});
    // The buffer TransformerLens fills masked attention scores with.
    add(prefix + "attn.IGNORE", {}).data = {-INFINITY};
    if (!dims.attnOnly) {
      add(prefix + "mlp.W_in", {d, dims.dMlp});
      add(prefix + "mlp.b_in", {dims.dMlp});
      add(prefix + "mlp.W_out", {dims.dMlp, d});
      add(prefix + "mlp.b_out", {d});
    }
    Tensor *t = &file.tensors[first];
    for (auto [h, head] : llvm::enumerate(layer.heads))
      addHead(head, h, t[0], t[1], t[2], t[3]);
    if (layer.mlp)
      addMLP(*layer.mlp, t[9], t[10], t[11]);
  }
  Tensor &wu = add("unembed.W_U", {d, dims.dOut});
  for (int64_t c = 0; c < dims.dOut; ++c)
    wu.data[(m.readout.range.offset + c) * dims.dOut + c] = 1.0f;
  add("unembed.b_U", {dims.dOut});
  // TransformerLens' causal-mask buffers (lower triangular, key <= query,
  // whatever attention_dir says), BOOL, after every F32 tensor so those stay
  // 4-byte aligned.
  for (int64_t l = 0; l < dims.layers; ++l) {
    Tensor &mask = add("blocks." + std::to_string(l) + ".attn.mask",
                       {dims.nCtx, dims.nCtx}, DType::Bool);
    for (int64_t q = 0; q < dims.nCtx; ++q)
      for (int64_t k = 0; k <= q; ++k)
        mask.data[q * dims.nCtx + k] = 1.0f;
  }
  addMetadata();
  return std::move(file);
}

FailureOr<File> mlir::rasp::safetensors::buildTransformerWeights(
    craft::ModelOp model, const TransformerWeightsOptions &options) {
  FailureOr<AssembledModel> assembled = craft::assembleModel(model);
  if (failed(assembled))
    return failure();
  std::optional<craft::ResidualRange> one =
      craft::ResidualLayout::get(model).lookup(model.getEmbedOp().getOne());
  if (!one)
    return model.emitOpError("has no 'one' direction in its residual layout");
  return WeightBuilder(model, *assembled, one->offset).build(options.maxBytes);
}
