//===- RASPToCraft.cpp - The --lower-to-craft pass ------------------------===//

#include "RaspDialect/Conversion/RASPToCraft/RASPToCraft.h"
#include "RaspDialect/Conversion/Passes.h"
#include "RaspDialect/Dialect/Craft/IR/CraftDialect.h"

namespace mlir::rasp {
#define GEN_PASS_DEF_LOWERTOCRAFTPASS
#include "RaspDialect/Conversion/Passes.h.inc"
} // namespace mlir::rasp

using namespace mlir;
using namespace mlir::rasp;

namespace {
struct LowerToCraftPass
    : public rasp::impl::LowerToCraftPassBase<LowerToCraftPass> {
  using LowerToCraftPassBase::LowerToCraftPassBase;

  void runOnOperation() override {
    LowerToCraftOptions options;
    options.softmaxScale = softmaxScale;
    options.mlpSlope = mlpSlope;
    options.maxTableEntries = maxTableEntries;
    options.fuseMLPs = fuseMLPs;
    options.fuseWidthFactor = fuseWidthFactor;
    options.maxFusedDomain = maxFusedDomain;
    options.factorSelectors = factorSelectors;
    options.maxSelectorRectangles = maxSelectorRectangles;
    options.foldEmbeddings = foldEmbeddings;
    SmallVector<ProgramOp> programs(getOperation().getOps<ProgramOp>());
    bool failedAny = false;
    for (ProgramOp program : programs) {
      if (failed(lowerToCraft(program, options))) {
        failedAny = true;
        continue;
      }
      program.erase();
    }
    if (failedAny)
      signalPassFailure();
  }
};
} // namespace
