//===- Vocabulary.cpp - Vocabularies from text and files ------------------===//

#include "RaspDialect/Semantics/Vocabulary.h"

#include "RaspDialect/Support/Text.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSwitch.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <unordered_map>

using namespace mlir;
using namespace mlir::rasp;
using namespace mlir::rasp::py;

std::optional<VocabType> py::parseVocabType(llvm::StringRef name) {
  return llvm::StringSwitch<std::optional<VocabType>>(name)
      .Case("auto", VocabType::Auto)
      .Case("str", VocabType::Str)
      .Case("int", VocabType::Int)
      .Case("float", VocabType::Float)
      .Default(std::nullopt);
}

llvm::StringRef py::stringifyVocabType(VocabType type) {
  switch (type) {
  case VocabType::Auto:
    return "auto";
  case VocabType::Str:
    return "str";
  case VocabType::Int:
    return "int";
  case VocabType::Float:
    return "float";
  }
  llvm_unreachable("unknown vocabulary type");
}

/// An error about the item `text`: "'text' <message>".
static llvm::Error itemError(llvm::StringRef text, const llvm::Twine &message) {
  return llvm::createStringError("'" + escapeBytes(text) + "' " + message);
}

llvm::Expected<PyValue> py::parseVocabItem(llvm::StringRef text,
                                           VocabType type) {
  switch (type) {
  case VocabType::Auto:
    return parseVocabItem(text);
  case VocabType::Str:
    return PyValue::str(text.str());
  case VocabType::Int: {
    int64_t n;
    if (text.getAsInteger(10, n))
      return itemError(text, "is not an int (--vocab-type=int)");
    PyValue value = PyValue::integer(n);
    if (value.repr() != text)
      return itemError(text, "is the int " + value.repr() + "; write it '" +
                                 value.repr() + "' (--vocab-type=int)");
    return value;
  }
  case VocabType::Float: {
    std::string copy = text.str();
    char *end = nullptr;
    errno = 0;
    double d = std::strtod(copy.c_str(), &end);
    if (copy.empty() || *end != '\0' || errno != 0 || !std::isfinite(d))
      return itemError(text, "is not a finite float (--vocab-type=float)");
    PyValue value = PyValue::real(d);
    if (value.repr() != text)
      return itemError(text, "is the float " + value.repr() + "; write it '" +
                                 value.repr() + "' (--vocab-type=float)");
    return value;
  }
  }
  llvm_unreachable("unknown vocabulary type");
}

llvm::Expected<std::vector<PyValue>> py::parseVocabList(llvm::StringRef list,
                                                        VocabType type) {
  if (list.empty())
    return llvm::createStringError("the vocabulary is empty");
  std::vector<PyValue> vocab;
  llvm::SmallVector<llvm::StringRef> items;
  list.split(items, ',');
  for (llvm::StringRef item : items) {
    if (item.empty())
      return llvm::createStringError("empty vocabulary item in '" +
                                     escapeBytes(list) + "'");
    llvm::Expected<PyValue> value = parseVocabItem(item, type);
    if (!value)
      return value.takeError();
    vocab.push_back(std::move(*value));
  }
  return vocab;
}

namespace {
struct PyValueHash {
  size_t operator()(const PyValue &v) const { return hash_value(v); }
};
} // namespace

llvm::Expected<std::vector<PyValue>>
py::parseVocabFile(llvm::StringRef contents, llvm::StringRef name,
                   VocabType type) {
  auto error = [&](size_t line, const llvm::Twine &message) {
    return llvm::createStringError(escapeBytes(name) + ":" + llvm::Twine(line) +
                                   ": " + message);
  };
  if (contents.empty())
    return llvm::createStringError(escapeBytes(name) +
                                   ": the vocabulary file is empty");
  if (contents.starts_with("\xEF\xBB\xBF"))
    return error(1, "the file starts with a UTF-8 byte order mark; tokens "
                    "are exact strings, so remove it");

  std::vector<PyValue> vocab;
  // Hashed, so that checking 100,000 tokens for repeats is linear.
  llvm::StringMap<size_t> lineOfText;
  std::unordered_map<PyValue, size_t, PyValueHash> lineOfValue;
  size_t lineNumber = 0;
  llvm::StringRef rest = contents;
  while (!rest.empty()) {
    ++lineNumber;
    auto [line, remainder] = rest.split('\n');
    rest = remainder;
    line.consume_back("\r");
    if (line.empty())
      return error(lineNumber, "empty line (every line is one token)");
    size_t valid = validUTF8Prefix(line);
    if (valid != line.size())
      return error(lineNumber, "invalid UTF-8 at byte " +
                                   llvm::Twine(valid + 1) + " of '" +
                                   escapeBytes(line) + "'");
    size_t space = line.find_first_of(" \t\v\f\r");
    if (space != llvm::StringRef::npos)
      return error(lineNumber, "'" + escapeBytes(line) +
                                   "' contains whitespace at byte " +
                                   llvm::Twine(space + 1) +
                                   " (inputs are split at whitespace)");
    auto [text, newText] = lineOfText.try_emplace(line, lineNumber);
    if (!newText)
      return error(lineNumber, "'" + escapeBytes(line) +
                                   "' is listed twice (first on line " +
                                   llvm::Twine(text->second) + ")");
    llvm::Expected<PyValue> value = parseVocabItem(line, type);
    if (!value)
      return error(lineNumber, llvm::toString(value.takeError()));
    auto [equal, newValue] = lineOfValue.try_emplace(*value, lineNumber);
    if (!newValue)
      return error(lineNumber, "'" + escapeBytes(line) + "' is the " +
                                   value->typeName() + " " + value->repr() +
                                   ", equal to the item on line " +
                                   llvm::Twine(equal->second));
    vocab.push_back(std::move(*value));
  }
  return vocab;
}

llvm::Expected<std::vector<PyValue>> py::readVocabFile(llvm::StringRef path,
                                                       VocabType type) {
  llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>> buffer =
      readFileWithLimit(path, kMaxVocabFileBytes);
  if (!buffer)
    return llvm::createStringError("cannot read '" + escapeBytes(path) +
                                   "': " + llvm::toString(buffer.takeError()));
  return parseVocabFile((*buffer)->getBuffer(), path, type);
}
