//===- ConvertLibraryTest.cpp - Compiled Tracr library models -------------===//
//
// Converts the model of every Tracr library program, as Tracr builds it
// (--tracr-graph, LibraryPrograms.h), to tensor IR, JIT-compiles it with the
// runtime and runs every input up to a length in one padded batch. The output
// subspace at every position must be the craft evaluator's (float32) on the
// same model, up to float32 rounding: raw vectors, not only their decoding.
// With the default weight forms, plain and causal, and with the gather and
// lookup forms forced on every matrix. (The lit tests run these programs in the
// interpreter and the craft evaluator on Tracr's vectors; the .rasp forms of
// test/Examples also run compiled on them.)
//
//===----------------------------------------------------------------------===//

#include "RaspDialect/Conversion/CraftToLinalg/CraftToLinalg.h"
#include "RaspDialect/Dialect/Craft/Evaluator/Evaluator.h"
#include "RaspDialect/Dialect/Craft/Transforms/AllocateLayers.h"
#include "RaspDialect/InitAll.h"
#include "RaspDialect/Runtime/Runtime.h"
#include "Support/LibraryPrograms.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"

#include "gtest/gtest.h"

#include <cmath>

using namespace mlir;
using namespace mlir::craft;
using rasp::PyValue;

namespace {

/// Inputs per program, at most (whole lengths only), all in one batch.
constexpr size_t kMaxInputs = 300;

struct Case {
  const char *program;
  bool forced, causal;
};

std::string caseName(const ::testing::TestParamInfo<Case> &info) {
  return std::string(info.param.program) +
         (info.param.forced ? "_forced" : "") +
         (info.param.causal ? "_causal" : "");
}

class ConvertLibraryTest : public ::testing::TestWithParam<Case> {
protected:
  ConvertLibraryTest() { rasp::test::loadProjectDialects(context); }

  MLIRContext context;
};

TEST_P(ConvertLibraryTest, CompiledModelComputesWhatTheCraftModelComputes) {
  const Case &c = GetParam();
  OwningOpRef<ModuleOp> module = rasp::test::compileLibraryProgram(
      context, c.program, "infer-bases,validate,lower-to-craft,allocate-layers",
      c.causal);
  ASSERT_TRUE(module);
  auto models = module->getOps<ModelOp>();
  ASSERT_FALSE(models.empty());
  ModelOp model = *models.begin();
  ASSERT_EQ(model.getCausal(), c.causal);

  // The reference: the craft evaluator on the same model, kept in a module
  // of its own (the runtime compiles the whole module it is given).
  ProgramOp flat = flattenModel(model);
  OwningOpRef<ModuleOp> reference = ModuleOp::create(model.getLoc());
  flat->moveBefore(reference->getBody(), reference->getBody()->end());
  FailureOr<ProgramEvaluator> evaluator = ProgramEvaluator::get(flat);
  ASSERT_TRUE(succeeded(evaluator));
  Value output = flat.getOutput();
  std::vector<Attribute> vocab(model.getVocabAttr().begin(),
                               model.getVocabAttr().end());
  int64_t maxSeqLen = *model.getMaxSeqLen();

  rasp::CraftToLinalgOptions options;
  if (c.forced) {
    options.sparseMinElements = 1;
    options.sparseGatherCost = 0;
    options.lookupMinElements = 1;
  }
  FailureOr<func::FuncOp> func = rasp::convertModelToLinalg(model, options);
  ASSERT_TRUE(succeeded(func));
  model.erase();
  ASSERT_TRUE(succeeded(verify(*module)));
  // Kernels only for larger weights, as rasp-run compiles (the runtime's
  // own tests cover the kernels on small shapes).
  rasp::runtime::CompileOptions compileOptions;
  compileOptions.vectorizeMinWeightElements = 1024;
  FailureOr<std::unique_ptr<rasp::runtime::CompiledModel>> compiled =
      rasp::runtime::CompiledModel::compile(*module, compileOptions);
  ASSERT_TRUE(succeeded(compiled));
  rasp::runtime::CompiledModel &m = **compiled;
  int32_t bos = static_cast<int32_t>(vocab.size());
  ASSERT_EQ(m.getNumTokenIds(), bos + 1);

  std::vector<std::vector<int32_t>> inputs =
      rasp::test::allTokenIdSequences<std::vector<int32_t>>(
          vocab.size(), maxSeqLen, kMaxInputs);
  int64_t batch = inputs.size(), positions = 1;
  for (const std::vector<int32_t> &input : inputs)
    positions = std::max<int64_t>(positions, input.size() + 1);
  std::vector<int32_t> ids(batch * positions, bos), lengths(batch);
  for (int64_t b = 0; b < batch; ++b) {
    llvm::copy(inputs[b], ids.begin() + b * positions + 1);
    lengths[b] = inputs[b].size() + 1;
  }
  int64_t width = m.getOutputWidth();
  std::vector<float> out(batch * positions * width);
  llvm::Error error =
      m.run({batch, positions, ids, lengths}, llvm::MutableArrayRef(out));
  ASSERT_FALSE(static_cast<bool>(error)) << llvm::toString(std::move(error));

  for (int64_t b = 0; b < batch; ++b) {
    std::vector<PyValue> tokens;
    for (int32_t id : inputs[b])
      tokens.push_back(*rasp::fromAttr(vocab[id]));
    llvm::Expected<ProgramTrace<float>> trace = evaluator->run<float>(tokens);
    ASSERT_TRUE(static_cast<bool>(trace));
    const Activation<float> &want = trace->values.find(output)->second;
    ASSERT_EQ(want.dim, width);
    for (int64_t p = 0; p < lengths[b]; ++p)
      for (int64_t i = 0; i < width; ++i) {
        float got = out[(b * positions + p) * width + i];
        ASSERT_NEAR(got, want.at(p, i), 1e-4 * (1 + std::fabs(got)))
            << "input " << b << " position " << p << " direction " << i;
      }
  }
}

std::vector<Case> allCases() {
  std::vector<Case> cases;
  for (const char *name : rasp::test::tracrLibraryPrograms())
    for (Case c : {Case{name, false, false}, Case{name, false, true},
                   Case{name, true, false}})
      cases.push_back(c);
  return cases;
}

INSTANTIATE_TEST_SUITE_P(TracrLibrary, ConvertLibraryTest,
                         ::testing::ValuesIn(allCases()), caseName);

} // namespace
