//===- ImportRASPTranslation.cpp - The --import-rasp translation ----------===//
//
// Registers `--import-rasp` for mlirTranslateMain. Its options are created
// on first use (function-local static), so only tools that register a RASP
// translation (e.g. rasp-translate) get them and other tools may define
// options of the same names; every RASP translation reads the same ones.
//
//===----------------------------------------------------------------------===//

#include "RaspDialect/Dialect/RASP/IR/RASPDialect.h"
#include "RaspDialect/Semantics/Vocabulary.h"
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
  llvm::cl::opt<std::string> vocabFile{
      "vocab-file", llvm::cl::cat(category), llvm::cl::value_desc("FILE"),
      llvm::cl::desc("Read the token values from FILE: one per line, UTF-8, "
                     "exact strings")};
  llvm::cl::opt<py::VocabType> vocabType{
      "vocab-type", llvm::cl::cat(category),
      llvm::cl::desc("The type of the --vocab or --vocab-file items"),
      llvm::cl::values(
          clEnumValN(py::VocabType::Auto, "auto",
                     "int if it parses as one, else float, else str "
                     "(default)"),
          clEnumValN(py::VocabType::Str, "str",
                     "strings, even those that look like numbers"),
          clEnumValN(py::VocabType::Int, "int", "integers"),
          clEnumValN(py::VocabType::Float, "float", "floats")),
      llvm::cl::init(py::VocabType::Auto)};
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
  llvm::cl::opt<bool> tracrGraph{
      "tracr-graph", llvm::cl::cat(category),
      llvm::cl::desc("Emit the graph Tracr builds: one op per RASP "
                     "operation, no elementwise fusion, no merging of "
                     "identical ops")};
};

TranslationOptions &translationOptions() {
  static TranslationOptions options;
  return options;
}
} // namespace

void mlir::rasp::registerTranslationParameterOptions() { translationOptions(); }

llvm::Expected<TranslationParameters> mlir::rasp::getTranslationParameters() {
  TranslationOptions &cl = translationOptions();
  TranslationParameters p;
  bool listGiven = cl.vocab.getNumOccurrences();
  bool fileGiven = cl.vocabFile.getNumOccurrences();
  if (listGiven && fileGiven)
    return llvm::createStringError(
        "give the vocabulary with --vocab or --vocab-file, not both");
  if (cl.vocabType.getNumOccurrences() && !listGiven && !fileGiven)
    return llvm::createStringError(
        "--vocab-type types the items of --vocab or --vocab-file; give one "
        "of them (a '# rasp:' header line has its own --vocab-type)");
  if (listGiven) {
    p.vocab.emplace();
    // `--vocab=` is an empty vocabulary, not one empty token.
    if (cl.vocab.size() != 1 || !cl.vocab.front().empty()) {
      for (const std::string &item : cl.vocab) {
        llvm::Expected<PyValue> value = py::parseVocabItem(item, cl.vocabType);
        if (!value)
          return llvm::createStringError("--vocab: " +
                                         llvm::toString(value.takeError()));
        p.vocab->push_back(std::move(*value));
      }
    }
  }
  if (fileGiven) {
    llvm::Expected<std::vector<PyValue>> vocab =
        py::readVocabFile(cl.vocabFile, cl.vocabType);
    if (!vocab)
      return llvm::createStringError("--vocab-file: " +
                                     llvm::toString(vocab.takeError()));
    p.vocab = std::move(*vocab);
  }
  if (cl.maxSeqLen.getNumOccurrences())
    p.maxSeqLen = cl.maxSeqLen;
  if (cl.bos.getNumOccurrences())
    p.bos = cl.bos;
  if (cl.causal.getNumOccurrences())
    p.causal = cl.causal;
  if (cl.output.getNumOccurrences())
    p.outputName = cl.output;
  p.tracrGraph = cl.tracrGraph;
  return p;
}

void mlir::rasp::registerImportRASPTranslation() {
  registerTranslationParameterOptions();
  static TranslateToMLIRRegistration registration(
      "import-rasp", "import a .rasp program into the rasp dialect",
      [](llvm::SourceMgr &sourceMgr,
         MLIRContext *context) -> OwningOpRef<Operation *> {
        llvm::Expected<TranslationParameters> parameters =
            getTranslationParameters();
        if (!parameters) {
          emitError(UnknownLoc::get(context),
                    llvm::toString(parameters.takeError()));
          return nullptr;
        }
        TranslationParameters &p = *parameters;
        ImportRASPOptions options;
        options.vocab = p.vocab;
        options.maxSeqLen = p.maxSeqLen;
        options.bos = p.bos;
        options.causal = p.causal;
        options.outputName = p.outputName;
        options.tracrGraph = p.tracrGraph;
        return importRASP(sourceMgr, context, options);
      },
      // The dialects the frontend emits (importRASP loads them), not the
      // whole compiler's.
      [](DialectRegistry &registry) {
        registry.insert<RASPDialect, arith::ArithDialect, math::MathDialect,
                        scf::SCFDialect>();
      });
}
