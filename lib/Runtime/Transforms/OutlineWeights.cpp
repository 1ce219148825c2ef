//===- OutlineWeights.cpp - Constants to function arguments --------------===//
//
// Large weights become arguments so that code generation and JIT time do not
// depend on their size: LLVM never sees the data, the runtime passes a
// pointer to the constant's storage at each call.
//
//===----------------------------------------------------------------------===//

#include "RaspDialect/Runtime/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/DenseMap.h"

namespace mlir::rasp::runtime {
#define GEN_PASS_DEF_OUTLINEWEIGHTSPASS
#include "RaspDialect/Runtime/Passes.h.inc"
} // namespace mlir::rasp::runtime

using namespace mlir;
using namespace mlir::rasp::runtime;

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

namespace {
struct OutlineWeightsPass
    : public rasp::runtime::impl::OutlineWeightsPassBase<OutlineWeightsPass> {
  using Base::Base;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    // A private function's callers would need the new arguments too.
    if (func.isExternal() || !func.isPublic())
      return;
    llvm::DenseMap<Attribute, BlockArgument> argumentOf;
    Block &entry = func.getBody().front();
    MLIRContext *ctx = func.getContext();
    auto writable = StringAttr::get(ctx, "bufferization.writable");
    auto weightName = StringAttr::get(ctx, kWeightAttr);
    SmallVector<arith::ConstantOp> constants;
    func.walk([&](arith::ConstantOp op) { constants.push_back(op); });
    for (arith::ConstantOp op : constants) {
      auto type = dyn_cast<RankedTensorType>(op.getType());
      auto value = dyn_cast<ElementsAttr>(op.getValue());
      if (!type || !value || !hasByteElements(type) ||
          getWeightData(value).empty())
        continue;
      if (type.getNumElements() < minElements) {
        // Small weights stay in the code, as literals: the code must not
        // depend on the names of resource blobs (the compilation cache
        // keys code by its text).
        if (isa<DenseResourceElementsAttr>(value))
          op.setValueAttr(
              DenseElementsAttr::getFromRawBuffer(type, getWeightData(value)));
        continue;
      }
      BlockArgument &arg = argumentOf[value];
      if (!arg) {
        unsigned index = func.getNumArguments();
        auto attrs = DictionaryAttr::get(
            ctx, {NamedAttribute(writable, BoolAttr::get(ctx, false)),
                  NamedAttribute(weightName, value)});
        if (failed(func.insertArgument(index, type, attrs, op.getLoc())))
          continue;
        arg = entry.getArgument(index);
      }
      op.getResult().replaceAllUsesWith(arg);
      op.erase();
    }
  }
};
} // namespace
