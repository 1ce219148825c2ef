//===- TextTest.cpp - Escaping user bytes, bounded reading ----------------===//

#include "RaspDialect/Support/Text.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Program.h"

#include "gtest/gtest.h"

#include <unistd.h>

using namespace mlir;
using namespace mlir::rasp;

namespace {

TEST(TextTest, ValidatesUTF8) {
  EXPECT_TRUE(isValidUTF8("abc \xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"));
  EXPECT_FALSE(isValidUTF8("a\xFF"));
  EXPECT_FALSE(isValidUTF8("\xC3"));         // truncated
  EXPECT_FALSE(isValidUTF8("\xC0\x80"));     // overlong NUL
  EXPECT_FALSE(isValidUTF8("\xED\xA0\x80")); // surrogate
  EXPECT_EQ(validUTF8Prefix("ab\xFF"
                            "c"),
            2u);
}

TEST(TextTest, FindsNonTextBytes) {
  EXPECT_EQ(findNonTextByte("x = tokens;\n\t\r\n"), std::nullopt);
  EXPECT_EQ(findNonTextByte(llvm::StringRef("x\0y", 3)), 1u);
  EXPECT_EQ(findNonTextByte("\xC3\xA9\x01"), 2u);
  EXPECT_EQ(findNonTextByte("ab\xFF"), 2u);
}

TEST(TextTest, EscapesBytes) {
  EXPECT_EQ(escapeBytes(llvm::StringRef("a\0b\xFF\x01\n\t\xC3\xA9", 9)),
            "a\\x00b\\xFF\\x01\n\t\xC3\xA9");
}

TEST(TextTest, ReplacesInvalidUTF8) {
  EXPECT_EQ(replaceInvalidUTF8("a\xFF\xC3\xA9\xC3"),
            "a\xEF\xBF\xBD\xC3\xA9\xEF\xBF\xBD");
}

TEST(TextTest, EscapingStreamKeepsSplitSequences) {
  std::string out;
  {
    llvm::raw_string_ostream inner(out);
    EscapingOStream os(inner);
    os << "\xE2\x82";
    os << "\xAC ok ";
    os << llvm::StringRef("\0", 1) << "\xC3";
    os << "x";
    os << "\xF0\x9F";
  }
  EXPECT_EQ(out, "\xE2\x82\xAC ok \\x00\\xC3x\\xF0\\x9F");
}

/// A pipe whose write end gets `text`, then closes.
llvm::sys::fs::file_t pipeWith(llvm::StringRef text) {
  int fds[2];
  EXPECT_EQ(pipe(fds), 0);
  EXPECT_EQ(write(fds[1], text.data(), text.size()), ssize_t(text.size()));
  close(fds[1]);
  return fds[0];
}

TEST(TextTest, ReadsLines) {
  llvm::sys::fs::file_t file = pipeWith("a b\r\n\nlast");
  LineReader reader(file, 100);
  std::vector<std::string> lines;
  while (true) {
    llvm::Expected<std::optional<llvm::StringRef>> line = reader.next();
    ASSERT_TRUE(bool(line));
    if (!*line)
      break;
    lines.push_back(line->value().str());
  }
  close(file);
  EXPECT_EQ(lines, (std::vector<std::string>{"a b", "", "last"}));
  EXPECT_EQ(reader.getLineNumber(), 3u);
}

TEST(TextTest, RefusesLongLines) {
  llvm::sys::fs::file_t file = pipeWith("ok\n" + std::string(300, 'x') + "\n");
  LineReader reader(file, 100);
  llvm::Expected<std::optional<llvm::StringRef>> first = reader.next();
  ASSERT_TRUE(bool(first));
  EXPECT_EQ(**first, "ok");
  llvm::Expected<std::optional<llvm::StringRef>> second = reader.next();
  ASSERT_FALSE(bool(second));
  EXPECT_EQ(llvm::toString(second.takeError()),
            "input line 2 is longer than 100 bytes");
  // Reading stops there.
  llvm::Expected<std::optional<llvm::StringRef>> third = reader.next();
  ASSERT_TRUE(bool(third));
  EXPECT_FALSE(third->has_value());
  close(file);
}

TEST(TextTest, ReadsFilesWithALimit) {
  llvm::SmallString<64> path;
  ASSERT_FALSE(llvm::sys::fs::createTemporaryFile("text-test", "rasp", path));
  {
    std::error_code ec;
    llvm::raw_fd_ostream os(path, ec);
    os << "out = tokens;\n";
  }
  llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>> ok =
      readFileWithLimit(path, 100);
  ASSERT_TRUE(bool(ok));
  EXPECT_EQ((*ok)->getBuffer(), "out = tokens;\n");
  llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>> small =
      readFileWithLimit(path, 5);
  ASSERT_FALSE(bool(small));
  EXPECT_NE(llvm::toString(small.takeError()).find("limit of 5 bytes"),
            std::string::npos);
  llvm::sys::fs::remove(path);

  // A stream that never ends stops at the limit.
  llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>> zero =
      readFileWithLimit("/dev/zero", 1 << 20);
  ASSERT_FALSE(bool(zero));
  llvm::consumeError(zero.takeError());
  llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>> dir =
      readFileWithLimit("/", 1 << 20);
  ASSERT_FALSE(bool(dir));
  EXPECT_NE(llvm::toString(dir.takeError()).find("directory"),
            std::string::npos);
}

} // namespace
