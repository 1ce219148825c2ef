//===- SequenceIO.h - Token encoding, output printing -----------*- C++ -*-===//
//
// The textual side of the `rasp-run` contract: input lines of whitespace-
// separated tokens become vocabulary indices, and output sequences are
// printed as one JSON array per input.
//
//===----------------------------------------------------------------------===//

#ifndef RASPDIALECT_DRIVER_SEQUENCEIO_H
#define RASPDIALECT_DRIVER_SEQUENCEIO_H

#include "RaspDialect/Driver/RunConfig.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"

namespace mlir::rasp::driver {

/// Maps input lines to token indices into `RunConfig::vocab`.
class TokenEncoder {
public:
  explicit TokenEncoder(const RunConfig &config);

  /// Splits `line` at whitespace and looks every token up by its printed
  /// form. Fails with a message naming the offending token (its bytes
  /// escaped) when a token is not in the vocabulary or the line is longer
  /// than max-seq-len.
  llvm::Expected<llvm::SmallVector<unsigned>>
  encode(llvm::StringRef line) const;

private:
  llvm::StringMap<unsigned> indexOf;
  std::string bos;
  int64_t maxSeqLen;
};

/// Input lines are read with a length limit (so that a stream without
/// newlines, /dev/zero, is an error, not a runaway): four times the longest
/// valid line (max-seq-len tokens of the longest vocabulary item, one
/// separator each), at least 1 MiB and at most 64 MiB.
inline constexpr size_t kMinMaxInputLineBytes = size_t(1) << 20;
inline constexpr size_t kMaxMaxInputLineBytes = size_t(64) << 20;
size_t getMaxInputLineBytes(const RunConfig &config);

/// Splits standard input into input lines: one sequence per line, a final
/// line without newline included, trailing '\r' dropped.
std::vector<std::string> splitInputLines(llvm::StringRef text);

/// Prints `values` as a JSON array (`[3, 2, 1]`). In a numerical output,
/// booleans print as the numbers 0 and 1.
void printJSONSequence(llvm::raw_ostream &os, llvm::ArrayRef<PyValue> values,
                       bool numerical);

} // namespace mlir::rasp::driver

#endif // RASPDIALECT_DRIVER_SEQUENCEIO_H
