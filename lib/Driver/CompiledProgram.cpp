//===- CompiledProgram.cpp - The JIT-compiled program ---------------------===//
//
// Compiles the program to tensor IR (--rasp-to-linalg), JIT-compiles it with
// the runtime once, and runs the inputs in padded batches that fit the
// memory budget (at most 256 rows each): ids are the
// vocabulary indices, BOS is id V at position 0, rows are padded with BOS and
// masked by their lengths. The output subspace is decoded with the readout
// attributes the conversion puts on the function (CallingConvention.h).
//
//===----------------------------------------------------------------------===//

#include "RaspDialect/Dialect/Craft/Evaluator/Evaluator.h"
#include "RaspDialect/Driver/Executor.h"
#include "RaspDialect/Runtime/MemoryEstimate.h"
#include "RaspDialect/Support/CallingConvention.h"
#include "RaspDialect/Support/MemoryBudget.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

using namespace mlir;
using namespace mlir::rasp;
using namespace mlir::rasp::driver;

CompiledProgram::~CompiledProgram() = default;

int64_t CompiledProgram::getOutputWidth() const {
  return model->getOutputWidth();
}

/// Rows per run of the model at most: memory stays flat however many inputs
/// a caller passes (the threads of the runtime split a run further).
static constexpr int64_t kMaxRowsPerRun = 256;

uint64_t CompiledProgram::estimateRunBytes(int64_t rows,
                                           int64_t positions) const {
  return activations.evaluate(rows, positions);
}

void CompiledProgram::runChunk(llvm::ArrayRef<TokenIds> inputs,
                               llvm::ArrayRef<size_t> chunk,
                               std::vector<RunResult> &results,
                               std::vector<std::vector<float>> *vectors) const {
  int64_t batch = static_cast<int64_t>(chunk.size());
  int64_t positions = 1;
  for (size_t index : chunk)
    positions = std::max<int64_t>(positions, inputs[index].size() + 1);
  int32_t bos = static_cast<int32_t>(model->getNumTokenIds() - 1);
  std::vector<int32_t> tokens(batch * positions, bos), lengths(batch);
  for (auto [b, index] : llvm::enumerate(chunk)) {
    for (auto [p, id] : llvm::enumerate(inputs[index]))
      tokens[b * positions + p + 1] = static_cast<int32_t>(id);
    lengths[b] = static_cast<int32_t>(inputs[index].size() + 1);
  }
  int64_t width = model->getOutputWidth();
  std::vector<float> output(batch * positions * width);
  runtime::TokenBatch tokenBatch{batch, positions, tokens, lengths};
  if (llvm::Error error = model->run(tokenBatch, output)) {
    std::string message = llvm::toString(std::move(error));
    for (size_t index : chunk)
      results[index].error = message;
    return;
  }
  for (auto [b, index] : llvm::enumerate(chunk)) {
    RunResult &result = results[index];
    // data(), not &output[...]: a model may have no output directions.
    const float *row = output.data() + b * positions * width;
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
}

std::vector<RunResult>
CompiledProgram::run(llvm::ArrayRef<TokenIds> inputs,
                     std::vector<std::vector<float>> *vectors) const {
  std::vector<RunResult> results(inputs.size());
  if (vectors)
    vectors->assign(inputs.size(), {});
  // Invalid inputs get their error; the others run in chunks that fit the
  // memory budget, at most kMaxRowsPerRun rows each.
  uint64_t budget = MemoryBudget::getLimit();
  std::vector<size_t> chunk;
  int64_t chunkPositions = 1;
  for (auto [index, ids] : llvm::enumerate(inputs)) {
    results[index].error = checkTokenIds(ids, config);
    if (!results[index].error.empty())
      continue;
    int64_t positions = static_cast<int64_t>(ids.size()) + 1;
    uint64_t alone = estimateRunBytes(1, positions);
    if (alone > budget) {
      llvm::Error error = MemoryBudget::check(
          alone, "running the compiled model on an input of " +
                     llvm::Twine(ids.size()) + " tokens");
      results[index].error = llvm::toString(std::move(error));
      continue;
    }
    int64_t grown = std::max(chunkPositions, positions);
    if (!chunk.empty() &&
        (static_cast<int64_t>(chunk.size()) == kMaxRowsPerRun ||
         estimateRunBytes(chunk.size() + 1, grown) > budget)) {
      runChunk(inputs, chunk, results, vectors);
      chunk.clear();
      grown = positions;
    }
    chunk.push_back(index);
    chunkPositions = grown;
  }
  if (!chunk.empty())
    runChunk(inputs, chunk, results, vectors);
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

  // What a run allocates, from the tensor IR (before the runtime lowers
  // it): batches are split to fit the memory budget.
  compiled->activations = runtime::ActivationEstimate::get(func);
  FailureOr<std::unique_ptr<runtime::CompiledModel>> model =
      runtime::CompiledModel::compile(**module, options.runtime,
                                      &compiled->stats, timing);
  if (failed(model))
    return failure();
  compiled->module = std::move(*module);
  compiled->model = std::move(*model);
  return compiled;
}
