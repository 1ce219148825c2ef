//===- LexerTest.cpp - .rasp lexer ----------------------------------------===//

#include "Lexer.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/MemoryBuffer.h"

#include "gtest/gtest.h"

using namespace mlir;
using namespace mlir::rasp::frontend;

namespace {

class LexerTest : public ::testing::Test {
protected:
  /// Lexes `text` to the end; diagnostics are collected in `errors`.
  std::vector<Token> lex(llvm::StringRef text) {
    sourceMgr = std::make_unique<llvm::SourceMgr>();
    sourceMgr->AddNewSourceBuffer(
        llvm::MemoryBuffer::getMemBufferCopy(text, "test.rasp"), llvm::SMLoc());
    errors.clear();
    ScopedDiagnosticHandler handler(&context, [&](Diagnostic &diag) {
      auto loc = cast<FileLineColLoc>(diag.getLocation());
      errors.push_back(std::to_string(loc.getLine()) + ":" +
                       std::to_string(loc.getColumn()) + ": " + diag.str());
      return success();
    });
    Lexer lexer(*sourceMgr, sourceMgr->getMainFileID(), &context);
    std::vector<Token> tokens;
    while (true) {
      tokens.push_back(lexer.lexToken());
      if (tokens.back().isAny(Token::eof, Token::error))
        break;
    }
    lexer_ = std::make_unique<Lexer>(*sourceMgr, sourceMgr->getMainFileID(),
                                     &context);
    return tokens;
  }

  /// The kinds of `tokens` without the final eof/error.
  static std::vector<Token::Kind> kinds(const std::vector<Token> &tokens) {
    std::vector<Token::Kind> result;
    for (const Token &token : llvm::ArrayRef(tokens).drop_back())
      result.push_back(token.getKind());
    return result;
  }

  MLIRContext context;
  std::unique_ptr<llvm::SourceMgr> sourceMgr;
  std::unique_ptr<Lexer> lexer_;
  std::vector<std::string> errors;
};

TEST_F(LexerTest, Punctuation) {
  std::vector<Token> tokens =
      lex("( ) { } , ; : = == != < <= > >= + - * ** / // %");
  EXPECT_EQ(kinds(tokens),
            (std::vector<Token::Kind>{
                Token::l_paren,    Token::r_paren,       Token::l_brace,
                Token::r_brace,    Token::comma,         Token::semicolon,
                Token::colon,      Token::equal,         Token::equal_equal,
                Token::bang_equal, Token::less,          Token::less_equal,
                Token::greater,    Token::greater_equal, Token::plus,
                Token::minus,      Token::star,          Token::star_star,
                Token::slash,      Token::slash_slash,   Token::percent}));
  EXPECT_TRUE(tokens.back().is(Token::eof));
  EXPECT_TRUE(errors.empty());
}

TEST_F(LexerTest, OperatorsNeedNoSpaces) {
  EXPECT_EQ(kinds(lex("a**-b//c<=d")),
            (std::vector<Token::Kind>{Token::identifier, Token::star_star,
                                      Token::minus, Token::identifier,
                                      Token::slash_slash, Token::identifier,
                                      Token::less_equal, Token::identifier}));
}

TEST_F(LexerTest, KeywordsAndIdentifiers) {
  std::vector<Token> tokens =
      lex("def return lambda if else and or not True False None load _x9 Def");
  EXPECT_EQ(kinds(tokens),
            (std::vector<Token::Kind>{
                Token::kw_def, Token::kw_return, Token::kw_lambda, Token::kw_if,
                Token::kw_else, Token::kw_and, Token::kw_or, Token::kw_not,
                Token::kw_True, Token::kw_False, Token::kw_None,
                Token::identifier, Token::identifier, Token::identifier}));
  // `load` is not reserved.
  EXPECT_EQ(tokens[11].getSpelling(), "load");
  EXPECT_TRUE(tokens[0].isKeyword());
  EXPECT_FALSE(tokens[11].isKeyword());
}

TEST_F(LexerTest, Numbers) {
  std::vector<Token> tokens =
      lex("0 42 9223372036854775807 1.5 .5 2e-3 1. 1E5 7e+2");
  ASSERT_EQ(kinds(tokens).size(), 9u);
  EXPECT_TRUE(tokens[0].is(Token::integer));
  EXPECT_EQ(tokens[1].getIntegerValue(), 42);
  EXPECT_EQ(tokens[2].getIntegerValue(), INT64_MAX);
  EXPECT_TRUE(tokens[3].is(Token::floating));
  EXPECT_EQ(tokens[3].getFloatValue(), 1.5);
  EXPECT_EQ(tokens[4].getFloatValue(), 0.5);
  EXPECT_EQ(tokens[5].getFloatValue(), 2e-3);
  EXPECT_EQ(tokens[6].getFloatValue(), 1.0);
  EXPECT_TRUE(tokens[6].is(Token::floating));
  EXPECT_EQ(tokens[7].getFloatValue(), 1e5);
  EXPECT_EQ(tokens[8].getFloatValue(), 700.0);
  EXPECT_TRUE(errors.empty());
}

TEST_F(LexerTest, Strings) {
  std::vector<Token> tokens =
      lex(R"("a" 'b' "it's" 'say "hi"' "\\ \" \' \n \t" "")");
  ASSERT_EQ(kinds(tokens).size(), 6u);
  EXPECT_EQ(tokens[0].getStringValue(), "a");
  EXPECT_EQ(tokens[1].getStringValue(), "b");
  EXPECT_EQ(tokens[2].getStringValue(), "it's");
  EXPECT_EQ(tokens[3].getStringValue(), "say \"hi\"");
  EXPECT_EQ(tokens[4].getStringValue(), "\\ \" ' \n \t");
  EXPECT_EQ(tokens[5].getStringValue(), "");
  EXPECT_TRUE(errors.empty());
}

TEST_F(LexerTest, CommentsAndWhitespace) {
  std::vector<Token> tokens =
      lex("# RUN: ignored\r\n  x = 1; # trailing # comment\n\t# last");
  EXPECT_EQ(kinds(tokens),
            (std::vector<Token::Kind>{Token::identifier, Token::equal,
                                      Token::integer, Token::semicolon}));
  EXPECT_TRUE(errors.empty());
}

TEST_F(LexerTest, Locations) {
  std::vector<Token> tokens = lex("x = 1;\n  y = \"é\" + z;");
  ASSERT_GE(tokens.size(), 8u);
  FileLineColLoc y = lexer_->getLocation(tokens[4].getLoc());
  EXPECT_EQ(y.getFilename().getValue(), "test.rasp");
  EXPECT_EQ(y.getLine(), 2u);
  EXPECT_EQ(y.getColumn(), 3u);
  // Columns count bytes, as MLIR's own locations do.
  FileLineColLoc z = lexer_->getLocation(tokens[8].getLoc());
  EXPECT_EQ(z.getColumn(), 14u);
}

TEST_F(LexerTest, EmptyInput) {
  std::vector<Token> tokens = lex("");
  ASSERT_EQ(tokens.size(), 1u);
  EXPECT_TRUE(tokens[0].is(Token::eof));
}

/// Lexes `text` and returns the single diagnostic, "line:col: message".
#define EXPECT_LEX_ERROR(text, expected)                                       \
  do {                                                                         \
    std::vector<Token> tokens = lex(text);                                     \
    EXPECT_TRUE(tokens.back().is(Token::error))                                \
        << llvm::StringRef(text).str();                                        \
    ASSERT_EQ(errors.size(), 1u) << llvm::StringRef(text).str();               \
    EXPECT_EQ(errors[0], expected);                                            \
  } while (false)

TEST_F(LexerTest, MalformedStrings) {
  EXPECT_LEX_ERROR("x = \"abc", "1:5: unterminated string literal");
  EXPECT_LEX_ERROR("x = 'abc\n';", "1:5: unterminated string literal");
  EXPECT_LEX_ERROR("x = 'abc\\", "1:5: unterminated string literal");
  EXPECT_LEX_ERROR("x = 'a\\qb'",
                   "1:7: unknown escape sequence '\\q' in string literal");
}

TEST_F(LexerTest, MalformedNumbers) {
  EXPECT_LEX_ERROR("9223372036854775808",
                   "1:1: integer literal 9223372036854775808 does not fit in "
                   "a 64-bit int");
  EXPECT_LEX_ERROR("012",
                   "1:1: leading zeros in integer literals are not permitted");
  EXPECT_LEX_ERROR("1e", "1:2: expected digits in the exponent of a float "
                         "literal");
  EXPECT_LEX_ERROR("3x", "1:2: invalid character 'x' in number literal");
  EXPECT_LEX_ERROR("1.2.3", "1:4: invalid character '.' in number literal");
  // A lone zero and zeros only are fine.
  EXPECT_TRUE(kinds(lex("0 00")).size() == 2 && errors.empty());
}

TEST_F(LexerTest, UnexpectedCharacters) {
  EXPECT_LEX_ERROR("a & b", "1:3: unexpected character '&'; use 'and'");
  EXPECT_LEX_ERROR("a | b", "1:3: unexpected character '|'; use 'or'");
  EXPECT_LEX_ERROR("~a", "1:1: unexpected character '~'; use 'not'");
  EXPECT_LEX_ERROR("!a", "1:1: unexpected character '!'; use 'not' to negate");
  EXPECT_LEX_ERROR("a.b", "1:2: unexpected character '.'");
  EXPECT_LEX_ERROR("a @ b", "1:3: unexpected character '@'");
  EXPECT_LEX_ERROR("é", "1:1: unexpected character 'é'");
  EXPECT_LEX_ERROR(llvm::StringRef("a\0b", 3),
                   "1:2: unexpected character 0x00");
}

TEST_F(LexerTest, InvalidUTF8) {
  EXPECT_LEX_ERROR("x = \xff", "1:5: invalid UTF-8 byte 0xff");
  EXPECT_LEX_ERROR("# \xc3", "1:3: invalid UTF-8 byte 0xc3");
  EXPECT_LEX_ERROR("\"\xe2\x82\"", "1:2: invalid UTF-8 byte 0xe2");
  EXPECT_LEX_ERROR("\"\xc0\xaf\"", "1:2: invalid UTF-8 byte 0xc0");
  // Valid sequences are fine in strings and comments.
  std::vector<Token> tokens = lex("\"\xe2\x82\xac\" # caf\xc3\xa9");
  EXPECT_TRUE(errors.empty());
  EXPECT_EQ(tokens[0].getStringValue(), "\xe2\x82\xac");
}

TEST_F(LexerTest, KindSpellings) {
  EXPECT_EQ(Token::getKindSpelling(Token::slash_slash), "//");
  EXPECT_EQ(Token::getKindSpelling(Token::kw_lambda), "lambda");
  EXPECT_EQ(Token::getKindSpelling(Token::eof), "end of file");
}

} // namespace
