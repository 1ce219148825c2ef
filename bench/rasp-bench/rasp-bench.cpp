//===- rasp-bench.cpp - Compile-time and throughput benchmark driver ------===//
//
// Measures one RASP program in one process and prints one JSON document
// (schema rasp-bench/1) on stdout; bench/run-benchmarks.py runs it per
// configuration in a fresh process and turns the documents into the tables
// of BENCHMARKS.md.
//
//   rasp-bench compile PROGRAM --vocab=... --max-seq-len=N
//       [--stop-after=craft-model|tensor-ir|jit] [--repetitions=R]
//       [--min-time=S]
//   rasp-bench throughput PROGRAM --vocab=... --max-seq-len=N
//       [--batches=1,32,512] [--threads=1,2] [--repetitions=R] [--min-time=S]
//
// `compile` compiles the program R times (at least; more until S seconds
// have passed), each time in a fresh MLIRContext, through the same calls as
// rasp-run's compiled mode, and records the wall and process-CPU time of
// every stage and pass of every repetition after one warm-up compile.
// `throughput` compiles once and runs full-length batches (BOS + N tokens)
// through the JIT-compiled model, decoding each position by argmax.
//
//===----------------------------------------------------------------------===//

#include "BenchProgram.h"
#include "StageTiming.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"

#include <map>

using namespace mlir;
using namespace mlir::rasp;
using namespace mlir::rasp::bench;
namespace cl = llvm::cl;
namespace json = llvm::json;

static cl::OptionCategory benchCategory("rasp-bench options");
static cl::SubCommand compileCommand("compile",
                                     "per-stage compile times of a program");
static cl::SubCommand
    throughputCommand("throughput",
                      "sequences per second of the JIT-compiled model");

static cl::opt<std::string> programFile(cl::Positional, cl::Required,
                                        cl::desc("<program .rasp or .mlir>"),
                                        cl::sub(compileCommand),
                                        cl::sub(throughputCommand),
                                        cl::cat(benchCategory));
static cl::opt<std::string> vocabOpt("vocab",
                                     cl::desc("Comma-separated vocabulary"),
                                     cl::sub(compileCommand),
                                     cl::sub(throughputCommand),
                                     cl::cat(benchCategory));
static cl::opt<int64_t> maxSeqLenOpt("max-seq-len",
                                     cl::desc("Longest input, without BOS"),
                                     cl::sub(compileCommand),
                                     cl::sub(throughputCommand),
                                     cl::cat(benchCategory));
static cl::opt<std::string>
    compileOptionsOpt("compile-options",
                      cl::desc("Options of --rasp-to-linalg, as rasp-run's "
                               "--compile-options"),
                      cl::sub(compileCommand), cl::sub(throughputCommand),
                      cl::cat(benchCategory));
static cl::opt<unsigned>
    repetitionsOpt("repetitions",
                   cl::desc("Least number of measured repetitions"),
                   cl::init(5), cl::sub(compileCommand),
                   cl::sub(throughputCommand), cl::cat(benchCategory));
static cl::opt<double>
    minTimeOpt("min-time",
               cl::desc("compile: repeat until this many seconds have passed "
                        "(at most --max-repetitions); throughput: seconds "
                        "per repetition"),
               cl::init(0.0), cl::sub(compileCommand),
               cl::sub(throughputCommand), cl::cat(benchCategory));
static cl::opt<unsigned> maxRepetitionsOpt(
    "max-repetitions", cl::desc("Most compile repetitions with --min-time"),
    cl::init(2000), cl::sub(compileCommand), cl::cat(benchCategory));
static cl::opt<StopAfter> stopAfterOpt(
    "stop-after", cl::desc("How far to compile"),
    cl::values(clEnumValN(StopAfter::CraftModel, "craft-model",
                          "the layered craft.model (Tracr's RASP -> craft "
                          "model)"),
               clEnumValN(StopAfter::TensorIR, "tensor-ir",
                          "the model as tensor IR"),
               clEnumValN(StopAfter::JIT, "jit",
                          "lowered to LLVM and JIT-compiled (rasp-run)")),
    cl::init(StopAfter::JIT), cl::sub(compileCommand), cl::cat(benchCategory));
static cl::list<int64_t> batchesOpt("batches", cl::desc("Batch sizes"),
                                    cl::CommaSeparated,
                                    cl::sub(throughputCommand),
                                    cl::cat(benchCategory));
static cl::list<unsigned> threadsOpt("threads", cl::desc("Thread counts"),
                                     cl::CommaSeparated,
                                     cl::sub(throughputCommand),
                                     cl::cat(benchCategory));
static cl::opt<unsigned>
    checkRowsOpt("check-rows",
                 cl::desc("Decoded outputs of this many rows of the "
                          "input formula (for comparison with numpy)"),
                 cl::init(4), cl::sub(throughputCommand),
                 cl::cat(benchCategory));

static void reportError(const llvm::Twine &message) {
  llvm::WithColor::error(llvm::errs(), "rasp-bench") << message << "\n";
}

static bool makeSpec(ProgramSpec &spec) {
  if (!loadProgramSpec(programFile, spec))
    return false;
  if (vocabOpt.getNumOccurrences()) {
    llvm::Expected<std::vector<PyValue>> vocab =
        driver::parseVocabList(vocabOpt);
    if (!vocab) {
      reportError("--vocab: " + llvm::toString(vocab.takeError()));
      return false;
    }
    spec.overrides.vocab = std::move(*vocab);
  }
  if (maxSeqLenOpt.getNumOccurrences())
    spec.overrides.maxSeqLen = maxSeqLenOpt;
  spec.compileOptions = compileOptionsOpt;
  return true;
}

static json::Object describe(const ProgramSpec &spec,
                             const craft::ModelStats &stats) {
  return json::Object{{"schema", "rasp-bench/1"},
                      {"program", spec.path},
                      {"vocab_size", stats.vocabSize},
                      {"max_seq_len", stats.maxSeqLen},
                      {"compile_options", spec.compileOptions},
                      {"model", craft::toJSON(stats)}};
}

static const char *stopAfterName(StopAfter stop) {
  switch (stop) {
  case StopAfter::CraftModel:
    return "craft-model";
  case StopAfter::TensorIR:
    return "tensor-ir";
  case StopAfter::JIT:
    return "jit";
  }
  return "";
}

/// `compile`: every stage of every repetition, as arrays of seconds.
static int runCompile(const ProgramSpec &spec, const DialectRegistry &registry,
                      json::Object document) {
  long rssBefore = currentRSSKiB();
  // Stage path -> per-repetition wall and CPU seconds; order of first run.
  std::vector<std::string> order;
  std::map<std::string, std::pair<json::Array, json::Array>> samples;
  auto record = [&](const std::string &path, double wall, double cpu) {
    auto [it, inserted] = samples.try_emplace(path);
    if (inserted)
      order.push_back(path);
    it->second.first.push_back(wall);
    it->second.second.push_back(cpu);
  };
  runtime::CompileStats runtimeStats;
  double start = wallSeconds();
  unsigned measured = 0;
  for (unsigned rep = 0;; ++rep) {
    StageTimingManager timing;
    TimingScope root = timing.getRootScope();
    double wall = wallSeconds(), cpu = processCPUSeconds();
    FailureOr<CompiledProgram> compiled =
        compileProgram(spec, registry, stopAfterOpt, root);
    double totalWall = wallSeconds() - wall;
    double totalCPU = processCPUSeconds() - cpu;
    if (failed(compiled))
      return 1;
    root.stop();
    if (rep == 0) // Warm-up: code pages, allocator, lazily built tables.
      continue;
    // The context is created before the first stage: not in the total.
    totalWall -= compiled->contextWall;
    totalCPU -= compiled->contextCPU;
    record("context", compiled->contextWall, compiled->contextCPU);
    for (const StageTime &stage : timing.getStages())
      record(stage.path, stage.wall, stage.cpu);
    record("total", totalWall, totalCPU);
    runtimeStats = compiled->runtimeStats;
    ++measured;
    if (measured >= repetitionsOpt &&
        (wallSeconds() - start >= minTimeOpt || measured >= maxRepetitionsOpt))
      break;
  }
  json::Array stages;
  for (const std::string &path : order) {
    auto &[wall, cpu] = samples[path];
    stages.push_back(json::Object{
        {"name", path}, {"wall", std::move(wall)}, {"cpu", std::move(cpu)}});
  }
  document["mode"] = "compile";
  document["stop_after"] = stopAfterName(stopAfterOpt);
  document["repetitions"] = measured;
  document["stages"] = std::move(stages);
  document["weight_arguments"] = runtimeStats.numWeightArguments;
  document["weight_argument_bytes"] = runtimeStats.weightArgumentBytes;
  document["rss_before_kib"] = rssBefore;
  document["peak_rss_kib"] = peakRSSKiB();
  llvm::outs() << json::Value(std::move(document)) << "\n";
  return 0;
}

/// Token id of row `b`, position `p >= 1`: a fixed formula, so that
/// bench/numpy_forward.py feeds the same inputs.
static int32_t tokenId(int64_t b, int64_t p, int64_t vocabSize) {
  return static_cast<int32_t>((b * 7 + p * 3 + 1) % vocabSize);
}

/// Index of the decoded output value of one position (argmax, -1 if no
/// entry reaches 1/2, as rasp-run decodes categorical outputs).
static int64_t decode(const float *row, int64_t width) {
  int64_t best = -1;
  for (int64_t i = 0; i < width; ++i)
    if (row[i] >= 0.5f && (best < 0 || row[i] > row[best]))
      best = i;
  return best;
}

/// `throughput`: sequences/s for every batch size and thread count.
static int runThroughput(const ProgramSpec &spec,
                         const DialectRegistry &registry,
                         json::Object document) {
  TimingScope noTiming;
  FailureOr<CompiledProgram> compiled =
      compileProgram(spec, registry, StopAfter::JIT, noTiming);
  if (failed(compiled))
    return 1;
  runtime::CompiledModel &model = compiled->jit->getModel();
  // The steady state: a model compiled quickly for its first output is
  // recompiled at level 3 once it has run enough (tiered compilation).
  if (llvm::Error error = model.optimizeNow()) {
    llvm::errs() << llvm::toString(std::move(error)) << "\n";
    return 1;
  }
  document["opt_level"] = model.getOptLevel();
  int64_t vocabSize = model.getNumTokenIds() - 1;
  int64_t positions = model.getMaxPositions();
  int64_t width = model.getOutputWidth();
  int32_t bos = static_cast<int32_t>(vocabSize);
  llvm::SmallVector<int64_t> batches = llvm::to_vector(batchesOpt);
  if (batches.empty())
    batches.assign({1, 32, 512});
  llvm::SmallVector<unsigned> threadCounts = llvm::to_vector(threadsOpt);
  if (threadCounts.empty())
    threadCounts.assign({1, 2});
  // Last: the rows whose decoded outputs are printed.
  batches.push_back(checkRowsOpt);

  json::Array results;
  json::Array check;
  for (auto [index, batchSize] : llvm::enumerate(batches)) {
    int64_t batch = batchSize; // captured below
    std::vector<int32_t> tokens(batch * positions, bos);
    std::vector<int32_t> lengths(batch, static_cast<int32_t>(positions));
    for (int64_t b = 0; b < batch; ++b)
      for (int64_t p = 1; p < positions; ++p)
        tokens[b * positions + p] = tokenId(b, p, vocabSize);
    std::vector<float> out(batch * positions * width);
    std::vector<int64_t> decoded(batch * positions);
    runtime::TokenBatch view{batch, positions, tokens, lengths};
    auto runOnce = [&] {
      llvm::cantFail(model.run(view, out));
      for (int64_t row = 0; row < batch * positions; ++row)
        decoded[row] = decode(&out[row * width], width);
    };
    if (index + 1 == batches.size()) {
      runOnce();
      for (int64_t b = 0; b < batch; ++b)
        check.push_back(json::Array(llvm::ArrayRef<int64_t>(
            &decoded[b * positions + 1], positions - 1)));
      break;
    }
    for (unsigned threads : threadCounts) {
      model.setNumThreads(threads);
      if (llvm::Error error = model.run(view, out)) {
        reportError(llvm::toString(std::move(error)));
        return 1;
      }
      json::Array wallRates, cpuRates;
      for (unsigned rep = 0; rep < repetitionsOpt; ++rep) {
        int64_t runs = 0;
        double wall = wallSeconds(), cpu = processCPUSeconds(), elapsed;
        do {
          runOnce();
          ++runs;
        } while ((elapsed = wallSeconds() - wall) < minTimeOpt);
        double cpuElapsed = processCPUSeconds() - cpu;
        wallRates.push_back(runs * batch / elapsed);
        cpuRates.push_back(runs * batch / cpuElapsed);
      }
      results.push_back(json::Object{{"batch", batch},
                                     {"threads", threads},
                                     {"seq_per_s", std::move(wallRates)},
                                     {"seq_per_cpu_s", std::move(cpuRates)}});
    }
  }
  document["mode"] = "throughput";
  document["positions"] = positions;
  document["output_width"] = width;
  document["results"] = std::move(results);
  document["check_decoded"] = std::move(check);
  document["peak_rss_kib"] = peakRSSKiB();
  llvm::outs() << json::Value(std::move(document)) << "\n";
  return 0;
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::HideUnrelatedOptions(benchCategory);
  cl::ParseCommandLineOptions(
      argc, argv,
      "rasp-bench: compile times and throughput of a RASP program (JSON)\n");
  if (!compileCommand && !throughputCommand) {
    reportError("give a subcommand: compile or throughput");
    return 1;
  }
  ProgramSpec spec;
  if (!makeSpec(spec))
    return 1;
  DialectRegistry registry;
  // As rasp-run: the runtime adds its dialects when it compiles.
  driver::registerDialects(registry);

  FailureOr<craft::ModelStats> stats = computeProgramStats(spec, registry);
  if (failed(stats))
    return 1;
  json::Object document = describe(spec, *stats);
  if (compileCommand)
    return runCompile(spec, registry, std::move(document));
  return runThroughput(spec, registry, std::move(document));
}
