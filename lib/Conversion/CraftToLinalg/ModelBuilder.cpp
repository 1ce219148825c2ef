//===- ModelBuilder.cpp - Building the tensor IR of a model ---------------===//

#include "ModelBuilder.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/StringExtras.h"

using namespace mlir;
using namespace mlir::rasp;
using namespace mlir::rasp::detail;
using craft::Matrix;
using craft::ResidualRange;

ModelBuilder::ModelBuilder(func::FuncOp func,
                           const craft::AssembledModel &model,
                           const CraftToLinalgOptions &options)
    : builder(func.getContext()), loc(func.getLoc()), model(model),
      options(options) {
  entry = &func.getBody().front();
  builder.setInsertionPointToStart(entry);
  tokens = entry->getArgument(0);
  lengths = entry->getArgument(1);
  batch = options.batchSize > 0
              ? indexConstant(options.batchSize)
              : tensor::DimOp::create(builder, loc, tokens, indexConstant(0))
                    .getResult();
  positions = tensor::DimOp::create(builder, loc, tokens, indexConstant(1));
  rows = arith::MulIOp::create(builder, loc, batch, positions);
}

/// Scalar constants are created once, at the start of the function.
Value ModelBuilder::scalar(TypedAttr value) {
  Value &cached = scalars[value];
  if (!cached) {
    OpBuilder::InsertionGuard guard(builder);
    if (lastScalar)
      builder.setInsertionPointAfter(lastScalar);
    else
      builder.setInsertionPointToStart(entry);
    cached = arith::ConstantOp::create(builder, loc, value);
    lastScalar = cached.getDefiningOp();
  }
  return cached;
}

Value ModelBuilder::f32Constant(float value) {
  return scalar(builder.getF32FloatAttr(value));
}

Value ModelBuilder::indexConstant(int64_t value) {
  return scalar(builder.getIndexAttr(value));
}

/// Resource keys print as bare identifiers: keep [A-Za-z0-9_].
static std::string resourceKey(const std::string &name) {
  std::string key = name;
  for (char &c : key)
    if (!llvm::isAlnum(c))
      c = '_';
  return key;
}

Value ModelBuilder::constant(ShapedType type, ArrayRef<char> bytes,
                             Attribute dense, const std::string &name) {
  Attribute value = dense;
  if (options.resourceMinElements > 0 &&
      type.getNumElements() >= options.resourceMinElements) {
    size_t align = type.getElementTypeBitWidth() / 8;
    value = DenseResourceElementsAttr::get(
        type, resourceKey(name),
        HeapAsmResourceBlob::allocateAndCopyWithAlign(bytes, align));
  }
  return arith::ConstantOp::create(builder, loc, cast<TypedAttr>(value));
}

template <typename T>
static ArrayRef<char> bytesOf(ArrayRef<T> data) {
  return ArrayRef<char>(reinterpret_cast<const char *>(data.data()),
                        data.size() * sizeof(T));
}

Value ModelBuilder::weights(ArrayRef<float> data, ArrayRef<int64_t> shape,
                            const std::string &name) {
  auto type = RankedTensorType::get(shape, f32());
  bool large = options.resourceMinElements > 0 &&
               type.getNumElements() >= options.resourceMinElements;
  return constant(type, bytesOf(data),
                  large ? Attribute() : DenseElementsAttr::get(type, data),
                  name);
}

Value ModelBuilder::weights(ArrayRef<int32_t> data, ArrayRef<int64_t> shape,
                            const std::string &name) {
  auto type = RankedTensorType::get(shape, builder.getI32Type());
  bool large = options.resourceMinElements > 0 &&
               type.getNumElements() >= options.resourceMinElements;
  return constant(type, bytesOf(data),
                  large ? Attribute() : DenseElementsAttr::get(type, data),
                  name);
}

Value ModelBuilder::weights(ArrayRef<int64_t> data, ArrayRef<int64_t> shape,
                            const std::string &name) {
  auto type = RankedTensorType::get(shape, builder.getI64Type());
  bool large = options.resourceMinElements > 0 &&
               type.getNumElements() >= options.resourceMinElements;
  return constant(type, bytesOf(data),
                  large ? Attribute() : DenseElementsAttr::get(type, data),
                  name);
}

Value ModelBuilder::filled(ArrayRef<int64_t> shape, ValueRange dynamicSizes,
                           float value) {
  Value empty =
      tensor::EmptyOp::create(builder, loc, shape, f32(), dynamicSizes);
  return linalg::FillOp::create(builder, loc, ValueRange{f32Constant(value)},
                                ValueRange{empty})
      .getResult(0);
}

Value ModelBuilder::rowsFilled(int64_t cols, float value) {
  return filled({ShapedType::kDynamic, cols}, {rows}, value);
}

Value ModelBuilder::multiply(Value x, const Matrix &w, int64_t row,
                             int64_t numRows, Value acc,
                             const std::string &name) {
  int64_t cols = w.getCols();
  if (!acc)
    acc = rowsFilled(cols, 0.0f);
  if (numRows == 0 || cols == 0)
    return acc;
  // The gather form visits, per output column, its non-zero rows (padded to
  // the largest count): worth it when that is much less than all rows.
  if (options.sparseMinElements > 0 &&
      numRows * cols >= options.sparseMinElements) {
    std::vector<int64_t> perColumn(cols, 0);
    for (int64_t r = row; r < row + numRows; ++r)
      w.forEachInRow(r, [&](int64_t c, double) { ++perColumn[c]; });
    int64_t slots = *std::max_element(perColumn.begin(), perColumn.end());
    if (static_cast<double>(slots) * options.sparseGatherCost <
        static_cast<double>(numRows))
      return multiplyGather(x, w, row, numRows, std::max<int64_t>(slots, 1),
                            acc, name);
  }
  return multiplyDense(x, w, row, numRows, acc, name);
}

Value ModelBuilder::multiplyDense(Value x, const Matrix &w, int64_t row,
                                  int64_t numRows, Value acc,
                                  const std::string &name) {
  int64_t cols = w.getCols();
  std::vector<float> data(numRows * cols, 0.0f);
  for (int64_t r = 0; r < numRows; ++r)
    w.forEachInRow(row + r, [&](int64_t c, double v) {
      data[r * cols + c] = static_cast<float>(v);
    });
  Value matrix = weights(data, {numRows, cols}, name);
  return linalg::MatmulOp::create(builder, loc, ValueRange{x, matrix},
                                  ValueRange{acc})
      .getResult(0);
}

/// acc[m, c] += sum over slots s of x[m, index[c, s]] * value[c, s].
Value ModelBuilder::multiplyGather(Value x, const Matrix &w, int64_t row,
                                   int64_t numRows, int64_t slots, Value acc,
                                   const std::string &name) {
  int64_t cols = w.getCols();
  std::vector<int32_t> index(cols * slots, 0);
  std::vector<float> value(cols * slots, 0.0f);
  std::vector<int64_t> used(cols, 0);
  for (int64_t r = 0; r < numRows; ++r)
    w.forEachInRow(row + r, [&](int64_t c, double v) {
      int64_t slot = c * slots + used[c]++;
      index[slot] = static_cast<int32_t>(r);
      value[slot] = static_cast<float>(v);
    });
  Value indexTable = weights(index, {cols, slots}, name + "_rows");
  Value valueTable = weights(value, {cols, slots}, name + "_values");

  MLIRContext *ctx = builder.getContext();
  AffineExpr m, c, s;
  bindDims(ctx, m, c, s);
  auto table = AffineMap::get(3, 0, {c, s}, ctx);
  auto out = AffineMap::get(3, 0, {m, c}, ctx);
  SmallVector<utils::IteratorType> iterators = {utils::IteratorType::parallel,
                                                utils::IteratorType::parallel,
                                                utils::IteratorType::reduction};
  return linalg::GenericOp::create(
             builder, loc, acc.getType(), ValueRange{indexTable, valueTable},
             ValueRange{acc}, ArrayRef<AffineMap>{table, table, out}, iterators,
             [&](OpBuilder &b, Location l, ValueRange args) {
               Value mIndex = linalg::IndexOp::create(b, l, 0);
               Value column =
                   arith::IndexCastOp::create(b, l, b.getIndexType(), args[0]);
               Value xv = tensor::ExtractOp::create(b, l, x,
                                                    ValueRange{mIndex, column});
               Value product = arith::MulFOp::create(b, l, xv, args[1]);
               Value sum = arith::AddFOp::create(b, l, args[2], product);
               linalg::YieldOp::create(b, l, sum);
             })
      .getResult(0);
}

Value ModelBuilder::project(Value x, const craft::Projection &projection,
                            Value acc, const std::string &name) {
  if (!acc)
    acc = rowsFilled(projection.getOutDim(), 0.0f);
  for (auto [i, segment] : llvm::enumerate(projection.segments)) {
    std::string part =
        projection.segments.size() == 1 ? name : name + std::to_string(i);
    acc = multiply(columns(x, segment.range), *projection.weights, segment.row,
                   segment.range.dim, acc, part);
  }
  return acc;
}

Value ModelBuilder::columns(Value x, ResidualRange range) {
  // An empty subspace may sit at the end of the residual, where a slice
  // offset would be out of bounds.
  if (range.dim == 0)
    return tensor::EmptyOp::create(builder, loc,
                                   ArrayRef<int64_t>{ShapedType::kDynamic, 0},
                                   f32(), ValueRange{rows});
  SmallVector<OpFoldResult> offsets = {builder.getIndexAttr(0),
                                       builder.getIndexAttr(range.offset)};
  SmallVector<OpFoldResult> sizes = {rows, builder.getIndexAttr(range.dim)};
  SmallVector<OpFoldResult> strides(2, builder.getIndexAttr(1));
  return tensor::ExtractSliceOp::create(builder, loc, x, offsets, sizes,
                                        strides);
}

Value ModelBuilder::insertColumns(Value into, Value value,
                                  ResidualRange range) {
  SmallVector<OpFoldResult> offsets = {builder.getIndexAttr(0),
                                       builder.getIndexAttr(range.offset)};
  SmallVector<OpFoldResult> sizes = {rows, builder.getIndexAttr(range.dim)};
  SmallVector<OpFoldResult> strides(2, builder.getIndexAttr(1));
  return tensor::InsertSliceOp::create(builder, loc, value, into, offsets,
                                       sizes, strides);
}

Value ModelBuilder::addToColumns(Value x, ResidualRange range, Value update) {
  Value current = columns(x, range);
  Value sum = linalg::AddOp::create(builder, loc, ValueRange{current, update},
                                    ValueRange{current})
                  .getResult(0);
  return insertColumns(x, sum, range);
}

Value ModelBuilder::splitRows(Value x, bool staticBatch) {
  auto source = cast<RankedTensorType>(x.getType());
  int64_t dynamic = ShapedType::kDynamic;
  SmallVector<int64_t> shape = {dynamic, dynamic};
  SmallVector<Value> sizes = {batch, positions};
  SmallVector<ReassociationIndices> groups = {{0, 1}};
  if (source.getRank() == 2) {
    shape.push_back(source.getDimSize(1));
    sizes.push_back(indexConstant(source.getDimSize(1)));
    groups.push_back({2});
  }
  auto type = RankedTensorType::get(shape, source.getElementType());
  if (options.batchSize == 0 && options.reshapeDynamicSplits) {
    Value shapeTensor = tensor::FromElementsOp::create(builder, loc, sizes);
    return tensor::ReshapeOp::create(builder, loc, type, x, shapeTensor);
  }
  // A static batch is a static size of the split (N alone is dynamic).
  SmallVector<OpFoldResult> outputShape(sizes.begin(), sizes.end());
  if (options.batchSize > 0) {
    shape[0] = options.batchSize;
    outputShape[0] = builder.getIndexAttr(options.batchSize);
  }
  for (size_t i = 2; i < outputShape.size(); ++i)
    outputShape[i] = builder.getIndexAttr(shape[i]);
  Value expanded = tensor::ExpandShapeOp::create(
      builder, loc, RankedTensorType::get(shape, source.getElementType()), x,
      groups, outputShape);
  if (expanded.getType() == type || staticBatch)
    return expanded;
  return tensor::CastOp::create(builder, loc, type, expanded);
}

Value ModelBuilder::joinRows(Value x) {
  SmallVector<ReassociationIndices> groups = {{0, 1}, {2}};
  return tensor::CollapseShapeOp::create(builder, loc, x, groups);
}
