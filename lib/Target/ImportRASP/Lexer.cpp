//===- Lexer.cpp - .rasp lexer --------------------------------------------===//

#include "Lexer.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/ConvertUTF.h"
#include "llvm/Support/Format.h"

using namespace mlir;
using namespace mlir::rasp::frontend;

FileLineColLoc
mlir::rasp::frontend::getFileLineColLoc(const llvm::SourceMgr &sourceMgr,
                                        llvm::SMLoc loc, MLIRContext *context) {
  unsigned bufferID = sourceMgr.FindBufferContainingLoc(loc);
  auto [line, column] = sourceMgr.getLineAndColumn(loc, bufferID);
  llvm::StringRef file =
      sourceMgr.getMemoryBuffer(bufferID)->getBufferIdentifier();
  return FileLineColLoc::get(context, file, line, column);
}

Lexer::Lexer(const llvm::SourceMgr &sourceMgr, unsigned bufferID,
             MLIRContext *context)
    : sourceMgr(sourceMgr), context(context) {
  llvm::StringRef buffer = sourceMgr.getMemoryBuffer(bufferID)->getBuffer();
  // Skip a UTF-8 byte order mark, as Python does.
  buffer.consume_front("\xEF\xBB\xBF");
  curPtr = buffer.begin();
  bufferEnd = buffer.end();
}

Token Lexer::emitError(const char *loc, const llvm::Twine &message) {
  mlir::emitError(getLocation(llvm::SMLoc::getFromPointer(loc)), message);
  // Stop at the error: the parser reports one diagnostic per input.
  curPtr = bufferEnd;
  return Token(Token::error, llvm::StringRef(loc, 0));
}

static bool isIdentifierStart(char c) { return llvm::isAlpha(c) || c == '_'; }
static bool isIdentifierChar(char c) { return llvm::isAlnum(c) || c == '_'; }

Token Lexer::lexToken() {
  while (true) {
    const char *tokStart = curPtr;
    if (curPtr == bufferEnd)
      return Token(Token::eof, llvm::StringRef(curPtr, 0));
    char c = *curPtr++;
    switch (c) {
    case ' ':
    case '\t':
    case '\n':
    case '\r':
    case '\f':
    case '\v':
      continue;
    case '#':
      if (failed(skipComment()))
        return Token(Token::error, llvm::StringRef(tokStart, 0));
      continue;
    case '(':
      return formToken(Token::l_paren, tokStart);
    case ')':
      return formToken(Token::r_paren, tokStart);
    case '{':
      return formToken(Token::l_brace, tokStart);
    case '}':
      return formToken(Token::r_brace, tokStart);
    case ',':
      return formToken(Token::comma, tokStart);
    case ';':
      return formToken(Token::semicolon, tokStart);
    case ':':
      return formToken(Token::colon, tokStart);
    case '+':
      return formToken(Token::plus, tokStart);
    case '-':
      return formToken(Token::minus, tokStart);
    case '%':
      return formToken(Token::percent, tokStart);
    case '=':
      if (peek() == '=') {
        ++curPtr;
        return formToken(Token::equal_equal, tokStart);
      }
      return formToken(Token::equal, tokStart);
    case '!':
      if (peek() == '=') {
        ++curPtr;
        return formToken(Token::bang_equal, tokStart);
      }
      return emitError(tokStart, "unexpected character '!'; use 'not' to "
                                 "negate");
    case '<':
      if (peek() == '=') {
        ++curPtr;
        return formToken(Token::less_equal, tokStart);
      }
      return formToken(Token::less, tokStart);
    case '>':
      if (peek() == '=') {
        ++curPtr;
        return formToken(Token::greater_equal, tokStart);
      }
      return formToken(Token::greater, tokStart);
    case '*':
      if (peek() == '*') {
        ++curPtr;
        return formToken(Token::star_star, tokStart);
      }
      return formToken(Token::star, tokStart);
    case '/':
      if (peek() == '/') {
        ++curPtr;
        return formToken(Token::slash_slash, tokStart);
      }
      return formToken(Token::slash, tokStart);
    case '"':
    case '\'':
      return lexString(tokStart);
    case '.':
      if (llvm::isDigit(peek()))
        return lexNumber(tokStart);
      return lexUnexpected(tokStart);
    default:
      if (llvm::isDigit(c))
        return lexNumber(tokStart);
      if (isIdentifierStart(c))
        return lexIdentifierOrKeyword(tokStart);
      return lexUnexpected(tokStart);
    }
  }
}

Token Lexer::lexUnexpected(const char *tokStart) {
  unsigned char c = *tokStart;
  if (c >= 0x80) {
    unsigned length = checkUTF8(tokStart);
    if (length == 0)
      return Token(Token::error, llvm::StringRef(tokStart, 0));
    return emitError(tokStart, "unexpected character '" +
                                   llvm::StringRef(tokStart, length) + "'");
  }
  switch (c) {
  case '&':
    return emitError(tokStart, "unexpected character '&'; use 'and'");
  case '|':
    return emitError(tokStart, "unexpected character '|'; use 'or'");
  case '~':
    return emitError(tokStart, "unexpected character '~'; use 'not'");
  default:
    break;
  }
  if (llvm::isPrint(c))
    return emitError(tokStart,
                     "unexpected character '" + llvm::Twine(char(c)) + "'");
  return emitError(tokStart, "unexpected character 0x" +
                                 llvm::utohexstr(c, /*LowerCase=*/true,
                                                 /*Width=*/2));
}

unsigned Lexer::checkUTF8(const char *pos) {
  auto *begin = reinterpret_cast<const llvm::UTF8 *>(pos);
  auto *end = reinterpret_cast<const llvm::UTF8 *>(bufferEnd);
  unsigned length = llvm::getNumBytesForUTF8(*begin);
  if (length == 0 || begin + length > end ||
      !llvm::isLegalUTF8Sequence(begin, begin + length)) {
    emitError(pos, "invalid UTF-8 byte 0x" +
                       llvm::utohexstr(static_cast<unsigned char>(*pos),
                                       /*LowerCase=*/true, /*Width=*/2));
    return 0;
  }
  return length;
}

LogicalResult Lexer::skipComment() {
  while (curPtr != bufferEnd && *curPtr != '\n') {
    if (static_cast<unsigned char>(*curPtr) < 0x80) {
      ++curPtr;
      continue;
    }
    unsigned length = checkUTF8(curPtr);
    if (length == 0)
      return failure();
    curPtr += length;
  }
  return success();
}

Token Lexer::lexIdentifierOrKeyword(const char *tokStart) {
  while (isIdentifierChar(peek()))
    ++curPtr;
  llvm::StringRef spelling(tokStart, curPtr - tokStart);
  Token::Kind kind = llvm::StringSwitch<Token::Kind>(spelling)
#define TOK_KEYWORD(SPELLING) .Case(#SPELLING, Token::kw_##SPELLING)
#include "TokenKinds.def"
                         .Default(Token::identifier);
  return Token(kind, spelling);
}

Token Lexer::lexNumber(const char *tokStart) {
  // Grammar: digits [ '.' digits* ] [ exponent ] | '.' digits [ exponent ].
  bool isFloat = *tokStart == '.';
  while (llvm::isDigit(peek()))
    ++curPtr;
  if (!isFloat && peek() == '.') {
    isFloat = true;
    ++curPtr;
    while (llvm::isDigit(peek()))
      ++curPtr;
  }
  if (peek() == 'e' || peek() == 'E') {
    size_t digitsAt = (peek(1) == '+' || peek(1) == '-') ? 2 : 1;
    if (!llvm::isDigit(peek(digitsAt)))
      return emitError(curPtr, "expected digits in the exponent of a float "
                               "literal");
    isFloat = true;
    curPtr += digitsAt;
    while (llvm::isDigit(peek()))
      ++curPtr;
  }
  if (isIdentifierChar(peek()) || peek() == '.')
    return emitError(curPtr, "invalid character '" + llvm::Twine(peek()) +
                                 "' in number literal");
  Token token = formToken(isFloat ? Token::floating : Token::integer, tokStart);
  if (isFloat)
    return token;
  llvm::StringRef spelling = token.getSpelling();
  if (spelling.size() > 1 && spelling.front() == '0' &&
      spelling.find_first_not_of('0') != llvm::StringRef::npos)
    return emitError(tokStart, "leading zeros in integer literals are not "
                               "permitted");
  if (!token.getIntegerValue())
    return emitError(tokStart, "integer literal " + spelling +
                                   " does not fit in a 64-bit int");
  return token;
}

Token Lexer::lexString(const char *tokStart) {
  char quote = *tokStart;
  while (true) {
    if (curPtr == bufferEnd || *curPtr == '\n' || *curPtr == '\r')
      return emitError(tokStart, "unterminated string literal");
    char c = *curPtr;
    if (c == quote) {
      ++curPtr;
      return formToken(Token::string, tokStart);
    }
    if (c == '\\') {
      char escaped = peek(1);
      if (escaped == '\\' || escaped == '"' || escaped == '\'' ||
          escaped == 'n' || escaped == 't') {
        curPtr += 2;
        continue;
      }
      if (curPtr + 1 == bufferEnd || escaped == '\n' || escaped == '\r')
        return emitError(tokStart, "unterminated string literal");
      if (static_cast<unsigned char>(escaped) >= 0x80 ||
          !llvm::isPrint(escaped))
        return emitError(curPtr, "unknown escape sequence in string literal");
      return emitError(curPtr, "unknown escape sequence '\\" +
                                   llvm::Twine(escaped) +
                                   "' in string literal");
    }
    if (static_cast<unsigned char>(c) >= 0x80) {
      unsigned length = checkUTF8(curPtr);
      if (length == 0)
        return Token(Token::error, llvm::StringRef(tokStart, 0));
      curPtr += length;
      continue;
    }
    ++curPtr;
  }
}
