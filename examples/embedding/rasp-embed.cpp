//===- rasp-embed.cpp - A tool of one's own that embeds the compiler ------===//
//
//   rasp-embed PROGRAM.rasp VOCAB MAX_SEQ_LEN [TOKEN...]
//
// Registers the RASP compiler's dialects and passes in the tool's own
// MLIRContext, compiles the program with the driver (the craft model's size,
// the tensor IR's function type), JIT-compiles it and runs it on the tokens:
// the same steps rasp-run takes, from outside the compiler's tree.
//
//===----------------------------------------------------------------------===//

#include "RaspDialect/Dialect/Craft/Analysis/ModelStats.h"
#include "RaspDialect/Driver/Driver.h"
#include "RaspDialect/Driver/Executor.h"
#include "RaspDialect/Driver/SequenceIO.h"
#include "RaspDialect/InitAll.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdlib>

using namespace mlir;
namespace driver = mlir::rasp::driver;

int main(int argc, char **argv) {
  if (argc < 4) {
    llvm::errs() << "usage: rasp-embed PROGRAM.rasp VOCAB MAX_SEQ_LEN "
                    "[TOKEN...]\n";
    return 2;
  }

  // The tool's own context: its dialects and the compiler's (rasp, craft and
  // the upstream dialects of their IR), and the compiler's passes and
  // pipelines in the global registry (for pass managers parsing
  // "rasp-to-linalg{...}").
  DialectRegistry registry;
  registry.insert<func::FuncDialect>();
  rasp::registerAllDialects(registry);
  rasp::registerAllPasses();
  MLIRContext context(registry);

  std::string error;
  std::unique_ptr<llvm::MemoryBuffer> file = openInputFile(argv[1], &error);
  if (!file) {
    llvm::errs() << error << "\n";
    return 1;
  }
  llvm::SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(std::move(file), llvm::SMLoc());
  SourceMgrDiagnosticHandler diagnostics(sourceMgr, &context);

  // One options struct: the compile parameters and the pipeline's options.
  driver::DriverOptions options;
  llvm::Expected<std::vector<rasp::PyValue>> vocab =
      driver::parseVocabList(argv[2]);
  if (!vocab) {
    llvm::errs() << llvm::toString(vocab.takeError()) << "\n";
    return 1;
  }
  options.parameters.vocab = std::move(*vocab);
  options.parameters.maxSeqLen = std::atoi(argv[3]);
  options.functionName = "model";

  FailureOr<driver::LoadedProgram> program =
      driver::loadProgram(sourceMgr, &context, options);
  if (failed(program))
    return 1;

  FailureOr<driver::CraftModel> craft =
      driver::compileToCraftModel(*program, options);
  if (failed(craft))
    return 1;
  craft::ModelStats stats = craft::computeModelStats(craft->model);
  llvm::outs() << "craft model: " << stats.numLayers << " layers, d_model "
               << stats.residualWidth << "\n";

  FailureOr<OwningOpRef<ModuleOp>> tensorIR =
      driver::compileToTensorIR(*program, options);
  if (failed(tensorIR))
    return 1;
  for (auto func : (*tensorIR)->getOps<func::FuncOp>())
    llvm::outs() << "tensor IR: @" << func.getSymName() << " : "
                 << func.getFunctionType() << "\n";

  FailureOr<std::unique_ptr<driver::CompiledProgram>> compiled =
      driver::CompiledProgram::compile(*program, options);
  if (failed(compiled))
    return 1;
  std::string line;
  for (int i = 4; i < argc; ++i)
    line += std::string(i > 4 ? " " : "") + argv[i];
  driver::TokenEncoder encoder(program->config);
  llvm::Expected<llvm::SmallVector<unsigned>> ids = encoder.encode(line);
  if (!ids) {
    llvm::errs() << llvm::toString(ids.takeError()) << "\n";
    return 1;
  }
  driver::RunResult result = (*compiled)->run({driver::TokenIds(*ids)})[0];
  if (!result.succeeded) {
    llvm::errs() << result.error << "\n";
    return 1;
  }
  llvm::outs() << "output: ";
  driver::printJSONSequence(llvm::outs(), result.values,
                            !(*compiled)->isCategorical());
  llvm::outs() << "\n";
  return 0;
}
