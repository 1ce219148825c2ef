//===- TranslationInput.cpp - The program a RASP translation compiles -----===//

#include "RaspDialect/Tools/RaspRun/TranslationInput.h"
#include "RaspDialect/InitAll.h"
#include "RaspDialect/Target/ImportRASP.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/Path.h"

using namespace mlir;
using namespace mlir::rasp;

FailureOr<TranslationInput>
mlir::rasp::loadTranslationInput(llvm::SourceMgr &sourceMgr,
                                 MLIRContext *context) {
  DialectRegistry registry;
  registerAllDialects(registry);
  context->appendDialectRegistry(registry);
  context->loadAllAvailableDialects();

  TranslationParameters p = getTranslationParameters();
  llvm::StringRef file = sourceMgr.getMemoryBuffer(sourceMgr.getMainFileID())
                             ->getBufferIdentifier();
  bool isSource = llvm::sys::path::extension(file) == ".rasp";
  TranslationInput in;
  if (isSource) {
    ImportRASPOptions options;
    options.vocab = p.vocab;
    options.maxSeqLen = p.maxSeqLen;
    options.bos = p.bos;
    options.causal = p.causal.value_or(false);
    options.outputName = p.outputName;
    in.module = importRASP(sourceMgr, context, options);
  } else {
    in.module = parseSourceFile<ModuleOp>(sourceMgr, context);
  }
  if (!in.module)
    return failure();

  FailureOr<ProgramOp> program = selectProgram(*in.module, "");
  if (failed(program))
    return failure();
  in.program = *program;
  in.output = program->getOutput();
  // A .rasp source already has the named SOp as its output.
  if (p.outputName && !isSource) {
    FailureOr<Value> named = selectOutputByName(*program, *p.outputName);
    if (failed(named))
      return failure();
    in.output = *named;
  }
  RunOverrides overrides{p.vocab, p.maxSeqLen, p.bos, p.causal};
  FailureOr<RunConfig> config = resolveRunConfig(*program, overrides);
  if (failed(config))
    return failure();
  in.config = std::move(*config);
  return in;
}
