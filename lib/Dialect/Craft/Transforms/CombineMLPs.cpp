//===- CombineMLPs.cpp - One MLP for the MLPs of a sublayer ---------------===//
//
// MLPs that run in the same sublayer become one: with x the union of their
// inputs, ReLU(x * W1) * W2 where W1 places each MLP's rows under its own
// hidden columns and W2 is block-diagonal. Each hidden unit sees exactly the
// inputs it saw before, so every result is unchanged.
//
//===----------------------------------------------------------------------===//

#include "RaspDialect/Dialect/Craft/Evaluator/Matrix.h"
#include "RaspDialect/Dialect/Craft/IR/CraftWeights.h"
#include "RaspDialect/Dialect/Craft/Transforms/AllocateLayers.h"

#include "llvm/ADT/DenseMap.h"

using namespace mlir;
using namespace mlir::craft;

static int64_t dimOf(Value value) {
  return cast<VecType>(value.getType()).getDim();
}

MLPOp mlir::craft::combineMLPs(OpBuilder &builder, ArrayRef<MLPOp> mlps,
                               const IRMapping &mapping) {
  // Rows of the combined W1: one block per distinct input.
  SmallVector<Value> inputs;
  llvm::DenseMap<Value, int64_t> inputRow;
  int64_t numRows = 0;
  for (MLPOp mlp : mlps)
    for (Value input : mlp.getInputs()) {
      Value mapped = mapping.lookupOrDefault(input);
      if (inputRow.try_emplace(mapped, numRows).second) {
        inputs.push_back(mapped);
        numRows += dimOf(mapped);
      }
    }

  std::vector<Triplet> w1, w2;
  SmallVector<Attribute> spaces;
  SmallVector<Location> locs;
  int64_t hidden = 0, outputs = 0;
  for (MLPOp mlp : mlps) {
    // Row r of this MLP's W1 is row rowOf[r] of the combined one.
    SmallVector<int64_t> rowOf;
    for (Value input : mlp.getInputs()) {
      int64_t start = inputRow.lookup(mapping.lookupOrDefault(input));
      for (int64_t i = 0, e = dimOf(input); i < e; ++i)
        rowOf.push_back(start + i);
    }
    forEachNonZero(mlp.getW1(), [&](int64_t r, int64_t c, double v) {
      w1.push_back({rowOf[r], hidden + c, v});
    });
    forEachNonZero(mlp.getW2(), [&](int64_t r, int64_t c, double v) {
      w2.push_back({hidden + r, outputs + c, v});
    });
    hidden += mlp.getHiddenSize();
    for (Value result : mlp.getResults())
      outputs += dimOf(result);
    llvm::append_range(spaces, mlp.getSpaces());
    locs.push_back(mlp.getLoc());
  }

  MLIRContext *context = builder.getContext();
  // Matrix sums duplicate entries: an input listed twice by one MLP adds its
  // two rows, as x * W1 does.
  Matrix m1 = Matrix::fromTriplets(numRows, hidden, std::move(w1));
  Matrix m2 = Matrix::fromTriplets(hidden, outputs, std::move(w2));
  return MLPOp::create(builder, FusedLoc::get(context, locs), inputs,
                       m1.toElementsAttr(context), m2.toElementsAttr(context),
                       builder.getArrayAttr(spaces));
}
