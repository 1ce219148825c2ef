//===- Translations.cpp - --rasp-to-tensor-ir and --rasp-to-safetensors ---===//
//
// Both load their input through the driver (a `.rasp` file through the
// frontend, anything else as MLIR, the translation options applied and
// checked), compile it by the driver and write the product.
//
//===----------------------------------------------------------------------===//

#include "RaspDialect/Driver/Translations.h"
#include "RaspDialect/Driver/Driver.h"
#include "RaspDialect/Target/ImportRASP.h"

#include "mlir/Bytecode/BytecodeWriter.h"
#include "mlir/Tools/mlir-translate/Translation.h"
#include "llvm/Support/CommandLine.h"

using namespace mlir;
using namespace mlir::rasp;
using namespace mlir::rasp::driver;

namespace {
/// The options of the driver translations besides the shared parameters;
/// constructed (registered) on first use, before the command line is parsed.
struct DriverTranslationOptions {
  llvm::cl::opt<std::string> pipelineOptions{
      "rasp-to-linalg-options",
      llvm::cl::desc("Options of the --rasp-to-linalg pipeline (weight forms, "
                     "optimisations, e.g. \"resource-min-elements=1000000\")"),
      llvm::cl::init("")};
  llvm::cl::opt<std::string> functionName{
      "function-name",
      llvm::cl::desc("--rasp-to-tensor-ir: the name of the model function "
                     "(default: the program's; a .rasp source's is main)"),
      llvm::cl::init("")};
  llvm::cl::opt<bool> emitBytecode{
      "emit-bytecode",
      llvm::cl::desc("--rasp-to-tensor-ir: write MLIR bytecode instead of "
                     "text"),
      llvm::cl::init(false)};
};

DriverTranslationOptions &driverTranslationOptions() {
  static DriverTranslationOptions options;
  return options;
}
} // namespace

/// The driver options the command line gives.
static FailureOr<DriverOptions> getDriverOptions(Location loc) {
  llvm::Expected<TranslationParameters> parameters = getTranslationParameters();
  if (!parameters)
    return emitError(loc, llvm::toString(parameters.takeError()));
  TranslationParameters &p = *parameters;
  DriverOptions options;
  options.parameters.vocab = p.vocab;
  options.parameters.maxSeqLen = p.maxSeqLen;
  options.parameters.bos = p.bos;
  options.parameters.causal = p.causal;
  options.outputName = p.outputName;
  options.tracrGraph = p.tracrGraph;
  DriverTranslationOptions &cl = driverTranslationOptions();
  options.functionName = cl.functionName;
  if (llvm::Error error = options.parsePipelineOptions(cl.pipelineOptions))
    return emitError(loc, llvm::toString(std::move(error)));
  return options;
}

static LogicalResult exportTensorIR(llvm::SourceMgr &sourceMgr,
                                    llvm::raw_ostream &os,
                                    MLIRContext *context) {
  FailureOr<DriverOptions> options = getDriverOptions(UnknownLoc::get(context));
  if (failed(options))
    return failure();
  FailureOr<LoadedProgram> program = loadProgram(sourceMgr, context, *options);
  if (failed(program))
    return failure();
  FailureOr<OwningOpRef<ModuleOp>> module =
      compileToTensorIR(*program, *options);
  if (failed(module))
    return failure();
  if (driverTranslationOptions().emitBytecode)
    return writeBytecodeToFile(**module, os);
  (*module)->print(os);
  return success();
}

static LogicalResult exportSafetensors(llvm::SourceMgr &sourceMgr,
                                       llvm::raw_ostream &os,
                                       MLIRContext *context) {
  FailureOr<DriverOptions> options = getDriverOptions(UnknownLoc::get(context));
  if (failed(options))
    return failure();
  FailureOr<LoadedProgram> program = loadProgram(sourceMgr, context, *options);
  if (failed(program))
    return failure();
  FailureOr<CraftModel> compiled = compileToCraftModel(*program, *options);
  if (failed(compiled))
    return failure();
  FailureOr<safetensors::File> weights =
      buildSafetensors(compiled->model, *options);
  if (failed(weights))
    return failure();
  if (llvm::Error error = safetensors::write(*weights, os))
    return emitError(compiled->model.getLoc(),
                     llvm::toString(std::move(error)));
  return success();
}

void mlir::rasp::driver::registerRASPToTensorIRTranslation() {
  // Registers the options before the command line is parsed.
  registerTranslationParameterOptions();
  driverTranslationOptions();
  static TranslateRegistration registration(
      "rasp-to-tensor-ir",
      "compile a .rasp source or .mlir rasp program to tensor IR in the JIT "
      "runtime's calling convention",
      [](const std::shared_ptr<llvm::SourceMgr> &sourceMgr,
         llvm::raw_ostream &os, MLIRContext *context) {
        return exportTensorIR(*sourceMgr, os, context);
      });
}

void mlir::rasp::driver::registerRASPToSafetensorsTranslation() {
  registerTranslationParameterOptions();
  driverTranslationOptions();
  static TranslateRegistration registration(
      "rasp-to-safetensors",
      "compile a .rasp source or .mlir rasp program and write the "
      "transformer's weights as safetensors (TransformerLens names)",
      [](const std::shared_ptr<llvm::SourceMgr> &sourceMgr,
         llvm::raw_ostream &os, MLIRContext *context) {
        return exportSafetensors(*sourceMgr, os, context);
      });
}

void mlir::rasp::driver::registerTranslations() {
  registerImportRASPTranslation();
  registerRASPToTensorIRTranslation();
  registerRASPToSafetensorsTranslation();
}
