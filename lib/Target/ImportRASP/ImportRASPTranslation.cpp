//===- ImportRASPTranslation.cpp - The --import-rasp translation ----------===//
//
// Registers `--import-rasp` for mlirTranslateMain. Its options are created
// on first use (function-local static), so only tools that register a RASP
// translation (e.g. rasp-translate) get them and other tools may define
// options of the same names; every RASP translation reads the same ones.
//
//===----------------------------------------------------------------------===//

#include "RaspDialect/Dialect/RASP/IR/RASPDialect.h"
#include "RaspDialect/Target/ImportRASP.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-translate/Translation.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/SourceMgr.h"

using namespace mlir;
using namespace mlir::rasp;

namespace {
/// The options every RASP translation shares; constructed (registered) on
/// first use, before the command line is parsed.
struct TranslationOptions {
  llvm::cl::OptionCategory category{"rasp translation options"};
  llvm::cl::list<std::string> vocab{
      "vocab", llvm::cl::CommaSeparated, llvm::cl::cat(category),
      llvm::cl::desc(
          "Token values: ints, floats or strings (comma separated)")};
  llvm::cl::opt<int64_t> maxSeqLen{
      "max-seq-len", llvm::cl::cat(category),
      llvm::cl::desc("Longest input sequence, without BOS")};
  llvm::cl::opt<std::string> bos{
      "bos", llvm::cl::cat(category),
      llvm::cl::desc("Beginning-of-sequence token (default BOS)")};
  llvm::cl::opt<bool> causal{
      "causal", llvm::cl::cat(category),
      llvm::cl::desc("Compile with causal attention masks")};
  llvm::cl::opt<std::string> output{
      "output", llvm::cl::cat(category),
      llvm::cl::desc("Top-level name of the output SOp (default: the last "
                     "top-level assignment)")};
};

TranslationOptions &translationOptions() {
  static TranslationOptions options;
  return options;
}
} // namespace

TranslationParameters mlir::rasp::getTranslationParameters() {
  TranslationOptions &cl = translationOptions();
  TranslationParameters p;
  if (cl.vocab.getNumOccurrences()) {
    p.vocab.emplace();
    // `--vocab=` is an empty vocabulary, not one empty token.
    if (cl.vocab.size() != 1 || !cl.vocab.front().empty())
      for (const std::string &item : cl.vocab)
        p.vocab->push_back(py::parseVocabItem(item));
  }
  if (cl.maxSeqLen.getNumOccurrences())
    p.maxSeqLen = cl.maxSeqLen;
  if (cl.bos.getNumOccurrences())
    p.bos = cl.bos;
  if (cl.causal.getNumOccurrences())
    p.causal = cl.causal;
  if (cl.output.getNumOccurrences())
    p.outputName = cl.output;
  return p;
}

void mlir::rasp::registerImportRASPTranslation() {
  translationOptions();
  static TranslateToMLIRRegistration registration(
      "import-rasp", "import a .rasp program into the rasp dialect",
      [](llvm::SourceMgr &sourceMgr,
         MLIRContext *context) -> OwningOpRef<Operation *> {
        TranslationParameters p = getTranslationParameters();
        ImportRASPOptions options;
        options.vocab = p.vocab;
        options.maxSeqLen = p.maxSeqLen;
        options.bos = p.bos;
        options.causal = p.causal.value_or(false);
        options.outputName = p.outputName;
        return importRASP(sourceMgr, context, options);
      },
      // The dialects the frontend emits (importRASP loads them), not the
      // whole compiler's.
      [](DialectRegistry &registry) {
        registry.insert<RASPDialect, arith::ArithDialect, math::MathDialect,
                        scf::SCFDialect>();
      });
}
