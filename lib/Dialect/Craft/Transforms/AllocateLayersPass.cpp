//===- AllocateLayersPass.cpp - The --allocate-layers pass ----------------===//

#include "RaspDialect/Dialect/Craft/Transforms/AllocateLayers.h"
#include "RaspDialect/Dialect/Craft/Transforms/Passes.h"

namespace mlir::craft {
#define GEN_PASS_DEF_ALLOCATELAYERSPASS
#include "RaspDialect/Dialect/Craft/Transforms/Passes.h.inc"
} // namespace mlir::craft

using namespace mlir;
using namespace mlir::craft;

namespace {
struct AllocateLayers : craft::impl::AllocateLayersPassBase<AllocateLayers> {
  using Base::Base;

  void runOnOperation() override {
    bool ok = true;
    for (ProgramOp program :
         llvm::make_early_inc_range(getOperation().getOps<ProgramOp>())) {
      if (failed(allocateLayers(program))) {
        ok = false;
        continue;
      }
      program.erase();
    }
    if (!ok)
      signalPassFailure();
  }
};
} // namespace
