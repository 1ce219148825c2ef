//===- FoldEmbeddings.h - MLPs of the tokens or positions alone -*- C++ -*-===//
//
// The C++ entry point of `--fold-embeddings`.
//
//===----------------------------------------------------------------------===//

#ifndef RASPDIALECT_DIALECT_CRAFT_TRANSFORMS_FOLDEMBEDDINGS_H
#define RASPDIALECT_DIALECT_CRAFT_TRANSFORMS_FOLDEMBEDDINGS_H

#include "RaspDialect/Dialect/Craft/IR/CraftOps.h"

namespace mlir::craft {

/// Replaces every `craft.mlp` of `program` whose inputs are the tokens (or
/// the positions), `one`, `bos` and subspaces already folded from the same
/// source by folded embedding tables (`#craft.fold`): each result's table
/// row for a token is the MLP's output (in double) at a position holding
/// that token. An MLP of `one` and `bos` alone (a constant) becomes a token
/// table of equal rows. An MLP that is not exactly zero at BOS is kept.
/// Returns the number of MLPs folded.
int64_t foldEmbeddings(ProgramOp program);

} // namespace mlir::craft

#endif // RASPDIALECT_DIALECT_CRAFT_TRANSFORMS_FOLDEMBEDDINGS_H
