//===- Assembly.h - A craft.model as a concrete transformer -----*- C++ -*-===//
//
// Turns a layered `craft.model` into the transformer it stands for, in the
// coordinates of its residual layout: token and position embedding tables,
// per head the query/key/value/output projections as residual column ranges
// and small matrices, per MLP sublayer W1/W2 on residual slices, and the
// output readout. Everything that produces weights for execution or export
// (the conversion to linalg, the weight exporter) reads models through this
// one library, so they agree on every id, row and column.
//
// Token ids: the items of the model's `vocab` attribute in that order are ids
// 0..V-1, BOS is id V (without a `vocab` attribute: the token space's
// values in order). Position p (0 = BOS) is row p of the position table; a
// model with max_seq_len N has N + 1 positions.
//
//===----------------------------------------------------------------------===//

#ifndef RASPDIALECT_DIALECT_CRAFT_ANALYSIS_ASSEMBLY_H
#define RASPDIALECT_DIALECT_CRAFT_ANALYSIS_ASSEMBLY_H

#include "RaspDialect/Dialect/Craft/Evaluator/Matrix.h"
#include "RaspDialect/Dialect/Craft/IR/CraftModel.h"

#include "llvm/ADT/SmallVector.h"

#include <memory>
#include <string>
#include <vector>

namespace mlir::craft {

/// A matrix applied to residual slices: with `x` the residual row,
///
///     y = sum over segments s of x[s.range] * weights[s.row .. s.row +
///     s.range.dim)
///
/// Rows of `weights` follow the operands of the craft op; operands that are
/// adjacent both in the residual and in `weights` share one segment.
struct Projection {
  struct Segment {
    ResidualRange range;
    /// First row of `weights` that `range` multiplies.
    int64_t row = 0;
  };
  std::shared_ptr<const Matrix> weights;
  llvm::SmallVector<Segment> segments;

  int64_t getOutDim() const { return weights ? weights->getCols() : 0; }
};

/// Columns [column, column + range.dim) of a product are added to the
/// residual range `range`.
struct OutputSlice {
  ResidualRange range;
  int64_t column = 0;
};

/// One attention head in residual coordinates:
///
///     logit(i, j) = scale * sum over blocks b of x_i[b.query] * b.weights *
///     x_j[b.key]^T out_i       = sum_j softmax_j(logit(i, .)) * value(x_j)
///     (added to `output`)
///
/// with keys j <= i only if `causal`.
struct AssembledHead {
  struct QKBlock {
    ResidualRange query, key;
    /// The bases of the query and key subspaces (categorical ones are
    /// one-hot, which a conversion may exploit for large blocks).
    SpaceAttr querySpace, keySpace;
    std::shared_ptr<const Matrix> weights;
  };
  /// The label of the head's output subspace.
  std::string name;
  LocationAttr loc;
  llvm::SmallVector<QKBlock> qk;
  double scale = 1.0;
  bool causal = false;
  /// W_OV: the value operands to the output subspace.
  Projection value;
  ResidualRange output;
};

/// W_QK of some blocks as W_Q * W_K^T: the key space is the concatenation of
/// `keys` (W_K is the identity on them), `query` maps residual slices into
/// it (each block at its key range's columns). Ranges are in residual order,
/// adjacent ones merged.
struct QKFactors {
  Projection query;
  llvm::SmallVector<ResidualRange> keys;

  int64_t getKeyDim() const { return query.getOutDim(); }
};

/// Factorises the bilinear form of `blocks` (see QKFactors).
QKFactors factoriseQK(llvm::ArrayRef<AssembledHead::QKBlock> blocks);

/// The MLP sublayer of a layer: y = ReLU(hidden(x)) * w2, written to
/// `outputs`. Biases are the rows of `hidden` for the `one` direction.
struct AssembledMLP {
  LocationAttr loc;
  Projection hidden;
  std::shared_ptr<const Matrix> w2;
  llvm::SmallVector<OutputSlice> outputs;

  int64_t getHiddenSize() const { return hidden.getOutDim(); }
};

struct AssembledLayer {
  llvm::SmallVector<AssembledHead> heads;
  std::optional<AssembledMLP> mlp;
};

/// A table whose rows each set at most one one-hot column and a few columns
/// shared by all rows: row `r` is 1 at column `hot[r]` (none where it is -1)
/// plus `rest[r, k]` at column `restColumns[k]`. Stored so, an embedding
/// grows with its rows, not with rows x residual width.
struct SparseRows {
  /// Per row, the column of its one-hot direction, or -1.
  std::vector<int64_t> hot;
  /// The other columns the rows set, ascending, none a `hot` column.
  std::vector<int64_t> restColumns;
  /// Row-major, rows x restColumns.size().
  std::vector<float> rest;

  int64_t getNumRows() const { return static_cast<int64_t>(hot.size()); }
  int64_t getNumRestColumns() const {
    return static_cast<int64_t>(restColumns.size());
  }
  /// Writes row `r` into `row` (`width` floats, zeroed first).
  void writeRow(int64_t r, float *row, int64_t width) const;
  /// The rows as a dense rows x width table.
  std::vector<float> dense(int64_t width) const;
};

/// The token and position embeddings: the residual at position p of an
/// input is `tokens[id] + positions[p]`, both sparse (a vocabulary of V
/// items has V token directions and N positions N index directions, so the
/// dense tables would be quadratic): a token row sets its token or BOS
/// direction and the rest columns `one` and the token folds; a position row
/// its `indices` direction (none at the BOS position) and the position
/// folds. `denseTokens()` and `densePositions()` write the dense tables.
struct EmbeddingTables {
  /// Residual width D: the length of every row.
  int64_t width = 0;
  /// V + 1 rows (BOS last) and max_seq_len + 1 rows (BOS position first).
  int64_t numTokenIds = 0, numPositions = 0;
  SparseRows tokens, positions;
  /// The smallest residual range outside which both tables are zero.
  ResidualRange columns;
  /// The vocabulary items (attributes) of ids 0..V-1.
  llvm::SmallVector<Attribute> vocab;
  /// The residual label of each id's token direction (`tokens:a`, ...,
  /// `tokens:BOS`).
  llvm::SmallVector<std::string> tokenLabels;

  int64_t getBosId() const { return numTokenIds - 1; }
  /// The token row of `id`, dense.
  std::vector<float> tokenRow(int64_t id) const;
  /// The position row of `p`, dense.
  std::vector<float> positionRow(int64_t p) const;
  /// The dense numTokenIds x width token table (what an export writes).
  std::vector<float> denseTokens() const { return tokens.dense(width); }
  /// The dense numPositions x width position table.
  std::vector<float> densePositions() const { return positions.dense(width); }
  /// The number of floats of the dense token table.
  uint64_t getDenseTokensSize() const {
    return static_cast<uint64_t>(numTokenIds) * static_cast<uint64_t>(width);
  }
};

/// Builds the embedding tables of `model`: token id t < V sets its token
/// direction and `one`, BOS sets the BOS direction and `one`; position p >= 1
/// sets `indices:p-1`, position 0 nothing. Emits an error at the model and
/// fails if a vocabulary item has no token direction or the positions do not
/// match the indices space.
FailureOr<EmbeddingTables> buildEmbeddingTables(ModelOp model,
                                                const ResidualLayout &layout);

/// Where and how the output is read: the output subspace's range and basis.
struct Readout {
  ResidualRange range;
  SpaceAttr space;
  /// Residual labels of the range.
  llvm::SmallVector<std::string> labels;

  bool isCategorical() const { return space.isCategorical(); }
};

/// The whole model in residual coordinates.
struct AssembledModel {
  std::string name;
  LocationAttr loc;
  int64_t width = 0;
  /// Residual labels, one per dimension.
  llvm::SmallVector<std::string> labels;
  int64_t maxSeqLen = 0;
  bool causal = false;
  EmbeddingTables embedding;
  std::vector<AssembledLayer> layers;
  Readout readout;
};

/// Assembles `model`. Emits errors (at the model or the offending op) and
/// fails if a subspace is missing from the residual layout or the embedding
/// cannot be built.
FailureOr<AssembledModel> assembleModel(ModelOp model);

} // namespace mlir::craft

#endif // RASPDIALECT_DIALECT_CRAFT_ANALYSIS_ASSEMBLY_H
