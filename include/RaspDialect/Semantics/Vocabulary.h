//===- Vocabulary.h - Vocabularies from text and files ----------*- C++ -*-===//
//
// How the tools read a vocabulary: a comma-separated list (`--vocab`) or a
// file of one token per line (`--vocab-file`), each item typed by a
// `--vocab-type`. One implementation for rasp-run, rasp-translate and the
// `# rasp:` header lines of a `.rasp` file (docs/rasp-run.md).
//
//===----------------------------------------------------------------------===//

#ifndef RASPDIALECT_SEMANTICS_VOCABULARY_H
#define RASPDIALECT_SEMANTICS_VOCABULARY_H

#include "RaspDialect/Semantics/PyValue.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <optional>
#include <vector>

namespace mlir::rasp::py {

/// The type of the items of a vocabulary given as text.
enum class VocabType {
  /// An item that parses as an integer is an int, else a float if it parses
  /// as one, else a string (the `--vocab` behaviour of the contract).
  Auto,
  /// Every item is the string it is written as ("01" stays "01").
  Str,
  /// Every item is an int, written as Python writes it ("7", "-3").
  Int,
  /// Every item is a finite float, written as Python writes it ("1.0",
  /// "0.5", "1e+20").
  Float,
};

/// The type named `name` ("auto", "str", "int", "float"), if any.
std::optional<VocabType> parseVocabType(llvm::StringRef name);
llvm::StringRef stringifyVocabType(VocabType type);

/// The item written `text` as `type`. Typed int and float items must be
/// written in their printed form, so that the token an input gives is the
/// text the vocabulary lists; the error says how to write it.
llvm::Expected<PyValue> parseVocabItem(llvm::StringRef text, VocabType type);

/// A comma-separated `--vocab` list. Fails on an empty list or item.
llvm::Expected<std::vector<PyValue>> parseVocabList(llvm::StringRef list,
                                                    VocabType type);

/// The largest vocabulary file the tools read.
inline constexpr uint64_t kMaxVocabFileBytes = uint64_t(64) << 20;

/// A vocabulary file's contents: one token per line, exactly as written,
/// lines ending in "\n" or "\r\n" (the last one may lack it). Refused, with
/// `name:LINE:` in the message: an empty file, a UTF-8 byte order mark,
/// invalid UTF-8, an empty line, a token with whitespace (inputs split at
/// whitespace), a token that is not of `type`, and a token listed twice
/// (as text or, typed, as value: "1" and "1.0" in `auto`). Linear time.
llvm::Expected<std::vector<PyValue>>
parseVocabFile(llvm::StringRef contents, llvm::StringRef name, VocabType type);

/// Reads the file at `path` (at most kMaxVocabFileBytes) with
/// `parseVocabFile`.
llvm::Expected<std::vector<PyValue>> readVocabFile(llvm::StringRef path,
                                                   VocabType type);

} // namespace mlir::rasp::py

#endif // RASPDIALECT_SEMANTICS_VOCABULARY_H
