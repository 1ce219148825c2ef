//===- Compiler.cpp - The RASP compiler for C callers ---------------------===//
//
// rasp-c/Compiler.h over the driver. A program owns its MLIRContext, source
// manager and loaded program behind a shared pointer, so that a model (whose
// compiled code reads weights from the program's context) keeps them alive
// whatever the order of the Destroy calls. Every fallible call collects the
// diagnostics it causes, as rasp-run prints them, into its status.
//
//===----------------------------------------------------------------------===//

#include "rasp-c/Compiler.h"

#include "RaspDialect/Dialect/Craft/Analysis/ModelStats.h"
#include "RaspDialect/Driver/Driver.h"
#include "RaspDialect/Driver/Executor.h"
#include "RaspDialect/Driver/SequenceIO.h"
#include "RaspDialect/Semantics/Vocabulary.h"
#include "RaspDialect/Support/MemoryBudget.h"
#include "RaspDialect/Support/Text.h"

#include "mlir/Bytecode/BytecodeWriter.h"
#include "mlir/CAPI/Support.h"
#include "mlir/CAPI/Utils.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"

#include <memory>

using namespace mlir;
using namespace mlir::rasp;
using namespace mlir::rasp::driver;

namespace {

/// A failure's text.
struct Status {
  std::string message;
};

/// The state of a program, shared with the models compiled from it.
struct ProgramState {
  std::unique_ptr<MLIRContext> context;
  llvm::SourceMgr sourceMgr;
  DriverOptions options;
  LoadedProgram loaded;
};

struct Program {
  std::shared_ptr<ProgramState> state;
};

struct Model {
  std::shared_ptr<ProgramState> state;
  std::unique_ptr<CompiledProgram> compiled;
};

struct Outputs {
  std::vector<RunResult> results;
  std::vector<std::vector<float>> vectors;
  int64_t width = 0;
  bool numerical = false;
  /// The printed text of string values handed out (stable addresses).
  std::vector<std::unique_ptr<std::string>> strings;
};

/// Collects the diagnostics emitted while it lives, with source lines.
class DiagnosticCollector {
public:
  DiagnosticCollector(llvm::SourceMgr &sourceMgr, MLIRContext *context)
      : os(text), escaped(os), handler(sourceMgr, context, escaped) {}

  /// A failure status with the collected text (or `fallback` if none).
  RaspStatus fail(llvm::StringRef fallback = "failed") {
    escaped.flush();
    os.flush();
    return makeStatus(text.empty() ? fallback.str() : text);
  }

  static RaspStatus makeStatus(std::string message) {
    return RaspStatus{new Status{std::move(message)}};
  }

private:
  std::string text;
  llvm::raw_string_ostream os;
  /// Source lines and messages quote user bytes: escaped, as rasp-run's.
  EscapingOStream escaped;
  SourceMgrDiagnosticHandler handler;
};

RaspStatus statusOk() { return RaspStatus{nullptr}; }

RaspStatus statusError(std::string message) {
  return DiagnosticCollector::makeStatus(std::move(message));
}

DriverOptions *unwrap(RaspCompileOptions options) {
  return static_cast<DriverOptions *>(options.ptr);
}
Program *unwrap(RaspProgram program) {
  return static_cast<Program *>(program.ptr);
}
Model *unwrap(RaspModel model) { return static_cast<Model *>(model.ptr); }
Outputs *unwrap(RaspOutputs outputs) {
  return static_cast<Outputs *>(outputs.ptr);
}

PyValue toPyValue(const RaspValue &value) {
  switch (value.kind) {
  case RaspValueNone:
    return PyValue::none();
  case RaspValueBool:
    return PyValue::boolean(value.boolean);
  case RaspValueInt:
    return PyValue::integer(value.integer);
  case RaspValueFloat:
    return PyValue::real(value.real);
  case RaspValueString:
    break;
  }
  return PyValue::str(unwrap(value.string).str());
}

/// `value` as a RaspValue whose string (if any) lives in `strings`.
RaspValue toRaspValue(const PyValue &value,
                      std::vector<std::unique_ptr<std::string>> &strings) {
  RaspValue out{RaspValueNone, false, 0, 0.0, {nullptr, 0}};
  if (value.isBool()) {
    out.kind = RaspValueBool;
    out.boolean = value.getBool();
  } else if (value.isInt()) {
    out.kind = RaspValueInt;
    out.integer = value.getInt();
  } else if (value.isFloat()) {
    out.kind = RaspValueFloat;
    out.real = value.getFloat();
  } else if (value.isStr()) {
    out.kind = RaspValueString;
    strings.push_back(std::make_unique<std::string>(value.getStr()));
    out.string = wrap(llvm::StringRef(*strings.back()));
  }
  return out;
}

/// The inputs of a batch in the C layout, checked for malformed lengths.
FailureOr<std::vector<TokenIds>> readBatch(intptr_t numInputs,
                                           const int32_t *tokenIds,
                                           const intptr_t *lengths,
                                           std::string &error) {
  if (numInputs < 0 || (numInputs > 0 && !lengths)) {
    error = "invalid batch: negative size or no lengths";
    return failure();
  }
  std::vector<TokenIds> inputs(numInputs);
  const int32_t *next = tokenIds;
  for (intptr_t i = 0; i < numInputs; ++i) {
    if (lengths[i] < 0 || (lengths[i] > 0 && !next)) {
      error = "invalid batch: input " + std::to_string(i) +
              " has a negative length or no token ids";
      return failure();
    }
    for (intptr_t p = 0; p < lengths[i]; ++p) {
      // A negative id becomes an id past any vocabulary: the executors
      // report it for this input alone.
      int32_t id = next[p];
      inputs[i].push_back(id < 0 ? UINT32_MAX : static_cast<unsigned>(id));
    }
    next += lengths[i];
  }
  return inputs;
}

RaspOutputs wrapOutputs(std::unique_ptr<Outputs> outputs) {
  return RaspOutputs{outputs.release()};
}

} // namespace

//===----------------------------------------------------------------------===//
// Status
//===----------------------------------------------------------------------===//

MlirStringRef raspStatusGetMessage(RaspStatus status) {
  if (!status.ptr)
    return mlirStringRefCreate("", 0);
  return wrap(llvm::StringRef(static_cast<Status *>(status.ptr)->message));
}

void raspStatusDestroy(RaspStatus status) {
  delete static_cast<Status *>(status.ptr);
}

uint64_t raspGetMemoryBudget(void) { return MemoryBudget::getLimit(); }

void raspSetMemoryBudget(uint64_t bytes) { MemoryBudget::setLimit(bytes); }

//===----------------------------------------------------------------------===//
// Compile options
//===----------------------------------------------------------------------===//

RaspCompileOptions raspCompileOptionsCreate(void) {
  return RaspCompileOptions{new DriverOptions()};
}

void raspCompileOptionsDestroy(RaspCompileOptions options) {
  delete unwrap(options);
}

void raspCompileOptionsSetVocab(RaspCompileOptions options, intptr_t numItems,
                                const RaspValue *items) {
  std::vector<PyValue> vocab;
  for (intptr_t i = 0; i < numItems; ++i)
    vocab.push_back(toPyValue(items[i]));
  unwrap(options)->parameters.vocab = std::move(vocab);
}

RaspStatus raspCompileOptionsParseVocab(RaspCompileOptions options,
                                        MlirStringRef list) {
  llvm::Expected<std::vector<PyValue>> vocab = parseVocabList(unwrap(list));
  if (!vocab)
    return statusError("invalid vocabulary: " +
                       llvm::toString(vocab.takeError()));
  unwrap(options)->parameters.vocab = std::move(*vocab);
  return statusOk();
}

static py::VocabType unwrap(RaspVocabType type) {
  switch (type) {
  case RaspVocabTypeStr:
    return py::VocabType::Str;
  case RaspVocabTypeInt:
    return py::VocabType::Int;
  case RaspVocabTypeFloat:
    return py::VocabType::Float;
  case RaspVocabTypeAuto:
    break;
  }
  return py::VocabType::Auto;
}

RaspStatus raspCompileOptionsParseTypedVocab(RaspCompileOptions options,
                                             MlirStringRef list,
                                             RaspVocabType type) {
  llvm::Expected<std::vector<PyValue>> vocab =
      py::parseVocabList(unwrap(list), unwrap(type));
  if (!vocab)
    return statusError("invalid vocabulary: " +
                       llvm::toString(vocab.takeError()));
  unwrap(options)->parameters.vocab = std::move(*vocab);
  return statusOk();
}

RaspStatus raspCompileOptionsReadVocabFile(RaspCompileOptions options,
                                           MlirStringRef path,
                                           RaspVocabType type) {
  llvm::Expected<std::vector<PyValue>> vocab =
      py::readVocabFile(unwrap(path), unwrap(type));
  if (!vocab)
    return statusError("invalid vocabulary file: " +
                       llvm::toString(vocab.takeError()));
  unwrap(options)->parameters.vocab = std::move(*vocab);
  return statusOk();
}

void raspCompileOptionsSetMaxSeqLen(RaspCompileOptions options,
                                    int64_t maxSeqLen) {
  unwrap(options)->parameters.maxSeqLen = maxSeqLen;
}

void raspCompileOptionsSetBOS(RaspCompileOptions options, MlirStringRef bos) {
  unwrap(options)->parameters.bos = unwrap(bos).str();
}

void raspCompileOptionsSetCausal(RaspCompileOptions options, bool causal) {
  unwrap(options)->parameters.causal = causal;
}

void raspCompileOptionsSetOutput(RaspCompileOptions options,
                                 MlirStringRef name) {
  unwrap(options)->outputName = unwrap(name).str();
}

void raspCompileOptionsSetProgram(RaspCompileOptions options,
                                  MlirStringRef name) {
  unwrap(options)->programName = unwrap(name).str();
}

void raspCompileOptionsSetFunctionName(RaspCompileOptions options,
                                       MlirStringRef name) {
  unwrap(options)->functionName = unwrap(name).str();
}

void raspCompileOptionsSetOptimize(RaspCompileOptions options, bool optimize) {
  if (!optimize)
    unwrap(options)->disableOptimizations();
}

RaspStatus raspCompileOptionsParsePipelineOptions(RaspCompileOptions options,
                                                  MlirStringRef text) {
  if (llvm::Error error = unwrap(options)->parsePipelineOptions(unwrap(text)))
    return statusError(llvm::toString(std::move(error)));
  return statusOk();
}

void raspCompileOptionsSetExportMaxBytes(RaspCompileOptions options,
                                         uint64_t maxBytes) {
  unwrap(options)->exportMaxBytes = maxBytes;
}

void raspCompileOptionsSetCache(RaspCompileOptions options, bool enabled,
                                MlirStringRef directory) {
  runtime::CacheOptions &cache = unwrap(options)->runtime.cache;
  cache.enabled = enabled;
  cache.directory = unwrap(directory).str();
}

//===----------------------------------------------------------------------===//
// Programs
//===----------------------------------------------------------------------===//

/// Loads the main buffer of `state->sourceMgr`.
static RaspStatus load(std::shared_ptr<ProgramState> state,
                       RaspProgram *program) {
  if (!program)
    return statusError("no place for the program");
  DialectRegistry registry;
  registerDialects(registry);
  state->context = std::make_unique<MLIRContext>(registry);
  // Diagnostics point at the source, as rasp-run's do.
  state->context->printOpOnDiagnostic(false);
  DiagnosticCollector diagnostics(state->sourceMgr, state->context.get());
  FailureOr<LoadedProgram> loaded =
      loadProgram(state->sourceMgr, state->context.get(), state->options);
  if (failed(loaded))
    return diagnostics.fail("cannot load the program");
  state->loaded = std::move(*loaded);
  *program = RaspProgram{new Program{std::move(state)}};
  return statusOk();
}

RaspStatus raspProgramCreate(MlirStringRef source, MlirStringRef fileName,
                             RaspCompileOptions options, RaspProgram *program) {
  if (!options.ptr)
    return statusError("no compile options");
  auto state = std::make_shared<ProgramState>();
  state->options = *unwrap(options);
  state->sourceMgr.AddNewSourceBuffer(
      llvm::MemoryBuffer::getMemBufferCopy(unwrap(source), unwrap(fileName)),
      llvm::SMLoc());
  return load(std::move(state), program);
}

RaspStatus raspProgramCreateFromFile(MlirStringRef path,
                                     RaspCompileOptions options,
                                     RaspProgram *program) {
  if (!options.ptr)
    return statusError("no compile options");
  llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>> file =
      readFileWithLimit(unwrap(path), kMaxProgramFileBytes);
  if (!file)
    return statusError(llvm::toString(file.takeError()));
  auto state = std::make_shared<ProgramState>();
  state->options = *unwrap(options);
  state->sourceMgr.AddNewSourceBuffer(std::move(*file), llvm::SMLoc());
  return load(std::move(state), program);
}

void raspProgramDestroy(RaspProgram program) { delete unwrap(program); }

static const RunConfig &getConfig(RaspProgram program) {
  return unwrap(program)->state->loaded.config;
}

intptr_t raspProgramGetVocabSize(RaspProgram program) {
  return static_cast<intptr_t>(getConfig(program).vocab.size());
}

RaspValue raspProgramGetVocabItem(RaspProgram program, intptr_t index) {
  const std::vector<PyValue> &vocab = getConfig(program).vocab;
  RaspValue none{RaspValueNone, false, 0, 0.0, {nullptr, 0}};
  if (index < 0 || index >= static_cast<intptr_t>(vocab.size()))
    return none;
  const PyValue &item = vocab[index];
  // Strings point into the program's own vocabulary.
  if (item.isStr()) {
    RaspValue out = none;
    out.kind = RaspValueString;
    out.string = wrap(llvm::StringRef(item.getStr()));
    return out;
  }
  std::vector<std::unique_ptr<std::string>> unused;
  return toRaspValue(item, unused);
}

int64_t raspProgramGetMaxSeqLen(RaspProgram program) {
  return getConfig(program).maxSeqLen;
}

MlirStringRef raspProgramGetBOS(RaspProgram program) {
  return wrap(llvm::StringRef(getConfig(program).bos));
}

bool raspProgramIsCausal(RaspProgram program) {
  return getConfig(program).causal;
}

bool raspProgramIsNumerical(RaspProgram program) {
  return cast<SOpType>(unwrap(program)->state->loaded.output.getType())
      .isNumerical();
}

RaspStatus raspProgramEncode(RaspProgram program, MlirStringRef text,
                             int32_t *ids, intptr_t capacity,
                             intptr_t *numIds) {
  TokenEncoder encoder(getConfig(program));
  llvm::Expected<llvm::SmallVector<unsigned>> encoded =
      encoder.encode(unwrap(text));
  if (!encoded)
    return statusError(llvm::toString(encoded.takeError()));
  if (numIds)
    *numIds = static_cast<intptr_t>(encoded->size());
  for (intptr_t i = 0;
       ids && i < capacity && i < static_cast<intptr_t>(encoded->size()); ++i)
    ids[i] = static_cast<int32_t>((*encoded)[i]);
  return statusOk();
}

RaspStatus raspProgramPrintTensorIR(RaspProgram program, bool bytecode,
                                    MlirStringCallback callback,
                                    void *userData) {
  ProgramState &state = *unwrap(program)->state;
  DiagnosticCollector diagnostics(state.sourceMgr, state.context.get());
  FailureOr<OwningOpRef<ModuleOp>> module =
      compileToTensorIR(state.loaded, state.options);
  if (failed(module))
    return diagnostics.fail();
  mlir::detail::CallbackOstream stream(callback, userData);
  if (!bytecode) {
    (*module)->print(stream);
  } else if (failed(writeBytecodeToFile(**module, stream))) {
    return diagnostics.fail("cannot write the bytecode");
  }
  stream.flush();
  return statusOk();
}

RaspStatus raspProgramPrintModelStats(RaspProgram program, bool json,
                                      MlirStringCallback callback,
                                      void *userData) {
  ProgramState &state = *unwrap(program)->state;
  DiagnosticCollector diagnostics(state.sourceMgr, state.context.get());
  FailureOr<CraftModel> model =
      compileToCraftModel(state.loaded, state.options);
  if (failed(model))
    return diagnostics.fail();
  craft::ModelStats stats = craft::computeModelStats(model->model);
  mlir::detail::CallbackOstream stream(callback, userData);
  if (json)
    craft::printModelStatsJSON({stats}, stream);
  else
    craft::printModelStats(stats, stream);
  stream.flush();
  return statusOk();
}

RaspStatus raspProgramWriteSafetensors(RaspProgram program, MlirStringRef path,
                                       bool overwrite) {
  ProgramState &state = *unwrap(program)->state;
  DiagnosticCollector diagnostics(state.sourceMgr, state.context.get());
  FailureOr<CraftModel> model =
      compileToCraftModel(state.loaded, state.options);
  if (failed(model))
    return diagnostics.fail();
  FailureOr<safetensors::File> weights =
      buildSafetensors(model->model, state.options);
  if (failed(weights))
    return diagnostics.fail();
  if (llvm::Error error =
          writeSafetensorsFile(*weights, unwrap(path), overwrite))
    return statusError(llvm::toString(std::move(error)));
  return statusOk();
}

RaspStatus raspProgramCompile(RaspProgram program, RaspModel *model) {
  if (!model)
    return statusError("no place for the model");
  std::shared_ptr<ProgramState> state = unwrap(program)->state;
  DiagnosticCollector diagnostics(state->sourceMgr, state->context.get());
  FailureOr<std::unique_ptr<CompiledProgram>> compiled =
      CompiledProgram::compile(state->loaded, state->options);
  if (failed(compiled))
    return diagnostics.fail();
  *model = RaspModel{new Model{std::move(state), std::move(*compiled)}};
  return statusOk();
}

RaspStatus raspProgramInterpret(RaspProgram program, intptr_t numInputs,
                                const int32_t *tokenIds,
                                const intptr_t *lengths, RaspOutputs *outputs) {
  if (!outputs)
    return statusError("no place for the outputs");
  std::string error;
  FailureOr<std::vector<TokenIds>> inputs =
      readBatch(numInputs, tokenIds, lengths, error);
  if (failed(inputs))
    return statusError(error);
  ProgramState &state = *unwrap(program)->state;
  DiagnosticCollector diagnostics(state.sourceMgr, state.context.get());
  FailureOr<std::unique_ptr<Executor>> interpreter =
      createInterpreterExecutor(state.loaded);
  if (failed(interpreter))
    return diagnostics.fail();
  auto out = std::make_unique<Outputs>();
  out->results = (*interpreter)->run(*inputs);
  out->numerical = raspProgramIsNumerical(program);
  *outputs = wrapOutputs(std::move(out));
  return statusOk();
}

//===----------------------------------------------------------------------===//
// Models
//===----------------------------------------------------------------------===//

void raspModelDestroy(RaspModel model) { delete unwrap(model); }

int64_t raspModelGetOutputWidth(RaspModel model) {
  return unwrap(model)->compiled->getOutputWidth();
}

bool raspModelIsFromCache(RaspModel model) {
  return unwrap(model)->compiled->getCompileStats().cacheHit;
}

void raspModelSetNumThreads(RaspModel model, unsigned numThreads) {
  unwrap(model)->compiled->getModel().setNumThreads(numThreads);
}

RaspStatus raspModelRun(RaspModel model, intptr_t numInputs,
                        const int32_t *tokenIds, const intptr_t *lengths,
                        RaspOutputs *outputs) {
  if (!outputs)
    return statusError("no place for the outputs");
  std::string error;
  FailureOr<std::vector<TokenIds>> inputs =
      readBatch(numInputs, tokenIds, lengths, error);
  if (failed(inputs))
    return statusError(error);
  const CompiledProgram &compiled = *unwrap(model)->compiled;
  auto out = std::make_unique<Outputs>();
  out->results = compiled.run(*inputs, &out->vectors);
  out->width = compiled.getOutputWidth();
  out->numerical = !compiled.isCategorical();
  *outputs = wrapOutputs(std::move(out));
  return statusOk();
}

//===----------------------------------------------------------------------===//
// Outputs
//===----------------------------------------------------------------------===//

void raspOutputsDestroy(RaspOutputs outputs) { delete unwrap(outputs); }

intptr_t raspOutputsGetNumInputs(RaspOutputs outputs) {
  return static_cast<intptr_t>(unwrap(outputs)->results.size());
}

/// The result of `input`, or null if there is no such input.
static const RunResult *getResult(RaspOutputs outputs, intptr_t input) {
  const std::vector<RunResult> &results = unwrap(outputs)->results;
  if (input < 0 || input >= static_cast<intptr_t>(results.size()))
    return nullptr;
  return &results[input];
}

bool raspOutputsSucceeded(RaspOutputs outputs, intptr_t input) {
  const RunResult *result = getResult(outputs, input);
  return result && result->succeeded;
}

MlirStringRef raspOutputsGetError(RaspOutputs outputs, intptr_t input) {
  const RunResult *result = getResult(outputs, input);
  if (!result)
    return wrap(llvm::StringRef("no such input"));
  return wrap(llvm::StringRef(result->error));
}

intptr_t raspOutputsGetLength(RaspOutputs outputs, intptr_t input) {
  const RunResult *result = getResult(outputs, input);
  return result ? static_cast<intptr_t>(result->values.size()) : 0;
}

RaspValue raspOutputsGetValue(RaspOutputs outputs, intptr_t input,
                              intptr_t position) {
  const RunResult *result = getResult(outputs, input);
  if (!result || position < 0 ||
      position >= static_cast<intptr_t>(result->values.size()))
    return RaspValue{RaspValueNone, false, 0, 0.0, {nullptr, 0}};
  return toRaspValue(result->values[position], unwrap(outputs)->strings);
}

const float *raspOutputsGetVectors(RaspOutputs outputs, intptr_t input) {
  const Outputs &out = *unwrap(outputs);
  if (!getResult(outputs, input) || out.vectors.empty() ||
      !out.results[input].succeeded)
    return nullptr;
  return out.vectors[input].data();
}

int64_t raspOutputsGetWidth(RaspOutputs outputs) {
  return unwrap(outputs)->width;
}

void raspOutputsPrintJSON(RaspOutputs outputs, intptr_t input,
                          MlirStringCallback callback, void *userData) {
  const RunResult *result = getResult(outputs, input);
  if (!result || !result->succeeded)
    return;
  mlir::detail::CallbackOstream stream(callback, userData);
  printJSONSequence(stream, result->values, unwrap(outputs)->numerical);
  stream.flush();
}
