//===- rasp-runtime-bench.cpp - Throughput of JIT-compiled models --------===//
//
// Generates model-shaped tensor IR (embedding, per layer an optional
// attention head and a ReLU MLP of the residual width, output slice),
// JIT-compiles it once per width and reports compile times and sequences/s
// per batch size and thread count as a Markdown table. bench/numpy_chain.py
// runs the same dense forward pass in numpy for comparison.
//
//===----------------------------------------------------------------------===//

#include "TestModel.h"

#include "RaspDialect/Runtime/Passes.h"
#include "RaspDialect/Runtime/Runtime.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>
#include <ctime>
#include <random>

using namespace mlir;
using namespace mlir::rasp::runtime;
using namespace mlir::rasp::runtime::testing;
namespace cl = llvm::cl;

static cl::list<int64_t> widths("bench-widths", cl::desc("residual widths"),
                                cl::CommaSeparated);
static cl::list<int64_t> batches("bench-batches", cl::desc("batch sizes"),
                                 cl::CommaSeparated);
static cl::list<unsigned> threadCounts("thread-counts",
                                       cl::desc("thread counts"),
                                       cl::CommaSeparated);
static cl::opt<int64_t> positions("positions",
                                  cl::desc("positions per sequence (BOS "
                                           "included)"),
                                  cl::init(10));
static cl::opt<int64_t> layers("layers", cl::desc("layers"), cl::init(2));
static cl::opt<bool> attention("attention",
                               cl::desc("include an attention head per layer "
                                        "(off: pure matmul chain)"),
                               cl::init(false));
static cl::opt<bool> vectorize("vectorize-matmuls",
                               cl::desc("register-blocked matmul kernels"),
                               cl::init(true));
static cl::opt<int64_t> weightArgumentMinElements(
    "weight-argument-min-elements",
    cl::desc("constants at least this large become arguments (larger: baked "
             "into the code)"),
    cl::init(64));
static cl::opt<double> minSeconds("min-time",
                                  cl::desc("seconds to run each measurement"),
                                  cl::init(0.5));

using Clock = std::chrono::steady_clock;
static double since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}
/// CPU seconds of the whole process (all threads): on a shared machine,
/// sequences per CPU-second is less disturbed by other load than wall time.
static double cpuSeconds() {
  return static_cast<double>(std::clock()) / CLOCKS_PER_SEC;
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::ParseCommandLineOptions(argc, argv, "JIT runtime throughput benchmark\n");
  auto orDefault = [](auto &list, auto defaults) {
    return list.empty() ? defaults
                        : decltype(defaults)(list.begin(), list.end());
  };
  std::vector<int64_t> widthList =
      orDefault(widths, std::vector<int64_t>{40, 300, 3000});
  std::vector<int64_t> batchList =
      orDefault(batches, std::vector<int64_t>{1, 32, 512});
  std::vector<unsigned> threadList =
      orDefault(threadCounts, std::vector<unsigned>{1, 2});

  DialectRegistry registry;
  registerRuntimeDialects(registry);
  MLIRContext context(registry);
  llvm::outs()
      << "positions " << positions << ", layers " << layers
      << (attention ? ", attention + MLP" : ", MLP matmul chain")
      << "\n\n| width | lower s | JIT s | batch | threads | seq/s "
         "| GFLOP/s | seq/CPU-s |\n|---|---|---|---|---|---|---|---|\n";
  for (int64_t width : widthList) {
    TestModelShape shape;
    shape.numTokenIds = 16;
    shape.maxPositions = positions;
    shape.width = width;
    shape.headWidth = std::max<int64_t>(width / 8, 1);
    shape.hidden = width;
    shape.outputWidth = std::min<int64_t>(width, 8);
    shape.layers = layers;
    shape.attention = attention;
    TestModel model(shape, /*seed=*/1);
    OwningOpRef<ModuleOp> module =
        parseSourceString<ModuleOp>(model.toMLIR(false), &context);
    if (!module)
      return 1;
    model.attachWeights(*module);
    CompileOptions options;
    options.vectorizeMatmuls = vectorize;
    options.weightArgumentMinElements = weightArgumentMinElements;
    CompileStats stats;
    auto compiled = CompiledModel::compile(*module, options, &stats);
    if (failed(compiled))
      return 1;
    // The steady state (tiered compilation, Runtime.h).
    if (llvm::Error error = (*compiled)->optimizeNow()) {
      llvm::errs() << llvm::toString(std::move(error)) << "\n";
      return 1;
    }
    for (int64_t batch : batchList) {
      std::mt19937 rng(batch);
      std::vector<int32_t> tokens(batch * positions), lengths(batch, positions);
      for (int32_t &id : tokens)
        id = rng() % shape.numTokenIds;
      std::vector<float> out(batch * positions * shape.outputWidth);
      TokenBatch view{batch, positions, tokens, lengths};
      for (unsigned threads : threadList) {
        (*compiled)->setNumThreads(threads);
        if (llvm::Error error = (*compiled)->run(view, out)) {
          llvm::errs() << llvm::toString(std::move(error)) << "\n";
          return 1;
        }
        int64_t runs = 0;
        double cpuStart = cpuSeconds();
        Clock::time_point start = Clock::now();
        double elapsed = 0;
        do {
          llvm::cantFail((*compiled)->run(view, out));
          ++runs;
        } while ((elapsed = since(start)) < minSeconds);
        double seqPerSecond = runs * batch / elapsed;
        double seqPerCpuSecond = runs * batch / (cpuSeconds() - cpuStart);
        double gflops = 2.0 * model.getMatmulMacsPerPosition() * positions *
                        seqPerSecond / 1e9;
        llvm::outs() << llvm::formatv(
            "| {0} | {1:f2} | {2:f2} | {3} | {4} | {5:f0} | {6:f1} | {7:f0} "
            "|\n",
            width, stats.loweringSeconds, stats.jitSeconds, batch, threads,
            seqPerSecond, gflops, seqPerCpuSecond);
        llvm::outs().flush();
      }
    }
  }
  return 0;
}
