//===- ImportRASPTranslation.cpp - The --import-rasp translation ----------===//
//
// Registers `--import-rasp` for mlirTranslateMain. Its options are
// function-local statics, so only tools that call the registration (e.g.
// rasp-translate) get them and other tools may define options of the same
// names.
//
//===----------------------------------------------------------------------===//

#include "RaspDialect/InitAll.h"
#include "RaspDialect/Target/ImportRASP.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-translate/Translation.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/SourceMgr.h"

using namespace mlir;
using namespace mlir::rasp;

void mlir::rasp::registerImportRASPTranslation() {
  static llvm::cl::OptionCategory category("rasp import options");
  static llvm::cl::list<std::string> vocab(
      "vocab", llvm::cl::CommaSeparated, llvm::cl::cat(category),
      llvm::cl::desc(
          "Token values: ints, floats or strings (comma separated)"));
  static llvm::cl::opt<int64_t> maxSeqLen(
      "max-seq-len", llvm::cl::cat(category),
      llvm::cl::desc("Longest input sequence, without BOS"));
  static llvm::cl::opt<std::string> bos(
      "bos", llvm::cl::cat(category),
      llvm::cl::desc("Beginning-of-sequence token (default BOS)"));
  static llvm::cl::opt<bool> causal(
      "causal", llvm::cl::cat(category),
      llvm::cl::desc("Compile with causal attention masks"));
  static llvm::cl::opt<std::string> output(
      "output", llvm::cl::cat(category),
      llvm::cl::desc("Top-level name of the output SOp (default: the last "
                     "top-level assignment)"));

  static TranslateToMLIRRegistration registration(
      "import-rasp", "import a .rasp program into the rasp dialect",
      [](llvm::SourceMgr &sourceMgr,
         MLIRContext *context) -> OwningOpRef<Operation *> {
        ImportRASPOptions options;
        if (vocab.getNumOccurrences()) {
          options.vocab.emplace();
          // `--vocab=` is an empty vocabulary, not one empty token.
          if (vocab.size() != 1 || !vocab.front().empty())
            for (const std::string &item : vocab)
              options.vocab->push_back(py::parseVocabItem(item));
        }
        if (maxSeqLen.getNumOccurrences())
          options.maxSeqLen = maxSeqLen;
        if (bos.getNumOccurrences())
          options.bos = bos;
        options.causal = causal;
        if (output.getNumOccurrences())
          options.outputName = output;
        return importRASP(sourceMgr, context, options);
      },
      [](DialectRegistry &registry) { registerAllDialects(registry); });
}
