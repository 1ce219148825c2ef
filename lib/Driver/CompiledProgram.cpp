//===- CompiledProgram.cpp - The JIT-compiled program ---------------------===//
//
// Compiles the program to tensor IR (--rasp-to-linalg), JIT-compiles it with
// the runtime once, and runs every input in one padded batch: ids are the
// vocabulary indices, BOS is id V at position 0, rows are padded with BOS and
// masked by their lengths. The output subspace is decoded with the readout
// attributes the conversion puts on the function (CallingConvention.h).
//
//===----------------------------------------------------------------------===//

#include "RaspDialect/Dialect/Craft/Evaluator/Evaluator.h"
#include "RaspDialect/Driver/Executor.h"
#include "RaspDialect/Support/CallingConvention.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

using namespace mlir;
using namespace mlir::rasp;
using namespace mlir::rasp::driver;

CompiledProgram::~CompiledProgram() = default;

int64_t CompiledProgram::getOutputWidth() const {
  return model->getOutputWidth();
}

std::vector<RunResult>
CompiledProgram::run(llvm::ArrayRef<TokenIds> inputs,
                     std::vector<std::vector<float>> *vectors) const {
  std::vector<RunResult> results(inputs.size());
  if (vectors)
    vectors->assign(inputs.size(), {});
  // Invalid inputs get their error; the others run as one batch.
  std::vector<size_t> valid;
  for (auto [index, ids] : llvm::enumerate(inputs)) {
    results[index].error = checkTokenIds(ids, config);
    if (results[index].error.empty())
      valid.push_back(index);
  }
  if (valid.empty())
    return results;
  int64_t batch = static_cast<int64_t>(valid.size());
  int64_t positions = 1;
  for (size_t index : valid)
    positions = std::max<int64_t>(positions, inputs[index].size() + 1);
  int32_t bos = static_cast<int32_t>(model->getNumTokenIds() - 1);
  std::vector<int32_t> tokens(batch * positions, bos), lengths(batch);
  for (auto [b, index] : llvm::enumerate(valid)) {
    for (auto [p, id] : llvm::enumerate(inputs[index]))
      tokens[b * positions + p + 1] = static_cast<int32_t>(id);
    lengths[b] = static_cast<int32_t>(inputs[index].size() + 1);
  }
  int64_t width = model->getOutputWidth();
  std::vector<float> output(batch * positions * width);
  runtime::TokenBatch tokenBatch{batch, positions, tokens, lengths};
  if (llvm::Error error = model->run(tokenBatch, output)) {
    std::string message = llvm::toString(std::move(error));
    for (size_t index : valid)
      results[index].error = message;
    return results;
  }
  for (auto [b, index] : llvm::enumerate(valid)) {
    RunResult &result = results[index];
    const float *row = &output[b * positions * width];
    if (vectors)
      (*vectors)[index].assign(row + width, row + lengths[b] * width);
    for (int64_t p = 1; p < lengths[b]; ++p) {
      const float *vector = row + p * width;
      if (!categorical) {
        result.values.push_back(float32Value(vector[0]));
        continue;
      }
      int64_t value = craft::decodeCategoricalIndex(vector, width);
      result.values.push_back(value < 0 ? PyValue::none()
                                        : outputValues[value]);
    }
    result.succeeded = true;
  }
  return results;
}

FailureOr<std::unique_ptr<CompiledProgram>>
CompiledProgram::compile(const LoadedProgram &program,
                         const DriverOptions &options, TimingScope *timing) {
  FailureOr<OwningOpRef<ModuleOp>> module =
      loadOrCompileTensorIR(program, options, timing);
  if (failed(module))
    return failure();
  func::FuncOp func = getModelFunction(**module);

  std::unique_ptr<CompiledProgram> compiled(new CompiledProgram());
  compiled->config = program.config;
  // The readout the conversion recorded on the function.
  auto encoding = func->getAttrOfType<StringAttr>(kOutputEncodingAttr);
  compiled->categorical = encoding && encoding.getValue() == "categorical";
  if (compiled->categorical) {
    auto values = func->getAttrOfType<ArrayAttr>(kOutputValuesAttr);
    if (!values)
      return func.emitError("the model function has no output values");
    for (Attribute attr : values) {
      FailureOr<PyValue> value = fromAttr(attr);
      if (failed(value))
        return func.emitError("cannot read the output value ") << attr;
      compiled->outputValues.push_back(*value);
    }
  }
  auto numTokenIds = func->getAttrOfType<IntegerAttr>(kNumTokenIdsAttr);
  if (!numTokenIds || numTokenIds.getInt() !=
                          static_cast<int64_t>(program.config.vocab.size()) + 1)
    return func.emitError("the model's token ids do not match the vocabulary");

  FailureOr<std::unique_ptr<runtime::CompiledModel>> model =
      runtime::CompiledModel::compile(**module, options.runtime,
                                      &compiled->stats, timing);
  if (failed(model))
    return failure();
  compiled->module = std::move(*module);
  compiled->model = std::move(*model);
  return compiled;
}
