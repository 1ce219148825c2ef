//===- Token.h - .rasp tokens -----------------------------------*- C++ -*-===//
//
// A token of the .rasp language: its kind and its spelling, a slice of the
// source buffer (which also gives its location).
//
//===----------------------------------------------------------------------===//

#ifndef RASPDIALECT_LIB_TARGET_IMPORTRASP_TOKEN_H
#define RASPDIALECT_LIB_TARGET_IMPORTRASP_TOKEN_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/SMLoc.h"

#include <cstdint>
#include <optional>
#include <string>

namespace mlir::rasp::frontend {

class Token {
public:
  enum Kind {
#define TOK_MARKER(NAME) NAME,
#define TOK_IDENTIFIER(NAME) NAME,
#define TOK_LITERAL(NAME) NAME,
#define TOK_PUNCTUATION(NAME, SPELLING) NAME,
#define TOK_KEYWORD(SPELLING) kw_##SPELLING,
#include "TokenKinds.def"
  };

  Token(Kind kind, llvm::StringRef spelling) : kind(kind), spelling(spelling) {}

  Kind getKind() const { return kind; }
  bool is(Kind k) const { return kind == k; }
  bool isNot(Kind k) const { return kind != k; }
  template <typename... T>
  bool isAny(Kind k, T... others) const {
    return is(k) || (is(others) || ...);
  }
  bool isKeyword() const;
  /// True for `== != < <= > >=`.
  bool isComparison() const;

  llvm::StringRef getSpelling() const { return spelling; }
  llvm::SMLoc getLoc() const {
    return llvm::SMLoc::getFromPointer(spelling.data());
  }
  llvm::SMLoc getEndLoc() const {
    return llvm::SMLoc::getFromPointer(spelling.data() + spelling.size());
  }

  /// The value of an integer literal; nullopt if it does not fit in int64.
  std::optional<int64_t> getIntegerValue() const;
  /// The value of a float literal (may be inf, as in Python).
  double getFloatValue() const;
  /// The value of a string literal, with escapes resolved. The lexer has
  /// checked the escapes.
  std::string getStringValue() const;

  /// The fixed spelling of a punctuation or keyword kind, e.g. "==" or "def";
  /// a description such as "identifier" for the other kinds.
  static llvm::StringRef getKindSpelling(Kind kind);

private:
  Kind kind;
  llvm::StringRef spelling;
};

} // namespace mlir::rasp::frontend

#endif // RASPDIALECT_LIB_TARGET_IMPORTRASP_TOKEN_H
