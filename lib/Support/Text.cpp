//===- Text.cpp - User bytes in messages and files ------------------------===//

#include "RaspDialect/Support/Text.h"

#include "llvm/ADT/ScopeExit.h"
#include "llvm/Support/ConvertUTF.h"
#include "llvm/Support/Errc.h"
#include "llvm/Support/FormatVariadic.h"

using namespace mlir;
using namespace mlir::rasp;

/// The length of the valid UTF-8 sequence at the start of `text`: 1 for
/// ASCII, 0 if it is invalid, or -1 if it is a valid but incomplete prefix.
static int sequenceLength(llvm::StringRef text) {
  auto *begin = reinterpret_cast<const llvm::UTF8 *>(text.data());
  if (*begin < 0x80)
    return 1;
  unsigned length = llvm::getNumBytesForUTF8(*begin);
  if (length < 2 || length > 4)
    return 0;
  if (text.size() < length) {
    // Legal so far? Check the continuation bytes present.
    for (size_t i = 1; i < text.size(); ++i)
      if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80)
        return 0;
    return -1;
  }
  return llvm::isLegalUTF8Sequence(begin, begin + length) ? length : 0;
}

size_t mlir::rasp::validUTF8Prefix(llvm::StringRef text) {
  size_t pos = 0;
  while (pos < text.size()) {
    int length = sequenceLength(text.drop_front(pos));
    if (length <= 0)
      return pos;
    pos += length;
  }
  return pos;
}

std::string mlir::rasp::replaceInvalidUTF8(llvm::StringRef text) {
  std::string out;
  out.reserve(text.size());
  size_t pos = 0;
  while (pos < text.size()) {
    int length = sequenceLength(text.drop_front(pos));
    if (length <= 0) {
      out += "\xEF\xBF\xBD";
      ++pos;
      continue;
    }
    out.append(text.data() + pos, length);
    pos += length;
  }
  return out;
}

static bool isAllowedControl(char c) {
  return c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

std::optional<size_t> mlir::rasp::findNonTextByte(llvm::StringRef text) {
  size_t pos = 0;
  while (pos < text.size()) {
    unsigned char c = text[pos];
    if ((c < 0x20 && !isAllowedControl(c)) || c == 0x7F)
      return pos;
    int length = sequenceLength(text.drop_front(pos));
    if (length <= 0)
      return pos;
    pos += length;
  }
  return std::nullopt;
}

static void appendEscaped(std::string &out, unsigned char c) {
  out += llvm::formatv("\\x{0:X-2}", unsigned(c)).str();
}

/// Appends the escaped form of `text`; an incomplete sequence at its end is
/// escaped too.
static void escapeInto(std::string &out, llvm::StringRef text) {
  size_t pos = 0;
  while (pos < text.size()) {
    unsigned char c = text[pos];
    if (c == '\n' || c == '\t') {
      out += c;
      ++pos;
      continue;
    }
    if (c < 0x20 || c == 0x7F) {
      appendEscaped(out, c);
      ++pos;
      continue;
    }
    int length = sequenceLength(text.drop_front(pos));
    if (length <= 0) {
      appendEscaped(out, c);
      ++pos;
      continue;
    }
    out.append(text.data() + pos, length);
    pos += length;
  }
}

std::string mlir::rasp::escapeBytes(llvm::StringRef text) {
  std::string out;
  out.reserve(text.size());
  escapeInto(out, text);
  return out;
}

//===----------------------------------------------------------------------===//
// EscapingOStream
//===----------------------------------------------------------------------===//

EscapingOStream::EscapingOStream(llvm::raw_ostream &os) : os(os) {
  // Every write reaches write_impl at once; `os` buffers.
  SetUnbuffered();
}

EscapingOStream::~EscapingOStream() {
  flushPending();
  os.flush();
}

void EscapingOStream::flushPending() {
  if (pending.empty())
    return;
  std::string out;
  escapeInto(out, pending);
  pending.clear();
  os << out;
}

void EscapingOStream::write_impl(const char *ptr, size_t size) {
  written += size;
  llvm::StringRef data(ptr, size);
  std::string out;
  // Complete a sequence an earlier write ended in.
  while (!pending.empty() && !data.empty()) {
    pending.push_back(data.front());
    data = data.drop_front();
    int length = sequenceLength(pending);
    if (length == -1)
      continue;
    if (length > 0 && size_t(length) == pending.size()) {
      out += pending.str();
      pending.clear();
    } else {
      // Invalid: escape its first byte, rescan the rest with the new data.
      appendEscaped(out, pending.front());
      std::string rest = pending.substr(1).str();
      pending.clear();
      escapeInto(out, rest);
    }
    break;
  }
  // Keep an incomplete sequence at the end for the next write.
  size_t keep = 0;
  for (size_t back = 1; back <= std::min<size_t>(3, data.size()); ++back) {
    unsigned char c = data[data.size() - back];
    if ((c & 0xC0) == 0x80)
      continue;
    if (c >= 0xC0 && sequenceLength(data.take_back(back)) == -1)
      keep = back;
    break;
  }
  escapeInto(out, data.drop_back(keep));
  pending.append(data.take_back(keep));
  os << out;
}

//===----------------------------------------------------------------------===//
// Bounded reading
//===----------------------------------------------------------------------===//

llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>>
mlir::rasp::readFileWithLimit(llvm::StringRef path, uint64_t maxBytes) {
  auto fail = [&](const llvm::Twine &why) {
    return llvm::createStringError("cannot read '" + escapeBytes(path) +
                                   "': " + why);
  };
  auto tooLarge = [&] {
    return fail("larger than the limit of " + llvm::Twine(maxBytes) + " bytes");
  };
  llvm::sys::fs::file_t file;
  bool isStdin = path == "-";
  if (isStdin) {
    file = llvm::sys::fs::getStdinHandle();
  } else {
    llvm::Expected<llvm::sys::fs::file_t> opened =
        llvm::sys::fs::openNativeFileForRead(path);
    if (!opened)
      return fail(llvm::toString(opened.takeError()));
    file = *opened;
  }
  llvm::scope_exit close([&] {
    if (!isStdin)
      llvm::sys::fs::closeFile(file);
  });
  llvm::sys::fs::file_status status;
  if (std::error_code ec = llvm::sys::fs::status(file, status))
    return fail(ec.message());
  if (status.type() == llvm::sys::fs::file_type::directory_file)
    return fail("it is a directory");
  if (status.type() == llvm::sys::fs::file_type::regular_file &&
      status.getSize() > maxBytes)
    return tooLarge();

  // Pipes and devices have no size: read up to one byte over the limit.
  std::string data;
  char chunk[1 << 16];
  while (true) {
    llvm::Expected<size_t> read = llvm::sys::fs::readNativeFile(
        file, llvm::MutableArrayRef<char>(chunk, sizeof(chunk)));
    if (!read)
      return fail(llvm::toString(read.takeError()));
    if (*read == 0)
      break;
    if (data.size() + *read > maxBytes)
      return tooLarge();
    data.append(chunk, *read);
  }
  return llvm::MemoryBuffer::getMemBufferCopy(data, isStdin ? "<stdin>" : path);
}

LineReader::LineReader(llvm::sys::fs::file_t file, size_t maxLineBytes)
    : file(file), maxLineBytes(maxLineBytes) {}

llvm::Expected<std::optional<llvm::StringRef>> LineReader::next() {
  constexpr size_t kChunk = size_t(1) << 16;
  while (true) {
    size_t newline = buffer.find('\n', start);
    if (newline != std::string::npos || (eof && start < buffer.size())) {
      size_t end = newline == std::string::npos ? buffer.size() : newline;
      ++lineNumber;
      if (end - start > maxLineBytes)
        break;
      line.assign(buffer, start, end - start);
      start = newline == std::string::npos ? buffer.size() : newline + 1;
      if (!line.empty() && line.back() == '\r')
        line.pop_back();
      return std::optional<llvm::StringRef>(line);
    }
    if (eof)
      return std::optional<llvm::StringRef>();
    // No complete line: drop what was consumed, then read more.
    buffer.erase(0, start);
    start = 0;
    if (buffer.size() > maxLineBytes) {
      ++lineNumber;
      break;
    }
    size_t size = buffer.size();
    buffer.resize(size + kChunk);
    llvm::Expected<size_t> read = llvm::sys::fs::readNativeFile(
        file, llvm::MutableArrayRef<char>(buffer.data() + size, kChunk));
    if (!read) {
      buffer.resize(size);
      return llvm::createStringError("cannot read the input: " +
                                     llvm::toString(read.takeError()));
    }
    buffer.resize(size + *read);
    eof = *read == 0;
  }
  // Too long: stop reading (the rest of the line may never end).
  eof = true;
  buffer.clear();
  start = 0;
  return llvm::createStringError(
      llvm::formatv("input line {0} is longer than {1} bytes", lineNumber,
                    maxLineBytes)
          .str());
}
