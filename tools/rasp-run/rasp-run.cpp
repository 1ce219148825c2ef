//===- rasp-run.cpp - Run a RASP program on input sequences ---------------===//
//
// The driver of the `rasp-run` contract (docs: shared spec rasp-run.md):
// load a program, pick the parameters, then for each input line print the
// output sequence as JSON. Everything but the command line and the printing
// is the driver's (lib/Driver): loading, selection, parameters, encoding,
// the executors (interpreter, craft evaluator, compiled model, traced
// forward pass), the compiled craft.model and the safetensors export.
//
//===----------------------------------------------------------------------===//

#include "RaspDialect/Dialect/Craft/Analysis/ModelStats.h"
#include "RaspDialect/Driver/Driver.h"
#include "RaspDialect/Driver/Executor.h"
#include "RaspDialect/Driver/ReportExecutor.h"
#include "RaspDialect/Driver/SequenceIO.h"
#include "RaspDialect/Support/MemoryBudget.h"
#include "RaspDialect/Support/Text.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Support/Timing.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/WithColor.h"

using namespace mlir;
using namespace mlir::rasp;
using namespace mlir::rasp::driver;
namespace cl = llvm::cl;

static cl::OptionCategory runCategory("rasp-run options");

static cl::opt<std::string> programFile(cl::Positional, cl::Required,
                                        cl::desc("<program .rasp or .mlir>"),
                                        cl::cat(runCategory));
static cl::opt<std::string>
    vocabOpt("vocab", cl::desc("Comma-separated token vocabulary"),
             cl::value_desc("LIST"), cl::cat(runCategory));
static cl::opt<std::string> vocabFileOpt(
    "vocab-file",
    cl::desc("Read the vocabulary from FILE: one token per line, UTF-8, "
             "exact strings (docs/rasp-run.md)"),
    cl::value_desc("FILE"), cl::cat(runCategory));
static cl::opt<py::VocabType> vocabTypeOpt(
    "vocab-type", cl::desc("The type of the --vocab or --vocab-file items"),
    cl::values(clEnumValN(py::VocabType::Auto, "auto",
                          "int if it parses as one, else float, else str "
                          "(default)"),
               clEnumValN(py::VocabType::Str, "str",
                          "strings, even those that look like numbers"),
               clEnumValN(py::VocabType::Int, "int", "integers"),
               clEnumValN(py::VocabType::Float, "float", "floats")),
    cl::init(py::VocabType::Auto), cl::cat(runCategory));
static cl::opt<int64_t>
    maxSeqLenOpt("max-seq-len", cl::desc("Longest input sequence, without BOS"),
                 cl::value_desc("N"), cl::cat(runCategory));
static cl::opt<std::string> bosOpt("bos",
                                   cl::desc("Beginning-of-sequence token name"),
                                   cl::value_desc("NAME"),
                                   cl::cat(runCategory));
static cl::opt<bool> causalOpt("causal",
                               cl::desc("Causal attention (position i sees "
                                        "only the prefix ending at i)"),
                               cl::cat(runCategory));
static cl::opt<std::string>
    outputOpt("output", cl::desc("Run the SOp bound to this name"),
              cl::value_desc("NAME"), cl::cat(runCategory));
static cl::opt<bool> tracrGraphOpt(
    "tracr-graph",
    cl::desc("Import a .rasp source as Tracr's graph: one op per RASP "
             "operation, no elementwise fusion"),
    cl::cat(runCategory));
static cl::opt<std::string>
    programOpt("program",
               cl::desc("The rasp.program to run when the input has several"),
               cl::value_desc("NAME"), cl::cat(runCategory));
static cl::opt<bool>
    interpretOpt("interpret",
                 cl::desc("Evaluate with the reference RASP interpreter"),
                 cl::cat(runCategory));
enum class Mode { Interpret, Craft, Compiled };
static cl::opt<Mode> modeOpt(
    "mode", cl::desc("How to evaluate the program"),
    cl::values(clEnumValN(Mode::Interpret, "interpret",
                          "the reference interpreter (same as --interpret)"),
               clEnumValN(Mode::Craft, "craft",
                          "the synthesised weights, applied by the craft "
                          "evaluator in float32"),
               clEnumValN(Mode::Compiled, "compiled",
                          "the JIT-compiled transformer (default)")),
    cl::init(Mode::Compiled), cl::cat(runCategory));
static cl::opt<bool> optimizeOpt(
    "optimize",
    cl::desc("Compile with the model-size optimisations: fused MLPs, "
             "factorised selector widths, folded embeddings, pruned "
             "directions (default; --optimize=false gives one MLP per op)"),
    cl::init(true), cl::cat(runCategory));
static cl::opt<std::string> compileOptionsOpt(
    "compile-options",
    cl::desc("Options of the --rasp-to-linalg pipeline for the compiled mode, "
             "e.g. \"lookup-min-elements=0 sparse-min-elements=0\" (weight "
             "forms; see rasp-opt --help)"),
    cl::value_desc("OPTIONS"), cl::cat(runCategory));
static cl::opt<bool> noCacheOpt(
    "no-cache",
    cl::desc("Compile the model even if its object code is in the "
             "compilation cache, and store nothing there (also: environment "
             "variable RASP_NO_CACHE=1; docs/runtime.md)"),
    cl::cat(runCategory));
static cl::opt<bool> timingOpt(
    "timing",
    cl::desc("Print the time of every stage (parse, each compiler pass, "
             "lowering to LLVM, JIT, run) to stderr; --mlir-timing-display "
             "and --mlir-output-format=json choose the format"),
    cl::cat(runCategory));
static cl::opt<bool> traceOpt(
    "trace",
    cl::desc("Print, per input, one JSON document with the residual stream "
             "after the embedding and every sublayer decoded per subspace, "
             "and every head's logits and attention pattern (schema "
             "rasp-run-trace/1, docs/Trace.md)"),
    cl::cat(runCategory));
static cl::opt<bool>
    traceRawOpt("trace-raw",
                cl::desc("Like --trace, with the raw vector of every subspace "
                         "at every position"),
                cl::cat(runCategory));
static cl::opt<std::string> reportOpt(
    "report",
    cl::desc("Write a self-contained HTML report of the compiled model to "
             "FILE: the program graph with its placement, the residual "
             "layout, the model size, and per input the residual stream, "
             "attention patterns and MLP activations (docs/Report.md)"),
    cl::value_desc("FILE"), cl::cat(runCategory));
static cl::opt<std::string> exportOpt(
    "export",
    cl::desc("Write the compiled transformer's weights to FILE as "
             "safetensors (TransformerLens tensor names, docs/Export.md)"),
    cl::value_desc("FILE"), cl::cat(runCategory));
static cl::opt<uint64_t> exportMaxMBOpt(
    "export-max-mb",
    cl::desc("Refuse an --export whose tensors exceed this many MB (the "
             "dense layout of large selection tables is huge)"),
    cl::init(2048), cl::value_desc("MB"), cl::cat(runCategory));
static cl::opt<bool> forceOpt("force",
                              cl::desc("Let --export overwrite an existing "
                                       "file"),
                              cl::cat(runCategory));
static cl::opt<std::string> modelStatsOpt(
    "model-stats", cl::ValueOptional,
    cl::desc("Print the compiled model's layers, heads, dimensions and "
             "parameters; =json for JSON (schema rasp-craft-model-stats/1)"),
    cl::value_desc("json"), cl::cat(runCategory));
static cl::list<std::string>
    inputOpts("input",
              cl::desc("An input sequence of whitespace-separated tokens "
                       "(repeatable); without it, stdin has one per line"),
              cl::value_desc("TOKENS"), cl::cat(runCategory));

/// Diagnostics quote user bytes (source lines, tokens): they go through a
/// stream that escapes NUL, control characters and invalid UTF-8.
static llvm::raw_ostream &errorStream() {
  static EscapingOStream stream(llvm::errs());
  return stream;
}

/// Prints a driver error that has no source location.
static void reportError(const llvm::Twine &message) {
  llvm::WithColor::error(errorStream(), "rasp-run") << message << "\n";
}

/// The driver options the command line gives: the compile parameters, the
/// program and output names, --optimize and --compile-options, the export
/// limit, the trace format and --no-cache.
static FailureOr<DriverOptions> getDriverOptions() {
  DriverOptions options;
  RunOverrides &overrides = options.parameters;
  bool listGiven = vocabOpt.getNumOccurrences();
  bool fileGiven = vocabFileOpt.getNumOccurrences();
  if (listGiven && fileGiven) {
    reportError("give the vocabulary with --vocab or --vocab-file, not both");
    return failure();
  }
  if (vocabTypeOpt.getNumOccurrences() && !listGiven && !fileGiven) {
    reportError("--vocab-type types the items of --vocab or --vocab-file; "
                "give one of them (a '# rasp:' header line has its own "
                "--vocab-type)");
    return failure();
  }
  if (listGiven || fileGiven) {
    llvm::Expected<std::vector<PyValue>> vocab =
        listGiven ? py::parseVocabList(vocabOpt, vocabTypeOpt)
                  : py::readVocabFile(vocabFileOpt, vocabTypeOpt);
    if (!vocab) {
      reportError((listGiven ? "--vocab: " : "--vocab-file: ") +
                  llvm::toString(vocab.takeError()));
      return failure();
    }
    overrides.vocab = std::move(*vocab);
  }
  if (maxSeqLenOpt.getNumOccurrences())
    overrides.maxSeqLen = maxSeqLenOpt;
  if (bosOpt.getNumOccurrences())
    overrides.bos = bosOpt;
  if (causalOpt.getNumOccurrences())
    overrides.causal = causalOpt;
  options.programName = programOpt;
  if (outputOpt.getNumOccurrences())
    options.outputName = outputOpt;
  options.tracrGraph = tracrGraphOpt;
  // --optimize=false first, so that --compile-options may turn single
  // optimisations on again.
  if (!optimizeOpt)
    options.disableOptimizations();
  if (llvm::Error error = options.parsePipelineOptions(compileOptionsOpt)) {
    reportError(llvm::toString(std::move(error)));
    return failure();
  }
  options.exportMaxBytes = std::min<uint64_t>(exportMaxMBOpt, UINT64_MAX >> 20)
                           << 20;
  options.trace.raw = traceRawOpt;
  options.runtime.cache.enabled = !noCacheOpt;
  return options;
}

/// The input sequences: the --input values, else standard input read line
/// by line (one batch at a time, so memory does not grow with the input).
class InputLines {
public:
  explicit InputLines(size_t maxLineBytes)
      : reader(llvm::sys::fs::getStdinHandle(), maxLineBytes) {}

  /// Appends up to `count` lines to `lines`. An error (a line over the
  /// limit, a read error) ends the input; the lines before it are kept.
  llvm::Error read(std::vector<std::string> &lines, size_t count) {
    for (; count > 0; --count) {
      if (!inputOpts.empty()) {
        if (nextOption == inputOpts.size())
          break;
        lines.push_back(inputOpts[nextOption++]);
        continue;
      }
      llvm::Expected<std::optional<llvm::StringRef>> line = reader.next();
      if (!line)
        return line.takeError();
      if (!*line)
        break;
      lines.push_back(line->value().str());
    }
    return llvm::Error::success();
  }

private:
  LineReader reader;
  size_t nextOption = 0;
};

/// Runs every input with `executor` and prints one JSON line per input in
/// order; an input that cannot be encoded or run gets one error naming its
/// line (`firstLine` is the number of the first) instead. Returns failure
/// if any input failed (the others still run).
static LogicalResult runInputs(Executor &executor, const TokenEncoder &encoder,
                               bool numerical,
                               llvm::ArrayRef<std::string> inputs,
                               size_t firstLine) {
  std::vector<TokenIds> encoded;
  std::vector<std::optional<std::string>> encodeErrors(inputs.size());
  for (auto [line, error] : llvm::zip(inputs, encodeErrors)) {
    llvm::Expected<llvm::SmallVector<unsigned>> ids = encoder.encode(line);
    if (ids)
      encoded.push_back(std::move(*ids));
    else
      error = llvm::toString(ids.takeError());
  }
  std::vector<RunResult> results = executor.run(encoded);

  bool allSucceeded = true;
  auto next = results.begin();
  for (auto [index, encodeError] : llvm::enumerate(encodeErrors)) {
    std::string where =
        "input line " + std::to_string(firstLine + index) + ": ";
    // Errors go to stderr in order with the output lines printed before them.
    if (encodeError) {
      llvm::outs().flush();
      reportError(where + *encodeError);
      allSucceeded = false;
      continue;
    }
    RunResult &result = *next++;
    if (!result.succeeded) {
      llvm::outs().flush();
      if (result.errorLoc)
        emitError(*result.errorLoc) << where << result.error;
      else
        reportError(where + result.error);
      allSucceeded = false;
      continue;
    }
    if (!result.document.empty())
      llvm::outs() << result.document;
    else
      printJSONSequence(llvm::outs(), result.values, numerical);
    llvm::outs() << "\n";
  }
  return success(allSucceeded);
}

/// Input lines per batch: the executors run a batch at once (the compiled
/// model splits it further to fit the memory budget); trace documents are
/// large, so fewer of them are held.
static constexpr size_t kBatchLines = 256;
static constexpr size_t kTraceBatchLines = 16;

/// Reads and runs the inputs batch by batch. Fails if any input failed or
/// the input could not be read to its end.
static LogicalResult runAllInputs(Executor &executor, const RunConfig &config,
                                  bool numerical, bool tracing) {
  TokenEncoder encoder(config);
  InputLines inputs(getMaxInputLineBytes(config));
  size_t batchLines = tracing ? kTraceBatchLines : kBatchLines;
  bool allSucceeded = true;
  size_t firstLine = 1;
  std::vector<std::string> batch;
  while (true) {
    batch.clear();
    llvm::Error readError = inputs.read(batch, batchLines);
    if (!batch.empty())
      allSucceeded &=
          succeeded(runInputs(executor, encoder, numerical, batch, firstLine));
    firstLine += batch.size();
    if (readError) {
      llvm::outs().flush();
      reportError(llvm::toString(std::move(readError)));
      return failure();
    }
    if (batch.size() < batchLines)
      return success(allSucceeded);
  }
}

/// Checks the options of --trace, --export and --model-stats.
static LogicalResult checkModelOptions(Mode mode, bool tracing) {
  if (tracing && mode != Mode::Compiled) {
    reportError("--trace traces the compiled model; it cannot be combined "
                "with --interpret or --mode=" +
                llvm::Twine(mode == Mode::Craft ? "craft" : "interpret"));
    return failure();
  }
  if (reportOpt.getNumOccurrences() && reportOpt.empty()) {
    reportError("--report needs a file name");
    return failure();
  }
  if (reportOpt.getNumOccurrences() && mode != Mode::Compiled) {
    reportError("--report shows the compiled model; it cannot be combined "
                "with --interpret or --mode=" +
                llvm::Twine(mode == Mode::Craft ? "craft" : "interpret"));
    return failure();
  }
  if (modelStatsOpt.getNumOccurrences() && modelStatsOpt != "" &&
      modelStatsOpt != "text" && modelStatsOpt != "json") {
    reportError("--model-stats takes 'text' or 'json', not '" + modelStatsOpt +
                "'");
    return failure();
  }
  if (exportOpt.getNumOccurrences() && exportOpt.empty()) {
    reportError("--export needs a file name");
    return failure();
  }
  return success();
}

/// The executor of `mode`.
static FailureOr<std::unique_ptr<Executor>>
createExecutor(Mode mode, const LoadedProgram &program,
               const DriverOptions &options, TimingScope &timing) {
  switch (mode) {
  case Mode::Interpret:
    return createInterpreterExecutor(program);
  case Mode::Craft:
    return createCraftExecutor(program, options);
  case Mode::Compiled:
    break;
  }
  FailureOr<std::unique_ptr<CompiledProgram>> compiled =
      CompiledProgram::compile(program, options, &timing);
  if (failed(compiled))
    return failure();
  return std::unique_ptr<Executor>(std::move(*compiled));
}

/// --export and --model-stats on the compiled craft.model. Fails after
/// reporting an error; nothing is written then.
static LogicalResult inspectModel(craft::ModelOp model,
                                  const DriverOptions &options) {
  if (exportOpt.getNumOccurrences()) {
    FailureOr<safetensors::File> weights = buildSafetensors(model, options);
    if (failed(weights))
      return failure();
    if (llvm::Error error =
            writeSafetensorsFile(*weights, exportOpt, forceOpt)) {
      reportError(llvm::toString(std::move(error)));
      return failure();
    }
  }
  if (modelStatsOpt.getNumOccurrences()) {
    craft::ModelStats stats = craft::computeModelStats(model);
    if (modelStatsOpt == "json")
      craft::printModelStatsJSON({stats}, llvm::outs());
    else
      craft::printModelStats(stats, llvm::outs());
  }
  return success();
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  registerDefaultTimingManagerCLOptions();
  registerMemoryBudgetCLOptions();
  cl::getRegisteredOptions()["memory-budget"]->addCategory(runCategory);
  cl::HideUnrelatedOptions(runCategory);
  cl::ParseCommandLineOptions(
      argc, argv,
      "rasp-run: run a RASP program on input sequences, one JSON array of "
      "outputs per input\n");

  if (llvm::Error error = applyMemoryBudgetCLOptions()) {
    reportError(llvm::toString(std::move(error)));
    return 1;
  }
  FailureOr<DriverOptions> options = getDriverOptions();
  if (failed(options))
    return 1;
  Mode mode = interpretOpt ? Mode::Interpret : modeOpt.getValue();
  bool tracing = traceOpt || traceRawOpt;
  if (failed(checkModelOptions(mode, tracing)))
    return 1;
  bool inspecting =
      exportOpt.getNumOccurrences() || modelStatsOpt.getNumOccurrences();
  bool reporting = reportOpt.getNumOccurrences() > 0;

  // The report is printed when the manager goes out of scope, after `root`.
  DefaultTimingManager timingManager;
  applyDefaultTimingManagerCLOptions(timingManager);
  if (timingOpt) {
    timingManager.setEnabled(true);
    timingManager.setDisplayMode(DefaultTimingManager::DisplayMode::Tree);
  }
  TimingScope root = timingManager.getRootScope();
  TimingScope parseTimer = root.nest("parse");

  // A bounded read: `rasp-run /dev/zero` is an error, not a runaway.
  llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>> file =
      readFileWithLimit(programFile, kMaxProgramFileBytes);
  if (!file) {
    reportError(llvm::toString(file.takeError()));
    return 1;
  }

  DialectRegistry registry;
  registerDialects(registry);
  MLIRContext context(registry);
  context.loadAllAvailableDialects();
  // Diagnostics point at the source; a dump of the op in generic form after
  // a compile error does not help the user.
  context.printOpOnDiagnostic(false);
  llvm::SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(std::move(*file), llvm::SMLoc());
  SourceMgrDiagnosticHandler diagnostics(sourceMgr, &context, errorStream());

  FailureOr<LoadedProgram> program = loadProgram(sourceMgr, &context, *options);
  if (failed(program))
    return 1;
  parseTimer.stop();

  // The compiled craft.model, for the export, the statistics and the trace.
  std::optional<CraftModel> craftModel;
  if (inspecting || tracing || reporting) {
    FailureOr<CraftModel> compiled =
        compileToCraftModel(*program, *options, &root);
    if (failed(compiled))
      return 1;
    craftModel = std::move(*compiled);
  }
  if (inspecting) {
    if (failed(inspectModel(craftModel->model, *options)))
      return 1;
    // Given alone, they do not read inputs.
    if (inputOpts.empty() && !tracing && !reporting) {
      llvm::outs().flush(); // before the timing report
      return 0;
    }
  }

  ReportExecutor *reporter = nullptr;
  FailureOr<std::unique_ptr<Executor>> executor = failure();
  if (reporting) {
    report::ReportConfig reportConfig;
    // The program file and the files it loads, as locations name them.
    for (unsigned id = 1; id <= sourceMgr.getNumBuffers(); ++id) {
      const llvm::MemoryBuffer *buffer = sourceMgr.getMemoryBuffer(id);
      reportConfig.sources.push_back(
          {buffer->getBufferIdentifier().str(), buffer->getBuffer().str()});
    }
    reportConfig.bos = program->config.bos;
    reportConfig.causal = program->config.causal;
    reportConfig.optimize = optimizeOpt;
    reportConfig.compileOptions = compileOptionsOpt;
    FailureOr<std::unique_ptr<ReportExecutor>> created =
        createReportExecutor(*program, std::move(*craftModel), *options,
                             reportConfig, &root, /*traceDocuments=*/tracing);
    if (succeeded(created)) {
      reporter = created->get();
      executor = std::unique_ptr<Executor>(std::move(*created));
    }
  } else {
    executor = tracing ? createTraceExecutor(*program, std::move(*craftModel),
                                             *options, &root)
                       : createExecutor(mode, *program, *options, root);
  }
  if (failed(executor))
    return 1;

  bool numerical = cast<SOpType>(program->output.getType()).isNumerical();
  TimingScope runTimer = root.nest("run");
  LogicalResult ran =
      runAllInputs(**executor, program->config, numerical, tracing);
  if (reporter) {
    if (llvm::Error error = reporter->writeReport(reportOpt)) {
      reportError("--report: " + llvm::toString(std::move(error)));
      return 1;
    }
  }
  // The timing report (stderr) follows every output line.
  llvm::outs().flush();
  return failed(ran) ? 1 : 0;
}
