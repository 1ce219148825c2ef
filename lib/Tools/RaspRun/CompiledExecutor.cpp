//===- CompiledExecutor.cpp - rasp-run's compiled mode --------------------===//
//
// Compiles the program to tensor IR (--rasp-to-linalg), JIT-compiles it with
// the runtime once, and runs every input in one padded batch: ids are the
// vocabulary indices, BOS is id V at position 0, rows are padded with BOS and
// masked by their lengths. The output subspace is decoded with the readout
// attributes the conversion puts on the function.
//
//===----------------------------------------------------------------------===//

#include "RaspDialect/Conversion/CraftToLinalg/CraftToLinalg.h"
#include "RaspDialect/Dialect/Craft/Evaluator/Evaluator.h"
#include "RaspDialect/Runtime/Runtime.h"
#include "RaspDialect/Tools/RaspRun/CompileProgram.h"
#include "RaspDialect/Tools/RaspRun/Executor.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

using namespace mlir;
using namespace mlir::rasp;

runtime::CompileOptions mlir::rasp::getCompiledModeOptions() {
  runtime::CompileOptions options;
  // Compiled models have many tiny weights (one-hot lookups, BOS blocks);
  // kernels only for weights of at least this many elements keep the JIT
  // time of small programs low (docs/CraftToLinalg.md, measurements).
  options.vectorizeMinWeightElements = 1024;
  return options;
}

namespace {
class CompiledExecutor : public Executor {
public:
  CompiledExecutor(OwningOpRef<ModuleOp> module,
                   std::unique_ptr<runtime::CompiledModel> model,
                   std::vector<PyValue> outputValues, bool categorical)
      : module(std::move(module)), model(std::move(model)),
        outputValues(std::move(outputValues)), categorical(categorical) {}

  std::vector<RunResult> run(llvm::ArrayRef<TokenIds> inputs) override;

private:
  /// The tensor IR; the compiled code reads its weights in place.
  OwningOpRef<ModuleOp> module;
  std::unique_ptr<runtime::CompiledModel> model;
  std::vector<PyValue> outputValues;
  bool categorical;
};
} // namespace

std::vector<RunResult> CompiledExecutor::run(llvm::ArrayRef<TokenIds> inputs) {
  std::vector<RunResult> results(inputs.size());
  if (inputs.empty())
    return results;
  int64_t batch = static_cast<int64_t>(inputs.size());
  int64_t positions = 1;
  for (const TokenIds &ids : inputs)
    positions = std::max<int64_t>(positions, ids.size() + 1);
  int32_t bos = static_cast<int32_t>(model->getNumTokenIds() - 1);
  std::vector<int32_t> tokens(batch * positions, bos), lengths(batch);
  for (auto [b, ids] : llvm::enumerate(inputs)) {
    for (auto [p, id] : llvm::enumerate(ids))
      tokens[b * positions + p + 1] = static_cast<int32_t>(id);
    lengths[b] = static_cast<int32_t>(ids.size() + 1);
  }
  int64_t width = model->getOutputWidth();
  std::vector<float> output(batch * positions * width);
  runtime::TokenBatch tokenBatch{batch, positions, tokens, lengths};
  if (llvm::Error error = model->run(tokenBatch, output)) {
    std::string message = llvm::toString(std::move(error));
    for (RunResult &result : results)
      result.error = message;
    return results;
  }
  for (auto [b, result] : llvm::enumerate(results)) {
    for (int64_t p = 1; p < lengths[b]; ++p) {
      const float *vector = &output[(b * positions + p) * width];
      if (!categorical) {
        result.values.push_back(float32Value(vector[0]));
        continue;
      }
      int64_t index = craft::decodeCategoricalIndex(vector, width);
      result.values.push_back(index < 0 ? PyValue::none()
                                        : outputValues[index]);
    }
    result.succeeded = true;
  }
  return results;
}

FailureOr<std::unique_ptr<Executor>>
mlir::rasp::createCompiledExecutor(ProgramOp program, Value output,
                                   const RunConfig &config, TimingScope &timing,
                                   StringRef pipelineOptions) {
  OwningOpRef<ModuleOp> module = extractProgram(program, output, config);
  {
    TimingScope scope = timing.nest("compile to tensor IR");
    if (failed(compileToTensorIR(*module, scope, pipelineOptions,
                                 config.optimize)))
      return failure();
  }
  auto funcs = module->getOps<func::FuncOp>();
  if (funcs.empty())
    return emitError(program.getLoc(), "compilation produced no function");
  func::FuncOp func = *funcs.begin();

  // The readout the conversion recorded on the function.
  auto encoding = func->getAttrOfType<StringAttr>(kOutputEncodingAttr);
  bool categorical = encoding && encoding.getValue() == "categorical";
  std::vector<PyValue> outputValues;
  if (categorical) {
    auto values = func->getAttrOfType<ArrayAttr>(kOutputValuesAttr);
    if (!values)
      return func.emitError("the model function has no output values");
    for (Attribute attr : values) {
      FailureOr<PyValue> value = fromAttr(attr);
      if (failed(value))
        return func.emitError("cannot read the output value ") << attr;
      outputValues.push_back(*value);
    }
  }
  auto numTokenIds =
      func->getAttrOfType<IntegerAttr>(runtime::kNumTokenIdsAttr);
  if (!numTokenIds ||
      numTokenIds.getInt() != static_cast<int64_t>(config.vocab.size()) + 1)
    return func.emitError("the model's token ids do not match the vocabulary");

  runtime::CompileOptions options = getCompiledModeOptions();
  options.cache.enabled = config.useCache;
  FailureOr<std::unique_ptr<runtime::CompiledModel>> model =
      runtime::CompiledModel::compile(*module, options, /*stats=*/nullptr,
                                      &timing);
  if (failed(model))
    return failure();
  return std::unique_ptr<Executor>(
      new CompiledExecutor(std::move(module), std::move(*model),
                           std::move(outputValues), categorical));
}
