//===- CraftModel.h - Residual layout of layered craft models ---*- C++ -*-===//
//
// Reading the residual layout of a `craft.model`: where each subspace lives in
// the one ordered residual basis, and the labels of its directions.
//
//===----------------------------------------------------------------------===//

#ifndef RASPDIALECT_DIALECT_CRAFT_IR_CRAFTMODEL_H
#define RASPDIALECT_DIALECT_CRAFT_IR_CRAFTMODEL_H

#include "RaspDialect/Dialect/Craft/IR/CraftOps.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallVector.h"

#include <optional>
#include <string>

namespace mlir::craft {

/// A contiguous range of residual dimensions.
struct ResidualRange {
  int64_t offset = 0;
  int64_t dim = 0;
};

/// The ordered residual basis of a model: the range of every subspace.
class ResidualLayout {
public:
  /// The layout in which `spaces` follow each other in order.
  explicit ResidualLayout(llvm::ArrayRef<SpaceAttr> spaces);
  /// The layout of `model` (its `residual` attribute).
  static ResidualLayout get(ModelOp model);

  /// The range of the subspace with basis `space`, if it is in the layout.
  std::optional<ResidualRange> lookup(SpaceAttr space) const;
  /// The range of the subspace `value` stands for (through its basis).
  std::optional<ResidualRange> lookup(Value value) const;

  /// The subspaces in residual order.
  llvm::ArrayRef<SpaceAttr> getSpaces() const { return spaces; }
  /// Total number of residual dimensions.
  int64_t getWidth() const { return width; }

private:
  llvm::SmallVector<SpaceAttr> spaces;
  llvm::DenseMap<SpaceAttr, ResidualRange> ranges;
  int64_t width = 0;
};

/// The label of every direction of `spaces`, in order (`tokens:a`, `one`).
llvm::SmallVector<std::string> residualLabels(llvm::ArrayRef<SpaceAttr> spaces);

} // namespace mlir::craft

#endif // RASPDIALECT_DIALECT_CRAFT_IR_CRAFTMODEL_H
