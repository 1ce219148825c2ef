//===- RASPToCraft.cpp - The --lower-to-craft pass ------------------------===//

#include "RaspDialect/Conversion/RASPToCraft/RASPToCraft.h"
#include "RaspDialect/Conversion/Passes.h"
#include "RaspDialect/Dialect/Craft/IR/CraftDialect.h"

namespace mlir::rasp {
#define GEN_PASS_DEF_LOWERTOCRAFTPASS
#include "RaspDialect/Conversion/Passes.h.inc"
#define GEN_PASS_PIPELINE_OPTIONS_LOWERTOCRAFTPASS
#include "RaspDialect/Conversion/Passes.pipeline.h.inc"
} // namespace mlir::rasp

using namespace mlir;
using namespace mlir::rasp;

namespace {
struct LowerToCraftPass
    : public rasp::impl::LowerToCraftPassBase<LowerToCraftPass> {
  using LowerToCraftPassBase::LowerToCraftPassBase;
  // Reads the options the base declares protected.
  template <typename Holder>
  friend LowerToCraftPassOptions
  rasp::toLowerToCraftPassOptions(const Holder &holder);

  void runOnOperation() override {
    // A negative or non-finite sharpness or width budget would build NaN or
    // inverted blocks (and a huge factor overflows the width budget).
    std::pair<StringRef, double> checked[] = {
        {"softmax-scale", softmaxScale},
        {"mlp-slope", mlpSlope},
        {"fuse-width-factor", fuseWidthFactor},
        {"fusion-savings", fusionSavings}};
    for (auto [name, value] : checked)
      if (!(value >= 0 && value <= 1e12)) {
        getOperation().emitError("option '")
            << name << "' must be between 0 and 1e12, not " << value;
        return signalPassFailure();
      }
    LowerToCraftPassOptions options = toLowerToCraftPassOptions(*this);
    SmallVector<ProgramOp> programs(getOperation().getOps<ProgramOp>());
    bool failedAny = false;
    for (ProgramOp program : programs) {
      LowerToCraftStats stats;
      FailureOr<craft::ProgramOp> lowered =
          lowerToCraft(program, options, &stats);
      fusionFallbacks += stats.fusionFallbacks;
      quadraticSelectors += stats.quadraticSelectors;
      exactWidthFeatures += stats.exactWidthFeatures;
      if (failed(lowered)) {
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
