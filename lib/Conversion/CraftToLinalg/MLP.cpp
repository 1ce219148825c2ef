//===- MLP.cpp - ReLU MLPs on residual slices -----------------------------===//
//
//   h = ReLU(x[input slices] * W1)     (biases: the rows of the `one` input)
//   x[output slices] += h * W2
//
//===----------------------------------------------------------------------===//

#include "ModelBuilder.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"

using namespace mlir;
using namespace mlir::rasp;
using namespace mlir::rasp::detail;

/// max(h, 0), in place.
static Value relu(ModelBuilder &b, Value h) {
  OpBuilder &builder = b.getBuilder();
  MLIRContext *ctx = builder.getContext();
  AffineMap identity = AffineMap::getMultiDimIdentityMap(2, ctx);
  Value zero = b.f32Constant(0.0f);
  return linalg::GenericOp::create(
             builder, b.getLoc(), h.getType(), ValueRange{h}, ValueRange{h},
             ArrayRef<AffineMap>{identity, identity},
             ArrayRef<utils::IteratorType>{utils::IteratorType::parallel,
                                           utils::IteratorType::parallel},
             [&](OpBuilder &nb, Location l, ValueRange args) {
               linalg::YieldOp::create(
                   nb, l,
                   arith::MaximumFOp::create(nb, l, args[0], zero).getResult());
             })
      .getResult(0);
}

Value mlir::rasp::detail::buildMLP(ModelBuilder &b, Value x,
                                   const craft::AssembledMLP &mlp) {
  if (mlp.getHiddenSize() == 0 || mlp.outputs.empty())
    return x;
  Value hidden = relu(b, b.project(x, mlp.hidden, Value(), b.weightName("w1")));
  Value y = b.multiply(hidden, *mlp.w2, 0, mlp.getHiddenSize(), Value(),
                       b.weightName("w2"));
  int64_t width = mlp.w2->getCols();
  for (const craft::OutputSlice &slice : mlp.outputs) {
    Value update = y;
    if (slice.column != 0 || slice.range.dim != width)
      update = b.columns(y, {slice.column, slice.range.dim});
    x = b.addToColumns(x, slice.range, update);
  }
  return x;
}
