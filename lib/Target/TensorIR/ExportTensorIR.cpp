//===- ExportTensorIR.cpp - The --rasp-to-tensor-ir translation -----------===//
//
// Loads the program like rasp-run does (loadTranslationInput: a `.rasp` file
// through the frontend, anything else as MLIR, the compile parameters applied
// and checked), runs the --rasp-to-linalg pipeline and prints the module.
//
//===----------------------------------------------------------------------===//

#include "RaspDialect/Target/ExportTensorIR.h"
#include "RaspDialect/Target/ImportRASP.h"
#include "RaspDialect/Tools/RaspRun/CompileProgram.h"
#include "RaspDialect/Tools/RaspRun/TranslationInput.h"

#include "mlir/Tools/mlir-translate/Translation.h"
#include "llvm/Support/CommandLine.h"

using namespace mlir;
using namespace mlir::rasp;

static LogicalResult exportTensorIR(llvm::SourceMgr &sourceMgr,
                                    llvm::raw_ostream &os, MLIRContext *context,
                                    llvm::StringRef pipelineOptions) {
  FailureOr<TranslationInput> in = loadTranslationInput(sourceMgr, context);
  if (failed(in))
    return failure();
  OwningOpRef<ModuleOp> compiled =
      extractProgram(in->program, in->output, in->config);
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
