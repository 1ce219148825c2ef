//===- TestFlattenModel.cpp - Run craft models through the evaluator ------===//
//
// `--test-craft-flatten-model` replaces every craft.model with the
// craft.program that computes the same (craft::flattenModel), so that
// `--test-craft-evaluate` can run allocated models.
//
//===----------------------------------------------------------------------===//

#include "RaspDialect/Dialect/Craft/Transforms/AllocateLayers.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

using namespace mlir;
using namespace mlir::craft;

namespace {
struct TestFlattenModelPass
    : public PassWrapper<TestFlattenModelPass, OperationPass<ModuleOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(TestFlattenModelPass)

  StringRef getArgument() const final { return "test-craft-flatten-model"; }
  StringRef getDescription() const final {
    return "Replace craft models with equivalent craft programs";
  }

  void runOnOperation() override {
    for (ModelOp model :
         llvm::make_early_inc_range(getOperation().getOps<ModelOp>())) {
      flattenModel(model);
      model.erase();
    }
  }
};
} // namespace

namespace mlir::rasp::test {
void registerLayerTestPasses() { PassRegistration<TestFlattenModelPass>(); }
} // namespace mlir::rasp::test
