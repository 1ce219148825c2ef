//===- ModelStats.cpp - Size statistics of layered craft models -----------===//

#include "RaspDialect/Dialect/Craft/Analysis/ModelStats.h"
#include "RaspDialect/Dialect/Craft/IR/CraftModel.h"
#include "RaspDialect/Dialect/Craft/IR/CraftWeights.h"

#include "llvm/Support/FormatVariadic.h"

using namespace mlir;
using namespace mlir::craft;

static int64_t totalDim(ValueRange values) {
  int64_t dim = 0;
  for (Value v : values)
    dim += cast<VecType>(v.getType()).getDim();
  return dim;
}

static int64_t countNonZeros(ElementsAttr weights) {
  int64_t n = 0;
  forEachNonZero(weights, [&](int64_t, int64_t, double) { ++n; });
  return n;
}

static HeadStats headStats(AttentionHeadOp head) {
  HeadStats s;
  s.name = head.getSpace().getLabel().str();
  s.queryDim = totalDim(head.getQueries());
  s.keyDim = totalDim(head.getKeys());
  s.valueDim = totalDim(head.getValues());
  s.outputDim = head.getSpace().getDim();
  s.params = s.queryDim * s.keyDim + s.valueDim * s.outputDim;
  for (Attribute attr : head.getWQk())
    s.nonZeros += countNonZeros(cast<QKBlockAttr>(attr).getWeights());
  s.nonZeros += countNonZeros(head.getWOv());
  return s;
}

static MLPStats mlpStats(MLPOp mlp) {
  MLPStats s;
  s.inputDim = totalDim(mlp.getInputs());
  s.hiddenDim = mlp.getHiddenSize();
  s.outputDim = totalDim(mlp.getResults());
  s.params = s.inputDim * s.hiddenDim + s.hiddenDim * s.outputDim;
  s.nonZeros = countNonZeros(mlp.getW1()) + countNonZeros(mlp.getW2());
  return s;
}

/// Tracr's dense layout (tracr/compiler/assemble.py): every layer padded to
/// the most heads, the widest head and the widest MLP. A head's width must
/// hold its query and key spaces and the rank of W_OV (at most
/// min(value, output)); Tracr itself uses max(query, key) and fails when
/// W_OV is wider (docs/LayerAllocation.md).
static DenseLayoutStats denseLayout(const ModelStats &s) {
  DenseLayoutStats dense;
  dense.numHeads = dense.keySize = dense.mlpHidden = 1;
  for (const LayerStats &layer : s.layers) {
    dense.numHeads = std::max<int64_t>(dense.numHeads, layer.heads.size());
    for (const HeadStats &h : layer.heads)
      dense.keySize = std::max({dense.keySize, h.queryDim, h.keyDim,
                                std::min(h.valueDim, h.outputDim)});
    if (layer.mlp)
      dense.mlpHidden = std::max(dense.mlpHidden, layer.mlp->hiddenDim);
  }
  int64_t d = s.residualWidth, hk = dense.numHeads * dense.keySize,
          m = dense.mlpHidden;
  // Token rows: the vocabulary and BOS; position rows: BOS and max_seq_len.
  int64_t embedding = (s.vocabSize + 1) * d + (s.maxSeqLen + 1) * d;
  int64_t attention = 3 * (d * hk + hk) + (hk * d + d);
  int64_t mlp = (d * m + m) + (m * d + d);
  dense.params = embedding + s.numLayers * (attention + mlp);
  return dense;
}

/// Per-layer shapes: layer l has H_l heads of width k_l (its widest) and
/// an MLP of M_l units, with biases; a sublayer without components has no
/// parameters.
static int64_t layeredParams(const ModelStats &s) {
  int64_t d = s.residualWidth;
  int64_t params = (s.vocabSize + 1) * d + (s.maxSeqLen + 1) * d;
  for (const LayerStats &layer : s.layers) {
    int64_t k = 0;
    for (const HeadStats &h : layer.heads)
      k = std::max(
          {k, h.queryDim, h.keyDim, std::min(h.valueDim, h.outputDim)});
    int64_t hk = static_cast<int64_t>(layer.heads.size()) * k;
    if (hk)
      params += 3 * (d * hk + hk) + (hk * d + d);
    if (layer.mlp && layer.mlp->hiddenDim) {
      int64_t m = layer.mlp->hiddenDim;
      params += (d * m + m) + (m * d + d);
    }
  }
  return params;
}

ModelStats mlir::craft::computeModelStats(ModelOp model) {
  ModelStats s;
  s.name = model.getSymName().str();
  s.residualWidth = model.getResidualWidth();
  if (EmbedOp embed = model.getEmbedOp()) {
    s.vocabSize = embed.getTokensSpace().getDim();
    s.maxSeqLen = embed.getIndicesSpace().getDim();
  }
  s.causal = model.getCausal();
  for (LayerOp layer : model.getLayers()) {
    LayerStats &l = s.layers.emplace_back();
    for (AttentionHeadOp head : layer.getHeads()) {
      l.heads.push_back(headStats(head));
      s.blockParams += l.heads.back().params;
      s.blockNonZeros += l.heads.back().nonZeros;
    }
    if (MLPOp mlp = layer.getMLP()) {
      l.mlp = mlpStats(mlp);
      s.blockParams += l.mlp->params;
      s.blockNonZeros += l.mlp->nonZeros;
    }
  }
  s.numLayers = s.layers.size();
  s.dense = denseLayout(s);
  s.layeredParams = layeredParams(s);
  return s;
}

std::vector<int64_t> ModelStats::headsPerLayer() const {
  std::vector<int64_t> out;
  for (const LayerStats &l : layers)
    out.push_back(l.heads.size());
  return out;
}

std::vector<int64_t> ModelStats::mlpHiddenPerLayer() const {
  std::vector<int64_t> out;
  for (const LayerStats &l : layers)
    out.push_back(l.mlp ? l.mlp->hiddenDim : 0);
  return out;
}

//===----------------------------------------------------------------------===//
// Printing
//===----------------------------------------------------------------------===//

static void printList(llvm::raw_ostream &os, llvm::ArrayRef<int64_t> list) {
  os << "[";
  llvm::interleaveComma(list, os);
  os << "]";
}

void mlir::craft::printModelStats(const ModelStats &s, llvm::raw_ostream &os) {
  os << "model @" << s.name << (s.causal ? " (causal)" : "") << "\n";
  os << "  layers: " << s.numLayers << "\n";
  os << "  residual width: " << s.residualWidth << "\n";
  os << "  heads per layer: ";
  printList(os, s.headsPerLayer());
  os << "\n  MLP hidden per layer: ";
  printList(os, s.mlpHiddenPerLayer());
  os << "\n";
  for (auto [i, layer] : llvm::enumerate(s.layers)) {
    os << "  layer " << i << ":\n";
    for (const HeadStats &h : layer.heads)
      os << llvm::formatv("    head {0}: query {1}, key {2}, value {3}, "
                          "output {4}; {5} params ({6} non-zero)\n",
                          h.name, h.queryDim, h.keyDim, h.valueDim, h.outputDim,
                          h.params, h.nonZeros);
    if (layer.mlp)
      os << llvm::formatv("    mlp: input {0}, hidden {1}, output {2}; {3} "
                          "params ({4} non-zero)\n",
                          layer.mlp->inputDim, layer.mlp->hiddenDim,
                          layer.mlp->outputDim, layer.mlp->params,
                          layer.mlp->nonZeros);
  }
  os << llvm::formatv("  block params: {0} ({1} non-zero)\n", s.blockParams,
                      s.blockNonZeros);
  os << llvm::formatv("  dense layout (per layer {0} heads of key size {1}, "
                      "MLP hidden {2}): {3} params\n",
                      s.dense.numHeads, s.dense.keySize, s.dense.mlpHidden,
                      s.dense.params);
  os << llvm::formatv("  per-layer layout (each layer its own head width "
                      "and MLP): {0} params\n",
                      s.layeredParams);
}

llvm::json::Value mlir::craft::toJSON(const ModelStats &s) {
  llvm::json::Array layers;
  for (const LayerStats &layer : s.layers) {
    llvm::json::Array heads;
    for (const HeadStats &h : layer.heads)
      heads.push_back(llvm::json::Object{{"name", h.name},
                                         {"query", h.queryDim},
                                         {"key", h.keyDim},
                                         {"value", h.valueDim},
                                         {"output", h.outputDim},
                                         {"params", h.params},
                                         {"nonzero", h.nonZeros}});
    llvm::json::Value mlp = nullptr;
    if (layer.mlp)
      mlp = llvm::json::Object{{"input", layer.mlp->inputDim},
                               {"hidden", layer.mlp->hiddenDim},
                               {"output", layer.mlp->outputDim},
                               {"params", layer.mlp->params},
                               {"nonzero", layer.mlp->nonZeros}};
    layers.push_back(
        llvm::json::Object{{"heads", std::move(heads)}, {"mlp", mlp}});
  }
  return llvm::json::Object{
      {"name", s.name},
      {"layers", s.numLayers},
      {"residual_width", s.residualWidth},
      {"vocab_size", s.vocabSize},
      {"max_seq_len", s.maxSeqLen},
      {"causal", s.causal},
      {"heads_per_layer", s.headsPerLayer()},
      {"mlp_hidden_per_layer", s.mlpHiddenPerLayer()},
      {"params", llvm::json::Object{{"blocks", s.blockParams},
                                    {"blocks_nonzero", s.blockNonZeros},
                                    {"dense", s.dense.params},
                                    {"layered", s.layeredParams}}},
      {"dense_layout", llvm::json::Object{{"num_heads", s.dense.numHeads},
                                          {"key_size", s.dense.keySize},
                                          {"mlp_hidden", s.dense.mlpHidden}}},
      {"layer_details", std::move(layers)}};
}

void mlir::craft::printModelStatsJSON(llvm::ArrayRef<ModelStats> models,
                                      llvm::raw_ostream &os) {
  llvm::json::Array array;
  for (const ModelStats &s : models)
    array.push_back(toJSON(s));
  llvm::json::Value root = llvm::json::Object{
      {"schema", "rasp-craft-model-stats/1"}, {"models", std::move(array)}};
  os << llvm::formatv("{0:2}", root) << "\n";
}
