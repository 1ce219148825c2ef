//===- TraceExecutor.cpp - rasp-run --trace -------------------------------===//
//
// Runs every input through the traced variant of the compiled model (the
// model function built with `trace`, JIT-compiled like the plain one) and
// prints what it recorded as a trace document: what is traced is what runs.
// Token ids are vocabulary indices with BOS id V at position 0, as in the
// compiled program.
//
//===----------------------------------------------------------------------===//

#include "RaspDialect/Dialect/Craft/Analysis/Assembly.h"
#include "RaspDialect/Driver/Executor.h"

using namespace mlir;
using namespace mlir::rasp;
using namespace mlir::rasp::driver;

namespace {
class TraceExecutor : public Executor {
public:
  TraceExecutor(std::unique_ptr<CompiledProgram> compiled, CraftModel model,
                craft::AssembledModel assembled, trace::TraceLayout layout,
                const trace::TraceOptions &traceOptions)
      : compiled(std::move(compiled)), model(std::move(model)),
        assembled(std::move(assembled)), layout(std::move(layout)),
        traceOptions(traceOptions) {}

  std::vector<RunResult> run(llvm::ArrayRef<TokenIds> inputs) override;

private:
  std::unique_ptr<CompiledProgram> compiled;
  CraftModel model;
  craft::AssembledModel assembled;
  trace::TraceLayout layout;
  trace::TraceOptions traceOptions;
};
} // namespace

std::vector<RunResult> TraceExecutor::run(llvm::ArrayRef<TokenIds> inputs) {
  std::vector<trace::ForwardResult> recordings;
  std::vector<RunResult> results = compiled->runTraced(inputs, recordings);
  const RunConfig &config = compiled->getConfig();
  for (auto [ids, result, recording] : llvm::zip(inputs, results, recordings)) {
    if (!result.succeeded)
      continue;
    trace::TraceInput input;
    input.bos = config.bos;
    for (unsigned id : ids)
      input.tokens.push_back(printedForm(config.vocab[id]));
    result.document = trace::printTraceDocument(assembled, layout, input,
                                                recording, traceOptions);
  }
  return results;
}

FailureOr<craft::AssembledModel>
mlir::rasp::driver::assembleTracedModel(const CraftModel &model,
                                        const RunConfig &config) {
  FailureOr<craft::AssembledModel> assembled =
      craft::assembleModel(model.model);
  if (failed(assembled))
    return failure();
  // Ids are indices into the vocabulary: the model must list it in order.
  const craft::EmbeddingTables &e = assembled->embedding;
  bool sameVocab = e.vocab.size() == config.vocab.size();
  for (size_t i = 0; sameVocab && i < e.vocab.size(); ++i) {
    FailureOr<PyValue> item = fromAttr(e.vocab[i]);
    sameVocab = succeeded(item) && item->identical(config.vocab[i]);
  }
  if (!sameVocab)
    return craft::ModelOp(model.model)
        .emitError("the model's token ids do not match the vocabulary");
  return assembled;
}

FailureOr<std::unique_ptr<CompiledProgram>>
mlir::rasp::driver::compileTraced(const LoadedProgram &program,
                                  const DriverOptions &options,
                                  TimingScope *timing) {
  DriverOptions traced = options;
  traced.pipeline.trace = true;
  return CompiledProgram::compile(program, traced, timing);
}

FailureOr<TracedProgram> mlir::rasp::driver::prepareTrace(
    const LoadedProgram &program, const CraftModel &model,
    const DriverOptions &options, TimingScope *timing) {
  FailureOr<craft::AssembledModel> assembled =
      assembleTracedModel(model, program.config);
  if (failed(assembled))
    return failure();
  FailureOr<trace::TraceLayout> layout = trace::TraceLayout::get(model.model);
  if (failed(layout))
    return failure();
  FailureOr<std::unique_ptr<CompiledProgram>> compiled =
      compileTraced(program, options, timing);
  if (failed(compiled))
    return failure();
  return TracedProgram{std::move(*compiled), std::move(*assembled),
                       std::move(*layout)};
}

FailureOr<std::unique_ptr<Executor>> mlir::rasp::driver::createTraceExecutor(
    const LoadedProgram &program, CraftModel model,
    const DriverOptions &options, TimingScope *timing) {
  FailureOr<TracedProgram> traced =
      prepareTrace(program, model, options, timing);
  if (failed(traced))
    return failure();
  return std::unique_ptr<Executor>(new TraceExecutor(
      std::move(traced->compiled), std::move(model),
      std::move(traced->assembled), std::move(traced->layout), options.trace));
}
