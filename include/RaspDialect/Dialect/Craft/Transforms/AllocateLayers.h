//===- AllocateLayers.h - From craft programs to layered models -*- C++ -*-===//
//
// The C++ entry points of `--allocate-layers`, for drivers and later passes.
//
//===----------------------------------------------------------------------===//

#ifndef RASPDIALECT_DIALECT_CRAFT_TRANSFORMS_ALLOCATELAYERS_H
#define RASPDIALECT_DIALECT_CRAFT_TRANSFORMS_ALLOCATELAYERS_H

#include "RaspDialect/Dialect/Craft/IR/CraftOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallVector.h"

#include <optional>
#include <string>

namespace mlir::craft {

/// Builds the `craft.model` of `program` right after it: components placed
/// by `LayerSchedule`, the MLPs of each sublayer combined, the residual
/// layout assigned. `program` itself is left in place. Emits a diagnostic
/// and fails if the program holds an op that is not a component.
FailureOr<ModelOp> allocateLayers(ProgramOp program);

/// Builds, right after `model`, the `craft.program` that computes the same
/// as the model: per layer, its heads grouped in a `craft.multi_head` (they
/// read the stream before the layer), then its MLP. The program has the
/// model's name; tools use it to run models with the craft evaluator.
ProgramOp flattenModel(ModelOp model);

/// Builds one MLP equivalent to `mlps` running side by side: its inputs are
/// the union of theirs (looked up in `mapping`), in order of first use; its
/// hidden units and results are theirs, concatenated in order. The MLPs must
/// write different subspaces.
MLPOp combineMLPs(OpBuilder &builder, llvm::ArrayRef<MLPOp> mlps,
                  const IRMapping &mapping);

/// The embedding's results in residual order: what the token embedding
/// writes (`tokens`, BOS, `one`, token-indexed folds), then what the
/// position embedding writes (`indices`, position-indexed folds).
llvm::SmallVector<Value> embeddingOrder(EmbedOp embed);

/// The subspaces of `model` in residual order: the embedding's
/// (`embeddingOrder`), then each layer's results in order.
llvm::SmallVector<Value> getResidualOrder(ModelOp model);

/// Sets the `residual` and `labels` attributes of `model` to the bases of
/// `getResidualOrder(model)`. Labels must already be unique; `labels`, if
/// given, are those bases' direction labels (uniqueResidualLabels' own).
void setResidualLayout(ModelOp model,
                       std::optional<llvm::ArrayRef<std::string>> labels = {});

/// New bases for those of `subspaces` (in residual order) whose labels would
/// repeat a residual label of an earlier one: renamed after the NameLoc of
/// the defining op, or with a `_2`, `_3`, ... suffix. Fails with an error at
/// the defining op if two directions of one subspace have the same label.
/// `labels`, if given, receives the direction labels of the renamed bases
/// in order (formatting them costs more than the rest of the pass).
FailureOr<llvm::DenseMap<Value, SpaceAttr>>
uniqueResidualLabels(llvm::ArrayRef<Value> subspaces,
                     llvm::SmallVectorImpl<std::string> *labels = nullptr);

/// Gives result `result` of an embedding, head or MLP the basis `space` (of
/// the same dimension).
void setResultSpace(OpResult result, SpaceAttr space);

} // namespace mlir::craft

#endif // RASPDIALECT_DIALECT_CRAFT_TRANSFORMS_ALLOCATELAYERS_H
