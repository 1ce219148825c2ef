//===- Blocks.cpp - In-memory craft components ----------------------------===//

#include "RaspDialect/Dialect/Craft/Evaluator/Blocks.h"

#include "mlir/IR/Builders.h"

#include <numeric>

using namespace mlir;
using namespace mlir::craft;

static int64_t sum(llvm::ArrayRef<int64_t> dims) {
  return std::accumulate(dims.begin(), dims.end(), int64_t(0));
}

bool MLPBlock::isConsistent() const {
  return w1.getRows() == sum(inputDims) && w2.getRows() == w1.getCols() &&
         w2.getCols() == sum(outputDims);
}

bool AttentionBlock::isConsistent() const {
  for (const QKBlock &b : wqk)
    if (b.query >= queryDims.size() || b.key >= keyDims.size() ||
        b.weights.getRows() != queryDims[b.query] ||
        b.weights.getCols() != keyDims[b.key])
      return false;
  return wov.getRows() == sum(valueDims) && wov.getCols() == outputDim &&
         scale > 0;
}

static llvm::SmallVector<int64_t> dimsOf(ValueRange values) {
  llvm::SmallVector<int64_t> dims;
  for (Value v : values)
    dims.push_back(cast<VecType>(v.getType()).getDim());
  return dims;
}

MLPBlock mlir::craft::toBlock(MLPOp op) {
  MLPBlock block;
  block.inputDims = dimsOf(op.getInputs());
  block.outputDims = dimsOf(op.getResults());
  block.w1 = Matrix::fromElementsAttr(op.getW1());
  block.w2 = Matrix::fromElementsAttr(op.getW2());
  return block;
}

AttentionBlock mlir::craft::toBlock(AttentionHeadOp op) {
  AttentionBlock block;
  block.queryDims = dimsOf(op.getQueries());
  block.keyDims = dimsOf(op.getKeys());
  block.valueDims = dimsOf(op.getValues());
  block.outputDim = op.getSpace().getDim();
  for (Attribute attr : op.getWQk()) {
    auto qk = cast<QKBlockAttr>(attr);
    block.wqk.push_back({qk.getQuery(), qk.getKey(),
                         Matrix::fromElementsAttr(qk.getWeights())});
  }
  block.wov = Matrix::fromElementsAttr(op.getWOv());
  block.scale = op.getScale().convertToDouble();
  block.causal = op.getCausal();
  return block;
}

MLPOp mlir::craft::buildMLP(OpBuilder &builder, Location loc,
                            const MLPBlock &block, ValueRange inputs,
                            llvm::ArrayRef<SpaceAttr> spaces) {
  MLIRContext *context = builder.getContext();
  SmallVector<Attribute> spaceAttrs(spaces.begin(), spaces.end());
  return MLPOp::create(builder, loc, inputs, block.w1.toElementsAttr(context),
                       block.w2.toElementsAttr(context),
                       builder.getArrayAttr(spaceAttrs));
}

AttentionHeadOp mlir::craft::buildAttentionHead(
    OpBuilder &builder, Location loc, const AttentionBlock &block,
    ValueRange queries, ValueRange keys, ValueRange values, SpaceAttr space) {
  MLIRContext *context = builder.getContext();
  SmallVector<Attribute> qk;
  for (const QKBlock &b : block.wqk)
    qk.push_back(QKBlockAttr::get(context, b.query, b.key,
                                  b.weights.toElementsAttr(context)));
  return AttentionHeadOp::create(
      builder, loc, queries, keys, values, builder.getArrayAttr(qk),
      block.wov.toElementsAttr(context), builder.getF64FloatAttr(block.scale),
      block.causal ? builder.getUnitAttr() : UnitAttr(), space);
}
