//===- ReportExecutor.cpp - rasp-run --report -----------------------------===//
//
// Token ids are vocabulary indices with BOS id V at position 0, as in the
// compiled mode and --trace. The report describes the extracted program (the
// ops the output depends on, with the compile parameters as attributes): the
// program the compiled model was built from, which the interpreter runs too.
//
//===----------------------------------------------------------------------===//

#include "RaspDialect/Tools/RaspRun/ReportTool.h"

#include "RaspDialect/Dialect/Craft/Analysis/ModelStats.h"
#include "RaspDialect/Tools/RaspRun/CompileProgram.h"

#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace mlir::rasp;

ReportExecutor::~ReportExecutor() = default;

namespace {
class ReportExecutorImpl : public ReportExecutor {
public:
  ReportExecutorImpl(OwningOpRef<ModuleOp> extracted, ProgramOp program,
                     Interpreter interpreter, CraftModelModule model,
                     std::unique_ptr<craft::AssembledModel> assembled,
                     trace::TraceLayout layout, const RunConfig &config,
                     const trace::ForwardOptions &forwardOptions,
                     std::optional<trace::TraceOptions> traceOptions)
      : extracted(std::move(extracted)), program(program),
        interpreter(std::move(interpreter)), model(std::move(model)),
        assembled(std::move(assembled)), layout(std::move(layout)),
        config(config), forwardOptions(forwardOptions),
        traceOptions(traceOptions) {}

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
  CraftModelModule model;
  std::unique_ptr<craft::AssembledModel> assembled;
  trace::TraceLayout layout;
  RunConfig config;
  trace::ForwardOptions forwardOptions;
  std::optional<trace::TraceOptions> traceOptions;
  std::optional<report::ReportBuilder> builder;
};
} // namespace

std::vector<RunResult>
ReportExecutorImpl::run(llvm::ArrayRef<TokenIds> inputs) {
  std::vector<RunResult> results(inputs.size());
  for (auto [ids, result] : llvm::zip(inputs, results)) {
    std::vector<int64_t> withBos = {assembled->embedding.getBosId()};
    report::ReportInput input;
    std::vector<PyValue> tokens;
    for (unsigned id : ids) {
      withBos.push_back(id);
      tokens.push_back(config.vocab[id]);
      input.tokens.push_back(printedForm(config.vocab[id]));
    }
    llvm::Expected<report::ReportTrace> traced =
        report::traceInput(*assembled, withBos, forwardOptions);
    if (!traced) {
      result.error = llvm::toString(traced.takeError());
      continue;
    }
    input.trace = std::move(*traced);
    InterpretError error{program.getLoc(), ""};
    FailureOr<Trace> expected =
        interpreter.trace(tokens, config.causal, &error);
    if (succeeded(expected))
      input.expected = std::move(*expected);
    else
      input.interpreterError = error.message;
    result.values = trace::decodeOutput(*assembled, input.trace.forward);
    if (traceOptions) {
      trace::TraceInput traceInput{input.tokens, config.bos};
      result.document = trace::printTraceDocument(
          *assembled, layout, traceInput, input.trace.forward, *traceOptions);
    }
    result.succeeded = true;
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

FailureOr<std::unique_ptr<ReportExecutor>> mlir::rasp::createReportExecutor(
    ProgramOp program, Value output, const RunConfig &config,
    CraftModelModule model, llvm::StringRef pipelineOptions,
    const report::ReportConfig &reportConfig, TimingScope &timing,
    std::optional<trace::TraceOptions> traceOptions) {
  FailureOr<trace::ForwardOptions> forwardOptions =
      getForwardOptions(pipelineOptions, program.getLoc());
  if (failed(forwardOptions))
    return failure();
  // The model-size statistics of the same program without the model-size
  // optimisations.
  std::optional<craft::ModelStats> baseline;
  if (config.optimize) {
    RunConfig unoptimised = config;
    unoptimised.optimize = false;
    TimingScope scope = timing.nest("compile the unoptimised baseline");
    FailureOr<CraftModelModule> compiled =
        compileToCraftModel(program, output, unoptimised, scope);
    if (failed(compiled))
      return failure();
    baseline = craft::computeModelStats(compiled->model);
  }

  OwningOpRef<ModuleOp> extracted = extractProgram(program, output, config);
  ProgramOp copy = *extracted->getOps<ProgramOp>().begin();
  FailureOr<Interpreter> interpreter = Interpreter::get(copy);
  if (failed(interpreter))
    return failure();
  FailureOr<craft::AssembledModel> assembled =
      craft::assembleModel(model.model);
  if (failed(assembled))
    return failure();
  // Ids are indices into the vocabulary: the model must list it in order.
  const llvm::SmallVector<Attribute> &vocab = assembled->embedding.vocab;
  bool sameVocab = vocab.size() == config.vocab.size();
  for (size_t i = 0; sameVocab && i < vocab.size(); ++i) {
    FailureOr<PyValue> item = fromAttr(vocab[i]);
    sameVocab = succeeded(item) && item->identical(config.vocab[i]);
  }
  if (!sameVocab)
    return model.model.emitError(
        "the model's token ids do not match the vocabulary");
  FailureOr<trace::TraceLayout> layout = trace::TraceLayout::get(model.model);
  if (failed(layout))
    return failure();
  auto executor = std::make_unique<ReportExecutorImpl>(
      std::move(extracted), copy, std::move(*interpreter), std::move(model),
      std::make_unique<craft::AssembledModel>(std::move(*assembled)),
      std::move(*layout), config, *forwardOptions, traceOptions);
  if (failed(executor->init(reportConfig, std::move(baseline))))
    return failure();
  return std::unique_ptr<ReportExecutor>(std::move(executor));
}
