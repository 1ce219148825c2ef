//===- Embedding.cpp - Token and position embeddings as a gather ----------===//
//
// x[b * N + n, :] = tokens[ids[b, n], :] + positions[n, :], over the columns
// where the tables are not zero (craft::EmbeddingTables::columns); the rest of
// the residual starts at zero. The token table is gathered in its sparse form
// (one one-hot column per id, and the few rest columns), so the weights grow
// with the vocabulary, not with vocabulary x width:
//
//   tokens[id, c] = (c == column[id]) + rest[id, restIndex[c]]
//
// where restIndex maps a column without rest entries to an all-zero column.
//
//===----------------------------------------------------------------------===//

#include "ModelBuilder.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace mlir::rasp;
using namespace mlir::rasp::detail;

/// The columns `range` of a row-major table of `width` columns.
static std::vector<float> tableColumns(const std::vector<float> &table,
                                       int64_t width,
                                       craft::ResidualRange range) {
  int64_t numRows = static_cast<int64_t>(table.size()) / width;
  std::vector<float> out;
  out.reserve(numRows * range.dim);
  for (int64_t r = 0; r < numRows; ++r)
    out.insert(out.end(), table.begin() + r * width + range.offset,
               table.begin() + r * width + range.offset + range.dim);
  return out;
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
  // The rest table with a trailing zero column, and each span column's index
  // into it.
  int64_t numRest = e.getNumRestColumns();
  std::vector<float> rest;
  rest.reserve(e.numTokenIds * (numRest + 1));
  for (int64_t id = 0; id < e.numTokenIds; ++id) {
    rest.insert(rest.end(), e.tokenRest.begin() + id * numRest,
                e.tokenRest.begin() + (id + 1) * numRest);
    rest.push_back(0.0f);
  }
  std::vector<int64_t> restIndex(span.dim, numRest);
  for (auto [k, column] : llvm::enumerate(e.restColumns))
    if (column >= span.offset && column < span.offset + span.dim)
      restIndex[column - span.offset] = k;
  Value tokenColumns = b.weights(ArrayRef<int64_t>(e.tokenColumns),
                                 {e.numTokenIds}, "token_columns");
  Value restTable =
      b.weights(rest, {e.numTokenIds, numRest + 1}, "token_embedding_rest");
  Value restColumns = b.weights(ArrayRef<int64_t>(restIndex), {span.dim},
                                "token_embedding_rest_index");
  Value positionTable =
      b.weights(tableColumns(e.positions, width, span),
                {e.numPositions, span.dim}, "position_embedding");
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
  Value positions = b.getPositions();
  Value embedded =
      linalg::GenericOp::create(
          builder, loc, empty.getType(), ValueRange{ids}, ValueRange{empty},
          maps, iterators,
          [&](OpBuilder &nb, Location l, ValueRange args) {
            Type indexType = nb.getIndexType();
            Value id = arith::IndexCastOp::create(nb, l, indexType, args[0]);
            Value row = linalg::IndexOp::create(nb, l, 0);
            Value column = linalg::IndexOp::create(nb, l, 1);
            Value position = arith::RemUIOp::create(nb, l, row, positions);
            // The one-hot entry: 1 where the column is the id's direction.
            Value hot = arith::IndexCastOp::create(
                nb, l, indexType,
                tensor::ExtractOp::create(nb, l, tokenColumns, ValueRange{id}));
            Value absolute = arith::AddIOp::create(
                nb, l, column,
                arith::ConstantIndexOp::create(nb, l, span.offset));
            Value isHot = arith::CmpIOp::create(nb, l, arith::CmpIPredicate::eq,
                                                hot, absolute);
            Value oneHot =
                arith::UIToFPOp::create(nb, l, nb.getF32Type(), isHot);
            Value k = arith::IndexCastOp::create(
                nb, l, indexType,
                tensor::ExtractOp::create(nb, l, restColumns,
                                          ValueRange{column}));
            Value restValue =
                tensor::ExtractOp::create(nb, l, restTable, ValueRange{id, k});
            Value token = arith::AddFOp::create(nb, l, oneHot, restValue);
            Value place = tensor::ExtractOp::create(
                nb, l, positionTable, ValueRange{position, column});
            Value sum = arith::AddFOp::create(nb, l, token, place);
            linalg::YieldOp::create(nb, l, sum);
          })
          .getResult(0);
  if (span.offset == 0 && span.dim == width)
    return embedded;
  Value zeros = t.filled({b.getRows(), builder.getIndexAttr(width)}, 0.0f);
  return t.insertColumns(zeros, embedded, builder.getIndexAttr(span.offset));
}
