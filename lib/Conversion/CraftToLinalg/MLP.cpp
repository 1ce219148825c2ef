//===- MLP.cpp - ReLU MLPs
//--------------------------------------------------===//
//
// One call of an MLP function (one per kind of weights, shared), then one
// call of the column update per output slice:
//
//   y = ReLU(x[input cols] * W1) * W2   (biases: the rows of the `one` input)
//   x[output slice] += y[its columns]
//
//===----------------------------------------------------------------------===//

#include "ModelBuilder.h"

using namespace mlir;
using namespace mlir::rasp;
using namespace mlir::rasp::detail;

/// x[offset, offset + size) += y[column, column + size).
static Value buildUpdate(ModelBuilder &b, Value x, Value y, int64_t column,
                         craft::ResidualRange range) {
  SmallVector<Value> args = {x, y, b.indexConstant(column),
                             b.indexConstant(range.offset),
                             b.indexConstant(range.dim)};
  return b.call("add_columns", args, {x.getType()}, /*specialized=*/false,
                [](TensorBuilder &t, ValueRange a) {
                  Value update = t.columns(a[1], a[2], a[4]);
                  return SmallVector<Value>{t.addColumns(a[0], update, a[3])};
                })[0];
}

Value mlir::rasp::detail::buildMLP(ModelBuilder &b, Value x,
                                   const craft::AssembledMLP &mlp) {
  if (mlp.getHiddenSize() == 0 || mlp.outputs.empty())
    return x;
  Product w1 = b.product(mlp.hidden, b.weightName("w1"));
  Product w2 = b.product(*mlp.w2, 0, mlp.getHiddenSize(), b.weightName("w2"));
  SmallVector<Value> args = {x, w1.cols};
  llvm::append_range(args, w1.weights());
  llvm::append_range(args, w2.weights());
  auto yType =
      RankedTensorType::get({ShapedType::kDynamic, w2.outDim}, b.f32());
  bool gather1 = w1.isGather(), gather2 = w2.isGather();
  Value y = b.call(
      "mlp_" + w1.formName().str() + "_" + w2.formName().str(), args, {yType},
      b.specialize({&w1, &w2}), [&](TensorBuilder &t, ValueRange a) {
        ValueRange first = a.slice(2, gather1 ? 2 : 1);
        ValueRange second = a.slice(2 + first.size(), gather2 ? 2 : 1);
        Value hidden = t.relu(
            applyProduct(t, t.gatherColumns(a[0], a[1]), gather1, first));
        return SmallVector<Value>{applyProduct(t, hidden, gather2, second)};
      })[0];
  for (const craft::OutputSlice &slice : mlp.outputs)
    x = buildUpdate(b, x, y, slice.column, slice.range);
  return x;
}
