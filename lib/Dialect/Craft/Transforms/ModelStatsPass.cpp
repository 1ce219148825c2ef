//===- ModelStatsPass.cpp - The --craft-model-stats pass ------------------===//

#include "RaspDialect/Dialect/Craft/Analysis/ModelStats.h"
#include "RaspDialect/Dialect/Craft/Transforms/Passes.h"

namespace mlir::craft {
#define GEN_PASS_DEF_CRAFTMODELSTATSPASS
#include "RaspDialect/Dialect/Craft/Transforms/Passes.h.inc"
} // namespace mlir::craft

using namespace mlir;
using namespace mlir::craft;

namespace {
struct CraftModelStats : craft::impl::CraftModelStatsPassBase<CraftModelStats> {
  using Base::Base;

  void runOnOperation() override {
    std::vector<ModelStats> models;
    for (ModelOp model : getOperation().getOps<ModelOp>())
      models.push_back(computeModelStats(model));
    if (json)
      printModelStatsJSON(models, llvm::outs());
    else
      for (const ModelStats &stats : models)
        printModelStats(stats, llvm::outs());
    markAllAnalysesPreserved();
  }
};
} // namespace
