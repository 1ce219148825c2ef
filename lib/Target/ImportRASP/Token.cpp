//===- Token.cpp - .rasp tokens -------------------------------------------===//

#include "Token.h"

#include <cstdlib>

using namespace mlir::rasp::frontend;

bool Token::isKeyword() const {
  switch (kind) {
#define TOK_KEYWORD(SPELLING) case kw_##SPELLING:
#include "TokenKinds.def"
    return true;
  default:
    return false;
  }
}

bool Token::isComparison() const {
  return isAny(equal_equal, bang_equal, less, less_equal, greater,
               greater_equal);
}

std::optional<int64_t> Token::getIntegerValue() const {
  int64_t value;
  if (spelling.getAsInteger(10, value))
    return std::nullopt;
  return value;
}

double Token::getFloatValue() const {
  std::string text = spelling.str();
  return std::strtod(text.c_str(), nullptr);
}

std::string Token::getStringValue() const {
  std::string result;
  llvm::StringRef body = spelling.drop_front().drop_back();
  for (size_t i = 0; i < body.size(); ++i) {
    char c = body[i];
    if (c != '\\' || i + 1 == body.size()) {
      result += c;
      continue;
    }
    char escaped = body[++i];
    switch (escaped) {
    case 'n':
      result += '\n';
      break;
    case 't':
      result += '\t';
      break;
    default: // \\, \" and \'
      result += escaped;
      break;
    }
  }
  return result;
}

llvm::StringRef Token::getKindSpelling(Kind kind) {
  switch (kind) {
  case eof:
    return "end of file";
  case error:
    return "error";
  case identifier:
    return "identifier";
  case integer:
    return "integer";
  case floating:
    return "float";
  case string:
    return "string";
#define TOK_PUNCTUATION(NAME, SPELLING)                                        \
  case NAME:                                                                   \
    return SPELLING;
#define TOK_KEYWORD(SPELLING)                                                  \
  case kw_##SPELLING:                                                          \
    return #SPELLING;
#include "TokenKinds.def"
  }
  return "token";
}
