//===- Assembly.cpp - A craft.model as a concrete transformer -------------===//

#include "RaspDialect/Dialect/Craft/Analysis/Assembly.h"

#include "llvm/ADT/STLExtras.h"

#include <map>

using namespace mlir;
using namespace mlir::craft;

static int64_t end(const ResidualRange &range) {
  return range.offset + range.dim;
}

namespace {
/// Reads the components of one model into residual coordinates.
class ModelAssembler {
public:
  explicit ModelAssembler(ModelOp model)
      : model(model), layout(ResidualLayout::get(model)) {}

  FailureOr<AssembledModel> assemble();

private:
  FailureOr<ResidualRange> rangeOf(Value value, Operation *user);
  FailureOr<SmallVector<Projection::Segment>> segmentsOf(ValueRange operands,
                                                         Operation *user);
  FailureOr<AssembledHead> assembleHead(AttentionHeadOp head);
  FailureOr<AssembledMLP> assembleMLP(MLPOp mlp);

  ModelOp model;
  ResidualLayout layout;
};
} // namespace

FailureOr<ResidualRange> ModelAssembler::rangeOf(Value value, Operation *user) {
  std::optional<ResidualRange> range = layout.lookup(value);
  if (!range)
    return user->emitOpError("uses the subspace ")
           << getSpace(value) << ", which is not in the residual layout";
  return *range;
}

/// The segments of operands whose weight rows follow each other in operand
/// order: an operand that continues the previous one both in the residual
/// and in the rows extends its segment.
FailureOr<SmallVector<Projection::Segment>>
ModelAssembler::segmentsOf(ValueRange operands, Operation *user) {
  SmallVector<Projection::Segment> segments;
  int64_t row = 0;
  for (Value operand : operands) {
    FailureOr<ResidualRange> range = rangeOf(operand, user);
    if (failed(range))
      return failure();
    if (range->dim == 0)
      continue;
    if (!segments.empty()) {
      Projection::Segment &last = segments.back();
      if (end(last.range) == range->offset &&
          last.row + last.range.dim == row) {
        last.range.dim += range->dim;
        row += range->dim;
        continue;
      }
    }
    segments.push_back({*range, row});
    row += range->dim;
  }
  return segments;
}

FailureOr<AssembledHead> ModelAssembler::assembleHead(AttentionHeadOp head) {
  AssembledHead out;
  out.name = head.getSpace().getLabel().str();
  out.loc = head.getLoc();
  out.scale = head.getScale().convertToDouble();
  out.causal = head.getCausal();
  for (Attribute attr : head.getWQk()) {
    auto block = cast<QKBlockAttr>(attr);
    Value query = head.getQueries()[block.getQuery()];
    Value key = head.getKeys()[block.getKey()];
    FailureOr<ResidualRange> queryRange = rangeOf(query, head);
    FailureOr<ResidualRange> keyRange = rangeOf(key, head);
    if (failed(queryRange) || failed(keyRange))
      return failure();
    if (queryRange->dim == 0 || keyRange->dim == 0)
      continue;
    out.qk.push_back({*queryRange, *keyRange, getSpace(query), getSpace(key),
                      std::make_shared<Matrix>(
                          Matrix::fromElementsAttr(block.getWeights()))});
  }
  FailureOr<SmallVector<Projection::Segment>> values =
      segmentsOf(head.getValues(), head);
  FailureOr<ResidualRange> output = rangeOf(head.getResult(), head);
  if (failed(values) || failed(output))
    return failure();
  out.value.weights =
      std::make_shared<Matrix>(Matrix::fromElementsAttr(head.getWOv()));
  out.value.segments = std::move(*values);
  out.output = *output;
  return out;
}

FailureOr<AssembledMLP> ModelAssembler::assembleMLP(MLPOp mlp) {
  AssembledMLP out;
  out.loc = mlp.getLoc();
  FailureOr<SmallVector<Projection::Segment>> inputs =
      segmentsOf(mlp.getInputs(), mlp);
  if (failed(inputs))
    return failure();
  out.hidden.weights =
      std::make_shared<Matrix>(Matrix::fromElementsAttr(mlp.getW1()));
  out.hidden.segments = std::move(*inputs);
  out.w2 = std::make_shared<Matrix>(Matrix::fromElementsAttr(mlp.getW2()));
  // Results are written side by side; contiguous ones form one slice.
  int64_t column = 0;
  for (Value result : mlp.getResults()) {
    FailureOr<ResidualRange> range = rangeOf(result, mlp);
    if (failed(range))
      return failure();
    if (range->dim != 0) {
      if (!out.outputs.empty() &&
          end(out.outputs.back().range) == range->offset &&
          out.outputs.back().column + out.outputs.back().range.dim == column)
        out.outputs.back().range.dim += range->dim;
      else
        out.outputs.push_back({*range, column});
    }
    column += range->dim;
  }
  return out;
}

FailureOr<AssembledModel> ModelAssembler::assemble() {
  AssembledModel out;
  out.name = model.getSymName().str();
  out.loc = model.getLoc();
  out.width = layout.getWidth();
  for (Attribute label : model.getLabels())
    out.labels.push_back(cast<StringAttr>(label).str());
  out.causal = model.getCausal();

  FailureOr<EmbeddingTables> embedding = buildEmbeddingTables(model, layout);
  if (failed(embedding))
    return failure();
  out.embedding = std::move(*embedding);
  out.maxSeqLen = out.embedding.numPositions - 1;

  for (LayerOp layer : model.getLayers()) {
    AssembledLayer &assembled = out.layers.emplace_back();
    for (AttentionHeadOp head : layer.getHeads()) {
      FailureOr<AssembledHead> h = assembleHead(head);
      if (failed(h))
        return failure();
      assembled.heads.push_back(std::move(*h));
    }
    if (MLPOp mlp = layer.getMLP()) {
      FailureOr<AssembledMLP> m = assembleMLP(mlp);
      if (failed(m))
        return failure();
      assembled.mlp = std::move(*m);
    }
  }

  Value output = model.getOutput();
  FailureOr<ResidualRange> range = rangeOf(output, model.getOutputOp());
  if (failed(range))
    return failure();
  out.readout.range = *range;
  out.readout.space = getSpace(output);
  out.readout.labels.assign(out.labels.begin() + range->offset,
                            out.labels.begin() + end(*range));
  return out;
}

FailureOr<AssembledModel> mlir::craft::assembleModel(ModelOp model) {
  return ModelAssembler(model).assemble();
}

//===----------------------------------------------------------------------===//
// W_QK = W_Q W_K^T
//===----------------------------------------------------------------------===//

namespace {
/// Distinct ranges in residual order with adjacent ones merged, and where
/// each original range starts in the concatenation of the merged ones.
struct MergedRanges {
  SmallVector<ResidualRange> merged;
  /// Offset of an original range -> its first index in the concatenation.
  std::map<int64_t, int64_t> position;
};
} // namespace

static MergedRanges mergeRanges(SmallVector<ResidualRange> ranges) {
  llvm::sort(ranges, [](const ResidualRange &a, const ResidualRange &b) {
    return a.offset < b.offset;
  });
  MergedRanges out;
  int64_t position = 0;
  for (const ResidualRange &range : ranges) {
    if (out.position.count(range.offset))
      continue;
    if (out.merged.empty() || end(out.merged.back()) != range.offset)
      out.merged.push_back(range);
    else
      out.merged.back().dim += range.dim;
    out.position[range.offset] = position;
    position += range.dim;
  }
  return out;
}

QKFactors mlir::craft::factoriseQK(ArrayRef<AssembledHead::QKBlock> blocks) {
  SmallVector<ResidualRange> queries, keys;
  for (const AssembledHead::QKBlock &block : blocks) {
    queries.push_back(block.query);
    keys.push_back(block.key);
  }
  MergedRanges q = mergeRanges(std::move(queries));
  MergedRanges k = mergeRanges(std::move(keys));

  int64_t rows = 0, cols = 0;
  QKFactors out;
  for (const ResidualRange &range : q.merged) {
    out.query.segments.push_back({range, rows});
    rows += range.dim;
  }
  for (const ResidualRange &range : k.merged) {
    out.keys.push_back(range);
    cols += range.dim;
  }
  std::vector<Triplet> entries;
  for (const AssembledHead::QKBlock &block : blocks) {
    int64_t row0 = q.position[block.query.offset];
    int64_t col0 = k.position[block.key.offset];
    block.weights->forEachNonZero([&](int64_t r, int64_t c, double v) {
      entries.push_back({row0 + r, col0 + c, v});
    });
  }
  out.query.weights = std::make_shared<Matrix>(
      Matrix::fromTriplets(rows, cols, std::move(entries)));
  return out;
}
