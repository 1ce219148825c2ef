//===- ExportTensorIR.cpp - The --rasp-to-tensor-ir translation -----------===//
//
// Loads the program like rasp-run does (a `.rasp` file through the frontend,
// anything else as MLIR), applies and checks the compile parameters, runs the
// --rasp-to-linalg pipeline and prints the module.
//
//===----------------------------------------------------------------------===//

#include "RaspDialect/Target/ExportTensorIR.h"
#include "RaspDialect/InitAll.h"
#include "RaspDialect/Target/ImportRASP.h"
#include "RaspDialect/Tools/RaspRun/CompileProgram.h"
#include "RaspDialect/Tools/RaspRun/RunConfig.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Tools/mlir-translate/Translation.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"

using namespace mlir;
using namespace mlir::rasp;

static LogicalResult exportTensorIR(llvm::SourceMgr &sourceMgr,
                                    llvm::raw_ostream &os, MLIRContext *context,
                                    llvm::StringRef pipelineOptions) {
  DialectRegistry registry;
  registerAllDialects(registry);
  context->appendDialectRegistry(registry);
  context->loadAllAvailableDialects();

  TranslationParameters p = getTranslationParameters();
  llvm::StringRef file = sourceMgr.getMemoryBuffer(sourceMgr.getMainFileID())
                             ->getBufferIdentifier();
  bool isSource = llvm::sys::path::extension(file) == ".rasp";
  OwningOpRef<ModuleOp> module;
  if (isSource) {
    ImportRASPOptions options;
    options.vocab = p.vocab;
    options.maxSeqLen = p.maxSeqLen;
    options.bos = p.bos;
    options.causal = p.causal.value_or(false);
    options.outputName = p.outputName;
    module = importRASP(sourceMgr, context, options);
  } else {
    module = parseSourceFile<ModuleOp>(sourceMgr, context);
  }
  if (!module)
    return failure();

  FailureOr<ProgramOp> program = selectProgram(*module, "");
  if (failed(program))
    return failure();
  Value output = program->getOutput();
  if (p.outputName && !isSource) {
    FailureOr<Value> named = selectOutputByName(*program, *p.outputName);
    if (failed(named))
      return failure();
    output = *named;
  }
  RunOverrides overrides{p.vocab, p.maxSeqLen, p.bos, p.causal};
  FailureOr<RunConfig> config = resolveRunConfig(*program, overrides);
  if (failed(config))
    return failure();
  OwningOpRef<ModuleOp> compiled = extractProgram(*program, output, *config);
  TimingScope noTiming;
  if (failed(compileToTensorIR(*compiled, noTiming, pipelineOptions)))
    return failure();
  compiled->print(os);
  return success();
}

void mlir::rasp::registerRASPToTensorIRTranslation() {
  getTranslationParameters();
  static llvm::cl::opt<std::string> pipelineOptions(
      "rasp-to-linalg-options",
      llvm::cl::desc("Options of the --rasp-to-linalg pipeline (weight forms, "
                     "e.g. \"resource-min-elements=1000000\")"),
      llvm::cl::init(""));
  static TranslateRegistration registration(
      "rasp-to-tensor-ir",
      "compile a .rasp source or .mlir rasp program to tensor IR in the JIT "
      "runtime's calling convention",
      [](const std::shared_ptr<llvm::SourceMgr> &sourceMgr,
         llvm::raw_ostream &os, MLIRContext *context) {
        return exportTensorIR(*sourceMgr, os, context, pipelineOptions);
      });
}
