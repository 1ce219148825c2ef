//===- Driver.cpp - Loading and compiling RASP programs -------------------===//
//
// The driver's options, program loading (frontend or parser, then program,
// output and parameter selection) and the compile stages, each of which
// runs a registered pipeline on a copy of the program.
//
//===----------------------------------------------------------------------===//

#include "RaspDialect/Driver/Driver.h"
#include "RaspDialect/InitAll.h"
#include "RaspDialect/Target/ImportRASP.h"
#include "RaspDialect/Target/Safetensors/TransformerWeights.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"

using namespace mlir;
using namespace mlir::rasp;
using namespace mlir::rasp::driver;

//===----------------------------------------------------------------------===//
// Options
//===----------------------------------------------------------------------===//

runtime::CompileOptions mlir::rasp::driver::getDefaultRuntimeOptions() {
  runtime::CompileOptions options;
  // Compiled models have many tiny weights (one-hot lookups, BOS blocks);
  // kernels only for weights of at least this many elements keep the JIT
  // time of small programs low (docs/CraftToLinalg.md, measurements).
  options.vectorizeMinWeightElements = 1024;
  return options;
}

DriverOptions::DriverOptions() = default;

DriverOptions::DriverOptions(const DriverOptions &other) { *this = other; }

DriverOptions &DriverOptions::operator=(const DriverOptions &other) {
  if (this == &other)
    return *this;
  inputFormat = other.inputFormat;
  programName = other.programName;
  outputName = other.outputName;
  tracrGraph = other.tracrGraph;
  parameters = other.parameters;
  // Pass options are not copyable; their values are.
  pipeline.copyOptionValuesFrom(other.pipeline);
  functionName = other.functionName;
  runtime = other.runtime;
  exportMaxBytes = other.exportMaxBytes;
  trace = other.trace;
  return *this;
}

llvm::Error DriverOptions::parsePipelineOptions(llvm::StringRef text) {
  std::string errors;
  llvm::raw_string_ostream errorStream(errors);
  if (failed(pipeline.parseFromString(text, errorStream)))
    return llvm::createStringError("invalid compile options '" + text +
                                   "': " + llvm::StringRef(errors).trim());
  return llvm::Error::success();
}

void mlir::rasp::driver::registerDialects(DialectRegistry &registry) {
  registerAllDialects(registry);
}

//===----------------------------------------------------------------------===//
// Loading
//===----------------------------------------------------------------------===//

/// The pipeline's compile parameters would override, at --infer-bases, the
/// parameters the frontend typed the program with and inputs are encoded
/// by: the driver takes them only as `DriverOptions::parameters`.
static LogicalResult checkPipelineParameters(const DriverOptions &options,
                                             Location loc) {
  const RASPToLinalgOptions &p = options.pipeline;
  if (p.vocab.empty() && p.maxSeqLen == 0 && p.bos.getValue().empty() &&
      !p.causal)
    return success();
  return emitError(loc, "the compile options must not set vocab, "
                        "max-seq-len, bos or causal; give them as the "
                        "compile parameters (rasp-run's --vocab, ...)");
}

/// The program, its output (by `options.outputName` if `selectOutput`) and
/// its checked parameters.
static FailureOr<LoadedProgram> selectFromModule(ModuleOp module,
                                                 const DriverOptions &options,
                                                 bool selectOutput) {
  FailureOr<ProgramOp> program = selectProgram(module, options.programName);
  if (failed(program))
    return failure();
  LoadedProgram loaded;
  loaded.program = *program;
  loaded.output = program->getOutput();
  if (selectOutput && options.outputName) {
    FailureOr<Value> named = selectOutputByName(*program, *options.outputName);
    if (failed(named))
      return failure();
    loaded.output = *named;
  }
  FailureOr<RunConfig> config = resolveRunConfig(*program, options.parameters);
  if (failed(config))
    return failure();
  loaded.config = std::move(*config);
  return loaded;
}

FailureOr<LoadedProgram>
mlir::rasp::driver::loadProgram(llvm::SourceMgr &sourceMgr,
                                MLIRContext *context,
                                const DriverOptions &options) {
  DialectRegistry registry;
  registerDialects(registry);
  context->appendDialectRegistry(registry);

  const llvm::MemoryBuffer *buffer =
      sourceMgr.getMemoryBuffer(sourceMgr.getMainFileID());
  bool isSource =
      options.inputFormat == InputFormat::RASP ||
      (options.inputFormat == InputFormat::Auto &&
       llvm::sys::path::extension(buffer->getBufferIdentifier()) == ".rasp");
  if (failed(checkPipelineParameters(
          options,
          FileLineColLoc::get(context, buffer->getBufferIdentifier(), 0, 0))))
    return failure();

  OwningOpRef<ModuleOp> module;
  if (isSource) {
    const RunOverrides &p = options.parameters;
    ImportRASPOptions importOptions;
    importOptions.vocab = p.vocab;
    importOptions.maxSeqLen = p.maxSeqLen;
    importOptions.bos = p.bos;
    importOptions.causal = p.causal;
    importOptions.outputName = options.outputName;
    importOptions.tracrGraph = options.tracrGraph;
    module = importRASP(sourceMgr, context, importOptions);
  } else {
    module = parseSourceFile<ModuleOp>(sourceMgr, context);
  }
  if (!module)
    return failure();

  // A RASP source already has the named SOp as its output.
  FailureOr<LoadedProgram> loaded =
      selectFromModule(*module, options, /*selectOutput=*/!isSource);
  if (failed(loaded))
    return failure();
  loaded->module = std::move(module);
  return loaded;
}

FailureOr<LoadedProgram>
mlir::rasp::driver::loadProgram(ModuleOp module, const DriverOptions &options) {
  if (failed(checkPipelineParameters(options, module.getLoc())))
    return failure();
  return selectFromModule(module, options, /*selectOutput=*/true);
}

//===----------------------------------------------------------------------===//
// Compiling
//===----------------------------------------------------------------------===//

OwningOpRef<ModuleOp>
mlir::rasp::driver::extractProgram(const LoadedProgram &loaded) {
  ProgramOp program = loaded.program;
  const RunConfig &config = loaded.config;
  MLIRContext *context = program.getContext();
  OwningOpRef<ModuleOp> module = ModuleOp::create(program.getLoc());
  OpBuilder builder(context);
  builder.setInsertionPointToEnd(module->getBody());
  IRMapping mapping;
  auto copy = cast<ProgramOp>(builder.clone(*program, mapping));

  // Point the output at the requested SOp, then drop what no longer feeds it
  // (every RASP op is pure): a dead op must not stop compilation.
  OutputOp out = copy.getOutputOp();
  out.getOutputMutable().assign(mapping.lookup(loaded.output));
  // Users before their operands, so one sweep erases whole dead chains. The
  // ops are collected first: a reverse iterator refers to the op before its
  // base, so erasing while iterating would leave it dangling.
  Block &body = copy.getBody().front();
  SmallVector<Operation *> ops;
  for (Operation &op : body.without_terminator())
    ops.push_back(&op);
  for (Operation *op : llvm::reverse(ops))
    if (op->use_empty())
      op->erase();

  copy.setVocabAttr(toArrayAttr(context, config.vocab));
  copy.setMaxSeqLenAttr(builder.getI64IntegerAttr(config.maxSeqLen));
  copy.setBosAttr(builder.getStringAttr(config.bos));
  copy.setCausal(config.causal);
  return module;
}

/// Runs the pipeline `populate` builds on `module`, its passes timed in a
/// scope `name` nested in `timing`.
static LogicalResult
runPipeline(ModuleOp module, llvm::StringRef name, TimingScope *timing,
            llvm::function_ref<void(OpPassManager &)> populate) {
  PassManager pm(module.getContext());
  populate(pm);
  std::optional<TimingScope> scope;
  if (timing) {
    scope.emplace(timing->nest(name));
    pm.enableTiming(*scope);
  }
  return pm.run(module);
}

FailureOr<CraftModel>
mlir::rasp::driver::compileToCraftModel(const LoadedProgram &program,
                                        const DriverOptions &options,
                                        TimingScope *timing) {
  CraftModel out;
  out.module = extractProgram(program);
  if (failed(runPipeline(*out.module, "compile to craft model", timing,
                         [&](OpPassManager &pm) {
                           populateRASPToCraftModelPipeline(pm,
                                                            options.pipeline);
                         })))
    return failure();
  auto models = out.module->getOps<craft::ModelOp>();
  if (models.empty())
    return emitError(program.program->getLoc(),
                     "compilation produced no craft.model");
  out.model = *models.begin();
  return out;
}

FailureOr<OwningOpRef<ModuleOp>>
mlir::rasp::driver::compileToTensorIR(const LoadedProgram &program,
                                      const DriverOptions &options,
                                      TimingScope *timing) {
  OwningOpRef<ModuleOp> module = extractProgram(program);
  if (failed(runPipeline(*module, "compile to tensor IR", timing,
                         [&](OpPassManager &pm) {
                           populateRASPToLinalgPipeline(pm, options.pipeline);
                         })))
    return failure();
  auto funcs = llvm::to_vector(llvm::make_filter_range(
      module->getOps<func::FuncOp>(),
      [](func::FuncOp func) { return func.isPublic(); }));
  if (funcs.size() != 1)
    return emitError(program.program->getLoc(), "compilation produced ")
           << funcs.size() << " model functions instead of one";
  if (!options.functionName.empty() &&
      failed(SymbolTable(*module).rename(funcs.front(), options.functionName)))
    return funcs.front().emitError("cannot rename the model function to '")
           << options.functionName << "'";
  return module;
}

func::FuncOp mlir::rasp::driver::getModelFunction(ModuleOp tensorIR) {
  for (auto func : tensorIR.getOps<func::FuncOp>())
    if (func.isPublic())
      return func;
  return {};
}

//===----------------------------------------------------------------------===//
// Exporting
//===----------------------------------------------------------------------===//

FailureOr<safetensors::File>
mlir::rasp::driver::buildSafetensors(craft::ModelOp model,
                                     const DriverOptions &options) {
  safetensors::TransformerWeightsOptions weightOptions;
  weightOptions.maxBytes = options.exportMaxBytes;
  return safetensors::buildTransformerWeights(model, weightOptions);
}

llvm::Error
mlir::rasp::driver::writeSafetensorsFile(const safetensors::File &file,
                                         llvm::StringRef path, bool overwrite) {
  return safetensors::writeFileAtomically(
      path, overwrite,
      [&](llvm::raw_ostream &os) { return safetensors::write(file, os); });
}
