//===- PruneDirections.h - Drop residual directions nothing reads -*- C++
//-*-===//
//
// The C++ entry point of `--prune-directions`.
//
//===----------------------------------------------------------------------===//

#ifndef RASPDIALECT_DIALECT_CRAFT_TRANSFORMS_PRUNEDIRECTIONS_H
#define RASPDIALECT_DIALECT_CRAFT_TRANSFORMS_PRUNEDIRECTIONS_H

#include "RaspDialect/Dialect/Craft/IR/CraftOps.h"

namespace mlir::craft {

/// What pruning removed from a program.
struct PruneStats {
  int64_t directions = 0, hiddenUnits = 0, components = 0;
};

/// Removes from `program` every direction of a component's result that no
/// weight reads (a zero row of every consumer's W1, W_OV or W_QK), except in
/// the output subspace and the embedding, then the hidden units that write
/// only removed directions, then components that write nothing read. The
/// removed entries are zero in every consumer, so every remaining subspace
/// holds exactly the values it held before, in double and in float32.
/// Components grouped in `craft.multi_head` are kept whole.
PruneStats pruneDirections(ProgramOp program);

} // namespace mlir::craft

#endif // RASPDIALECT_DIALECT_CRAFT_TRANSFORMS_PRUNEDIRECTIONS_H
