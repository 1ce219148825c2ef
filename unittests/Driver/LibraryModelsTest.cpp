//===- LibraryModelsTest.cpp - Compiled library models against RASP ------===//
//
// Every Tracr library program, as Tracr builds it (--tracr-graph) and
// as the frontend imports it (examples/*.rasp), compiled by the driver's craft
// executor with and without the model-size optimisations (docs/Fusion.md), with
// and without causal masks, run in float32 on every input up to a length
// (at most kMaxInputs inputs, whole lengths): each output equals the
// reference interpreter's wherever the interpreter has one.
//
//===----------------------------------------------------------------------===//

#include "RaspDialect/Driver/Executor.h"
#include "Support/LibraryPrograms.h"

#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/SourceMgr.h"

#include "gtest/gtest.h"

#include <cmath>

using namespace mlir;
using namespace mlir::rasp;
using namespace mlir::rasp::driver;

namespace {

constexpr size_t kMaxInputs = 1500;

/// A library program and the vocabulary and max_seq_len of Tracr's tests.
struct Program {
  const char *name;
  const char *vocab;
  int64_t maxSeqLen;
};

constexpr Program kPrograms[] = {
    {"length", "a,b,c,d", 5},
    {"length_numerical", "a,b,c,d", 5},
    {"reverse", "a,b,c,d", 5},
    {"hist", "a,b,c,d", 5},
    {"sort_unique", "1,2,3,4", 5},
    {"sort_unique_neg_indices", "a,b,c,d", 5},
    {"sort", "1,2,3,4", 5},
    {"sort_freq", "1,2,3,4", 5},
    {"frac_prevs", "a,b,c,(,)", 10},
    {"pair_balance", "a,b,c,(,)", 10},
    {"shuffle_dyck1", "(,)", 5},
    {"shuffle_dyck2", "(,),{,}", 5},
    {"shuffle_dyck3", "(,),{,},[,]", 6},
    {"shift_by_1", "a,b,c,d", 5},
    {"shift_by_2", "a,b,c,d", 5},
    {"detect_pattern_ab", "a,b", 5},
    {"detect_pattern_abc", "a,b,c", 6},
    {"count_less_freq", "a,b,c,d", 6},
    {"count_less_freq_numerical", "a,b,c,d", 6},
    {"count_a", "a,b,c", 8},
    {"nary_sequencemap_1", "1,2,3", 5},
    {"nary_sequencemap_2", "1,2,3", 3},
};

struct Case {
  Program program;
  bool rasp, causal, optimize;
};

std::string caseName(const ::testing::TestParamInfo<Case> &info) {
  const Case &c = info.param;
  return std::string(c.program.name) + (c.rasp ? "_rasp" : "_mlir") +
         (c.causal ? "_causal" : "") + (c.optimize ? "" : "_unoptimized");
}

class LibraryModelsTest : public ::testing::TestWithParam<Case> {
protected:
  LibraryModelsTest() {
    DialectRegistry registry;
    registerDialects(registry);
    context.appendDialectRegistry(registry);
    context.loadAllAvailableDialects();
  }

  MLIRContext context;
};

TEST_P(LibraryModelsTest, ModelEqualsTheInterpreter) {
  const Case &c = GetParam();
  // Validation warns about input-dependent aggregates; not our concern here.
  ScopedDiagnosticHandler quiet(&context, [](Diagnostic &d) {
    if (d.getSeverity() == DiagnosticSeverity::Error)
      ADD_FAILURE() << d.str();
    return success();
  });
  DriverOptions options;
  options.parameters.vocab = llvm::cantFail(parseVocabList(c.program.vocab));
  options.parameters.maxSeqLen = c.program.maxSeqLen;
  options.parameters.causal = c.causal;
  if (!c.optimize)
    options.disableOptimizations();

  std::string path = c.rasp ? std::string(RASP_SOURCE_DIR) + "/examples/" +
                                  c.program.name + ".rasp"
                            : rasp::test::libraryProgramPath(c.program.name);
  llvm::SourceMgr sourceMgr;
  std::string included;
  unsigned id = sourceMgr.AddIncludeFile(path, llvm::SMLoc(), included);
  ASSERT_NE(id, 0u) << path;
  FailureOr<LoadedProgram> program = loadProgram(sourceMgr, &context, options);
  ASSERT_TRUE(succeeded(program));
  const RunConfig *config = &program->config;

  FailureOr<std::unique_ptr<Executor>> interpreter =
      createInterpreterExecutor(*program);
  FailureOr<std::unique_ptr<Executor>> model =
      createCraftExecutor(*program, options);
  ASSERT_TRUE(succeeded(interpreter) && succeeded(model));

  std::vector<TokenIds> inputs = rasp::test::allTokenIdSequences<TokenIds>(
      config->vocab.size(), config->maxSeqLen, kMaxInputs);
  std::vector<RunResult> want = (*interpreter)->run(inputs);
  std::vector<RunResult> got = (*model)->run(inputs);
  size_t compared = 0;
  for (size_t i = 0; i < inputs.size(); ++i) {
    // Inputs the program does not support (e.g. sort_unique on repeated
    // tokens) have no reference output.
    if (!want[i].succeeded)
      continue;
    ASSERT_TRUE(got[i].succeeded) << got[i].error;
    ASSERT_EQ(want[i].values.size(), got[i].values.size());
    for (auto [w, g] : llvm::zip(want[i].values, got[i].values)) {
      if (g.isFloat() && w.isNumber())
        ASSERT_NEAR(g.getFloat(), w.toDouble(),
                    1e-6 + 1e-4 * std::abs(w.toDouble()))
            << "input " << i;
      else
        ASSERT_TRUE(g.equals(w) || (g.isNone() && w.isNone()))
            << "input " << i << ": " << g.repr() << " instead of " << w.repr();
    }
    ++compared;
  }
  EXPECT_GT(compared, 0u);
  ::testing::Test::RecordProperty("inputs", std::to_string(compared));
}

std::vector<Case> allCases() {
  std::vector<Case> cases;
  for (const Program &p : kPrograms)
    for (bool rasp : {false, true})
      for (bool causal : {false, true})
        for (bool optimize : {true, false})
          cases.push_back({p, rasp, causal, optimize});
  return cases;
}

INSTANTIATE_TEST_SUITE_P(TracrLibrary, LibraryModelsTest,
                         ::testing::ValuesIn(allCases()), caseName);

} // namespace
