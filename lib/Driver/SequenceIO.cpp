//===- SequenceIO.cpp - Input encoding and output printing ----------------===//

#include "RaspDialect/Driver/SequenceIO.h"

#include "RaspDialect/Support/MemoryBudget.h"
#include "RaspDialect/Support/Text.h"

#include "llvm/ADT/StringExtras.h"

#include <algorithm>

using namespace mlir;
using namespace mlir::rasp;
using namespace mlir::rasp::driver;

TokenEncoder::TokenEncoder(const RunConfig &config)
    : bos(config.bos), maxSeqLen(config.maxSeqLen) {
  for (auto [i, item] : llvm::enumerate(config.vocab))
    indexOf.try_emplace(printedForm(item), i);
}

llvm::Expected<llvm::SmallVector<unsigned>>
TokenEncoder::encode(llvm::StringRef line) const {
  llvm::SmallVector<unsigned> ids;
  // One token at a time: a line of millions of tokens costs nothing past
  // the first one too many.
  llvm::StringRef rest = line;
  for (int64_t position = 0;; ++position) {
    auto [token, remainder] = llvm::getToken(rest);
    rest = remainder;
    if (token.empty())
      break;
    if (position == maxSeqLen) {
      int64_t count = position + 1;
      while (!llvm::getToken(rest).first.empty()) {
        rest = llvm::getToken(rest).second;
        ++count;
      }
      return llvm::createStringError(
          "the input has " + llvm::Twine(count) +
          " tokens, more than the maximum sequence length " +
          llvm::Twine(maxSeqLen) + "; the first extra token is '" +
          escapeBytes(token) + "' at position " + llvm::Twine(maxSeqLen));
    }
    auto it = indexOf.find(token);
    if (it != indexOf.end()) {
      ids.push_back(it->second);
      continue;
    }
    if (token == bos)
      return llvm::createStringError(
          "token '" + token + "' at position " + llvm::Twine(position) +
          " is the BOS token; inputs are given without it");
    return llvm::createStringError("unknown token '" + escapeBytes(token) +
                                   "' at position " + llvm::Twine(position) +
                                   " (not in the vocabulary)");
  }
  return ids;
}

size_t mlir::rasp::driver::getMaxInputLineBytes(const RunConfig &config) {
  size_t longest = 0;
  for (const PyValue &item : config.vocab)
    longest = std::max(longest, printedForm(item).size());
  uint64_t needed =
      saturatingProduct({4, uint64_t(config.maxSeqLen), longest + 1});
  return std::clamp<uint64_t>(needed, kMinMaxInputLineBytes,
                              kMaxMaxInputLineBytes);
}

std::vector<std::string>
mlir::rasp::driver::splitInputLines(llvm::StringRef text) {
  std::vector<std::string> lines;
  while (!text.empty()) {
    auto [line, rest] = text.split('\n');
    lines.push_back(line.rtrim('\r').str());
    text = rest;
  }
  return lines;
}

void mlir::rasp::driver::printJSONSequence(llvm::raw_ostream &os,
                                           llvm::ArrayRef<PyValue> values,
                                           bool numerical) {
  os << '[';
  llvm::interleave(
      values, os,
      [&](const PyValue &v) {
        if (numerical && v.isBool())
          os << (v.getBool() ? 1 : 0);
        else
          v.printJSON(os);
      },
      ", ");
  os << ']';
}
