//===- AllocateLibraryTest.cpp - Allocation of the Tracr library ----------===//
//
// Lowers every Tracr library program, as Tracr builds it (--tracr-graph,
// LibraryPrograms.h), to craft, with and without causal masks, allocates its
// layers and checks with the craft evaluator that the model computes what the
// program computes: every subspace at every position in double precision, and
// the decoded output in float32, on every input up to a length.
//
//===----------------------------------------------------------------------===//

#include "RaspDialect/Dialect/Craft/Evaluator/Evaluator.h"
#include "RaspDialect/Dialect/Craft/IR/CraftModel.h"
#include "RaspDialect/Dialect/Craft/Transforms/AllocateLayers.h"
#include "RaspDialect/InitAll.h"
#include "Support/LibraryPrograms.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "llvm/Support/SourceMgr.h"

#include "gtest/gtest.h"

#include <cmath>

using namespace mlir;
using namespace mlir::craft;
using rasp::PyValue;

namespace {

/// Inputs enumerated per program and mode, at most.
constexpr size_t kMaxInputs = 1500;

/// The top-level subspaces of a program by label (as the evaluator records
/// them: group results, not the heads inside).
std::map<std::string, Value> subspaces(ProgramOp program) {
  std::map<std::string, Value> out;
  for (Operation &op : program.getBody().front())
    for (Value v : op.getResults())
      out[getSpace(v).getLabel().str() + "/" +
          std::to_string(getSpace(v).getDim())] = v;
  return out;
}

struct Case {
  const char *program;
  bool causal;
};

std::string caseName(const ::testing::TestParamInfo<Case> &info) {
  return std::string(info.param.program) + (info.param.causal ? "_causal" : "");
}

class AllocateLibraryTest : public ::testing::TestWithParam<Case> {
protected:
  AllocateLibraryTest() { rasp::test::loadProjectDialects(context); }

  MLIRContext context;
};

TEST_P(AllocateLibraryTest, ModelComputesWhatTheProgramComputes) {
  const Case &c = GetParam();
  std::string pipeline = std::string("infer-bases{causal=") +
                         (c.causal ? "true" : "false") +
                         "},validate,lower-to-craft";
  OwningOpRef<ModuleOp> module =
      rasp::test::compileLibraryProgram(context, c.program, pipeline);
  ASSERT_TRUE(module);
  auto programs = module->getOps<ProgramOp>();
  ASSERT_FALSE(programs.empty());
  ProgramOp program = *programs.begin();
  ASSERT_EQ(program.getCausal(), c.causal);

  FailureOr<ModelOp> model = allocateLayers(program);
  ASSERT_TRUE(succeeded(model));
  ASSERT_TRUE(succeeded(verify(*model)));
  ProgramOp flat = flattenModel(*model);
  ASSERT_TRUE(succeeded(verify(flat)));

  FailureOr<ProgramEvaluator> before = ProgramEvaluator::get(program);
  FailureOr<ProgramEvaluator> after = ProgramEvaluator::get(flat);
  ASSERT_TRUE(succeeded(before) && succeeded(after));
  std::map<std::string, Value> want = subspaces(program), got = subspaces(flat);
  ASSERT_EQ(want.size(), got.size());

  std::vector<PyValue> vocab;
  for (Attribute item : program.getVocabAttr())
    vocab.push_back(*rasp::fromAttr(item));
  std::vector<std::vector<PyValue>> inputs =
      rasp::test::allSequences<std::vector<PyValue>>(
          vocab, *program.getMaxSeqLen(), kMaxInputs);
  ASSERT_GE(inputs.size(), 1 + vocab.size() * vocab.size());
  for (const std::vector<PyValue> &input : inputs) {
    llvm::Expected<ProgramTrace<double>> a = before->run<double>(input);
    llvm::Expected<ProgramTrace<double>> b = after->run<double>(input);
    ASSERT_TRUE(static_cast<bool>(a) && static_cast<bool>(b));
    for (const auto &[label, value] : want) {
      ASSERT_TRUE(got.count(label)) << label;
      const Activation<double> &x = a->values.find(value)->second;
      const Activation<double> &y = b->values.find(got[label])->second;
      ASSERT_EQ(x.data.size(), y.data.size()) << label;
      for (size_t i = 0; i < x.data.size(); ++i)
        ASSERT_NEAR(x.data[i], y.data[i], 1e-9 * (1 + std::fabs(x.data[i])))
            << label << " entry " << i << ", input of length " << input.size();
    }
    llvm::Expected<std::vector<PyValue>> p = before->runAndDecode<float>(input);
    llvm::Expected<std::vector<PyValue>> m = after->runAndDecode<float>(input);
    ASSERT_TRUE(static_cast<bool>(p) && static_cast<bool>(m));
    ASSERT_EQ(p->size(), m->size());
    for (auto [x, y] : llvm::zip(*p, *m)) {
      if (x.isFloat() && y.isFloat())
        EXPECT_NEAR(x.getFloat(), y.getFloat(),
                    1e-5 * (1 + std::fabs(x.getFloat())));
      else
        EXPECT_TRUE(x.identical(y)) << x.repr() << " vs " << y.repr();
    }
  }
}

std::vector<Case> allCases() {
  std::vector<Case> cases;
  for (const char *name : rasp::test::tracrLibraryPrograms())
    for (bool causal : {false, true})
      cases.push_back({name, causal});
  return cases;
}

INSTANTIATE_TEST_SUITE_P(TracrLibrary, AllocateLibraryTest,
                         ::testing::ValuesIn(allCases()), caseName);

} // namespace
