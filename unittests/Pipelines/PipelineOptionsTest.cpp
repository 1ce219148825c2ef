//===- PipelineOptionsTest.cpp - Pipeline options are the passes' --------===//
//
// The pipelines' options are generated from the passes' declarations in
// Passes.td (rasp-tblgen -gen-pass-pipeline-options): every option of
// --infer-bases, --validate, --lower-to-craft and --convert-craft-to-linalg
// is an option of --rasp-to-linalg with the same name and default, and what
// a pipeline string sets reaches the pass.
//
//===----------------------------------------------------------------------===//

#include "RaspDialect/Pipelines/Pipelines.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/raw_ostream.h"

#include "gtest/gtest.h"

#include <set>

using namespace mlir;
using namespace mlir::rasp;

namespace {

/// The `name=value` items of a printed option list (`{a=1 b=2}`, or a
/// pass's `name{a=1 b=2}`).
std::set<std::string> optionItems(llvm::StringRef printed) {
  printed = printed.drop_until([](char c) { return c == '{'; });
  printed = printed.drop_front().drop_back();
  llvm::SmallVector<llvm::StringRef> items;
  printed.split(items, ' ', -1, /*KeepEmpty=*/false);
  return {items.begin(), items.end()};
}

std::set<std::string> passOptions(std::unique_ptr<Pass> pass) {
  std::string text;
  llvm::raw_string_ostream os(text);
  pass->printAsTextualPipeline(os);
  return optionItems(text);
}

TEST(PipelineOptionsTest, EveryPassOptionIsAPipelineOptionWithItsDefault) {
  RASPToLinalgOptions pipeline;
  std::string text;
  llvm::raw_string_ostream os(text);
  pipeline.print(os);
  std::set<std::string> pipelineItems = optionItems(text);

  std::set<std::string> expected = {"prune-directions=true"};
  for (auto *create : {+[] { return createInferBasesPass(); },
                       +[] { return createValidatePass(); },
                       +[] { return createLowerToCraftPass(); },
                       +[] { return createConvertCraftToLinalgPass(); }}) {
    std::set<std::string> items = passOptions(create());
    ASSERT_FALSE(items.empty());
    expected.insert(items.begin(), items.end());
  }
  // The same options, nothing more: only prune-directions is the pipeline's.
  EXPECT_EQ(pipelineItems, expected);
}

TEST(PipelineOptionsTest, PipelineStringReachesEveryPass) {
  std::unique_ptr<RASPToLinalgOptions> options =
      RASPToLinalgOptions::createFromString(
          "max-values=7 tracr-strict=true fusion-savings=3.5 "
          "max-fused-work=99 batch-size=4 vocab=a,b");
  ASSERT_TRUE(options);
  EXPECT_EQ(toInferBasesPassOptions(*options).maxValues, 7);
  EXPECT_EQ(toInferBasesPassOptions(*options).vocab,
            (llvm::SmallVector<std::string>{"a", "b"}));
  EXPECT_TRUE(toValidatePassOptions(*options).tracrStrict);
  EXPECT_EQ(toLowerToCraftPassOptions(*options).fusionSavings, 3.5);
  EXPECT_EQ(toLowerToCraftPassOptions(*options).maxFusedWork, 99);
  EXPECT_EQ(toConvertCraftToLinalgPassOptions(*options).batchSize, 4);

  // The assembled pipeline runs the passes with them.
  MLIRContext context;
  OpPassManager pm(ModuleOp::getOperationName());
  populateRASPToLinalgPipeline(pm, *options);
  std::string text;
  llvm::raw_string_ostream os(text);
  pm.printAsTextualPipeline(os);
  for (const char *item :
       {"max-values=7", "tracr-strict=true", "fusion-savings=3.5",
        "max-fused-work=99", "batch-size=4", "vocab={a,b}"})
    EXPECT_TRUE(llvm::StringRef(text).contains(item)) << item << " in " << text;
}

TEST(PipelineOptionsTest, DisableOptimizationsTurnsOffTheModelSizePasses) {
  RASPToCraftModelOptions options;
  options.disableOptimizations();
  OpPassManager pm(ModuleOp::getOperationName());
  populateRASPToCraftModelPipeline(pm, options);
  std::string text;
  llvm::raw_string_ostream os(text);
  pm.printAsTextualPipeline(os);
  EXPECT_TRUE(llvm::StringRef(text).contains("fuse-mlps=false")) << text;
  // Neither model-size pass is scheduled (the names of the passes, not of
  // --lower-to-craft's fold-embeddings option).
  for (Pass &pass : pm.getPasses()) {
    EXPECT_NE(pass.getArgument(), "fold-embeddings");
    EXPECT_NE(pass.getArgument(), "prune-directions");
  }
  // With the optimisations on, both are.
  RASPToCraftModelOptions defaults;
  OpPassManager optimized(ModuleOp::getOperationName());
  populateRASPToCraftModelPipeline(optimized, defaults);
  llvm::SmallVector<llvm::StringRef> arguments;
  for (Pass &pass : optimized.getPasses())
    arguments.push_back(pass.getArgument());
  EXPECT_TRUE(llvm::is_contained(arguments, "fold-embeddings"));
  EXPECT_TRUE(llvm::is_contained(arguments, "prune-directions"));
}

} // namespace
