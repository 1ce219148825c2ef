//===- Program.cpp - Programs and models of the bridge --------------------===//
//
// Each call goes to the driver (lib/Driver), as rasp-run's do: the
// interpreter, the JIT-compiled model, its traced forward pass, tensor IR,
// safetensors, statistics and the report. Diagnostics become the error text.
//
//===----------------------------------------------------------------------===//

#include "BridgeImpl.h"

#include "RaspDialect/Dialect/Craft/Analysis/ModelStats.h"
#include "RaspDialect/Driver/ReportExecutor.h"
#include "RaspDialect/Interpreter/Interpreter.h"

#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace mlir::rasp;

namespace raspc {

//===----------------------------------------------------------------------===//
// Program
//===----------------------------------------------------------------------===//

Program::Program(std::unique_ptr<State> state) : state(std::move(state)) {}

Program::~Program() = default;

const Parameters &Program::getParameters() const { return state->parameters; }

bool Program::isNumerical() const {
  return cast<SOpType>(state->loaded.output.getType()).isNumerical();
}

std::string Program::print() const {
  std::lock_guard<std::mutex> lock(state->mutex);
  std::string text;
  llvm::raw_string_ostream os(text);
  state->module->print(os);
  return text;
}

std::vector<RunResult>
Program::interpret(const std::vector<std::vector<int64_t>> &inputs) {
  std::lock_guard<std::mutex> lock(state->mutex);
  std::vector<RunResult> out;
  DiagnosticCapture capture(state->context.get());
  FailureOr<std::unique_ptr<driver::Executor>> interpreter =
      driver::createInterpreterExecutor(state->loaded);
  if (failed(interpreter)) {
    RunResult failure;
    failure.error = capture.take();
    return std::vector<RunResult>(inputs.size(), failure);
  }
  std::vector<driver::TokenIds> ids;
  for (const std::vector<int64_t> &input : inputs)
    ids.push_back(toTokenIds(input));
  for (const driver::RunResult &result : (*interpreter)->run(ids))
    out.push_back(fromRunResult(result));
  return out;
}

Evaluation Program::evaluate(const std::vector<int64_t> &input,
                             const std::vector<int> &handles) {
  std::lock_guard<std::mutex> lock(state->mutex);
  Evaluation out;
  DiagnosticCapture capture(state->context.get());
  std::string bad =
      driver::checkTokenIds(toTokenIds(input), state->loaded.config);
  if (!bad.empty()) {
    out.error = bad;
    return out;
  }
  FailureOr<Interpreter> interpreter =
      Interpreter::get(state->loaded.program, state->loaded.output);
  if (failed(interpreter)) {
    out.error = capture.take();
    return out;
  }
  std::vector<PyValue> tokens;
  for (int64_t id : input)
    tokens.push_back(state->loaded.config.vocab[id]);
  InterpretError error{UnknownLoc::get(state->context.get()), ""};
  FailureOr<Trace> trace =
      interpreter->trace(tokens, state->loaded.config.causal, &error);
  if (failed(trace)) {
    std::string where = DiagnosticCapture::describe(error.loc);
    out.error = (where.empty() ? "" : where + ": ") + error.message;
    return out;
  }
  for (int handle : handles) {
    out.values.emplace_back();
    out.selections.emplace_back();
    out.isSelector.push_back(false);
    if (handle < 0 || handle >= static_cast<int>(state->handles.size()))
      continue;
    mlir::Value v = state->handles[handle];
    out.isSelector.back() = isa<SelectorType>(v.getType());
    if (!out.isSelector.back()) {
      out.values.back() = fromPyValues(trace->getValues(v));
      continue;
    }
    const Selection &selection = trace->getSelection(v);
    for (unsigned q = 0; q < selection.size(); ++q) {
      std::vector<bool> row;
      for (unsigned k = 0; k < selection.size(); ++k)
        row.push_back(selection.get(q, k));
      out.selections.back().push_back(std::move(row));
    }
  }
  out.succeeded = true;
  return out;
}

Outcome<std::shared_ptr<Model>> Program::compile() {
  using Result = Outcome<std::shared_ptr<Model>>;
  std::lock_guard<std::mutex> lock(state->mutex);
  DiagnosticCapture capture(state->context.get());
  FailureOr<std::unique_ptr<driver::CompiledProgram>> compiled =
      driver::CompiledProgram::compile(state->loaded, state->options);
  if (failed(compiled))
    return Result::failure(capture.take("the program does not compile"));
  auto modelState = std::make_unique<Model::State>();
  modelState->program = shared_from_this();
  modelState->programState = state.get();
  modelState->compiled = std::move(*compiled);
  return Result{std::make_shared<Model>(std::move(modelState)), {}};
}

Outcome<std::string> Program::tensorIR() {
  using Result = Outcome<std::string>;
  std::lock_guard<std::mutex> lock(state->mutex);
  DiagnosticCapture capture(state->context.get());
  FailureOr<OwningOpRef<ModuleOp>> module =
      driver::compileToTensorIR(state->loaded, state->options);
  if (failed(module))
    return Result::failure(capture.take());
  std::string text;
  llvm::raw_string_ostream os(text);
  (*module)->print(os);
  return Result{std::move(text), {}};
}

Outcome<std::string> Program::modelStats(bool json) {
  using Result = Outcome<std::string>;
  std::lock_guard<std::mutex> lock(state->mutex);
  DiagnosticCapture capture(state->context.get());
  FailureOr<driver::CraftModel> model =
      driver::compileToCraftModel(state->loaded, state->options);
  if (failed(model))
    return Result::failure(capture.take());
  craft::ModelStats stats = craft::computeModelStats(model->model);
  std::string text;
  llvm::raw_string_ostream os(text);
  if (json)
    craft::printModelStatsJSON({stats}, os);
  else
    craft::printModelStats(stats, os);
  return Result{std::move(text), {}};
}

/// The weights of the program, or the diagnostics' text.
static FailureOr<safetensors::File> buildWeights(Program::State &state,
                                                 std::string &error) {
  DiagnosticCapture capture(state.context.get());
  FailureOr<driver::CraftModel> model =
      driver::compileToCraftModel(state.loaded, state.options);
  if (failed(model)) {
    error = capture.take();
    return failure();
  }
  FailureOr<safetensors::File> file =
      driver::buildSafetensors(model->model, state.options);
  if (failed(file)) {
    error = capture.take();
    return failure();
  }
  return file;
}

Outcome<Safetensors> Program::safetensors() {
  using Result = Outcome<Safetensors>;
  std::lock_guard<std::mutex> lock(state->mutex);
  std::string error;
  FailureOr<safetensors::File> file = buildWeights(*state, error);
  if (failed(file))
    return Result::failure(error);
  Safetensors out;
  out.metadata = file->metadata;
  for (safetensors::Tensor &t : file->tensors) {
    Tensor tensor;
    tensor.name = t.name;
    tensor.shape = t.shape;
    tensor.isBool = t.dtype == safetensors::DType::Bool;
    if (tensor.isBool) {
      for (float x : t.data)
        tensor.bits.push_back(x != 0.0f);
    } else {
      tensor.data = std::move(t.data);
    }
    out.tensors.push_back(std::move(tensor));
  }
  return Result{std::move(out), {}};
}

Outcome<bool> Program::writeSafetensors(const std::string &path,
                                        bool overwrite) {
  using Result = Outcome<bool>;
  std::lock_guard<std::mutex> lock(state->mutex);
  std::string error;
  FailureOr<safetensors::File> file = buildWeights(*state, error);
  if (failed(file))
    return Result::failure(error);
  if (llvm::Error err = driver::writeSafetensorsFile(*file, path, overwrite))
    return Result::failure(llvm::toString(std::move(err)));
  return Result{true, {}};
}

Outcome<bool>
Program::writeReport(const std::string &path,
                     const std::vector<std::vector<int64_t>> &inputs) {
  using Result = Outcome<bool>;
  std::lock_guard<std::mutex> lock(state->mutex);
  DiagnosticCapture capture(state->context.get());
  FailureOr<driver::CraftModel> model =
      driver::compileToCraftModel(state->loaded, state->options);
  if (failed(model))
    return Result::failure(capture.take());
  report::ReportConfig config;
  config.bos = state->loaded.config.bos;
  config.causal = state->loaded.config.causal;
  config.optimize = state->parameters.optimize;
  config.compileOptions = state->parameters.compileOptions;
  FailureOr<std::unique_ptr<driver::ReportExecutor>> reporter =
      driver::createReportExecutor(state->loaded, std::move(*model),
                                   state->options, config);
  if (failed(reporter))
    return Result::failure(capture.take());
  std::vector<driver::TokenIds> ids;
  for (const std::vector<int64_t> &input : inputs)
    ids.push_back(toTokenIds(input));
  for (const driver::RunResult &result : (*reporter)->run(ids))
    if (!result.succeeded)
      return Result::failure(fromRunResult(result).error);
  if (llvm::Error err = (*reporter)->writeReport(path))
    return Result::failure(llvm::toString(std::move(err)));
  return Result{true, {}};
}

//===----------------------------------------------------------------------===//
// Model
//===----------------------------------------------------------------------===//

Model::Model(std::unique_ptr<State> state) : state(std::move(state)) {}

Model::~Model() = default;

BatchResult Model::run(const std::vector<std::vector<int64_t>> &inputs) {
  std::vector<driver::TokenIds> ids;
  for (const std::vector<int64_t> &input : inputs)
    ids.push_back(toTokenIds(input));
  BatchResult out;
  for (const driver::RunResult &result :
       state->compiled->run(ids, &out.vectors))
    out.results.push_back(fromRunResult(result));
  out.width = state->compiled->getOutputWidth();
  return out;
}

std::vector<Outcome<std::string>>
Model::trace(const std::vector<std::vector<int64_t>> &inputs) {
  std::lock_guard<std::mutex> lock(state->traceMutex);
  Program::State &program = *state->programState;
  if (!state->tracer) {
    std::lock_guard<std::mutex> programLock(program.mutex);
    DiagnosticCapture capture(program.context.get());
    driver::DriverOptions options = program.options;
    // The raw vectors are what Tracr's residuals are.
    options.trace.raw = true;
    FailureOr<driver::CraftModel> model =
        driver::compileToCraftModel(program.loaded, options);
    FailureOr<std::unique_ptr<driver::Executor>> tracer = failure();
    if (succeeded(model))
      tracer = driver::createTraceExecutor(std::move(*model),
                                           program.loaded.config, options);
    if (failed(tracer)) {
      std::string error = capture.take();
      return std::vector<Outcome<std::string>>(
          inputs.size(), Outcome<std::string>::failure(error));
    }
    state->tracer = std::move(*tracer);
  }
  std::vector<driver::TokenIds> ids;
  for (const std::vector<int64_t> &input : inputs)
    ids.push_back(toTokenIds(input));
  std::vector<Outcome<std::string>> out;
  for (const driver::RunResult &result : state->tracer->run(ids)) {
    if (result.succeeded)
      out.push_back(Outcome<std::string>{result.document, {}});
    else
      out.push_back(Outcome<std::string>::failure(fromRunResult(result).error));
  }
  return out;
}

bool Model::isCategorical() const { return state->compiled->isCategorical(); }

std::vector<Value> Model::outputValues() const {
  return fromPyValues(state->compiled->getOutputValues());
}

} // namespace raspc
