//===- CraftToLinalg.cpp - The --convert-craft-to-linalg pass -------------===//

#include "RaspDialect/Conversion/CraftToLinalg/CraftToLinalg.h"
#include "RaspDialect/Conversion/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

namespace mlir::rasp {
#define GEN_PASS_DEF_CONVERTCRAFTTOLINALGPASS
#include "RaspDialect/Conversion/Passes.h.inc"
} // namespace mlir::rasp

using namespace mlir;
using namespace mlir::rasp;

namespace {
struct ConvertCraftToLinalgPass
    : public rasp::impl::ConvertCraftToLinalgPassBase<
          ConvertCraftToLinalgPass> {
  using Base::Base;

  void runOnOperation() override {
    CraftToLinalgOptions options;
    options.resourceMinElements = resourceMinElements;
    options.sparseMinElements = sparseMinElements;
    options.sparseGatherCost = sparseGatherCost;
    options.lookupMinElements = lookupMinElements;
    options.specializeMinElements = specializeMinElements;
    options.batchSize = batchSize;
    options.reshapeDynamicSplits = reshapeDynamicSplits;
    if (batchSize < 0) {
      getOperation().emitError("batch-size must not be negative, got ")
          << static_cast<int64_t>(batchSize);
      return signalPassFailure();
    }
    bool ok = true;
    for (auto program : getOperation().getOps<craft::ProgramOp>()) {
      program.emitOpError("must be allocated to layers (--allocate-layers) "
                          "before --convert-craft-to-linalg");
      ok = false;
    }
    for (craft::ModelOp model :
         llvm::make_early_inc_range(getOperation().getOps<craft::ModelOp>())) {
      if (failed(convertModelToLinalg(model, options))) {
        ok = false;
        continue;
      }
      model.erase();
    }
    if (!ok)
      signalPassFailure();
  }
};
} // namespace
