//===- Trace.cpp - The traced variant of the model function ---------------===//
//
// With `trace`, the model function's result holds, after the output
// subspace's W columns, the tensors `rasp-run --trace` shows, each in
// columns of its own: the residual stream after the embedding and after
// every sublayer (D columns), every head's logits and pattern (P columns:
// query row i at position i, the keys 0..N-1 in the first N), and every
// MLP's hidden activations. They are the values the model function computes
// anyway, so what is traced is what runs. `rasp.trace` lists the segments.
//
//===----------------------------------------------------------------------===//

#include "ModelBuilder.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

using namespace mlir;
using namespace mlir::rasp;
using namespace mlir::rasp::detail;

int64_t mlir::rasp::detail::traceWidth(const craft::AssembledModel &model,
                                       const CraftToLinalgOptions &options) {
  if (!options.trace)
    return 0;
  int64_t width = model.width, positions = model.embedding.numPositions;
  int64_t total = width; // the embedding
  for (const craft::AssembledLayer &layer : model.layers) {
    total += 2 * positions * static_cast<int64_t>(layer.heads.size());
    total += 2 * width; // after the attention and after the MLP
    if (layer.mlp)
      total += layer.mlp->getHiddenSize();
  }
  return total;
}

Value mlir::rasp::detail::buildTraceResult(ModelBuilder &b, Value output,
                                           ArrayRef<TracedTensor> traced,
                                           func::FuncOp func) {
  OpBuilder &builder = b.getBuilder();
  TensorBuilder &t = b.tensors();
  int64_t offset = cast<RankedTensorType>(output.getType()).getDimSize(2);
  SmallVector<Attribute> segments;
  int64_t total = offset;
  for (const TracedTensor &tensor : traced)
    total += tensor.width;
  Value packed = t.filled({b.getRows(), builder.getIndexAttr(total)}, 0.0f);
  packed = t.insertColumns(packed, t.joinRows(output), builder.getIndexAttr(0));
  for (const TracedTensor &tensor : traced) {
    Value value = tensor.value;
    if (cast<RankedTensorType>(value.getType()).getRank() == 3)
      value = t.joinRows(value);
    packed = t.insertColumns(packed, value, builder.getIndexAttr(offset));
    SmallVector<NamedAttribute> fields = {
        builder.getNamedAttr("kind", builder.getStringAttr(tensor.kind)),
        builder.getNamedAttr("layer", builder.getI64IntegerAttr(tensor.layer))};
    if (tensor.head >= 0)
      fields.push_back(
          builder.getNamedAttr("head", builder.getI64IntegerAttr(tensor.head)));
    fields.push_back(
        builder.getNamedAttr("offset", builder.getI64IntegerAttr(offset)));
    fields.push_back(
        builder.getNamedAttr("width", builder.getI64IntegerAttr(tensor.width)));
    segments.push_back(builder.getDictionaryAttr(fields));
    offset += tensor.width;
  }
  func->setAttr(kTraceAttr, builder.getArrayAttr(segments));
  return t.splitRows(packed, b.getBatch(), b.getPositions(),
                     /*keepStaticBatch=*/true);
}
