//===- Elaborator.h - Expansion of .rasp programs ---------------*- C++ -*-===//
//
// Runs a parsed .rasp program at compile time: binds names, expands `def`
// and lambda calls, executes `load`ed files, folds constants, and builds the
// ProgramGraph of SOps, selectors and element functions. Values at this
// level are constants, SOps, selectors, element values (inside a lambda
// applied by map/sequence_map/select), predicates and callables.
//
//===----------------------------------------------------------------------===//

#ifndef RASPDIALECT_LIB_TARGET_IMPORTRASP_ELABORATOR_H
#define RASPDIALECT_LIB_TARGET_IMPORTRASP_ELABORATOR_H

#include "AST.h"
#include "Graph.h"

#include "RaspDialect/Target/ImportRASP.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/SourceMgr.h"

namespace mlir::rasp::frontend {

/// The built-in functions of the language.
enum class Builtin {
  Select,
  Aggregate,
  SelectorWidth,
  Numerical,
  Categorical,
  Map,
  SequenceMap,
  Full,
  Abs,
  Min,
  Max,
  Int,
  Float,
  Bool,
  Round,
  Indicator,
};

/// The name a built-in function is called by.
llvm::StringRef getBuiltinName(Builtin builtin);

struct Scope;

/// A compile-time value.
struct Val {
  enum class Kind {
    Constant,  // a Python value
    Scalar,    // an element value inside an element function
    SOp,       // a sequence operation
    Selector,  // a selection matrix
    Predicate, // a bare comparison operator (`==`)
    Lambda,    // a lambda with the scope it was created in
    Function,  // a def with the scope it was defined in
    Builtin,   // a built-in function
  };

  Kind kind = Kind::Constant;
  PyValue constant;
  ScalarExpr *scalar = nullptr;
  SOpNode *sop = nullptr;
  SelectorNode *selector = nullptr;
  Comparison predicate = Comparison::Eq;
  const LambdaExpr *lambda = nullptr;
  const DefStmt *def = nullptr;
  Scope *closure = nullptr;
  Builtin builtin = Builtin::Select;

  static Val ofConstant(PyValue v) {
    Val val;
    val.constant = std::move(v);
    return val;
  }
  static Val ofScalar(ScalarExpr *e) {
    Val val;
    val.kind = Kind::Scalar;
    val.scalar = e;
    return val;
  }
  static Val ofSOp(SOpNode *n) {
    Val val;
    val.kind = Kind::SOp;
    val.sop = n;
    return val;
  }
  static Val ofSelector(SelectorNode *n) {
    Val val;
    val.kind = Kind::Selector;
    val.selector = n;
    return val;
  }

  bool is(Kind k) const { return kind == k; }
  /// Constants, SOps and element values: what operators apply to.
  bool isValue() const {
    return kind == Kind::Constant || kind == Kind::Scalar || kind == Kind::SOp;
  }
  bool isCallable() const {
    return kind == Kind::Lambda || kind == Kind::Function ||
           kind == Kind::Builtin;
  }
};

/// Variables of the top level, of a def call or of a lambda call.
struct Scope {
  llvm::StringMap<Val> vars;
  Scope *parent = nullptr;
};

/// A call argument with the position it was written at.
struct Arg {
  Val val;
  llvm::SMLoc loc;
};

class Elaborator {
public:
  Elaborator(llvm::SourceMgr &sourceMgr, MLIRContext *context,
             const ImportRASPOptions &options, ProgramGraph &graph);

  /// Runs the main buffer of the SourceMgr and returns the output SOp.
  FailureOr<SOpNode *> run();

private:
  //===--------------------------------------------------------------------===//
  // Diagnostics (Elaborator.cpp)
  //===--------------------------------------------------------------------===//

  Location loc(llvm::SMLoc pos) const;
  /// Reports an error at `pos` with the active def/lambda calls as notes.
  LogicalResult emitError(llvm::SMLoc pos, const llvm::Twine &message);
  /// Same, with a note at `noteLoc` first.
  LogicalResult emitError(llvm::SMLoc pos, const llvm::Twine &message,
                          std::optional<Location> noteLoc,
                          const llvm::Twine &note);
  /// Reports an evaluation failure of a constant expression.
  LogicalResult emitEvalError(llvm::SMLoc pos, llvm::Error error,
                              const llvm::Twine &what);
  /// "an SOp", "a selector", "the function 'f'", ...
  static std::string describe(const Val &val);
  /// Where `val` was defined, for notes.
  std::optional<Location> definitionLoc(const Val &val) const;
  /// Reports that `arg` should have been `expected` (e.g. "an SOp").
  LogicalResult emitWrongKind(const Arg &arg, const llvm::Twine &expected,
                              const llvm::Twine &context);

  //===--------------------------------------------------------------------===//
  // Statements and expressions (Elaborator.cpp)
  //===--------------------------------------------------------------------===//

  LogicalResult execFile(const SourceFile &file, bool isMain);
  LogicalResult execStmt(const Stmt &stmt, bool isMain);
  LogicalResult execLoad(const LoadStmt &stmt);
  void bind(llvm::StringRef name, const Val &val);

  FailureOr<Val> eval(const Expr &expr);
  FailureOr<Val> evalName(const NameExpr &expr);
  FailureOr<Val> evalUnary(const UnaryExpr &expr);
  FailureOr<Val> evalBinary(const BinaryExpr &expr);
  FailureOr<Val> evalLogical(const LogicalExpr &expr);
  FailureOr<Val> evalConditional(const ConditionalExpr &expr);
  FailureOr<Val> evalCall(const CallExpr &expr);

  /// Calls a def, lambda or built-in with `args`.
  FailureOr<Val> call(const Val &callee, llvm::ArrayRef<Arg> args,
                      llvm::SMLoc callLoc);
  FailureOr<Val> callUser(const Val &callee, llvm::ArrayRef<Arg> args,
                          llvm::SMLoc callLoc);

  FailureOr<SOpNode *> resolveOutput();
  Val builtinSOp(llvm::StringRef name, llvm::SMLoc pos);

  //===--------------------------------------------------------------------===//
  // Built-ins and elementwise operations (Builtins.cpp)
  //===--------------------------------------------------------------------===//

  FailureOr<Val> callBuiltin(Builtin builtin, llvm::ArrayRef<Arg> args,
                             llvm::SMLoc callLoc);
  FailureOr<Val> callSelect(llvm::ArrayRef<Arg> args, llvm::SMLoc callLoc);
  FailureOr<Val> callAggregate(llvm::ArrayRef<Arg> args, llvm::SMLoc callLoc);
  FailureOr<Val> callMap(llvm::ArrayRef<Arg> args, llvm::SMLoc callLoc,
                         bool isSequenceMap);

  FailureOr<Val> applyUnary(UnaryKind kind, const Arg &operand,
                            llvm::SMLoc pos);
  FailureOr<Val> applyBinary(BinaryKind kind, const Arg &lhs, const Arg &rhs,
                             llvm::SMLoc pos);
  /// `lhs and rhs` / `lhs or rhs` once `lhs` is known not to be a constant.
  FailureOr<Val> applyLogical(bool isAnd, const Arg &lhs, const Arg &rhs,
                              llvm::SMLoc pos);
  FailureOr<Val> applyConditional(const Arg &condition, const Arg &thenValue,
                                  const Arg &elseValue, llvm::SMLoc pos);

  /// Builds `build(operands)` position by position: an elementwise SOp if
  /// any operand is an SOp, else an element value. Operands must be values;
  /// `what` names the operation in diagnostics.
  FailureOr<Val> elementwise(
      llvm::ArrayRef<Arg> operands, llvm::SMLoc pos, llvm::StringRef what,
      llvm::function_ref<ScalarExpr *(llvm::ArrayRef<ScalarExpr *>)> build);

  /// Applies `fn` to parameters of types `paramTypes` inside an element
  /// function and returns its body.
  /// `params` gives each argument's parameter index and type (an SOp
  /// passed twice to sequence_map is one parameter).
  FailureOr<ScalarExpr *>
  applyElementFunction(const Arg &fn,
                       llvm::ArrayRef<std::pair<unsigned, Type>> params,
                       llvm::SMLoc callLoc, llvm::StringRef what);

  /// The SOp computing `node` with `encoding` (numerical()/categorical()).
  FailureOr<SOpNode *> withEncoding(SOpNode *node, Encoding encoding,
                                    llvm::SMLoc pos);
  /// Builds an aggregate, converting operand and default as needed.
  FailureOr<SOpNode *> makeAggregate(SelectorNode *selector, SOpNode *input,
                                     std::optional<PyValue> userDefault,
                                     Encoding encoding, Location nodeLoc,
                                     llvm::SMLoc pos);

  //===--------------------------------------------------------------------===//
  // State
  //===--------------------------------------------------------------------===//

  llvm::SourceMgr &sourceMgr;
  MLIRContext *context;
  const ImportRASPOptions &options;
  ProgramGraph &graph;

  /// All scopes, alive until the end (closures point at them).
  std::vector<std::unique_ptr<Scope>> scopes;
  Scope *globals = nullptr;
  Scope *current = nullptr;
  /// Parsed files, alive until the end (defs and lambdas point into them).
  std::vector<std::unique_ptr<SourceFile>> files;

  /// An active def or lambda call, for diagnostics and recursion checks. A
  /// function is its definition and the scope it closes over: the same
  /// lambda expression evaluated in two scopes gives two functions.
  struct Frame {
    const void *callee;
    const Scope *closure;
    std::string name;
    llvm::SMLoc callLoc;
  };
  std::vector<Frame> frames;
  /// Calls expanded so far.
  unsigned numCalls = 0;
  /// Element functions being built; names of SOps are rejected inside.
  unsigned elementDepth = 0;

  /// A file being loaded: its real path, its name as written and the load
  /// statement (invalid for the main file).
  struct LoadFrame {
    std::string realPath;
    std::string name;
    llvm::SMLoc loadLoc;
  };
  std::vector<LoadFrame> loadStack;
  /// Real paths of files loaded completely.
  llvm::StringSet<> loaded;

  /// The last top-level assignment of the main file.
  std::optional<std::pair<Val, llvm::SMLoc>> lastAssignment;
  std::string lastAssignmentName;

  Type tokenType;
  /// tokens, indices, length and numerical()/categorical() results are
  /// created once.
  SOpNode *tokensNode = nullptr, *indicesNode = nullptr, *lengthNode = nullptr;
  llvm::DenseMap<std::pair<SOpNode *, int>, SOpNode *> encoded;
};

} // namespace mlir::rasp::frontend

#endif // RASPDIALECT_LIB_TARGET_IMPORTRASP_ELABORATOR_H
