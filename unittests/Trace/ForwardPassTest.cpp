//===- ForwardPassTest.cpp - The traced forward pass against the JIT ------===//
//
// The forward pass behind `rasp-run --trace` must compute what the model
// `rasp-run` JIT-compiles computes: for every Tracr library program
// (test/Interpreter/lib), with and without causal masks, and with the
// lookup form of large W_QK blocks forced on, its decoded outputs equal the
// compiled executor's on every input up to a length.
//
//===----------------------------------------------------------------------===//

#include "RaspDialect/Trace/ForwardPass.h"
#include "RaspDialect/Driver/Executor.h"

#include "RaspDialect/Dialect/Craft/Analysis/Assembly.h"
#include "Support/LibraryPrograms.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"

#include "gtest/gtest.h"

#include <cmath>

using namespace mlir;
using namespace mlir::rasp;
using namespace mlir::rasp::driver;

namespace {

/// At most this many inputs per case (all inputs of each length in order).
constexpr size_t kMaxInputs = 300;

struct Case {
  const char *program;
  bool causal;
  /// --compile-options of the compiled mode.
  const char *options;
};

std::string caseName(const ::testing::TestParamInfo<Case> &info) {
  return std::string(info.param.program) +
         (info.param.causal ? "_causal" : "") +
         (*info.param.options ? "_lookup" : "");
}

class TraceLibraryTest : public ::testing::TestWithParam<Case> {
protected:
  TraceLibraryTest() {
    DialectRegistry registry;
    registerDialects(registry);
    context.appendDialectRegistry(registry);
    context.loadAllAvailableDialects();
  }

  MLIRContext context;
};

TEST_P(TraceLibraryTest, DecodedOutputsEqualTheJIT) {
  const Case &c = GetParam();
  std::string path = rasp::test::libraryProgramPath(c.program);
  OwningOpRef<ModuleOp> module = parseSourceFile<ModuleOp>(path, &context);
  ASSERT_TRUE(module) << path;
  DriverOptions driverOptions;
  driverOptions.parameters.causal = c.causal;
  ASSERT_FALSE(
      static_cast<bool>(driverOptions.parsePipelineOptions(c.options)));
  FailureOr<LoadedProgram> program = loadProgram(*module, driverOptions);
  ASSERT_TRUE(succeeded(program));
  const RunConfig *config = &program->config;

  FailureOr<std::unique_ptr<CompiledProgram>> jit =
      CompiledProgram::compile(*program, driverOptions);
  ASSERT_TRUE(succeeded(jit));
  FailureOr<CraftModel> model = compileToCraftModel(*program, driverOptions);
  ASSERT_TRUE(succeeded(model));
  FailureOr<craft::AssembledModel> assembled =
      craft::assembleModel(model->model);
  ASSERT_TRUE(succeeded(assembled));
  // The arithmetic of the weight forms the options choose.
  trace::ForwardOptions forward;
  forward.lookupMinElements = driverOptions.pipeline.lookupMinElements;
  const trace::ForwardOptions *options = &forward;

  std::vector<TokenIds> inputs = rasp::test::allTokenIdSequences<TokenIds>(
      config->vocab.size(), config->maxSeqLen, kMaxInputs);
  ASSERT_GT(inputs.size(), config->vocab.size());
  std::vector<RunResult> want = (*jit)->run(inputs);
  for (auto [input, expected] : llvm::zip(inputs, want)) {
    ASSERT_TRUE(expected.succeeded) << expected.error;
    std::vector<int64_t> ids = {assembled->embedding.getBosId()};
    ids.insert(ids.end(), input.begin(), input.end());
    llvm::Expected<trace::ForwardResult> result =
        trace::runForward(*assembled, ids, *options, /*record=*/false);
    ASSERT_TRUE(static_cast<bool>(result))
        << llvm::toString(result.takeError());
    std::vector<PyValue> got = trace::decodeOutput(*assembled, *result);
    ASSERT_EQ(got.size(), expected.values.size());
    for (auto [g, w] : llvm::zip(got, expected.values)) {
      // The JIT contracts multiply-adds and approximates exp: numerical
      // values agree to rounding, decoded categorical values exactly.
      if (g.isFloat() && w.isFloat())
        EXPECT_NEAR(g.getFloat(), w.getFloat(),
                    2e-6 * (1 + std::fabs(w.getFloat())));
      else
        EXPECT_TRUE(g.identical(w)) << g.repr() << " vs " << w.repr();
    }
  }
}

std::vector<Case> allCases() {
  std::vector<Case> cases;
  for (const char *name : rasp::test::tracrLibraryPrograms())
    for (bool causal : {false, true})
      cases.push_back({name, causal, ""});
  // Every W_QK block between categorical subspaces looked up at the argmax.
  for (const char *name : {"reverse", "sort", "count_less_freq"})
    cases.push_back({name, false, "lookup-min-elements=1"});
  return cases;
}

INSTANTIATE_TEST_SUITE_P(TracrLibrary, TraceLibraryTest,
                         ::testing::ValuesIn(allCases()), caseName);

} // namespace
