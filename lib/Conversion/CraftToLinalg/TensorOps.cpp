//===- TensorOps.cpp - Shape-agnostic tensor ops of the generated code ----===//
//
// Every size is read from the operands (tensor::getMixedSize), so the same
// code builds a component function with static shapes or with dynamic ones.
//
//===----------------------------------------------------------------------===//

#include "ModelBuilder.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace mlir::rasp;
using namespace mlir::rasp::detail;

using utils::IteratorType;

Value TensorBuilder::constant(TypedAttr value) {
  Value &cached = constants[value];
  if (!cached) {
    OpBuilder::InsertionGuard guard(b);
    if (lastConstant)
      b.setInsertionPointAfter(lastConstant);
    else
      b.setInsertionPointToStart(entry);
    cached = arith::ConstantOp::create(b, loc, value);
    lastConstant = cached.getDefiningOp();
  }
  return cached;
}

OpFoldResult TensorBuilder::size(Value t, unsigned dim) {
  auto type = cast<RankedTensorType>(t.getType());
  if (!type.isDynamicDim(dim))
    return b.getIndexAttr(type.getDimSize(dim));
  Value &cached = dims[{t, dim}];
  if (!cached)
    cached = tensor::DimOp::create(b, loc, t, index(dim));
  return cached;
}

SmallVector<OpFoldResult> TensorBuilder::sizes(Value t) {
  SmallVector<OpFoldResult> out;
  for (unsigned i = 0, e = cast<RankedTensorType>(t.getType()).getRank(); i < e;
       ++i)
    out.push_back(size(t, i));
  return out;
}

Value TensorBuilder::filled(ArrayRef<OpFoldResult> sizes, float value) {
  Value empty = tensor::EmptyOp::create(b, loc, sizes, f32());
  return linalg::FillOp::create(b, loc, ValueRange{f32Constant(value)},
                                ValueRange{empty})
      .getResult(0);
}

Value TensorBuilder::gatherColumns(Value x, Value cols) {
  MLIRContext *ctx = b.getContext();
  Value empty =
      tensor::EmptyOp::create(b, loc, {size(x, 0), size(cols, 0)}, f32());
  AffineExpr m, c;
  bindDims(ctx, m, c);
  return linalg::GenericOp::create(
             b, loc, empty.getType(), ValueRange{cols}, ValueRange{empty},
             ArrayRef<AffineMap>{AffineMap::get(2, 0, {c}, ctx),
                                 AffineMap::get(2, 0, {m, c}, ctx)},
             ArrayRef<IteratorType>{IteratorType::parallel,
                                    IteratorType::parallel},
             [&](OpBuilder &nb, Location l, ValueRange args) {
               Value row = linalg::IndexOp::create(nb, l, 0);
               Value column = arith::IndexCastOp::create(
                   nb, l, nb.getIndexType(), args[0]);
               Value v =
                   tensor::ExtractOp::create(nb, l, x, ValueRange{row, column});
               linalg::YieldOp::create(nb, l, v);
             })
      .getResult(0);
}

Value TensorBuilder::matmul(Value a, Value w) {
  Value acc = filled({size(a, 0), size(w, 1)}, 0.0f);
  return linalg::MatmulOp::create(b, loc, ValueRange{a, w}, ValueRange{acc})
      .getResult(0);
}

Value TensorBuilder::matmulGather(Value a, Value indexTable, Value valueTable) {
  MLIRContext *ctx = b.getContext();
  Value acc = filled({size(a, 0), size(indexTable, 0)}, 0.0f);
  AffineExpr m, c, s;
  bindDims(ctx, m, c, s);
  auto table = AffineMap::get(3, 0, {c, s}, ctx);
  auto out = AffineMap::get(3, 0, {m, c}, ctx);
  return linalg::GenericOp::create(
             b, loc, acc.getType(), ValueRange{indexTable, valueTable},
             ValueRange{acc}, ArrayRef<AffineMap>{table, table, out},
             ArrayRef<IteratorType>{IteratorType::parallel,
                                    IteratorType::parallel,
                                    IteratorType::reduction},
             [&](OpBuilder &nb, Location l, ValueRange args) {
               Value row = linalg::IndexOp::create(nb, l, 0);
               Value column = arith::IndexCastOp::create(
                   nb, l, nb.getIndexType(), args[0]);
               Value av =
                   tensor::ExtractOp::create(nb, l, a, ValueRange{row, column});
               Value product = arith::MulFOp::create(nb, l, av, args[1]);
               Value sum = arith::AddFOp::create(nb, l, args[2], product);
               linalg::YieldOp::create(nb, l, sum);
             })
      .getResult(0);
}

Value TensorBuilder::relu(Value h) {
  MLIRContext *ctx = b.getContext();
  AffineMap identity = AffineMap::getMultiDimIdentityMap(2, ctx);
  Value zero = f32Constant(0.0f);
  return linalg::GenericOp::create(
             b, loc, h.getType(), ValueRange{h}, ValueRange{h},
             ArrayRef<AffineMap>{identity, identity},
             ArrayRef<IteratorType>{IteratorType::parallel,
                                    IteratorType::parallel},
             [&](OpBuilder &nb, Location l, ValueRange args) {
               linalg::YieldOp::create(
                   nb, l,
                   arith::MaximumFOp::create(nb, l, args[0], zero).getResult());
             })
      .getResult(0);
}

Value TensorBuilder::columns(Value x, OpFoldResult offset, OpFoldResult sz) {
  SmallVector<OpFoldResult> offsets = {b.getIndexAttr(0), offset};
  SmallVector<OpFoldResult> sizes = {size(x, 0), sz};
  SmallVector<OpFoldResult> strides(2, b.getIndexAttr(1));
  return tensor::ExtractSliceOp::create(b, loc, x, offsets, sizes, strides);
}

Value TensorBuilder::insertColumns(Value into, Value value,
                                   OpFoldResult offset) {
  SmallVector<OpFoldResult> offsets = {b.getIndexAttr(0), offset};
  SmallVector<OpFoldResult> sizes = {size(into, 0), size(value, 1)};
  SmallVector<OpFoldResult> strides(2, b.getIndexAttr(1));
  return tensor::InsertSliceOp::create(b, loc, value, into, offsets, sizes,
                                       strides);
}

Value TensorBuilder::addColumns(Value x, Value update, OpFoldResult offset) {
  Value current = columns(x, offset, size(update, 1));
  Value sum = linalg::AddOp::create(b, loc, ValueRange{current, update},
                                    ValueRange{current})
                  .getResult(0);
  return insertColumns(x, sum, offset);
}

Value TensorBuilder::splitRows(Value x, Value batch, Value positions,
                               bool keepStaticBatch) {
  auto source = cast<RankedTensorType>(x.getType());
  int64_t dynamic = ShapedType::kDynamic;
  SmallVector<int64_t> shape = {dynamic, dynamic};
  SmallVector<OpFoldResult> sizes = {batch, positions};
  SmallVector<ReassociationIndices> groups = {{0, 1}};
  if (source.getRank() == 2) {
    shape.push_back(source.getDimSize(1));
    sizes.push_back(size(x, 1));
    groups.push_back({2});
  }
  auto type = RankedTensorType::get(shape, source.getElementType());
  if (options.batchSize == 0 && options.reshapeDynamicSplits) {
    SmallVector<Value> values;
    for (OpFoldResult s : sizes)
      values.push_back(getValueOrCreateConstantIndexOp(b, loc, s));
    Value shapeTensor = tensor::FromElementsOp::create(b, loc, values);
    return tensor::ReshapeOp::create(b, loc, type, x, shapeTensor);
  }
  // A static batch is a static size of the split (N alone is dynamic).
  SmallVector<int64_t> expandedShape = shape;
  if (options.batchSize > 0) {
    expandedShape[0] = options.batchSize;
    sizes[0] = b.getIndexAttr(options.batchSize);
  }
  auto expandedType =
      RankedTensorType::get(expandedShape, source.getElementType());
  Value expanded =
      tensor::ExpandShapeOp::create(b, loc, expandedType, x, groups, sizes);
  if (expandedType == type || keepStaticBatch)
    return expanded;
  return tensor::CastOp::create(b, loc, type, expanded);
}

Value TensorBuilder::joinRows(Value x) {
  SmallVector<ReassociationIndices> groups = {{0, 1}, {2}};
  return tensor::CollapseShapeOp::create(b, loc, x, groups);
}

Value mlir::rasp::detail::applyProduct(TensorBuilder &t, Value input,
                                       bool gather, ValueRange weights) {
  return gather ? t.matmulGather(input, weights[0], weights[1])
                : t.matmul(input, weights[0]);
}
