//===- WeightOutlining.cpp - Constants to function arguments -------------===//
//
// Large weights become arguments so that code generation and JIT time do not
// depend on their size: LLVM never sees the data, the runtime passes a
// pointer to the constant's storage at each call.
//
//===----------------------------------------------------------------------===//

#include "RaspDialect/Runtime/Lowering.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/DenseMap.h"

using namespace mlir;

/// Whether `type` has elements whose storage is one or more whole bytes, so
/// that the raw data of a dense attribute is the memref's memory image.
static bool hasByteElements(ShapedType type) {
  Type element = type.getElementType();
  return element.isIntOrFloat() && element.getIntOrFloatBitWidth() % 8 == 0;
}

ArrayRef<char> mlir::rasp::runtime::getWeightData(ElementsAttr weight) {
  if (auto dense = dyn_cast<DenseElementsAttr>(weight))
    return dense.isSplat() ? ArrayRef<char>() : dense.getRawData();
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(weight)) {
    if (AsmResourceBlob *blob = resource.getRawHandle().getBlob())
      return blob->getData();
  }
  return {};
}

SmallVector<ElementsAttr>
mlir::rasp::runtime::outlineWeights(func::FuncOp func, int64_t minElements) {
  SmallVector<ElementsAttr> weights;
  if (func.isExternal())
    return weights;
  llvm::DenseMap<Attribute, BlockArgument> argumentOf;
  Block &entry = func.getBody().front();
  MLIRContext *ctx = func.getContext();
  auto readOnly = DictionaryAttr::get(
      ctx, {NamedAttribute(StringAttr::get(ctx, "bufferization.writable"),
                           BoolAttr::get(ctx, false))});
  SmallVector<arith::ConstantOp> constants;
  func.walk([&](arith::ConstantOp op) { constants.push_back(op); });
  for (arith::ConstantOp op : constants) {
    auto type = dyn_cast<RankedTensorType>(op.getType());
    auto value = dyn_cast<ElementsAttr>(op.getValue());
    if (!type || !value || type.getNumElements() < minElements ||
        !hasByteElements(type) || getWeightData(value).empty())
      continue;
    BlockArgument &arg = argumentOf[value];
    if (!arg) {
      unsigned index = func.getNumArguments();
      if (failed(func.insertArgument(index, type, readOnly, op.getLoc())))
        continue;
      arg = entry.getArgument(index);
      weights.push_back(value);
    }
    op.getResult().replaceAllUsesWith(arg);
    op.erase();
  }
  return weights;
}
