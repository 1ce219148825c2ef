//===- rasp-jit.cpp - Run tensor IR in the model calling convention ------===//
//
// JIT-compiles a model function (docs/runtime.md) with the runtime library
// and runs it on token-id sequences, one per --input or per stdin line, BOS
// id included. All sequences run as one padded batch; each prints as one
// line holding the output vector of every real position.
//
//===----------------------------------------------------------------------===//

#include "RaspDialect/Runtime/Passes.h"
#include "RaspDialect/Runtime/Runtime.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>
#include <iostream>

using namespace mlir;
using namespace mlir::rasp::runtime;
namespace cl = llvm::cl;

static cl::opt<std::string> inputFile(cl::Positional, cl::desc("<model .mlir>"),
                                      cl::init("-"));
static cl::opt<std::string> entry("entry",
                                  cl::desc("model function (default: the "
                                           "only public function)"));
static cl::list<std::string>
    inputs("input", cl::desc("a sequence of token ids, BOS id first"));
static cl::opt<unsigned> threads("num-threads",
                                 cl::desc("threads to split the batch over "
                                          "(0: all cores)"),
                                 cl::init(0));
static cl::opt<int>
    optLevel("opt-level", cl::desc("LLVM -O level (-1: by the model's work)"),
             cl::init(-1));
static cl::opt<bool>
    vectorizeMatmulsFlag("vectorize-matmuls",
                         cl::desc("register-blocked matmul kernels"),
                         cl::init(true));
static cl::opt<int64_t> vectorizeMinWeightElements(
    "vectorize-min-weight-elements",
    cl::desc("smallest weight (K x N elements) that gets a matmul kernel"),
    cl::init(0));
static cl::opt<bool>
    approximateMath("approximate-math",
                    cl::desc("polynomial approximations of math.exp etc."),
                    cl::init(true));
static cl::opt<bool> runtimeChecks(
    "runtime-checks",
    cl::desc("check indices, slices and shapes of the IR at run time (the "
             "IR is untrusted; off only to measure what the checks cost)"),
    cl::init(true));
static cl::opt<bool> printStats("print-stats",
                                cl::desc("print compile and run times to "
                                         "stderr"));
static cl::opt<bool> dumpLLVM("dump-llvm-dialect",
                              cl::desc("print the LLVM-dialect module"));
static cl::opt<bool>
    noCache("no-cache",
            cl::desc("neither read nor write the compilation cache (also: "
                     "RASP_NO_CACHE=1; docs/runtime.md)"));

/// Parses whitespace-separated integers; returns the offending word or "".
static std::string parseIds(StringRef line, std::vector<int32_t> &ids) {
  SmallVector<StringRef> words;
  line.split(words, ' ', -1, /*KeepEmpty=*/false);
  for (StringRef word : words) {
    int32_t id;
    if (word.trim().getAsInteger(10, id))
      return word.str();
    ids.push_back(id);
  }
  return "";
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::ParseCommandLineOptions(argc, argv,
                              "JIT-compile and run a model function\n");

  DialectRegistry registry;
  registerRuntimeDialects(registry);
  MLIRContext context(registry);
  std::string error;
  auto file = openInputFile(inputFile, &error);
  if (!file) {
    llvm::errs() << error << "\n";
    return 1;
  }
  llvm::SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(std::move(file), llvm::SMLoc());
  SourceMgrDiagnosticHandler diagnostics(sourceMgr, &context);
  OwningOpRef<ModuleOp> module = parseSourceFile<ModuleOp>(sourceMgr, &context);
  if (!module)
    return 1;

  CompileOptions options;
  options.entryPoint = entry;
  options.optLevel = optLevel;
  options.vectorizeMatmuls = vectorizeMatmulsFlag;
  options.vectorizeMinWeightElements = vectorizeMinWeightElements;
  options.approximateMath = approximateMath;
  options.runtimeChecks = runtimeChecks;
  options.dumpLLVMDialect = dumpLLVM;
  options.cache.enabled = !noCache;
  CompileStats stats;
  auto compiled = CompiledModel::compile(*module, options, &stats);
  if (failed(compiled))
    return 1;
  CompiledModel &model = **compiled;
  if (threads)
    model.setNumThreads(threads);
  if (printStats)
    llvm::errs() << llvm::formatv(
        "lowering {0:f3} s, JIT {1:f3} s (O{4}{5}), {2} weight arguments ({3} "
        "bytes)\n",
        stats.loweringSeconds, stats.jitSeconds, stats.numWeightArguments,
        stats.weightArgumentBytes, stats.optLevel,
        stats.cacheHit ? ", from the cache" : "");

  std::vector<std::string> lines(inputs.begin(), inputs.end());
  if (inputs.empty())
    for (std::string line; std::getline(std::cin, line);)
      lines.push_back(line);

  // Bad lines are reported and skipped; the others still run.
  bool ok = true;
  std::vector<std::vector<int32_t>> rows;
  for (auto [number, line] : llvm::enumerate(lines)) {
    std::vector<int32_t> ids;
    std::string bad = parseIds(line, ids);
    for (int32_t id : ids)
      if (bad.empty() && (id < 0 || id >= model.getNumTokenIds()))
        bad = std::to_string(id);
    if (!bad.empty() || ids.empty() ||
        ids.size() > static_cast<size_t>(model.getMaxPositions())) {
      llvm::errs() << "input " << number + 1 << ": "
                   << (!bad.empty()  ? "'" + bad + "' is not a valid token id"
                       : ids.empty() ? std::string("no token ids")
                                     : std::string("too many positions"))
                   << "\n";
      ok = false;
      continue;
    }
    rows.push_back(std::move(ids));
  }

  int64_t positions = 1;
  for (const std::vector<int32_t> &row : rows)
    positions = std::max<int64_t>(positions, row.size());
  int64_t width = model.getOutputWidth();
  std::vector<int32_t> tokens, lengths;
  for (const std::vector<int32_t> &row : rows) {
    tokens.insert(tokens.end(), row.begin(), row.end());
    tokens.resize(tokens.size() + positions - row.size(), 0);
    lengths.push_back(row.size());
  }
  std::vector<float> output(rows.size() * positions * width);
  TokenBatch batch{static_cast<int64_t>(rows.size()), positions, tokens,
                   lengths};
  auto runStart = std::chrono::steady_clock::now();
  if (llvm::Error runError = model.run(batch, output)) {
    llvm::errs() << "error: " << llvm::toString(std::move(runError)) << "\n";
    return 1;
  }
  if (printStats)
    llvm::errs() << llvm::formatv(
        "run {0:f3} s ({1} rows of {2} positions)\n",
        std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                      runStart)
            .count(),
        batch.batchSize, batch.numPositions);
  for (size_t b = 0; b < rows.size(); ++b) {
    llvm::outs() << "[";
    for (int64_t p = 0; p < lengths[b]; ++p) {
      llvm::outs() << (p ? ", [" : "[");
      for (int64_t w = 0; w < width; ++w)
        llvm::outs() << (w ? ", " : "")
                     << llvm::format("%g",
                                     output[(b * positions + p) * width + w]);
      llvm::outs() << "]";
    }
    llvm::outs() << "]\n";
  }
  return ok ? 0 : 1;
}
