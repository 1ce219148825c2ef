//===- Embedding.cpp - Token and position embeddings as a gather ----------===//
//
// x[b * N + n, :] = tokens[ids[b, n], :] + positions[n, :], over the columns
// where the tables are not zero (craft::EmbeddingTables::columns); the rest of
// the residual starts at zero. Both tables are gathered in a sparse form, one
// one-hot column per row and the few rest columns, so the weights grow with
// the vocabulary and the length, not with either times the width:
//
//   table[row, c] = (c == column[row]) + rest[row, restIndex[c]]
//
// where restIndex maps a column without rest entries to an all-zero column
// and a row without a one-hot column has column -1 (craft::SparseRows: the
// tokens' and positions' directions, and the rest columns `one` and the
// folded functions of the tokens or of the positions, such as i and i^2).
//
//===----------------------------------------------------------------------===//

#include "ModelBuilder.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace mlir::rasp;
using namespace mlir::rasp::detail;

namespace {
/// A table of `column.size()` rows over the span's columns, in the sparse
/// form above.
struct SparseTable {
  std::vector<int64_t> column;
  /// Row-major, rows x (number of rest columns + 1): the last column zero.
  std::vector<float> rest;
  /// Per span column, its index into a rest row.
  std::vector<int64_t> restIndex;
  int64_t numRest = 0;
};

/// The tables' gathered operands: the one-hot columns, the rest table and
/// the rest indices (null where the table has no such part).
struct GatheredTable {
  Value column, rest, restIndex;
};
} // namespace

/// The gathered form of `rows` over the columns `span`: their rest table with
/// a trailing zero column, and each span column's index into it.
static SparseTable sparseTable(const craft::SparseRows &rows,
                               craft::ResidualRange span) {
  SparseTable t;
  t.numRest = rows.getNumRestColumns();
  t.column = rows.hot;
  t.rest.reserve(rows.getNumRows() * (t.numRest + 1));
  for (int64_t r = 0, e = rows.getNumRows(); r < e; ++r) {
    t.rest.insert(t.rest.end(), rows.rest.begin() + r * t.numRest,
                  rows.rest.begin() + (r + 1) * t.numRest);
    t.rest.push_back(0.0f);
  }
  t.restIndex.assign(span.dim, t.numRest);
  for (auto [k, column] : llvm::enumerate(rows.restColumns))
    if (column >= span.offset && column < span.offset + span.dim)
      t.restIndex[column - span.offset] = k;
  return t;
}

static GatheredTable gathered(ModelBuilder &b, const SparseTable &t,
                              StringRef name) {
  int64_t rows = static_cast<int64_t>(t.column.size());
  GatheredTable g;
  if (llvm::any_of(t.column, [](int64_t c) { return c >= 0; }))
    g.column = b.weights(ArrayRef<int64_t>(t.column), {rows},
                         (name + "_columns").str());
  if (t.numRest == 0)
    return g;
  g.rest = b.weights(t.rest, {rows, t.numRest + 1},
                     (name + "_embedding_rest").str());
  g.restIndex = b.weights(ArrayRef<int64_t>(t.restIndex),
                          {static_cast<int64_t>(t.restIndex.size())},
                          (name + "_embedding_rest_index").str());
  return g;
}

/// table[row, column] in the generic's body (`absolute`: the column's index
/// in the residual), or null where the table is zero.
static Value gatherEntry(OpBuilder &nb, Location l, const GatheredTable &t,
                         Value row, Value column, Value absolute) {
  Type indexType = nb.getIndexType();
  Value entry;
  if (t.column) {
    Value hot = arith::IndexCastOp::create(
        nb, l, indexType,
        tensor::ExtractOp::create(nb, l, t.column, ValueRange{row}));
    Value isHot =
        arith::CmpIOp::create(nb, l, arith::CmpIPredicate::eq, hot, absolute);
    entry = arith::UIToFPOp::create(nb, l, nb.getF32Type(), isHot);
  }
  if (!t.rest)
    return entry;
  Value k = arith::IndexCastOp::create(
      nb, l, indexType,
      tensor::ExtractOp::create(nb, l, t.restIndex, ValueRange{column}));
  Value rest = tensor::ExtractOp::create(nb, l, t.rest, ValueRange{row, k});
  return entry ? arith::AddFOp::create(nb, l, entry, rest) : rest;
}

Value mlir::rasp::detail::buildEmbedding(ModelBuilder &b) {
  const craft::EmbeddingTables &e = b.getModel().embedding;
  int64_t width = b.getModel().width;
  craft::ResidualRange span = e.columns;
  TensorBuilder &t = b.tensors();
  if (span.dim == 0)
    return t.filled({b.getRows(), t.getBuilder().getIndexAttr(width)}, 0.0f);

  OpBuilder &builder = b.getBuilder();
  Location loc = b.getLoc();
  GatheredTable tokens = gathered(b, sparseTable(e.tokens, span), "token");
  GatheredTable positions =
      gathered(b, sparseTable(e.positions, span), "position");
  SmallVector<ReassociationIndices> all = {{0, 1}};
  Value ids = tensor::CollapseShapeOp::create(builder, loc, b.getTokens(), all);
  Value empty = tensor::EmptyOp::create(
      builder, loc, ArrayRef<int64_t>{ShapedType::kDynamic, span.dim}, b.f32(),
      ValueRange{b.getRows()});

  MLIRContext *ctx = builder.getContext();
  AffineExpr m, c;
  bindDims(ctx, m, c);
  SmallVector<AffineMap> maps = {AffineMap::get(2, 0, {m}, ctx),
                                 AffineMap::get(2, 0, {m, c}, ctx)};
  SmallVector<utils::IteratorType> iterators(2, utils::IteratorType::parallel);
  Value numPositions = b.getPositions();
  Value embedded =
      linalg::GenericOp::create(
          builder, loc, empty.getType(), ValueRange{ids}, ValueRange{empty},
          maps, iterators,
          [&](OpBuilder &nb, Location l, ValueRange args) {
            Value id =
                arith::IndexCastOp::create(nb, l, nb.getIndexType(), args[0]);
            Value row = linalg::IndexOp::create(nb, l, 0);
            Value column = linalg::IndexOp::create(nb, l, 1);
            Value position = arith::RemUIOp::create(nb, l, row, numPositions);
            Value absolute = arith::AddIOp::create(
                nb, l, column,
                arith::ConstantIndexOp::create(nb, l, span.offset));
            Value sum = gatherEntry(nb, l, tokens, id, column, absolute);
            if (Value place =
                    gatherEntry(nb, l, positions, position, column, absolute))
              sum = sum ? arith::AddFOp::create(nb, l, sum, place) : place;
            if (!sum)
              sum = arith::ConstantOp::create(nb, l, nb.getF32FloatAttr(0.0f));
            linalg::YieldOp::create(nb, l, sum);
          })
          .getResult(0);
  if (span.offset == 0 && span.dim == width)
    return embedded;
  Value zeros = t.filled({b.getRows(), builder.getIndexAttr(width)}, 0.0f);
  return t.insertColumns(zeros, embedded, builder.getIndexAttr(span.offset));
}
