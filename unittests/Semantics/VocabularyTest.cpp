//===- VocabularyTest.cpp - Vocabularies from text and files --------------===//

#include "RaspDialect/Semantics/Vocabulary.h"

#include "gtest/gtest.h"

#include <string>

using namespace mlir::rasp;
using namespace mlir::rasp::py;

namespace {

/// The reprs of a parsed file, or "error: <message>".
std::string parse(llvm::StringRef contents, VocabType type = VocabType::Auto) {
  llvm::Expected<std::vector<PyValue>> vocab =
      parseVocabFile(contents, "v.txt", type);
  if (!vocab)
    return "error: " + llvm::toString(vocab.takeError());
  std::string out;
  for (const PyValue &item : *vocab)
    out += (out.empty() ? "" : " ") + item.repr();
  return out;
}

TEST(VocabularyTest, TypeNames) {
  for (VocabType type :
       {VocabType::Auto, VocabType::Str, VocabType::Int, VocabType::Float})
    EXPECT_EQ(parseVocabType(stringifyVocabType(type)), type);
  EXPECT_EQ(parseVocabType("bool"), std::nullopt);
}

TEST(VocabularyTest, LineEnds) {
  EXPECT_EQ(parse("a\nb\n"), "'a' 'b'");
  EXPECT_EQ(parse("a\nb"), "'a' 'b'");
  EXPECT_EQ(parse("a\r\nb\r\n"), "'a' 'b'");
  EXPECT_EQ(parse("#\n\xC3\xA9\n"), "'#' '\xC3\xA9'");
}

TEST(VocabularyTest, Types) {
  EXPECT_EQ(parse("7\n07\nx\n"), "error: v.txt:2: '07' is the int 7, "
                                 "equal to the item on line 1");
  EXPECT_EQ(parse("7\n07\nx\n", VocabType::Str), "'7' '07' 'x'");
  EXPECT_EQ(parse("1\n0.5\nx\n"), "1 0.5 'x'");
  EXPECT_EQ(parse("-3\n12\n", VocabType::Int), "-3 12");
  EXPECT_EQ(parse("0.5\n1.0\n", VocabType::Float), "0.5 1.0");
  EXPECT_EQ(parse("1\n07\n", VocabType::Int),
            "error: v.txt:2: '07' is the int 7; write it '7' "
            "(--vocab-type=int)");
  EXPECT_EQ(parse("1\n+2\n", VocabType::Int),
            "error: v.txt:2: '+2' is not an int (--vocab-type=int)");
  EXPECT_EQ(parse("nan\n", VocabType::Float),
            "error: v.txt:1: 'nan' is not a finite float (--vocab-type=float)");
}

TEST(VocabularyTest, Refusals) {
  EXPECT_EQ(parse(""), "error: v.txt: the vocabulary file is empty");
  EXPECT_EQ(parse("a\n\n"),
            "error: v.txt:2: empty line (every line is one token)");
  EXPECT_EQ(parse("a\r\n\r\nb"),
            "error: v.txt:2: empty line (every line is one token)");
  EXPECT_EQ(parse("a\tb\n"), "error: v.txt:1: 'a\tb' contains whitespace at "
                             "byte 2 (inputs are split at whitespace)");
  EXPECT_EQ(parse("a\n\xFF\n"),
            "error: v.txt:2: invalid UTF-8 at byte 1 of '\\xFF'");
  EXPECT_EQ(parse("\xEF\xBB\xBF"
                  "a\n"),
            "error: v.txt:1: the file starts with a UTF-8 byte order mark; "
            "tokens are exact strings, so remove it");
  EXPECT_EQ(parse("a\nb\na\n"),
            "error: v.txt:3: 'a' is listed twice (first on line 1)");
  EXPECT_EQ(parse("1\n1.0\n"),
            "error: v.txt:2: '1.0' is the float 1.0, equal to the item on "
            "line 1");
}

TEST(VocabularyTest, Lists) {
  llvm::Expected<std::vector<PyValue>> vocab =
      parseVocabList("0,1,2", VocabType::Str);
  ASSERT_TRUE(static_cast<bool>(vocab));
  EXPECT_EQ((*vocab)[1].repr(), "'1'");
  EXPECT_EQ(llvm::toString(parseVocabList("a,", VocabType::Str).takeError()),
            "empty vocabulary item in 'a,'");
  EXPECT_EQ(llvm::toString(parseVocabList("1,x", VocabType::Int).takeError()),
            "'x' is not an int (--vocab-type=int)");
}

TEST(VocabularyTest, ManyTokens) {
  std::string contents;
  for (int i = 0; i < 50000; ++i)
    contents += std::to_string(i) + "\n";
  llvm::Expected<std::vector<PyValue>> vocab =
      parseVocabFile(contents, "v.txt", VocabType::Str);
  ASSERT_TRUE(static_cast<bool>(vocab));
  ASSERT_EQ(vocab->size(), 50000u);
  EXPECT_EQ(vocab->back().repr(), "'49999'");
  contents += "123\n";
  EXPECT_EQ(parse(contents, VocabType::Str),
            "error: v.txt:50001: '123' is listed twice (first on line 124)");
}

} // namespace
