//===- Lexer.h - .rasp lexer ------------------------------------*- C++ -*-===//
//
// Splits one source buffer into tokens. `#` comments and whitespace are
// skipped; malformed input (unterminated strings, bad escapes, invalid UTF-8,
// stray characters) is reported through the MLIRContext's diagnostic engine
// and returned as an `error` token.
//
//===----------------------------------------------------------------------===//

#ifndef RASPDIALECT_LIB_TARGET_IMPORTRASP_LEXER_H
#define RASPDIALECT_LIB_TARGET_IMPORTRASP_LEXER_H

#include "Token.h"

#include "mlir/IR/Location.h"
#include "llvm/Support/SourceMgr.h"

namespace mlir::rasp::frontend {

/// The FileLineColLoc of `loc`, which must point into a buffer of
/// `sourceMgr`. Columns count bytes from 1, as MLIR's own parser does.
FileLineColLoc getFileLineColLoc(const llvm::SourceMgr &sourceMgr,
                                 llvm::SMLoc loc, MLIRContext *context);

class Lexer {
public:
  Lexer(const llvm::SourceMgr &sourceMgr, unsigned bufferID,
        MLIRContext *context);

  /// Returns the next token; `eof` at the end, `error` after a diagnostic.
  Token lexToken();

  /// The location of `loc` as an MLIR location.
  FileLineColLoc getLocation(llvm::SMLoc loc) const {
    return getFileLineColLoc(sourceMgr, loc, context);
  }

  MLIRContext *getContext() const { return context; }

private:
  Token formToken(Token::Kind kind, const char *tokStart) {
    return Token(kind, llvm::StringRef(tokStart, curPtr - tokStart));
  }
  Token emitError(const char *loc, const llvm::Twine &message);

  /// The byte at `curPtr`, or 0 at the end of the buffer.
  char peek(size_t offset = 0) const {
    return curPtr + offset < bufferEnd ? curPtr[offset] : 0;
  }

  Token lexIdentifierOrKeyword(const char *tokStart);
  Token lexNumber(const char *tokStart);
  Token lexString(const char *tokStart);
  /// Diagnoses a byte that cannot start a token.
  Token lexUnexpected(const char *tokStart);
  /// Skips a comment; fails on invalid UTF-8.
  LogicalResult skipComment();
  /// Checks the UTF-8 sequence starting at the non-ASCII byte `pos` and
  /// returns its length, or 0 after a diagnostic.
  unsigned checkUTF8(const char *pos);

  const llvm::SourceMgr &sourceMgr;
  MLIRContext *context;
  const char *curPtr;
  const char *bufferEnd;
};

} // namespace mlir::rasp::frontend

#endif // RASPDIALECT_LIB_TARGET_IMPORTRASP_LEXER_H
