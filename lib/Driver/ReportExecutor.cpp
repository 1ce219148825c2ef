//===- ReportExecutor.cpp - rasp-run --report -----------------------------===//
//
// Token ids are vocabulary indices with BOS id V at position 0, as in the
// compiled mode and --trace. The report describes the extracted program (the
// ops the output depends on, with the compile parameters as attributes): the
// program the compiled model was built from, which the interpreter runs too.
//
//===----------------------------------------------------------------------===//

#include "RaspDialect/Driver/ReportExecutor.h"
#include "RaspDialect/Driver/Executor.h"

#include "RaspDialect/Dialect/Craft/Analysis/ModelStats.h"
#include "RaspDialect/Interpreter/Interpreter.h"

#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace mlir::rasp;
using namespace mlir::rasp::driver;

ReportExecutor::~ReportExecutor() = default;

namespace {
class ReportExecutorImpl : public ReportExecutor {
public:
  ReportExecutorImpl(OwningOpRef<ModuleOp> extracted, ProgramOp program,
                     Interpreter interpreter, CraftModel model,
                     std::unique_ptr<craft::AssembledModel> assembled,
                     trace::TraceLayout layout,
                     std::unique_ptr<CompiledProgram> compiled,
                     std::optional<trace::TraceOptions> traceOptions)
      : extracted(std::move(extracted)), program(program),
        interpreter(std::move(interpreter)), model(std::move(model)),
        assembled(std::move(assembled)), layout(std::move(layout)),
        compiled(std::move(compiled)), traceOptions(traceOptions) {}

  LogicalResult init(const report::ReportConfig &reportConfig,
                     std::optional<craft::ModelStats> baseline) {
    FailureOr<report::ReportBuilder> b = report::ReportBuilder::create(
        program, model.model, *assembled, reportConfig, std::move(baseline));
    if (failed(b))
      return failure();
    builder.emplace(std::move(*b));
    return success();
  }

  std::vector<RunResult> run(llvm::ArrayRef<TokenIds> inputs) override;
  llvm::Error writeReport(llvm::StringRef path) override;

private:
  OwningOpRef<ModuleOp> extracted;
  ProgramOp program;
  Interpreter interpreter;
  CraftModel model;
  std::unique_ptr<craft::AssembledModel> assembled;
  trace::TraceLayout layout;
  /// The traced variant of the compiled model: where the numbers come from.
  std::unique_ptr<CompiledProgram> compiled;
  std::optional<trace::TraceOptions> traceOptions;
  std::optional<report::ReportBuilder> builder;
};
} // namespace

std::vector<RunResult>
ReportExecutorImpl::run(llvm::ArrayRef<TokenIds> inputs) {
  std::vector<trace::ForwardResult> recordings;
  std::vector<RunResult> results = compiled->runTraced(inputs, recordings);
  const RunConfig &config = compiled->getConfig();
  for (auto [ids, result, recording] : llvm::zip(inputs, results, recordings)) {
    if (!result.succeeded)
      continue;
    report::ReportInput input;
    std::vector<PyValue> tokens;
    for (unsigned id : ids) {
      tokens.push_back(config.vocab[id]);
      input.tokens.push_back(printedForm(config.vocab[id]));
    }
    input.trace.hidden = std::move(recording.hidden);
    input.trace.forward = std::move(recording);
    InterpretError error{program.getLoc(), ""};
    FailureOr<Trace> expected =
        interpreter.trace(tokens, config.causal, &error);
    if (succeeded(expected))
      input.expected = std::move(*expected);
    else
      input.interpreterError = error.message;
    if (traceOptions) {
      trace::TraceInput traceInput{input.tokens, config.bos};
      result.document = trace::printTraceDocument(
          *assembled, layout, traceInput, input.trace.forward, *traceOptions);
    }
    builder->addInput(input);
  }
  return results;
}

llvm::Error ReportExecutorImpl::writeReport(llvm::StringRef path) {
  std::string json = builder->getJSON();
  std::string title = "rasp report: " + assembled->name;
  return llvm::writeToOutput(path, [&](llvm::raw_ostream &os) {
    report::writeReportHTML(json, title, os);
    return llvm::Error::success();
  });
}

/// Whether `options` turn every model-size optimisation off.
static bool isUnoptimized(const DriverOptions &options) {
  const RASPToLinalgOptions &p = options.pipeline;
  return !p.fuseMLPs && !p.factorSelectors && !p.foldEmbeddings &&
         !p.pruneDirections;
}

FailureOr<std::unique_ptr<ReportExecutor>>
mlir::rasp::driver::createReportExecutor(
    const LoadedProgram &program, CraftModel model,
    const DriverOptions &options, const report::ReportConfig &reportConfig,
    TimingScope *timing, bool traceDocuments) {
  // The model-size statistics of the same program without the model-size
  // optimisations.
  std::optional<craft::ModelStats> baseline;
  if (!isUnoptimized(options)) {
    DriverOptions unoptimised = options;
    unoptimised.disableOptimizations();
    std::optional<TimingScope> scope;
    if (timing)
      scope.emplace(timing->nest("compile the unoptimised baseline"));
    FailureOr<CraftModel> compiled =
        compileToCraftModel(program, unoptimised, scope ? &*scope : nullptr);
    if (failed(compiled))
      return failure();
    baseline = craft::computeModelStats(compiled->model);
  }

  OwningOpRef<ModuleOp> extracted = extractProgram(program);
  ProgramOp copy = *extracted->getOps<ProgramOp>().begin();
  FailureOr<Interpreter> interpreter = Interpreter::get(copy);
  if (failed(interpreter))
    return failure();
  FailureOr<TracedProgram> traced =
      prepareTrace(program, model, options, timing);
  if (failed(traced))
    return failure();
  auto executor = std::make_unique<ReportExecutorImpl>(
      std::move(extracted), copy, std::move(*interpreter), std::move(model),
      std::make_unique<craft::AssembledModel>(std::move(traced->assembled)),
      std::move(traced->layout), std::move(traced->compiled),
      traceDocuments ? std::optional<trace::TraceOptions>(options.trace)
                     : std::nullopt);
  if (failed(executor->init(reportConfig, std::move(baseline))))
    return failure();
  return std::unique_ptr<ReportExecutor>(std::move(executor));
}
