//===- DriverTest.cpp - The driver's C++ API ------------------------------===//
//
// The entry points of lib/Driver on small programs: options (copies, the
// pipeline's option strings, refused compile parameters), loading from RASP
// sources and MLIR, every compile stage, and the compiled program's batch
// runs with output vectors and per-input errors.
//
//===----------------------------------------------------------------------===//

#include "RaspDialect/Driver/Driver.h"
#include "RaspDialect/Driver/Executor.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include "gtest/gtest.h"

using namespace mlir;
using namespace mlir::rasp;
using namespace mlir::rasp::driver;

namespace {

constexpr const char *kReverse = R"(
opp_index = length - indices - 1;
flip = select(indices, opp_index, ==);
reverse = aggregate(flip, tokens);
)";

constexpr const char *kTwoPrograms = R"mlir(
rasp.program @first attributes {vocab = ["a", "b"], max_seq_len = 3 : i64} {
  %tokens = rasp.tokens : !rasp.sop<categorical, !rasp.str>
  %all = rasp.select %tokens, %tokens, true : !rasp.sop<categorical, !rasp.str>, !rasp.sop<categorical, !rasp.str>
  %length = rasp.selector_width %all : !rasp.sop<categorical, i64> loc("length")
  rasp.output %tokens : !rasp.sop<categorical, !rasp.str>
}
rasp.program @second attributes {vocab = ["a"], max_seq_len = 2 : i64} {
  %tokens = rasp.tokens : !rasp.sop<categorical, !rasp.str>
  rasp.output %tokens : !rasp.sop<categorical, !rasp.str>
}
)mlir";

/// A categorical aggregate whose selector may pick different values: the
/// validation warns (and the program still compiles).
constexpr const char *kMixture = R"(
prefix = select(indices, indices, <=);
mixed = aggregate(prefix, tokens);
)";

class DriverTest : public ::testing::Test {
protected:
  DriverTest() {
    DialectRegistry registry;
    registerDialects(registry);
    context.appendDialectRegistry(registry);
    // Collect the diagnostics' text instead of printing it.
    handler.emplace(&context, [this](Diagnostic &diag) {
      diagnostics += diag.str() + "\n";
      return success();
    });
  }

  /// Loads `text` as the buffer `name` with `options`.
  FailureOr<LoadedProgram> load(llvm::StringRef text, llvm::StringRef name,
                                const DriverOptions &options) {
    sourceMgr.AddNewSourceBuffer(
        llvm::MemoryBuffer::getMemBufferCopy(text, name), llvm::SMLoc());
    return loadProgram(sourceMgr, &context, options);
  }

  static DriverOptions reverseOptions() {
    DriverOptions options;
    options.parameters.vocab = llvm::cantFail(parseVocabList("a,b,c"));
    options.parameters.maxSeqLen = 4;
    return options;
  }

  /// The tensor IR of `source` as text, compiled in a context of its own
  /// (dense_resource names are unique per context) through the compilation
  /// cache if `cached`; `*hit` tells whether it came from the cache.
  std::string tensorIR(llvm::StringRef source, const DriverOptions &options,
                       bool cached, bool *hit = nullptr) {
    MLIRContext ctx;
    ScopedDiagnosticHandler collect(&ctx, [this](Diagnostic &diag) {
      diagnostics += diag.str() + "\n";
      return success();
    });
    llvm::SourceMgr sm;
    sm.AddNewSourceBuffer(
        llvm::MemoryBuffer::getMemBufferCopy(source, "p.rasp"), llvm::SMLoc());
    FailureOr<LoadedProgram> program = loadProgram(sm, &ctx, options);
    if (failed(program))
      return "<load failed>";
    FailureOr<OwningOpRef<ModuleOp>> module =
        cached ? loadOrCompileTensorIR(*program, options, nullptr, hit)
               : compileToTensorIR(*program, options);
    if (failed(module))
      return "<compile failed>";
    std::string text;
    llvm::raw_string_ostream os(text);
    (*module)->print(os);
    return text;
  }

  MLIRContext context;
  llvm::SourceMgr sourceMgr;
  std::optional<ScopedDiagnosticHandler> handler;
  std::string diagnostics;
};

/// A fresh directory, removed at the end.
struct TempDir {
  TempDir() {
    llvm::SmallString<128> dir;
    EXPECT_FALSE(llvm::sys::fs::createUniqueDirectory("rasp-driver-test", dir));
    path = std::string(dir);
  }
  ~TempDir() { (void)llvm::sys::fs::remove_directories(path); }
  std::string path;
};

TEST_F(DriverTest, OptionsCopyTheirPipelineValues) {
  DriverOptions options;
  options.disableOptimizations();
  ASSERT_FALSE(
      static_cast<bool>(options.parsePipelineOptions("fold-embeddings=true "
                                                     "lookup-min-elements=7")));
  options.functionName = "model";
  options.outputName = "x";
  DriverOptions copy = options;
  EXPECT_FALSE(copy.pipeline.fuseMLPs);
  EXPECT_TRUE(copy.pipeline.foldEmbeddings);
  EXPECT_EQ(copy.pipeline.lookupMinElements, 7);
  EXPECT_EQ(copy.functionName, "model");
  EXPECT_EQ(copy.outputName, std::optional<std::string>("x"));
  // The copy is independent.
  copy.pipeline.lookupMinElements = 9;
  EXPECT_EQ(options.pipeline.lookupMinElements, 7);
}

TEST_F(DriverTest, InvalidPipelineOptionsNameTheOption) {
  DriverOptions options;
  llvm::Error error = options.parsePipelineOptions("no-such-option=1");
  ASSERT_TRUE(static_cast<bool>(error));
  std::string message = llvm::toString(std::move(error));
  EXPECT_NE(message.find("invalid compile options 'no-such-option=1'"),
            std::string::npos)
      << message;
}

TEST_F(DriverTest, RefusesCompileParametersAmongThePipelineOptions) {
  DriverOptions options = reverseOptions();
  ASSERT_FALSE(static_cast<bool>(options.parsePipelineOptions("causal=1")));
  EXPECT_TRUE(failed(load(kReverse, "p.rasp", options)));
  EXPECT_NE(diagnostics.find("must not set vocab, max-seq-len, bos or causal"),
            std::string::npos)
      << diagnostics;
}

TEST_F(DriverTest, LoadsASourceWithItsParameters) {
  DriverOptions options = reverseOptions();
  options.parameters.bos = "START";
  options.parameters.causal = true;
  FailureOr<LoadedProgram> program = load(kReverse, "p.rasp", options);
  ASSERT_TRUE(succeeded(program)) << diagnostics;
  EXPECT_TRUE(program->module);
  EXPECT_EQ(program->config.vocab.size(), 3u);
  EXPECT_EQ(program->config.maxSeqLen, 4);
  EXPECT_EQ(program->config.bos, "START");
  EXPECT_TRUE(program->config.causal);
  EXPECT_EQ(program->output, program->program.getOutput());
}

TEST_F(DriverTest, InputFormatOverridesTheExtension) {
  DriverOptions options = reverseOptions();
  options.inputFormat = InputFormat::RASP;
  EXPECT_TRUE(succeeded(load(kReverse, "<source>", options))) << diagnostics;
}

TEST_F(DriverTest, SelectsProgramAndOutputInAModule) {
  OwningOpRef<ModuleOp> module =
      parseSourceString<ModuleOp>(kTwoPrograms, &context);
  ASSERT_TRUE(module) << diagnostics;
  DriverOptions options;
  EXPECT_TRUE(failed(loadProgram(*module, options)));
  EXPECT_NE(diagnostics.find("the input has 2 programs (@first, @second)"),
            std::string::npos)
      << diagnostics;

  options.programName = "first";
  options.outputName = "length";
  FailureOr<LoadedProgram> program = loadProgram(*module, options);
  ASSERT_TRUE(succeeded(program)) << diagnostics;
  // The caller owns the module.
  EXPECT_FALSE(program->module);
  EXPECT_EQ(program->program.getSymName(), "first");
  EXPECT_NE(program->output, program->program.getOutput());
  EXPECT_EQ(program->config.maxSeqLen, 3);
}

TEST_F(DriverTest, TensorIRHasTheRequestedFunctionName) {
  DriverOptions options = reverseOptions();
  FailureOr<LoadedProgram> program = load(kReverse, "p.rasp", options);
  ASSERT_TRUE(succeeded(program)) << diagnostics;

  FailureOr<OwningOpRef<ModuleOp>> byDefault =
      compileToTensorIR(*program, options);
  ASSERT_TRUE(succeeded(byDefault)) << diagnostics;
  // One public function, the model; the private ones are its components.
  func::FuncOp model = getModelFunction(**byDefault);
  ASSERT_TRUE(model);
  EXPECT_EQ(model.getSymName(), program->program.getSymName());
  EXPECT_EQ(llvm::count_if((**byDefault).getOps<func::FuncOp>(),
                           [](func::FuncOp f) { return f.isPublic(); }),
            1);

  options.functionName = "reverse_model";
  FailureOr<OwningOpRef<ModuleOp>> named = compileToTensorIR(*program, options);
  ASSERT_TRUE(succeeded(named)) << diagnostics;
  EXPECT_EQ(getModelFunction(**named).getSymName(), "reverse_model");
}

TEST_F(DriverTest, TensorIRFromTheCacheIsWhatTheCompilerBuilds) {
  TempDir dir;
  DriverOptions options = reverseOptions();
  options.runtime.cache.directory = dir.path;
  std::string compiled = tensorIR(kReverse, options, /*cached=*/false);
  ASSERT_NE(compiled.find("func.func @"), std::string::npos) << diagnostics;

  bool hit = true;
  EXPECT_EQ(tensorIR(kReverse, options, true, &hit), compiled);
  EXPECT_FALSE(hit);
  EXPECT_EQ(tensorIR(kReverse, options, true, &hit), compiled);
  EXPECT_TRUE(hit);

  // Anything that changes the tensor IR is part of the key.
  DriverOptions renamed = options;
  renamed.functionName = "renamed";
  EXPECT_NE(tensorIR(kReverse, renamed, true, &hit).find("@renamed("),
            std::string::npos);
  EXPECT_FALSE(hit);
  DriverOptions dense = options;
  ASSERT_FALSE(static_cast<bool>(
      dense.parsePipelineOptions("lookup-min-elements=0 fuse-mlps=false")));
  EXPECT_EQ(tensorIR(kReverse, dense, true, &hit),
            tensorIR(kReverse, dense, false));
  EXPECT_FALSE(hit);
  DriverOptions longer = options;
  longer.parameters.maxSeqLen = 5;
  tensorIR(kReverse, longer, true, &hit);
  EXPECT_FALSE(hit);

  // The cache turned off: compiled although stored.
  DriverOptions off = options;
  off.runtime.cache.enabled = false;
  EXPECT_EQ(tensorIR(kReverse, off, true, &hit), compiled);
  EXPECT_FALSE(hit);
}

TEST_F(DriverTest, ACompileWithDiagnosticsIsNotCached) {
  TempDir dir;
  DriverOptions options = reverseOptions();
  options.runtime.cache.directory = dir.path;
  bool hit = true;
  for (int run = 0; run < 2; ++run) {
    diagnostics.clear();
    EXPECT_NE(tensorIR(kMixture, options, true, &hit).find("func.func @"),
              std::string::npos)
        << diagnostics;
    EXPECT_FALSE(hit);
    // Every run shows the warning.
    EXPECT_NE(diagnostics.find("may have to average different values"),
              std::string::npos)
        << diagnostics;
  }
}

TEST_F(DriverTest, CraftModelAndSafetensors) {
  DriverOptions options = reverseOptions();
  FailureOr<LoadedProgram> program = load(kReverse, "p.rasp", options);
  ASSERT_TRUE(succeeded(program)) << diagnostics;
  FailureOr<CraftModel> model = compileToCraftModel(*program, options);
  ASSERT_TRUE(succeeded(model)) << diagnostics;
  FailureOr<safetensors::File> weights =
      buildSafetensors(model->model, options);
  ASSERT_TRUE(succeeded(weights)) << diagnostics;
  EXPECT_NE(weights->lookup("embed.W_E"), nullptr);

  options.exportMaxBytes = 0;
  EXPECT_TRUE(failed(buildSafetensors(model->model, options)));
  EXPECT_NE(diagnostics.find("more than the limit of 0 bytes"),
            std::string::npos)
      << diagnostics;
}

TEST_F(DriverTest, CompiledProgramRunsABatchWithVectors) {
  DriverOptions options = reverseOptions();
  FailureOr<LoadedProgram> program = load(kReverse, "p.rasp", options);
  ASSERT_TRUE(succeeded(program)) << diagnostics;
  FailureOr<std::unique_ptr<CompiledProgram>> compiled =
      CompiledProgram::compile(*program, options);
  ASSERT_TRUE(succeeded(compiled)) << diagnostics;
  CompiledProgram &model = **compiled;
  EXPECT_TRUE(model.isCategorical());
  EXPECT_EQ(model.getOutputValues().size(), 3u);
  int64_t width = model.getOutputWidth();

  // a b c -> c b a; an id past the vocabulary and a too long input fail
  // alone, the empty input has no outputs.
  std::vector<TokenIds> inputs = {{0, 1, 2}, {0, 7}, {0, 0, 0, 0, 0}, {}};
  std::vector<std::vector<float>> vectors;
  std::vector<RunResult> results = model.run(inputs, &vectors);
  ASSERT_EQ(results.size(), 4u);
  ASSERT_TRUE(results[0].succeeded) << results[0].error;
  ASSERT_EQ(results[0].values.size(), 3u);
  EXPECT_EQ(results[0].values[0].getStr(), "c");
  EXPECT_EQ(results[0].values[1].getStr(), "b");
  EXPECT_EQ(results[0].values[2].getStr(), "a");
  ASSERT_EQ(vectors[0].size(), static_cast<size_t>(3 * width));
  // The first position's vector decodes to "c", the third value.
  EXPECT_GT(vectors[0][2], 0.5f);

  EXPECT_FALSE(results[1].succeeded);
  EXPECT_EQ(results[1].error,
            "token id 7 at position 1 is not below the vocabulary size 3");
  EXPECT_FALSE(results[2].succeeded);
  EXPECT_EQ(results[2].error, "the input has 5 tokens, more than the maximum "
                              "sequence length 4");
  EXPECT_TRUE(results[3].succeeded);
  EXPECT_TRUE(results[3].values.empty());
  EXPECT_TRUE(vectors[1].empty() && vectors[3].empty());
}

TEST_F(DriverTest, ExecutorsAgreeWithTheInterpreter) {
  DriverOptions options = reverseOptions();
  FailureOr<LoadedProgram> program = load(kReverse, "p.rasp", options);
  ASSERT_TRUE(succeeded(program)) << diagnostics;
  FailureOr<std::unique_ptr<Executor>> interpreter =
      createInterpreterExecutor(*program);
  FailureOr<std::unique_ptr<Executor>> craft =
      createCraftExecutor(*program, options);
  FailureOr<CraftModel> model = compileToCraftModel(*program, options);
  ASSERT_TRUE(succeeded(interpreter) && succeeded(craft) && succeeded(model))
      << diagnostics;
  FailureOr<std::unique_ptr<Executor>> trace =
      createTraceExecutor(std::move(*model), program->config, options);
  ASSERT_TRUE(succeeded(trace)) << diagnostics;

  std::vector<TokenIds> inputs = {{2, 0, 1, 1}, {1}, {3}};
  std::vector<RunResult> want = (*interpreter)->run(inputs);
  for (Executor *executor : {craft->get(), trace->get()}) {
    std::vector<RunResult> got = executor->run(inputs);
    ASSERT_EQ(got.size(), want.size());
    for (size_t i = 0; i < 2; ++i) {
      ASSERT_TRUE(want[i].succeeded && got[i].succeeded) << got[i].error;
      ASSERT_EQ(got[i].values.size(), want[i].values.size());
      for (auto [g, w] : llvm::zip(got[i].values, want[i].values))
        EXPECT_TRUE(g.identical(w)) << g.repr() << " vs " << w.repr();
    }
    // Id 3 is past the vocabulary: an error result, not a crash.
    EXPECT_FALSE(got[2].succeeded);
  }
  EXPECT_FALSE(want[2].succeeded);
  EXPECT_FALSE((*trace)->run(inputs)[0].document.empty());
}

} // namespace
