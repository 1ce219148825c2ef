//===- Parser.cpp - .rasp recursive-descent parser ------------------------===//
//
// Grammar (precedence from lowest to highest, as in Python):
//
//   file       := stmt* EOF
//   stmt       := 'def' IDENT '(' params ')' '{' stmt* return '}'
//               | 'load' STRING ';'            (top level; 'load' is not
//                                                a reserved word)
//               | IDENT '=' expr ';'
//   return     := 'return' expr ';'
//   expr       := 'lambda' params ':' expr | ternary
//   ternary    := or ['if' or 'else' expr]
//   or         := and ('or' and)*
//   and        := not ('and' not)*
//   not        := 'not' not | comparison
//   comparison := sum [cmp-op sum]              (not chained)
//   sum        := term (('+' | '-') term)*
//   term       := unary (('*' | '/' | '//' | '%') unary)*
//   unary      := ('-' | '+') unary | power
//   power      := postfix ['**' unary]
//   postfix    := atom ('(' args ')')*
//   atom       := INT | FLOAT | STRING | 'True' | 'False' | 'None' | IDENT
//               | '(' expr ')'
//   args       := [arg (',' arg)* [',']]
//   arg        := cmp-op (followed by ',' or ')') | expr
//
//===----------------------------------------------------------------------===//

#include "Parser.h"
#include "Lexer.h"

#include "mlir/IR/Diagnostics.h"

using namespace mlir;
using namespace mlir::rasp;
using namespace mlir::rasp::frontend;

namespace {

/// Deepest nesting of expressions and defs; deeper input is rejected rather
/// than risking the parser's (and later the expander's) stack.
constexpr unsigned kMaxNesting = 200;
/// Highest expression tree (left-associative chains such as `a + b + c`
/// grow it without nesting).
constexpr unsigned kMaxExprDepth = 500;

class Parser {
public:
  Parser(const llvm::SourceMgr &sourceMgr, unsigned bufferID,
         MLIRContext *context)
      : lexer(sourceMgr, bufferID, context), cur(lexer.lexToken()),
        lexFailed(cur.is(Token::error)) {}

  LogicalResult parseFile(SourceFile &file);

private:
  //===--------------------------------------------------------------------===//
  // Helpers
  //===--------------------------------------------------------------------===//

  void consume() {
    cur = lexer.lexToken();
    lexFailed |= cur.is(Token::error);
  }
  bool consumeIf(Token::Kind kind) {
    if (cur.isNot(kind))
      return false;
    consume();
    return true;
  }

  /// Reports `message` unless the lexer already reported an error: one
  /// diagnostic per input.
  LogicalResult emitError(llvm::SMLoc loc, const llvm::Twine &message) {
    if (!lexFailed)
      mlir::emitError(lexer.getLocation(loc), message);
    return failure();
  }

  /// Reports `message` at the current token, unless the lexer already
  /// reported a malformed token there.
  LogicalResult emitErrorAtCurrent(const llvm::Twine &message) {
    return emitError(cur.getLoc(), message);
  }

  /// A description of the current token for "expected X, got Y" messages.
  std::string describeCurrent() const {
    switch (cur.getKind()) {
    case Token::eof:
      return "end of file";
    case Token::identifier:
      return "'" + cur.getSpelling().str() + "'";
    case Token::integer:
    case Token::floating:
      return "number " + cur.getSpelling().str();
    case Token::string:
      return "string " + cur.getSpelling().str();
    default:
      return "'" + cur.getSpelling().str() + "'";
    }
  }

  LogicalResult expect(Token::Kind kind, const llvm::Twine &context) {
    if (consumeIf(kind))
      return success();
    return emitErrorAtCurrent("expected '" + Token::getKindSpelling(kind) +
                              "' " + context + ", got " + describeCurrent());
  }

  /// Counts nesting; fails with a diagnostic past kMaxNesting.
  class NestingGuard {
  public:
    NestingGuard(Parser &parser) : parser(parser) { ++parser.nesting; }
    ~NestingGuard() { --parser.nesting; }
    LogicalResult check() {
      if (parser.nesting <= kMaxNesting)
        return success();
      return parser.emitErrorAtCurrent("nesting is too deep (more than " +
                                       llvm::Twine(kMaxNesting) + " levels)");
    }

  private:
    Parser &parser;
  };

  /// Returns `expr`, or null after a diagnostic if its tree is too high.
  ExprPtr checkDepth(ExprPtr expr) {
    if (expr->getDepth() <= kMaxExprDepth)
      return expr;
    (void)emitError(expr->getLoc(), "expression is too deeply nested (more "
                                    "than " +
                                        llvm::Twine(kMaxExprDepth) +
                                        " levels)");
    return nullptr;
  }

  //===--------------------------------------------------------------------===//
  // Statements
  //===--------------------------------------------------------------------===//

  StmtPtr parseStatement(bool topLevel);
  StmtPtr parseDef();
  FailureOr<std::vector<Param>> parseParams(Token::Kind terminator,
                                            llvm::StringRef what);

  //===--------------------------------------------------------------------===//
  // Expressions
  //===--------------------------------------------------------------------===//

  ExprPtr parseExpr();
  ExprPtr parseLambda();
  ExprPtr parseTernary();
  ExprPtr parseOr();
  ExprPtr parseAnd();
  ExprPtr parseNot();
  ExprPtr parseComparison();
  ExprPtr parseSum();
  ExprPtr parseTerm();
  ExprPtr parseUnary();
  ExprPtr parsePower();
  ExprPtr parsePostfix();
  ExprPtr parseAtom();
  ExprPtr parseArgument();

  Lexer lexer;
  Token cur;
  bool lexFailed = false;
  unsigned nesting = 0;
};

} // namespace

//===----------------------------------------------------------------------===//
// Statements
//===----------------------------------------------------------------------===//

LogicalResult Parser::parseFile(SourceFile &file) {
  while (cur.isNot(Token::eof)) {
    StmtPtr stmt = parseStatement(/*topLevel=*/true);
    if (!stmt)
      return failure();
    file.stmts.push_back(std::move(stmt));
  }
  return success();
}

StmtPtr Parser::parseStatement(bool topLevel) {
  llvm::SMLoc loc = cur.getLoc();
  if (cur.is(Token::kw_def))
    return parseDef();

  if (cur.is(Token::kw_return)) {
    if (topLevel) {
      (void)emitError(loc, "'return' outside a function");
      return nullptr;
    }
    consume();
    ExprPtr value = parseExpr();
    if (!value || failed(expect(Token::semicolon, "after the returned value")))
      return nullptr;
    return std::make_unique<ReturnStmt>(loc, std::move(value));
  }

  if (cur.isNot(Token::identifier)) {
    if (cur.isKeyword())
      (void)emitErrorAtCurrent("'" + cur.getSpelling() +
                               "' is a keyword and cannot start a statement");
    else
      (void)emitErrorAtCurrent("expected a statement (an assignment, 'def' or "
                               "'load'), got " +
                               describeCurrent());
    return nullptr;
  }

  std::string name = cur.getSpelling().str();
  consume();

  // `load "file";` -- `load` stays usable as a variable name.
  if (name == "load" && cur.is(Token::string)) {
    if (!topLevel) {
      (void)emitError(loc, "'load' is only allowed at the top level");
      return nullptr;
    }
    llvm::SMLoc pathLoc = cur.getLoc();
    std::string path = cur.getStringValue();
    consume();
    if (failed(expect(Token::semicolon, "after the loaded file name")))
      return nullptr;
    return std::make_unique<LoadStmt>(pathLoc, std::move(path));
  }

  if (cur.isNot(Token::equal)) {
    (void)emitErrorAtCurrent("expected '=' after '" + name +
                             "'; a statement is an assignment 'name = "
                             "expr;', a 'def' or a 'load'");
    return nullptr;
  }
  consume();
  ExprPtr value = parseExpr();
  if (!value ||
      failed(expect(Token::semicolon, "at the end of the assignment")))
    return nullptr;
  return std::make_unique<AssignStmt>(loc, std::move(name), std::move(value));
}

FailureOr<std::vector<Param>> Parser::parseParams(Token::Kind terminator,
                                                  llvm::StringRef what) {
  std::vector<Param> params;
  while (cur.isNot(terminator)) {
    if (cur.isNot(Token::identifier)) {
      (void)emitErrorAtCurrent("expected a parameter name in " + what +
                               ", got " + describeCurrent());
      return failure();
    }
    std::string name = cur.getSpelling().str();
    for (const Param &p : params) {
      if (p.name == name) {
        (void)emitError(cur.getLoc(),
                        "duplicate parameter '" + name + "' in " + what);
        return failure();
      }
    }
    params.push_back({name, cur.getLoc()});
    consume();
    if (!consumeIf(Token::comma))
      break;
  }
  if (cur.isNot(terminator)) {
    (void)emitErrorAtCurrent("expected ',' or '" +
                             Token::getKindSpelling(terminator) + "' in " +
                             what + ", got " + describeCurrent());
    return failure();
  }
  consume();
  return params;
}

StmtPtr Parser::parseDef() {
  NestingGuard guard(*this);
  if (failed(guard.check()))
    return nullptr;
  consume(); // 'def'
  if (cur.isNot(Token::identifier)) {
    (void)emitErrorAtCurrent("expected a function name after 'def', got " +
                             describeCurrent());
    return nullptr;
  }
  llvm::SMLoc loc = cur.getLoc();
  std::string name = cur.getSpelling().str();
  consume();
  if (failed(expect(Token::l_paren, "after the function name")))
    return nullptr;
  FailureOr<std::vector<Param>> params =
      parseParams(Token::r_paren, "the parameter list of '" + name + "'");
  if (failed(params) ||
      failed(expect(Token::l_brace, "to start the body of '" + name + "'")))
    return nullptr;

  std::vector<StmtPtr> body;
  while (true) {
    if (cur.is(Token::r_brace)) {
      if (body.empty() || !isa<ReturnStmt>(body.back())) {
        (void)emitError(cur.getLoc(), "function '" + name +
                                          "' must end with a 'return' "
                                          "statement");
        return nullptr;
      }
      consume();
      break;
    }
    if (cur.is(Token::eof)) {
      (void)emitErrorAtCurrent("expected '}' to end the body of '" + name +
                               "', got end of file");
      return nullptr;
    }
    if (!body.empty() && isa<ReturnStmt>(body.back())) {
      (void)emitErrorAtCurrent("'return' must be the last statement of '" +
                               name + "'; expected '}'");
      return nullptr;
    }
    StmtPtr stmt = parseStatement(/*topLevel=*/false);
    if (!stmt)
      return nullptr;
    body.push_back(std::move(stmt));
  }
  return std::make_unique<DefStmt>(loc, std::move(name), std::move(*params),
                                   std::move(body));
}

//===----------------------------------------------------------------------===//
// Expressions
//===----------------------------------------------------------------------===//

ExprPtr Parser::parseExpr() {
  NestingGuard guard(*this);
  if (failed(guard.check()))
    return nullptr;
  if (cur.is(Token::kw_lambda))
    return parseLambda();
  return parseTernary();
}

ExprPtr Parser::parseLambda() {
  llvm::SMLoc loc = cur.getLoc();
  consume(); // 'lambda'
  FailureOr<std::vector<Param>> params =
      parseParams(Token::colon, "the parameter list of a lambda");
  if (failed(params))
    return nullptr;
  ExprPtr body = parseExpr();
  if (!body)
    return nullptr;
  return std::make_unique<LambdaExpr>(loc, std::move(*params), std::move(body));
}

ExprPtr Parser::parseTernary() {
  ExprPtr value = parseOr();
  if (!value || cur.isNot(Token::kw_if))
    return value;
  llvm::SMLoc loc = cur.getLoc();
  consume();
  ExprPtr condition = parseOr();
  if (!condition ||
      failed(expect(Token::kw_else, "in a conditional expression")))
    return nullptr;
  ExprPtr elseValue = parseExpr();
  if (!elseValue)
    return nullptr;
  return std::make_unique<ConditionalExpr>(
      loc, std::move(value), std::move(condition), std::move(elseValue));
}

ExprPtr Parser::parseOr() {
  ExprPtr lhs = parseAnd();
  while (lhs && cur.is(Token::kw_or)) {
    llvm::SMLoc loc = cur.getLoc();
    consume();
    ExprPtr rhs = parseAnd();
    if (!rhs)
      return nullptr;
    lhs = checkDepth(std::make_unique<LogicalExpr>(
        loc, /*isAnd=*/false, std::move(lhs), std::move(rhs)));
  }
  return lhs;
}

ExprPtr Parser::parseAnd() {
  ExprPtr lhs = parseNot();
  while (lhs && cur.is(Token::kw_and)) {
    llvm::SMLoc loc = cur.getLoc();
    consume();
    ExprPtr rhs = parseNot();
    if (!rhs)
      return nullptr;
    lhs = checkDepth(std::make_unique<LogicalExpr>(
        loc, /*isAnd=*/true, std::move(lhs), std::move(rhs)));
  }
  return lhs;
}

ExprPtr Parser::parseNot() {
  if (cur.isNot(Token::kw_not))
    return parseComparison();
  NestingGuard guard(*this);
  if (failed(guard.check()))
    return nullptr;
  llvm::SMLoc loc = cur.getLoc();
  consume();
  ExprPtr operand = parseNot();
  if (!operand)
    return nullptr;
  return std::make_unique<UnaryExpr>(loc, UnaryKind::Not, std::move(operand));
}

static std::optional<BinaryKind> comparisonKind(const Token &token) {
  switch (token.getKind()) {
  case Token::equal_equal:
    return BinaryKind::Eq;
  case Token::bang_equal:
    return BinaryKind::Ne;
  case Token::less:
    return BinaryKind::Lt;
  case Token::less_equal:
    return BinaryKind::Le;
  case Token::greater:
    return BinaryKind::Gt;
  case Token::greater_equal:
    return BinaryKind::Ge;
  default:
    return std::nullopt;
  }
}

ExprPtr Parser::parseComparison() {
  ExprPtr lhs = parseSum();
  if (!lhs)
    return nullptr;
  std::optional<BinaryKind> kind = comparisonKind(cur);
  if (!kind)
    return lhs;
  llvm::SMLoc loc = cur.getLoc();
  consume();
  ExprPtr rhs = parseSum();
  if (!rhs)
    return nullptr;
  if (comparisonKind(cur)) {
    (void)emitErrorAtCurrent("comparisons cannot be chained; combine them "
                             "with 'and'");
    return nullptr;
  }
  return std::make_unique<BinaryExpr>(loc, *kind, std::move(lhs),
                                      std::move(rhs));
}

ExprPtr Parser::parseSum() {
  ExprPtr lhs = parseTerm();
  while (lhs && cur.isAny(Token::plus, Token::minus)) {
    BinaryKind kind = cur.is(Token::plus) ? BinaryKind::Add : BinaryKind::Sub;
    llvm::SMLoc loc = cur.getLoc();
    consume();
    ExprPtr rhs = parseTerm();
    if (!rhs)
      return nullptr;
    lhs = checkDepth(std::make_unique<BinaryExpr>(loc, kind, std::move(lhs),
                                                  std::move(rhs)));
  }
  return lhs;
}

ExprPtr Parser::parseTerm() {
  ExprPtr lhs = parseUnary();
  while (lhs && cur.isAny(Token::star, Token::slash, Token::slash_slash,
                          Token::percent)) {
    BinaryKind kind = cur.is(Token::star)          ? BinaryKind::Mul
                      : cur.is(Token::slash)       ? BinaryKind::TrueDiv
                      : cur.is(Token::slash_slash) ? BinaryKind::FloorDiv
                                                   : BinaryKind::Mod;
    llvm::SMLoc loc = cur.getLoc();
    consume();
    ExprPtr rhs = parseUnary();
    if (!rhs)
      return nullptr;
    lhs = checkDepth(std::make_unique<BinaryExpr>(loc, kind, std::move(lhs),
                                                  std::move(rhs)));
  }
  return lhs;
}

ExprPtr Parser::parseUnary() {
  if (cur.isNot(Token::minus) && cur.isNot(Token::plus))
    return parsePower();
  NestingGuard guard(*this);
  if (failed(guard.check()))
    return nullptr;
  UnaryKind kind = cur.is(Token::minus) ? UnaryKind::Neg : UnaryKind::Pos;
  llvm::SMLoc loc = cur.getLoc();
  consume();
  ExprPtr operand = parseUnary();
  if (!operand)
    return nullptr;
  return std::make_unique<UnaryExpr>(loc, kind, std::move(operand));
}

ExprPtr Parser::parsePower() {
  ExprPtr base = parsePostfix();
  if (!base || cur.isNot(Token::star_star))
    return base;
  NestingGuard guard(*this);
  if (failed(guard.check()))
    return nullptr;
  llvm::SMLoc loc = cur.getLoc();
  consume();
  ExprPtr exponent = parseUnary();
  if (!exponent)
    return nullptr;
  return std::make_unique<BinaryExpr>(loc, BinaryKind::Pow, std::move(base),
                                      std::move(exponent));
}

ExprPtr Parser::parsePostfix() {
  ExprPtr callee = parseAtom();
  while (callee && cur.is(Token::l_paren)) {
    llvm::SMLoc loc = callee->getLoc();
    consume();
    std::vector<ExprPtr> args;
    while (cur.isNot(Token::r_paren)) {
      ExprPtr arg = parseArgument();
      if (!arg)
        return nullptr;
      args.push_back(std::move(arg));
      if (!consumeIf(Token::comma))
        break;
    }
    if (failed(expect(Token::r_paren, "after the call arguments")))
      return nullptr;
    callee = checkDepth(
        std::make_unique<CallExpr>(loc, std::move(callee), std::move(args)));
  }
  return callee;
}

ExprPtr Parser::parseArgument() {
  if (std::optional<BinaryKind> kind = comparisonKind(cur)) {
    llvm::SMLoc loc = cur.getLoc();
    consume();
    if (cur.isNot(Token::comma) && cur.isNot(Token::r_paren)) {
      (void)emitErrorAtCurrent(
          "expected ',' or ')' after the comparison operator; a bare "
          "comparison operator can only be a whole argument (a select "
          "predicate), got " +
          describeCurrent());
      return nullptr;
    }
    Comparison predicate;
    switch (*kind) {
    case BinaryKind::Eq:
      predicate = Comparison::Eq;
      break;
    case BinaryKind::Ne:
      predicate = Comparison::Neq;
      break;
    case BinaryKind::Lt:
      predicate = Comparison::Lt;
      break;
    case BinaryKind::Le:
      predicate = Comparison::Leq;
      break;
    case BinaryKind::Gt:
      predicate = Comparison::Gt;
      break;
    default:
      predicate = Comparison::Geq;
      break;
    }
    return std::make_unique<ComparisonExpr>(loc, predicate);
  }
  return parseExpr();
}

ExprPtr Parser::parseAtom() {
  llvm::SMLoc loc = cur.getLoc();
  switch (cur.getKind()) {
  case Token::integer: {
    int64_t value = *cur.getIntegerValue(); // checked by the lexer
    consume();
    return std::make_unique<IntegerExpr>(loc, value);
  }
  case Token::floating: {
    double value = cur.getFloatValue();
    consume();
    return std::make_unique<FloatExpr>(loc, value);
  }
  case Token::string: {
    std::string value = cur.getStringValue();
    consume();
    return std::make_unique<StringExpr>(loc, std::move(value));
  }
  case Token::kw_True:
  case Token::kw_False: {
    bool value = cur.is(Token::kw_True);
    consume();
    return std::make_unique<BoolExpr>(loc, value);
  }
  case Token::kw_None:
    consume();
    return std::make_unique<NoneExpr>(loc);
  case Token::identifier: {
    std::string name = cur.getSpelling().str();
    consume();
    return std::make_unique<NameExpr>(loc, std::move(name));
  }
  case Token::l_paren: {
    consume();
    ExprPtr inner = parseExpr();
    if (!inner || failed(expect(Token::r_paren, "to close '('")))
      return nullptr;
    return inner;
  }
  default:
    if (cur.isComparison())
      (void)emitErrorAtCurrent(
          "a bare comparison operator can only be a whole argument (a select "
          "predicate)");
    else
      (void)emitErrorAtCurrent("expected an expression, got " +
                               describeCurrent());
    return nullptr;
  }
}

std::unique_ptr<SourceFile>
mlir::rasp::frontend::parseSourceFile(const llvm::SourceMgr &sourceMgr,
                                      unsigned bufferID, MLIRContext *context) {
  auto file = std::make_unique<SourceFile>();
  file->bufferID = bufferID;
  Parser parser(sourceMgr, bufferID, context);
  if (failed(parser.parseFile(*file)))
    return nullptr;
  return file;
}
