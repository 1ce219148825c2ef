//===- AST.h - .rasp syntax tree --------------------------------*- C++ -*-===//
//
// The parser's output. The tree is kept for the whole import because `def`
// bodies and lambdas are expanded where they are called. Every node records
// the source position its diagnostics and operations point at: an operator
// node points at its operator token, a call at its callee.
//
//===----------------------------------------------------------------------===//

#ifndef RASPDIALECT_LIB_TARGET_IMPORTRASP_AST_H
#define RASPDIALECT_LIB_TARGET_IMPORTRASP_AST_H

#include "RaspDialect/Dialect/RASP/IR/RASPDialect.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/Casting.h"
#include "llvm/Support/SMLoc.h"

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

namespace mlir::rasp::frontend {

//===----------------------------------------------------------------------===//
// Expressions
//===----------------------------------------------------------------------===//

class Expr {
public:
  enum class Kind {
    Integer,
    Float,
    String,
    Bool,
    None,
    Name,
    Unary,       // - + not
    Binary,      // arithmetic and comparisons
    Logical,     // and, or
    Conditional, // x if c else y
    Lambda,
    Call,
    Comparison, // a bare comparison operator passed as a select predicate
  };

  virtual ~Expr() = default;
  Kind getKind() const { return kind; }
  llvm::SMLoc getLoc() const { return loc; }
  /// Height of the tree below this node, counting the node. The parser
  /// bounds it so that walking the tree recursively is safe.
  unsigned getDepth() const { return depth; }

protected:
  Expr(Kind kind, llvm::SMLoc loc) : kind(kind), loc(loc) {}
  /// Records that `child` hangs below this node.
  void addChild(const Expr *child) {
    if (child)
      depth = std::max(depth, child->depth + 1);
  }

private:
  Kind kind;
  llvm::SMLoc loc;
  unsigned depth = 1;
};

using ExprPtr = std::unique_ptr<Expr>;

template <Expr::Kind K>
class ExprBase : public Expr {
public:
  static bool classof(const Expr *e) { return e->getKind() == K; }

protected:
  explicit ExprBase(llvm::SMLoc loc) : Expr(K, loc) {}
};

class IntegerExpr : public ExprBase<Expr::Kind::Integer> {
public:
  IntegerExpr(llvm::SMLoc loc, int64_t value) : ExprBase(loc), value(value) {}
  int64_t value;
};

class FloatExpr : public ExprBase<Expr::Kind::Float> {
public:
  FloatExpr(llvm::SMLoc loc, double value) : ExprBase(loc), value(value) {}
  double value;
};

class StringExpr : public ExprBase<Expr::Kind::String> {
public:
  StringExpr(llvm::SMLoc loc, std::string value)
      : ExprBase(loc), value(std::move(value)) {}
  std::string value;
};

class BoolExpr : public ExprBase<Expr::Kind::Bool> {
public:
  BoolExpr(llvm::SMLoc loc, bool value) : ExprBase(loc), value(value) {}
  bool value;
};

class NoneExpr : public ExprBase<Expr::Kind::None> {
public:
  explicit NoneExpr(llvm::SMLoc loc) : ExprBase(loc) {}
};

class NameExpr : public ExprBase<Expr::Kind::Name> {
public:
  NameExpr(llvm::SMLoc loc, std::string name)
      : ExprBase(loc), name(std::move(name)) {}
  std::string name;
};

/// `-x`, `+x` and `not x` (UnaryKind::Neg, Pos, Not).
class UnaryExpr : public ExprBase<Expr::Kind::Unary> {
public:
  UnaryExpr(llvm::SMLoc loc, UnaryKind op, ExprPtr operand)
      : ExprBase(loc), op(op), operand(std::move(operand)) {
    addChild(this->operand.get());
  }
  UnaryKind op;
  ExprPtr operand;
};

/// Arithmetic and comparison operators (BinaryKind::Add ... Ge).
class BinaryExpr : public ExprBase<Expr::Kind::Binary> {
public:
  BinaryExpr(llvm::SMLoc loc, BinaryKind op, ExprPtr lhs, ExprPtr rhs)
      : ExprBase(loc), op(op), lhs(std::move(lhs)), rhs(std::move(rhs)) {
    addChild(this->lhs.get());
    addChild(this->rhs.get());
  }
  BinaryKind op;
  ExprPtr lhs, rhs;
};

/// `lhs and rhs`, `lhs or rhs`.
class LogicalExpr : public ExprBase<Expr::Kind::Logical> {
public:
  LogicalExpr(llvm::SMLoc loc, bool isAnd, ExprPtr lhs, ExprPtr rhs)
      : ExprBase(loc), isAnd(isAnd), lhs(std::move(lhs)), rhs(std::move(rhs)) {
    addChild(this->lhs.get());
    addChild(this->rhs.get());
  }
  bool isAnd;
  ExprPtr lhs, rhs;
};

/// `thenValue if condition else elseValue`; located at `if`.
class ConditionalExpr : public ExprBase<Expr::Kind::Conditional> {
public:
  ConditionalExpr(llvm::SMLoc loc, ExprPtr thenValue, ExprPtr condition,
                  ExprPtr elseValue)
      : ExprBase(loc), thenValue(std::move(thenValue)),
        condition(std::move(condition)), elseValue(std::move(elseValue)) {
    addChild(this->thenValue.get());
    addChild(this->condition.get());
    addChild(this->elseValue.get());
  }
  ExprPtr thenValue, condition, elseValue;
};

/// A parameter of a lambda or def.
struct Param {
  std::string name;
  llvm::SMLoc loc;
};

class LambdaExpr : public ExprBase<Expr::Kind::Lambda> {
public:
  LambdaExpr(llvm::SMLoc loc, std::vector<Param> params, ExprPtr body)
      : ExprBase(loc), params(std::move(params)), body(std::move(body)) {
    addChild(this->body.get());
  }
  std::vector<Param> params;
  ExprPtr body;
};

class CallExpr : public ExprBase<Expr::Kind::Call> {
public:
  CallExpr(llvm::SMLoc loc, ExprPtr callee, std::vector<ExprPtr> args)
      : ExprBase(loc), callee(std::move(callee)), args(std::move(args)) {
    addChild(this->callee.get());
    for (const ExprPtr &arg : this->args)
      addChild(arg.get());
  }
  ExprPtr callee;
  std::vector<ExprPtr> args;
};

class ComparisonExpr : public ExprBase<Expr::Kind::Comparison> {
public:
  ComparisonExpr(llvm::SMLoc loc, Comparison predicate)
      : ExprBase(loc), predicate(predicate) {}
  Comparison predicate;
};

//===----------------------------------------------------------------------===//
// Statements
//===----------------------------------------------------------------------===//

class Stmt {
public:
  enum class Kind { Assign, Def, Return, Load };
  virtual ~Stmt() = default;
  Kind getKind() const { return kind; }
  llvm::SMLoc getLoc() const { return loc; }

protected:
  Stmt(Kind kind, llvm::SMLoc loc) : kind(kind), loc(loc) {}

private:
  Kind kind;
  llvm::SMLoc loc;
};

using StmtPtr = std::unique_ptr<Stmt>;

template <Stmt::Kind K>
class StmtBase : public Stmt {
public:
  static bool classof(const Stmt *s) { return s->getKind() == K; }

protected:
  explicit StmtBase(llvm::SMLoc loc) : Stmt(K, loc) {}
};

/// `name = value;`, located at the name.
class AssignStmt : public StmtBase<Stmt::Kind::Assign> {
public:
  AssignStmt(llvm::SMLoc loc, std::string name, ExprPtr value)
      : StmtBase(loc), name(std::move(name)), value(std::move(value)) {}
  std::string name;
  ExprPtr value;
};

/// `return value;`
class ReturnStmt : public StmtBase<Stmt::Kind::Return> {
public:
  ReturnStmt(llvm::SMLoc loc, ExprPtr value)
      : StmtBase(loc), value(std::move(value)) {}
  ExprPtr value;
};

/// `def name(params) { body }`, located at the name. The parser guarantees
/// that `body` ends with the only ReturnStmt.
class DefStmt : public StmtBase<Stmt::Kind::Def> {
public:
  DefStmt(llvm::SMLoc loc, std::string name, std::vector<Param> params,
          std::vector<StmtPtr> body)
      : StmtBase(loc), name(std::move(name)), params(std::move(params)),
        body(std::move(body)) {}
  std::string name;
  std::vector<Param> params;
  std::vector<StmtPtr> body;
};

/// `load "path";`, located at the path string.
class LoadStmt : public StmtBase<Stmt::Kind::Load> {
public:
  LoadStmt(llvm::SMLoc loc, std::string path)
      : StmtBase(loc), path(std::move(path)) {}
  std::string path;
};

/// A parsed source file.
struct SourceFile {
  unsigned bufferID = 0;
  std::vector<StmtPtr> stmts;
};

} // namespace mlir::rasp::frontend

#endif // RASPDIALECT_LIB_TARGET_IMPORTRASP_AST_H
