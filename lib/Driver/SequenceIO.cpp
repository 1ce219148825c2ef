//===- SequenceIO.cpp - Input encoding and output printing ----------------===//

#include "RaspDialect/Driver/SequenceIO.h"

#include "llvm/ADT/StringExtras.h"

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
  llvm::SmallVector<llvm::StringRef> tokens;
  llvm::SplitString(line, tokens);
  if (int64_t(tokens.size()) > maxSeqLen)
    return llvm::createStringError(
        "the input has " + llvm::Twine(tokens.size()) +
        " tokens, more than the maximum sequence length " +
        llvm::Twine(maxSeqLen) + "; the first extra token is '" +
        tokens[maxSeqLen] + "' at position " + llvm::Twine(maxSeqLen));
  llvm::SmallVector<unsigned> ids;
  ids.reserve(tokens.size());
  for (auto [position, token] : llvm::enumerate(tokens)) {
    auto it = indexOf.find(token);
    if (it != indexOf.end()) {
      ids.push_back(it->second);
      continue;
    }
    if (token == bos)
      return llvm::createStringError(
          "token '" + token + "' at position " + llvm::Twine(position) +
          " is the BOS token; inputs are given without it");
    return llvm::createStringError("unknown token '" + token +
                                   "' at position " + llvm::Twine(position) +
                                   " (not in the vocabulary)");
  }
  return ids;
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
