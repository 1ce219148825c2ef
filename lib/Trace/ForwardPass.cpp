//===- ForwardPass.cpp - The compiled model's forward pass, recorded ------===//
//
// Follows lib/Conversion/CraftToLinalg (Embedding.cpp, Attention.cpp,
// MLP.cpp, Readout.cpp) operation by operation, in float32, with the same
// weight rounding (double -> float) and the same accumulation order per
// output element. The JIT's kernels may contract multiply-adds and
// approximate exp, so results agree to rounding, not bit for bit; decoded
// outputs agree exactly (tested against the JIT on the Tracr library).
//
//===----------------------------------------------------------------------===//

#include "RaspDialect/Trace/ForwardPass.h"
#include "RaspDialect/Dialect/Craft/Evaluator/Evaluator.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::rasp;
using namespace mlir::rasp::trace;
using craft::AssembledHead;
using craft::AssembledModel;
using craft::Projection;
using craft::ResidualRange;

namespace {
/// The residual stream of one input and the operations of every sublayer.
class Forward {
public:
  Forward(const AssembledModel &model, int64_t n, const ForwardOptions &options)
      : model(model), options(options), n(n), d(model.width), x(n * d, 0.0f) {}

  void embed(llvm::ArrayRef<int64_t> ids);
  /// Applies a head; fills `record` if not null.
  void attend(const AssembledHead &head, HeadSnapshot *record);
  void applyMLP(const craft::AssembledMLP &mlp);

  std::vector<float> &residual() { return x; }

private:
  float *row(int64_t p) { return x.data() + p * d; }
  /// out (n x projection.getOutDim()) = x * projection.
  std::vector<float> project(const Projection &projection);
  void addDenseScores(llvm::ArrayRef<AssembledHead::QKBlock> blocks,
                      std::vector<float> &scores);
  void addLookupScores(const AssembledHead::QKBlock &block,
                       std::vector<float> &scores);

  const AssembledModel &model;
  const ForwardOptions &options;
  int64_t n, d;
  std::vector<float> x;
};
} // namespace

void Forward::embed(llvm::ArrayRef<int64_t> ids) {
  const craft::EmbeddingTables &e = model.embedding;
  for (int64_t p = 0; p < n; ++p)
    for (int64_t c = 0; c < d; ++c)
      row(p)[c] = e.tokenRow(ids[p])[c] + e.positionRow(p)[c];
}

/// Rows of the weights in increasing order per output element, like the
/// matmul kernels (a zero input adds an exact zero, so it is skipped).
std::vector<float> Forward::project(const Projection &projection) {
  int64_t cols = projection.getOutDim();
  std::vector<float> out(n * cols, 0.0f);
  for (int64_t p = 0; p < n; ++p) {
    float *o = out.data() + p * cols;
    for (const Projection::Segment &s : projection.segments)
      for (int64_t r = 0; r < s.range.dim; ++r) {
        float xv = row(p)[s.range.offset + r];
        if (xv != 0.0f)
          projection.weights->forEachInRow(s.row + r, [&](int64_t c, double w) {
            o[c] += xv * static_cast<float>(w);
          });
      }
  }
  return out;
}

void Forward::addDenseScores(llvm::ArrayRef<AssembledHead::QKBlock> blocks,
                             std::vector<float> &scores) {
  craft::QKFactors factors = craft::factoriseQK(blocks);
  int64_t dk = factors.getKeyDim();
  std::vector<float> q = project(factors.query), k(n * dk);
  for (int64_t p = 0; p < n; ++p) {
    int64_t column = 0;
    for (const ResidualRange &range : factors.keys)
      for (int64_t i = 0; i < range.dim; ++i)
        k[p * dk + column++] = row(p)[range.offset + i];
  }
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < n; ++j) {
      float s = scores[i * n + j];
      for (int64_t c = 0; c < dk; ++c)
        s += q[i * dk + c] * k[j * dk + c];
      scores[i * n + j] = s;
    }
}

/// The first direction holding the largest positive entry and that entry;
/// (0, 0) for a vector without a positive entry (the generated argmax).
static std::pair<int64_t, float> argmax(const float *v, int64_t dim) {
  int64_t index = 0;
  float value = 0.0f;
  for (int64_t i = 0; i < dim; ++i)
    if (v[i] > value) {
      index = i;
      value = v[i];
    }
  return {index, value};
}

void Forward::addLookupScores(const AssembledHead::QKBlock &block,
                              std::vector<float> &scores) {
  for (int64_t i = 0; i < n; ++i) {
    auto [qi, qv] = argmax(row(i) + block.query.offset, block.query.dim);
    for (int64_t j = 0; j < n; ++j) {
      auto [kj, kv] = argmax(row(j) + block.key.offset, block.key.dim);
      float w = static_cast<float>(block.weights->get(qi, kj));
      scores[i * n + j] += qv * kv * w;
    }
  }
}

void Forward::attend(const AssembledHead &head, HeadSnapshot *record) {
  // The conversion builds nothing for a head without output directions;
  // its pattern is still computed for the record.
  if (head.output.dim == 0 && !record)
    return;
  llvm::SmallVector<AssembledHead::QKBlock> dense;
  llvm::SmallVector<const AssembledHead::QKBlock *> lookups;
  for (const AssembledHead::QKBlock &block : head.qk) {
    int64_t entries = block.weights->getRows() * block.weights->getCols();
    if (options.lookupMinElements > 0 && entries >= options.lookupMinElements &&
        block.querySpace.isCategorical() && block.keySpace.isCategorical())
      lookups.push_back(&block);
    else
      dense.push_back(block);
  }
  std::vector<float> scores(n * n, 0.0f);
  if (!dense.empty())
    addDenseScores(dense, scores);
  for (const AssembledHead::QKBlock *block : lookups)
    addLookupScores(*block, scores);

  // Scale and mask, then softmax over the keys of each query.
  float scale = static_cast<float>(head.scale);
  float minusInf = -std::numeric_limits<float>::infinity();
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < n; ++j) {
      float &s = scores[i * n + j];
      s = !head.causal || j <= i ? s * scale : minusInf;
    }
  if (record)
    record->logits = scores;
  std::vector<float> &pattern = scores;
  for (int64_t i = 0; i < n; ++i) {
    float *s = pattern.data() + i * n;
    float max = minusInf, sum = 0.0f;
    for (int64_t j = 0; j < n; ++j)
      max = std::fmax(max, s[j]);
    for (int64_t j = 0; j < n; ++j)
      s[j] = std::exp(s[j] - max);
    for (int64_t j = 0; j < n; ++j)
      sum += s[j];
    for (int64_t j = 0; j < n; ++j)
      s[j] /= sum;
  }

  // W_OV before mixing, then the weighted sum over keys.
  int64_t dout = head.output.dim;
  std::vector<float> v = project(head.value);
  for (int64_t i = 0; i < n; ++i)
    for (int64_t c = 0; c < dout; ++c) {
      float mixed = 0.0f;
      for (int64_t j = 0; j < n; ++j)
        mixed += pattern[i * n + j] * v[j * dout + c];
      row(i)[head.output.offset + c] += mixed;
    }
  if (record)
    record->pattern = std::move(pattern);
}

void Forward::applyMLP(const craft::AssembledMLP &mlp) {
  int64_t hiddenSize = mlp.getHiddenSize();
  if (hiddenSize == 0 || mlp.outputs.empty())
    return;
  std::vector<float> hidden = project(mlp.hidden);
  for (float &h : hidden)
    h = std::fmax(h, 0.0f);
  int64_t width = mlp.w2->getCols();
  for (int64_t p = 0; p < n; ++p) {
    std::vector<float> y(width, 0.0f);
    for (int64_t u = 0; u < hiddenSize; ++u) {
      float h = hidden[p * hiddenSize + u];
      if (h != 0.0f)
        mlp.w2->forEachInRow(
            u, [&](int64_t c, double w) { y[c] += h * static_cast<float>(w); });
    }
    for (const craft::OutputSlice &slice : mlp.outputs)
      for (int64_t c = 0; c < slice.range.dim; ++c)
        row(p)[slice.range.offset + c] += y[slice.column + c];
  }
}

llvm::Expected<ForwardResult>
mlir::rasp::trace::runForward(const AssembledModel &model,
                              llvm::ArrayRef<int64_t> ids,
                              const ForwardOptions &options, bool record) {
  const craft::EmbeddingTables &e = model.embedding;
  auto error = [](const llvm::Twine &message) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
  };
  if (ids.empty() || ids.front() != e.getBosId())
    return error("the first token id must be BOS (" +
                 llvm::Twine(e.getBosId()) + ")");
  if (static_cast<int64_t>(ids.size()) > e.numPositions)
    return error("the input has " + llvm::Twine(ids.size() - 1) +
                 " tokens; the model takes at most " +
                 llvm::Twine(e.numPositions - 1));
  for (int64_t id : ids)
    if (id < 0 || id >= e.numTokenIds)
      return error("token id " + llvm::Twine(id) + " is not in [0, " +
                   llvm::Twine(e.numTokenIds) + ")");

  int64_t n = ids.size();
  Forward forward(model, n, options);
  ForwardResult result;
  result.numPositions = n;
  result.width = model.width;
  auto snapshot = [&](Stage stage, int64_t layer) {
    if (record)
      result.snapshots.push_back({stage, layer, forward.residual()});
  };
  forward.embed(ids);
  snapshot(Stage::Embedding, -1);
  for (auto [index, layer] : llvm::enumerate(model.layers)) {
    int64_t l = static_cast<int64_t>(index);
    for (auto [h, head] : llvm::enumerate(layer.heads)) {
      HeadSnapshot *headRecord = nullptr;
      if (record) {
        result.heads.push_back({l, static_cast<int64_t>(h), {}, {}});
        headRecord = &result.heads.back();
      }
      forward.attend(head, headRecord);
    }
    snapshot(Stage::Attention, l);
    if (layer.mlp)
      forward.applyMLP(*layer.mlp);
    snapshot(Stage::MLP, l);
  }
  result.residual = std::move(forward.residual());
  return result;
}

std::vector<PyValue>
mlir::rasp::trace::decodeOutput(const AssembledModel &model,
                                const ForwardResult &result) {
  const craft::Readout &readout = model.readout;
  std::vector<PyValue> out;
  for (int64_t p = 1; p < result.numPositions; ++p)
    out.push_back(
        craft::decode(readout.space, result.row(p) + readout.range.offset));
  return out;
}
