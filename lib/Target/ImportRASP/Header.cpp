//===- Header.cpp - Compile parameters in a .rasp file's header -----------===//

#include "Header.h"

#include "Lexer.h"

#include "RaspDialect/Semantics/Vocabulary.h"
#include "RaspDialect/Support/Text.h"

#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/Path.h"

using namespace mlir;
using namespace mlir::rasp;
using namespace mlir::rasp::frontend;

namespace {
/// One `--name=value` word of a header line.
struct HeaderOption {
  llvm::StringRef value;
  bool hasValue = false;
  llvm::SMLoc loc;
};
} // namespace

static const char *const kHeaderOptions[] = {
    "vocab", "vocab-file", "vocab-type", "max-seq-len", "bos", "causal"};

/// Collects the options of the `# rasp:` lines of the leading comment block.
static LogicalResult collectOptions(llvm::StringRef buffer,
                                    llvm::StringMap<HeaderOption> &options,
                                    const llvm::SourceMgr &sourceMgr,
                                    MLIRContext *context) {
  auto error = [&](llvm::SMLoc loc) {
    return mlir::emitError(getFileLineColLoc(sourceMgr, loc, context));
  };
  llvm::StringRef rest = buffer;
  while (!rest.empty()) {
    auto [line, remainder] = rest.split('\n');
    rest = remainder;
    llvm::StringRef text = line.ltrim(" \t\r\f\v");
    if (text.empty())
      continue;
    if (!text.consume_front("#"))
      break;
    text = text.ltrim(" \t");
    if (!text.consume_front("rasp:"))
      continue;
    for (auto [word, after] = llvm::getToken(text); !word.empty();
         std::tie(word, after) = llvm::getToken(after)) {
      llvm::SMLoc loc = llvm::SMLoc::getFromPointer(word.data());
      llvm::StringRef body = word;
      if (!body.consume_front("--"))
        return error(loc) << "'# rasp:' lines give options as "
                             "'--name=value', not '"
                          << escapeBytes(word) << "'";
      auto [name, value] = body.split('=');
      if (!llvm::is_contained(kHeaderOptions, name))
        return error(loc) << "unknown option '--" << escapeBytes(name)
                          << "' in a '# rasp:' line (known: --vocab, "
                             "--vocab-file, --vocab-type, --max-seq-len, "
                             "--bos, --causal)";
      HeaderOption option{value, body.contains('='), loc};
      auto [it, inserted] = options.try_emplace(name, option);
      if (!inserted) {
        error(loc) << "'--" << name << "' is given twice in the header";
        return failure();
      }
    }
  }
  return success();
}

FailureOr<ImportRASPOptions>
frontend::applyHeaderOptions(llvm::SourceMgr &sourceMgr, MLIRContext *context,
                             const ImportRASPOptions &given) {
  const llvm::MemoryBuffer *main =
      sourceMgr.getMemoryBuffer(sourceMgr.getMainFileID());
  llvm::StringMap<HeaderOption> options;
  if (failed(collectOptions(main->getBuffer(), options, sourceMgr, context)))
    return failure();
  ImportRASPOptions result = given;
  if (options.empty())
    return result;

  auto error = [&](const HeaderOption &option) {
    return mlir::emitError(getFileLineColLoc(sourceMgr, option.loc, context));
  };
  auto valueOf = [&](llvm::StringRef name) -> FailureOr<const HeaderOption *> {
    auto it = options.find(name);
    if (it == options.end())
      return static_cast<const HeaderOption *>(nullptr);
    if (!it->second.hasValue || it->second.value.empty())
      return error(it->second) << "'--" << name << "' needs a value";
    return &it->second;
  };

  FailureOr<const HeaderOption *> list = valueOf("vocab");
  FailureOr<const HeaderOption *> file = valueOf("vocab-file");
  FailureOr<const HeaderOption *> type = valueOf("vocab-type");
  FailureOr<const HeaderOption *> maxSeqLen = valueOf("max-seq-len");
  FailureOr<const HeaderOption *> bos = valueOf("bos");
  if (failed(list) || failed(file) || failed(type) || failed(maxSeqLen) ||
      failed(bos))
    return failure();

  py::VocabType vocabType = py::VocabType::Auto;
  if (*type) {
    std::optional<py::VocabType> parsed = py::parseVocabType((*type)->value);
    if (!parsed)
      return error(**type) << "'--vocab-type' is auto, str, int or float, not '"
                           << escapeBytes((*type)->value) << "'";
    if (!*list && !*file)
      return error(**type) << "'--vocab-type' types the header's '--vocab' or "
                              "'--vocab-file', and it has neither";
    vocabType = *parsed;
  }
  if (*list && *file)
    return error(**file) << "give the vocabulary with '--vocab' or "
                            "'--vocab-file', not both";
  // The tool's vocabulary replaces the header's, which is then not read.
  if (!result.vocab && *list) {
    llvm::Expected<std::vector<PyValue>> vocab =
        py::parseVocabList((*list)->value, vocabType);
    if (!vocab)
      return error(**list) << "--vocab: " << llvm::toString(vocab.takeError());
    result.vocab = std::move(*vocab);
  }
  if (!result.vocab && *file) {
    // Relative to the program, like `load`.
    llvm::SmallString<256> path;
    if (!llvm::sys::path::is_absolute((*file)->value))
      path = llvm::sys::path::parent_path(main->getBufferIdentifier());
    llvm::sys::path::append(path, (*file)->value);
    llvm::Expected<std::vector<PyValue>> vocab =
        py::readVocabFile(path, vocabType);
    if (!vocab)
      return error(**file) << "--vocab-file: "
                           << llvm::toString(vocab.takeError());
    result.vocab = std::move(*vocab);
  }
  if (!result.maxSeqLen && *maxSeqLen) {
    int64_t n;
    if ((*maxSeqLen)->value.getAsInteger(10, n))
      return error(**maxSeqLen) << "'--max-seq-len' is an integer, not '"
                                << escapeBytes((*maxSeqLen)->value) << "'";
    result.maxSeqLen = n;
  }
  if (!result.bos && *bos)
    result.bos = (*bos)->value.str();
  if (!result.causal) {
    auto it = options.find("causal");
    if (it != options.end()) {
      const HeaderOption &causal = it->second;
      if (!causal.hasValue || causal.value == "true")
        result.causal = true;
      else if (causal.value == "false")
        result.causal = false;
      else
        return error(causal) << "'--causal' is true or false, not '"
                             << escapeBytes(causal.value) << "'";
    }
  }
  return result;
}
