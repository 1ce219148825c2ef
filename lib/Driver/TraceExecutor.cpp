//===- TraceExecutor.cpp - The traced forward pass ------------------------===//
//
// Runs each input through the recorded float32 forward pass of the model the
// compiled program JIT-compiles (same craft.model, same assembly, same math)
// and keeps its trace document (rasp-run --trace). Token ids are vocabulary
// indices with BOS id V at position 0, as in the compiled program.
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
  TraceExecutor(CraftModel model, craft::AssembledModel assembled,
                trace::TraceLayout layout, const RunConfig &config,
                const trace::ForwardOptions &forwardOptions,
                const trace::TraceOptions &traceOptions)
      : model(std::move(model)), assembled(std::move(assembled)),
        layout(std::move(layout)), config(config),
        forwardOptions(forwardOptions), traceOptions(traceOptions) {}

  std::vector<RunResult> run(llvm::ArrayRef<TokenIds> inputs) override;

private:
  CraftModel model;
  craft::AssembledModel assembled;
  trace::TraceLayout layout;
  RunConfig config;
  trace::ForwardOptions forwardOptions;
  trace::TraceOptions traceOptions;
};
} // namespace

std::vector<RunResult> TraceExecutor::run(llvm::ArrayRef<TokenIds> inputs) {
  std::vector<RunResult> results(inputs.size());
  for (auto [ids, result] : llvm::zip(inputs, results)) {
    result.error = checkTokenIds(ids, config);
    if (!result.error.empty())
      continue;
    std::vector<int64_t> withBos = {assembled.embedding.getBosId()};
    trace::TraceInput input;
    input.bos = config.bos;
    for (unsigned id : ids) {
      withBos.push_back(id);
      input.tokens.push_back(printedForm(config.vocab[id]));
    }
    llvm::Expected<trace::ForwardResult> forward =
        trace::runForward(assembled, withBos, forwardOptions, /*record=*/true);
    if (!forward) {
      result.error = llvm::toString(forward.takeError());
      continue;
    }
    result.values = trace::decodeOutput(assembled, *forward);
    result.document = trace::printTraceDocument(assembled, layout, input,
                                                *forward, traceOptions);
    result.succeeded = true;
  }
  return results;
}

FailureOr<std::unique_ptr<Executor>> mlir::rasp::driver::createTraceExecutor(
    CraftModel model, const RunConfig &config, const DriverOptions &options) {
  FailureOr<craft::AssembledModel> assembled =
      craft::assembleModel(model.model);
  if (failed(assembled))
    return failure();
  FailureOr<trace::TraceLayout> layout = trace::TraceLayout::get(model.model);
  if (failed(layout))
    return failure();
  // Ids are indices into the vocabulary: the model must list it in order.
  const craft::EmbeddingTables &e = assembled->embedding;
  bool sameVocab = e.vocab.size() == config.vocab.size();
  for (size_t i = 0; sameVocab && i < e.vocab.size(); ++i) {
    FailureOr<PyValue> item = fromAttr(e.vocab[i]);
    sameVocab = succeeded(item) && item->identical(config.vocab[i]);
  }
  if (!sameVocab)
    return model.model.emitError(
        "the model's token ids do not match the vocabulary");
  // The arithmetic of the compiled program's weight forms.
  trace::ForwardOptions forwardOptions;
  forwardOptions.lookupMinElements = options.pipeline.lookupMinElements;
  return std::unique_ptr<Executor>(new TraceExecutor(
      std::move(model), std::move(*assembled), std::move(*layout), config,
      forwardOptions, options.trace));
}
