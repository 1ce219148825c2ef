//===- Text.h - User bytes in messages and files ----------------*- C++ -*-===//
//
// Programs, vocabularies and input lines are user bytes: they may hold NUL,
// control characters or invalid UTF-8. What the tools print must not: JSON
// output is valid UTF-8, and diagnostics quote user bytes escaped. Files
// and input lines are read with a size limit, so /dev/zero or an endless
// pipe is an error, not a runaway (docs/Limits.md).
//
//===----------------------------------------------------------------------===//

#ifndef RASPDIALECT_SUPPORT_TEXT_H
#define RASPDIALECT_SUPPORT_TEXT_H

#include "mlir/Support/LLVM.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <memory>
#include <optional>
#include <string>

namespace mlir::rasp {

/// The length of the valid UTF-8 prefix of `text` (text.size() if it is all
/// valid).
size_t validUTF8Prefix(llvm::StringRef text);
inline bool isValidUTF8(llvm::StringRef text) {
  return validUTF8Prefix(text) == text.size();
}

/// `text` with every byte of invalid UTF-8 replaced by U+FFFD: for output
/// that must be UTF-8 (JSON) where refusing is no longer possible.
std::string replaceInvalidUTF8(llvm::StringRef text);

/// The offset of the first byte of `text` that is not text: invalid UTF-8,
/// NUL, or a control character other than tab, newline, carriage return,
/// form feed and vertical tab. std::nullopt if there is none.
std::optional<size_t> findNonTextByte(llvm::StringRef text);

/// `text` with every byte of invalid UTF-8 and every control character but
/// newline and tab written as `\xNN`, so that messages quoting user bytes
/// stay printable.
std::string escapeBytes(llvm::StringRef text);

/// A stream that writes to another one with `escapeBytes` applied: for
/// diagnostics, whose messages and source lines quote user bytes. UTF-8
/// sequences split across writes are kept together.
class EscapingOStream : public llvm::raw_ostream {
public:
  explicit EscapingOStream(llvm::raw_ostream &os);
  ~EscapingOStream() override;

private:
  void write_impl(const char *ptr, size_t size) override;
  uint64_t current_pos() const override { return written; }
  /// Writes `pending` escaped (an incomplete sequence at the end).
  void flushPending();

  llvm::raw_ostream &os;
  uint64_t written = 0;
  llvm::SmallString<4> pending;
};

/// The largest program file (a .rasp source, a file it loads, an MLIR
/// program) the tools read.
inline constexpr uint64_t kMaxProgramFileBytes = uint64_t(64) << 20;

/// Reads the file at `path` (or stdin for "-"), at most `maxBytes`: a
/// larger file, or a stream that does not end within the limit
/// (/dev/zero), is an error naming the limit. Regular files are refused
/// from their size alone.
llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>>
readFileWithLimit(llvm::StringRef path, uint64_t maxBytes);

/// Reads lines from a file descriptor in chunks: memory holds one chunk and
/// the current line, whatever the length of the input. A line ends at '\n'
/// (a trailing '\r' is dropped); a last line without '\n' counts.
class LineReader {
public:
  LineReader(llvm::sys::fs::file_t file, size_t maxLineBytes);

  /// The next line, or std::nullopt at the end of the input. A line longer
  /// than the limit, or a read error, is an error; reading stops there.
  /// The returned text is valid until the next call.
  llvm::Expected<std::optional<llvm::StringRef>> next();
  /// The 1-based number of the line `next` returned last.
  size_t getLineNumber() const { return lineNumber; }

private:
  llvm::sys::fs::file_t file;
  size_t maxLineBytes;
  size_t lineNumber = 0;
  std::string buffer;
  size_t start = 0;
  bool eof = false;
  std::string line;
};

} // namespace mlir::rasp

#endif // RASPDIALECT_SUPPORT_TEXT_H
