//===- PruneDirectionsPass.cpp - The --prune-directions pass --------------===//

#include "RaspDialect/Dialect/Craft/Transforms/Passes.h"
#include "RaspDialect/Dialect/Craft/Transforms/PruneDirections.h"

namespace mlir::craft {
#define GEN_PASS_DEF_PRUNEDIRECTIONSPASS
#include "RaspDialect/Dialect/Craft/Transforms/Passes.h.inc"
} // namespace mlir::craft

using namespace mlir;
using namespace mlir::craft;

namespace {
struct PruneDirections : craft::impl::PruneDirectionsPassBase<PruneDirections> {
  using Base::Base;

  void runOnOperation() override {
    for (ProgramOp program : getOperation().getOps<ProgramOp>())
      pruneDirections(program);
  }
};
} // namespace
