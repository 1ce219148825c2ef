//===- Blocks.h - In-memory craft components --------------------*- C++ -*-===//
//
// Plain C++ forms of `craft.mlp` and `craft.attention_head`: what weight
// synthesis produces and what the craft evaluator applies. Conversions to and
// from the IR ops live here too, so synthesis, the lowering pass and the
// evaluator share one definition of the weight layout.
//
//===----------------------------------------------------------------------===//

#ifndef RASPDIALECT_DIALECT_CRAFT_EVALUATOR_BLOCKS_H
#define RASPDIALECT_DIALECT_CRAFT_EVALUATOR_BLOCKS_H

#include "RaspDialect/Dialect/Craft/Evaluator/Matrix.h"
#include "RaspDialect/Dialect/Craft/IR/CraftOps.h"

#include "llvm/ADT/SmallVector.h"

namespace mlir::craft {

/// A ReLU MLP: y = ReLU(x * w1) * w2 (see `craft.mlp`).
struct MLPBlock {
  /// Dimension of each input operand, in order; rows of w1 follow them.
  llvm::SmallVector<int64_t> inputDims;
  /// Dimension of each result, in order; columns of w2 follow them.
  llvm::SmallVector<int64_t> outputDims;
  Matrix w1, w2;

  int64_t getHiddenSize() const { return w1.getCols(); }
  /// Checks that the matrix shapes match the dimensions.
  bool isConsistent() const;
};

/// One block of an attention head's bilinear form.
struct QKBlock {
  unsigned query;
  unsigned key;
  Matrix weights;
};

/// An attention head (see `craft.attention_head`).
struct AttentionBlock {
  llvm::SmallVector<int64_t> queryDims, keyDims, valueDims;
  int64_t outputDim = 0;
  std::vector<QKBlock> wqk;
  Matrix wov;
  double scale = 1.0;
  bool causal = false;

  bool isConsistent() const;
};

/// Reads the weights of an op.
MLPBlock toBlock(MLPOp op);
AttentionBlock toBlock(AttentionHeadOp op);

/// Builds a `craft.mlp` reading `inputs` and writing results with bases
/// `spaces`.
MLPOp buildMLP(OpBuilder &builder, Location loc, const MLPBlock &block,
               ValueRange inputs, llvm::ArrayRef<SpaceAttr> spaces);

/// Builds a `craft.attention_head`.
AttentionHeadOp buildAttentionHead(OpBuilder &builder, Location loc,
                                   const AttentionBlock &block,
                                   ValueRange queries, ValueRange keys,
                                   ValueRange values, SpaceAttr space);

} // namespace mlir::craft

#endif // RASPDIALECT_DIALECT_CRAFT_EVALUATOR_BLOCKS_H
