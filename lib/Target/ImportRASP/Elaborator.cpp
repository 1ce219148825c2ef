//===- Elaborator.cpp - Expansion of .rasp programs -----------------------===//
//
// Statements, names, calls, loads and the program output. Built-in
// functions and operators are in Builtins.cpp.
//
//===----------------------------------------------------------------------===//

#include "Elaborator.h"
#include "Lexer.h"
#include "Parser.h"

#include "RaspDialect/Support/Text.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <unordered_set>

using namespace mlir;
using namespace mlir::rasp;
using namespace mlir::rasp::frontend;

namespace {
/// Hashes a vocabulary item by its kind and repr.
struct KindTextHash {
  size_t operator()(const std::pair<PyValue::Kind, std::string> &key) const {
    return llvm::hash_combine(key.first, key.second);
  }
};
} // namespace

/// Deepest chain of active def/lambda calls (recursion is rejected; this
/// bounds long chains of distinct functions).
static constexpr unsigned kMaxCallDepth = 100;
/// Deepest chain of files loading files.
static constexpr unsigned kMaxLoadDepth = 32;
/// Most def/lambda calls one program may expand (calls in calls multiply).
static constexpr unsigned kMaxCalls = 100000;

/// The static type of `tokens` for a vocabulary: the common type of its
/// items, or !rasp.any.
static Type getTokenType(MLIRContext *context,
                         const std::optional<std::vector<PyValue>> &vocab) {
  if (!vocab || vocab->empty())
    return AnyValueType::get(context);
  Type type = staticTypeOf(context, vocab->front());
  for (const PyValue &item : *vocab)
    if (staticTypeOf(context, item) != type)
      return AnyValueType::get(context);
  return type;
}

Elaborator::Elaborator(llvm::SourceMgr &sourceMgr, MLIRContext *context,
                       const ImportRASPOptions &options, ProgramGraph &graph)
    : sourceMgr(sourceMgr), context(context), options(options), graph(graph) {
  scopes.push_back(std::make_unique<Scope>());
  globals = current = scopes.back().get();
  tokenType = getTokenType(context, options.vocab);
}

//===----------------------------------------------------------------------===//
// Diagnostics
//===----------------------------------------------------------------------===//

Location Elaborator::loc(llvm::SMLoc pos) const {
  return getFileLineColLoc(sourceMgr, pos, context);
}

LogicalResult Elaborator::emitError(llvm::SMLoc pos,
                                    const llvm::Twine &message) {
  return emitError(pos, message, std::nullopt, "");
}

LogicalResult Elaborator::emitError(llvm::SMLoc pos, const llvm::Twine &message,
                                    std::optional<Location> noteLoc,
                                    const llvm::Twine &note) {
  InFlightDiagnostic diag = mlir::emitError(loc(pos), message);
  if (noteLoc)
    diag.attachNote(*noteLoc) << note;
  // The innermost calls; deep chains would bury the error under notes.
  constexpr size_t kMaxNotes = 10;
  size_t shown = 0;
  for (const Frame &frame : llvm::reverse(frames)) {
    if (shown++ == kMaxNotes)
      break;
    diag.attachNote(loc(frame.callLoc))
        << "while calling " << frame.name << " here";
  }
  if (frames.size() > kMaxNotes)
    diag.attachNote(loc(frames.front().callLoc))
        << "and " << frames.size() - kMaxNotes
        << " more calls, the outermost here";
  return failure();
}

LogicalResult Elaborator::emitEvalError(llvm::SMLoc pos, llvm::Error error,
                                        const llvm::Twine &what) {
  std::string message = llvm::toString(std::move(error));
  return emitError(pos, message + " (evaluating " + what + ")");
}

llvm::StringRef mlir::rasp::frontend::getBuiltinName(Builtin builtin) {
  switch (builtin) {
  case Builtin::Select:
    return "select";
  case Builtin::Aggregate:
    return "aggregate";
  case Builtin::SelectorWidth:
    return "selector_width";
  case Builtin::Numerical:
    return "numerical";
  case Builtin::Categorical:
    return "categorical";
  case Builtin::Map:
    return "map";
  case Builtin::SequenceMap:
    return "sequence_map";
  case Builtin::Full:
    return "full";
  case Builtin::Abs:
    return "abs";
  case Builtin::Min:
    return "min";
  case Builtin::Max:
    return "max";
  case Builtin::Int:
    return "int";
  case Builtin::Float:
    return "float";
  case Builtin::Bool:
    return "bool";
  case Builtin::Round:
    return "round";
  case Builtin::Indicator:
    return "indicator";
  }
  return "?";
}

static std::optional<Builtin> lookupBuiltin(llvm::StringRef name) {
  return llvm::StringSwitch<std::optional<Builtin>>(name)
      .Case("select", Builtin::Select)
      .Case("aggregate", Builtin::Aggregate)
      .Case("selector_width", Builtin::SelectorWidth)
      .Case("numerical", Builtin::Numerical)
      .Case("categorical", Builtin::Categorical)
      .Case("map", Builtin::Map)
      .Case("sequence_map", Builtin::SequenceMap)
      .Case("full", Builtin::Full)
      .Case("abs", Builtin::Abs)
      .Case("min", Builtin::Min)
      .Case("max", Builtin::Max)
      .Case("int", Builtin::Int)
      .Case("float", Builtin::Float)
      .Case("bool", Builtin::Bool)
      .Case("round", Builtin::Round)
      .Case("indicator", Builtin::Indicator)
      .Default(std::nullopt);
}

std::string Elaborator::describe(const Val &val) {
  switch (val.kind) {
  case Val::Kind::Constant:
    return "the constant " + val.constant.repr();
  case Val::Kind::Scalar:
    return "an element value";
  case Val::Kind::SOp:
    return "an SOp";
  case Val::Kind::Selector:
    return "a selector";
  case Val::Kind::Predicate:
    return "a comparison operator";
  case Val::Kind::Lambda:
    return "a lambda";
  case Val::Kind::Function:
    return "the function '" + val.def->name + "'";
  case Val::Kind::Builtin:
    return "the built-in function '" + getBuiltinName(val.builtin).str() + "'";
  }
  return "a value";
}

std::optional<Location> Elaborator::definitionLoc(const Val &val) const {
  switch (val.kind) {
  case Val::Kind::SOp:
    // The built-in SOps have no definition in the program.
    if (val.sop->kind == SOpNode::Kind::Tokens ||
        val.sop->kind == SOpNode::Kind::Indices || val.sop == lengthNode)
      return std::nullopt;
    return val.sop->loc;
  case Val::Kind::Selector:
    return val.selector->loc;
  case Val::Kind::Lambda:
    return loc(val.lambda->getLoc());
  case Val::Kind::Function:
    return loc(val.def->getLoc());
  default:
    return std::nullopt;
  }
}

LogicalResult Elaborator::emitWrongKind(const Arg &arg,
                                        const llvm::Twine &expected,
                                        const llvm::Twine &context) {
  std::string noun;
  switch (arg.val.kind) {
  case Val::Kind::SOp:
    noun = "the SOp";
    break;
  case Val::Kind::Selector:
    noun = "the selector";
    break;
  case Val::Kind::Lambda:
    noun = "the lambda";
    break;
  default:
    noun = describe(arg.val);
    break;
  }
  return emitError(
      arg.loc, context + " expects " + expected + ", got " + describe(arg.val),
      definitionLoc(arg.val), noun + " is defined here");
}

//===----------------------------------------------------------------------===//
// Statements
//===----------------------------------------------------------------------===//

FailureOr<SOpNode *> Elaborator::run() {
  unsigned mainID = sourceMgr.getMainFileID();
  const llvm::MemoryBuffer *mainBuffer = sourceMgr.getMemoryBuffer(mainID);
  llvm::SMLoc mainStart =
      llvm::SMLoc::getFromPointer(mainBuffer->getBufferStart());

  // Options have no source position; report them at the file start.
  if (options.vocab) {
    if (options.vocab->empty())
      return emitError(mainStart, "the vocabulary is empty");
    llvm::StringRef bos = options.bos ? llvm::StringRef(*options.bos) : "BOS";
    // Hashed by type and value: linear in the vocabulary's size.
    std::unordered_set<std::pair<PyValue::Kind, std::string>, KindTextHash>
        seen;
    for (const PyValue &item : *options.vocab) {
      if (item.isNone())
        return emitError(mainStart, "the vocabulary cannot contain None");
      if (item.isStr() && item.getStr() == bos)
        return emitError(mainStart,
                         "the vocabulary contains the BOS token '" + bos + "'");
      // Inputs are whitespace-separated tokens: none can be "".
      if (item.isStr() && item.getStr().empty())
        return emitError(mainStart, "the vocabulary contains an empty string");
      // Identical items have the same type and repr (floats: NaN aside,
      // repr round-trips).
      if (!seen.insert({item.getKind(), item.repr()}).second)
        return emitError(mainStart,
                         "the vocabulary lists " + item.repr() + " twice");
    }
  }
  if (options.maxSeqLen && *options.maxSeqLen < 1)
    return emitError(mainStart, "the maximum sequence length must be at least "
                                "1, got " +
                                    llvm::Twine(*options.maxSeqLen));

  std::unique_ptr<SourceFile> file =
      parseSourceFile(sourceMgr, mainID, context);
  if (!file)
    return failure();
  files.push_back(std::move(file));

  llvm::StringRef identifier = mainBuffer->getBufferIdentifier();
  llvm::SmallString<256> realPath;
  if (llvm::sys::fs::real_path(identifier, realPath))
    realPath = identifier;
  loadStack.push_back({realPath.str().str(), identifier.str(), llvm::SMLoc()});
  if (failed(execFile(*files.front(), /*isMain=*/true)))
    return failure();
  loadStack.pop_back();
  return resolveOutput();
}

LogicalResult Elaborator::execFile(const SourceFile &file, bool isMain) {
  for (const StmtPtr &stmt : file.stmts)
    if (failed(execStmt(*stmt, isMain)))
      return failure();
  return success();
}

void Elaborator::bind(llvm::StringRef name, const Val &val) {
  current->vars[name] = val;
  bool topLevel = current == globals;
  NodeBase *node = nullptr;
  if (val.is(Val::Kind::SOp))
    node = val.sop;
  else if (val.is(Val::Kind::Selector))
    node = val.selector;
  if (!node)
    return;
  if (node->name.empty() || (topLevel && !node->hasTopLevelName)) {
    node->name = name.str();
    node->hasTopLevelName = topLevel;
  }
}

LogicalResult Elaborator::execStmt(const Stmt &stmt, bool isMain) {
  switch (stmt.getKind()) {
  case Stmt::Kind::Assign: {
    const auto &assign = cast<AssignStmt>(stmt);
    FailureOr<Val> value = eval(*assign.value);
    if (failed(value))
      return failure();
    bind(assign.name, *value);
    if (isMain && current == globals) {
      lastAssignment = {*value, assign.getLoc()};
      lastAssignmentName = assign.name;
    }
    return success();
  }
  case Stmt::Kind::Def: {
    const auto &def = cast<DefStmt>(stmt);
    Val fn;
    fn.kind = Val::Kind::Function;
    fn.def = &def;
    fn.closure = current;
    bind(def.name, fn);
    return success();
  }
  case Stmt::Kind::Load:
    return execLoad(cast<LoadStmt>(stmt));
  case Stmt::Kind::Return:
    // The parser only accepts `return` as the last statement of a def,
    // which callUser evaluates itself.
    return emitError(stmt.getLoc(), "unexpected 'return'");
  }
  return success();
}

LogicalResult Elaborator::execLoad(const LoadStmt &stmt) {
  if (loadStack.size() > kMaxLoadDepth)
    return emitError(stmt.getLoc(), "loads are nested too deeply (more than " +
                                        llvm::Twine(kMaxLoadDepth) + " files)");
  unsigned fromID = sourceMgr.FindBufferContainingLoc(stmt.getLoc());
  llvm::StringRef including =
      sourceMgr.getMemoryBuffer(fromID)->getBufferIdentifier();
  llvm::SmallString<256> path;
  if (llvm::sys::path::is_absolute(stmt.path)) {
    path = stmt.path;
  } else {
    path = llvm::sys::path::parent_path(including);
    llvm::sys::path::append(path, stmt.path);
  }

  llvm::SmallString<256> realPath;
  if (std::error_code ec = llvm::sys::fs::real_path(path, realPath))
    return emitError(stmt.getLoc(),
                     "cannot load '" + stmt.path + "': " + ec.message());
  for (auto [i, entry] : llvm::enumerate(loadStack)) {
    if (entry.realPath != realPath.str())
      continue;
    InFlightDiagnostic diag =
        mlir::emitError(loc(stmt.getLoc()), "load cycle: '")
        << stmt.path << "' is already being loaded";
    for (const LoadFrame &outer : llvm::ArrayRef(loadStack).drop_front(i))
      if (outer.loadLoc.isValid())
        diag.attachNote(loc(outer.loadLoc))
            << "'" << outer.name << "' is loaded here";
    return failure();
  }
  if (loaded.contains(realPath))
    return success(); // A file runs once, like a Python import.
  // Devices and directories are not programs (and /dev/zero never ends).
  if (!llvm::sys::fs::is_regular_file(realPath))
    return emitError(stmt.getLoc(),
                     "cannot load '" + stmt.path + "': not a regular file");

  llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>> buffer =
      readFileWithLimit(path, kMaxProgramFileBytes);
  if (!buffer)
    return emitError(stmt.getLoc(), "cannot load '" + stmt.path + "': " +
                                        llvm::toString(buffer.takeError()));
  unsigned bufferID =
      sourceMgr.AddNewSourceBuffer(std::move(*buffer), stmt.getLoc());
  std::unique_ptr<SourceFile> file =
      parseSourceFile(sourceMgr, bufferID, context);
  if (!file)
    return failure();
  files.push_back(std::move(file));
  const SourceFile &ref = *files.back();

  loadStack.push_back({realPath.str().str(), stmt.path, stmt.getLoc()});
  if (failed(execFile(ref, /*isMain=*/false)))
    return failure();
  loadStack.pop_back();
  loaded.insert(realPath);
  return success();
}

//===----------------------------------------------------------------------===//
// Expressions
//===----------------------------------------------------------------------===//

FailureOr<Val> Elaborator::eval(const Expr &expr) {
  switch (expr.getKind()) {
  case Expr::Kind::Integer:
    return Val::ofConstant(PyValue::integer(cast<IntegerExpr>(expr).value));
  case Expr::Kind::Float:
    return Val::ofConstant(PyValue::real(cast<FloatExpr>(expr).value));
  case Expr::Kind::String:
    return Val::ofConstant(PyValue::str(cast<StringExpr>(expr).value));
  case Expr::Kind::Bool:
    return Val::ofConstant(PyValue::boolean(cast<BoolExpr>(expr).value));
  case Expr::Kind::None:
    return Val::ofConstant(PyValue::none());
  case Expr::Kind::Name:
    return evalName(cast<NameExpr>(expr));
  case Expr::Kind::Unary:
    return evalUnary(cast<UnaryExpr>(expr));
  case Expr::Kind::Binary:
    return evalBinary(cast<BinaryExpr>(expr));
  case Expr::Kind::Logical:
    return evalLogical(cast<LogicalExpr>(expr));
  case Expr::Kind::Conditional:
    return evalConditional(cast<ConditionalExpr>(expr));
  case Expr::Kind::Lambda: {
    Val fn;
    fn.kind = Val::Kind::Lambda;
    fn.lambda = &cast<LambdaExpr>(expr);
    fn.closure = current;
    return fn;
  }
  case Expr::Kind::Call:
    return evalCall(cast<CallExpr>(expr));
  case Expr::Kind::Comparison: {
    Val predicate;
    predicate.kind = Val::Kind::Predicate;
    predicate.predicate = cast<ComparisonExpr>(expr).predicate;
    return predicate;
  }
  }
  return failure();
}

FailureOr<Val> Elaborator::evalName(const NameExpr &expr) {
  for (Scope *scope = current; scope; scope = scope->parent) {
    auto it = scope->vars.find(expr.name);
    if (it == scope->vars.end())
      continue;
    const Val &val = it->second;
    if (elementDepth > 0 &&
        (val.is(Val::Kind::SOp) || val.is(Val::Kind::Selector)))
      return emitError(expr.getLoc(),
                       "an element function can only use its parameters and "
                       "constants, but '" +
                           expr.name + "' is " + describe(val),
                       definitionLoc(val),
                       "'" + expr.name + "' is defined here");
    return val;
  }
  if (expr.name == "tokens" || expr.name == "indices" ||
      expr.name == "length") {
    if (elementDepth > 0)
      return emitError(expr.getLoc(),
                       "an element function can only use its parameters and "
                       "constants, but '" +
                           expr.name + "' is an SOp");
    return builtinSOp(expr.name, expr.getLoc());
  }
  if (std::optional<Builtin> builtin = lookupBuiltin(expr.name)) {
    Val fn;
    fn.kind = Val::Kind::Builtin;
    fn.builtin = *builtin;
    return fn;
  }
  return emitError(expr.getLoc(), "unknown name '" + expr.name + "'");
}

Val Elaborator::builtinSOp(llvm::StringRef name, llvm::SMLoc pos) {
  auto create = [&](SOpNode::Kind kind, Type type) {
    SOpNode *node = graph.createSOp(kind, loc(pos));
    node->valueType = type;
    node->name = name.str();
    node->hasTopLevelName = true;
    return node;
  };
  Builder b(context);
  if (name == "tokens") {
    if (!tokensNode)
      tokensNode = create(SOpNode::Kind::Tokens, tokenType);
    return Val::ofSOp(tokensNode);
  }
  if (name == "indices") {
    if (!indicesNode)
      indicesNode = create(SOpNode::Kind::Indices, b.getI64Type());
    return Val::ofSOp(indicesNode);
  }
  // length = selector_width(select(tokens, tokens, True)), built once.
  if (!lengthNode) {
    SOpNode *tokens = builtinSOp("tokens", pos).sop;
    SelectorNode *allTrue =
        graph.createSelector(SelectorNode::Kind::Select, loc(pos));
    allTrue->keys = allTrue->queries = tokens;
    allTrue->predicate = Comparison::True;
    lengthNode = create(SOpNode::Kind::SelectorWidth, b.getI64Type());
    lengthNode->selector = allTrue;
  }
  return Val::ofSOp(lengthNode);
}

FailureOr<Val> Elaborator::evalUnary(const UnaryExpr &expr) {
  FailureOr<Val> operand = eval(*expr.operand);
  if (failed(operand))
    return failure();
  return applyUnary(expr.op, {*operand, expr.operand->getLoc()}, expr.getLoc());
}

FailureOr<Val> Elaborator::evalBinary(const BinaryExpr &expr) {
  FailureOr<Val> lhs = eval(*expr.lhs);
  if (failed(lhs))
    return failure();
  FailureOr<Val> rhs = eval(*expr.rhs);
  if (failed(rhs))
    return failure();
  return applyBinary(expr.op, {*lhs, expr.lhs->getLoc()},
                     {*rhs, expr.rhs->getLoc()}, expr.getLoc());
}

FailureOr<Val> Elaborator::evalLogical(const LogicalExpr &expr) {
  FailureOr<Val> lhs = eval(*expr.lhs);
  if (failed(lhs))
    return failure();
  // A constant left operand decides now, as Python does: the right operand
  // is only evaluated if it is the result.
  if (lhs->is(Val::Kind::Constant)) {
    bool truthy = py::truthy(lhs->constant);
    if (expr.isAnd != truthy)
      return lhs;
    return eval(*expr.rhs);
  }
  FailureOr<Val> rhs = eval(*expr.rhs);
  if (failed(rhs))
    return failure();
  return applyLogical(expr.isAnd, {*lhs, expr.lhs->getLoc()},
                      {*rhs, expr.rhs->getLoc()}, expr.getLoc());
}

FailureOr<Val> Elaborator::evalConditional(const ConditionalExpr &expr) {
  FailureOr<Val> condition = eval(*expr.condition);
  if (failed(condition))
    return failure();
  if (condition->is(Val::Kind::Constant))
    return eval(py::truthy(condition->constant) ? *expr.thenValue
                                                : *expr.elseValue);
  if (!condition->is(Val::Kind::SOp) && !condition->is(Val::Kind::Scalar))
    return emitWrongKind({*condition, expr.condition->getLoc()},
                         "a value or an SOp", "a conditional expression");
  FailureOr<Val> thenValue = eval(*expr.thenValue);
  if (failed(thenValue))
    return failure();
  FailureOr<Val> elseValue = eval(*expr.elseValue);
  if (failed(elseValue))
    return failure();
  return applyConditional({*condition, expr.condition->getLoc()},
                          {*thenValue, expr.thenValue->getLoc()},
                          {*elseValue, expr.elseValue->getLoc()},
                          expr.getLoc());
}

FailureOr<Val> Elaborator::evalCall(const CallExpr &expr) {
  FailureOr<Val> callee = eval(*expr.callee);
  if (failed(callee))
    return failure();
  llvm::SmallVector<Arg, 4> args;
  for (const ExprPtr &argExpr : expr.args) {
    FailureOr<Val> arg = eval(*argExpr);
    if (failed(arg))
      return failure();
    args.push_back({*arg, argExpr->getLoc()});
  }
  return call(*callee, args, expr.getLoc());
}

//===----------------------------------------------------------------------===//
// Calls
//===----------------------------------------------------------------------===//

FailureOr<Val> Elaborator::call(const Val &callee, llvm::ArrayRef<Arg> args,
                                llvm::SMLoc callLoc) {
  if (callee.is(Val::Kind::Builtin))
    return callBuiltin(callee.builtin, args, callLoc);
  if (callee.is(Val::Kind::Function) || callee.is(Val::Kind::Lambda))
    return callUser(callee, args, callLoc);
  std::string what = describe(callee);
  return emitError(callLoc, what + " is not callable", definitionLoc(callee),
                   "it is defined here");
}

FailureOr<Val> Elaborator::callUser(const Val &callee, llvm::ArrayRef<Arg> args,
                                    llvm::SMLoc callLoc) {
  bool isDef = callee.is(Val::Kind::Function);
  const std::vector<Param> &params =
      isDef ? callee.def->params : callee.lambda->params;
  const void *key = isDef ? static_cast<const void *>(callee.def)
                          : static_cast<const void *>(callee.lambda);
  std::string name = isDef ? "'" + callee.def->name + "'" : "a lambda";
  std::string title = isDef ? name : "the lambda";
  Location defLoc = *definitionLoc(callee);

  if (args.size() != params.size())
    return emitError(callLoc,
                     title + " takes " + llvm::Twine(params.size()) +
                         (params.size() == 1 ? " argument" : " arguments") +
                         ", got " + llvm::Twine(args.size()),
                     defLoc, title + " is defined here");
  for (const Frame &frame : frames)
    if (frame.callee == key && frame.closure == callee.closure)
      return emitError(callLoc,
                       "recursive call of " + name +
                           "; recursion is not allowed in RASP programs",
                       defLoc, title + " is defined here");
  if (frames.size() >= kMaxCallDepth)
    return emitError(callLoc, "calls are nested too deeply (more than " +
                                  llvm::Twine(kMaxCallDepth) + " levels)");
  if (++numCalls > kMaxCalls)
    return emitError(callLoc, "the program expands more than " +
                                  llvm::Twine(kMaxCalls) + " function calls");

  scopes.push_back(std::make_unique<Scope>());
  Scope *scope = scopes.back().get();
  scope->parent = callee.closure;
  for (auto [param, arg] : llvm::zip(params, args))
    scope->vars[param.name] = arg.val;

  frames.push_back({key, callee.closure, name, callLoc});
  Scope *saved = current;
  current = scope;
  llvm::scope_exit restore([&] {
    current = saved;
    frames.pop_back();
  });

  if (!isDef)
    return eval(*callee.lambda->body);
  const std::vector<StmtPtr> &body = callee.def->body;
  for (const StmtPtr &stmt : llvm::ArrayRef(body).drop_back())
    if (failed(execStmt(*stmt, /*isMain=*/false)))
      return failure();
  return eval(*cast<ReturnStmt>(*body.back()).value);
}

//===----------------------------------------------------------------------===//
// Output
//===----------------------------------------------------------------------===//

FailureOr<SOpNode *> Elaborator::resolveOutput() {
  llvm::SMLoc mainStart = llvm::SMLoc::getFromPointer(
      sourceMgr.getMemoryBuffer(sourceMgr.getMainFileID())->getBufferStart());
  if (options.outputName) {
    const std::string &name = *options.outputName;
    Val val;
    auto it = globals->vars.find(name);
    if (it != globals->vars.end())
      val = it->second;
    else if (name == "tokens" || name == "indices" || name == "length")
      val = builtinSOp(name, mainStart);
    else
      return emitError(mainStart, "the program has no top-level name '" + name +
                                      "' to use as the output (--output)");
    if (!val.is(Val::Kind::SOp))
      return emitError(mainStart,
                       "the output '" + name + "' must be an SOp, but it is " +
                           describe(val),
                       definitionLoc(val), "'" + name + "' is defined here");
    return val.sop;
  }
  if (!lastAssignment)
    return emitError(mainStart, "the program has no top-level assignment; its "
                                "output is the SOp bound by the last one (or "
                                "the one named by --output)");
  const Val &val = lastAssignment->first;
  if (!val.is(Val::Kind::SOp))
    return emitError(lastAssignment->second,
                     "the program output '" + lastAssignmentName +
                         "' must be an SOp, but it is " + describe(val) +
                         "; the output is the last top-level assignment "
                         "unless --output names another");
  return val.sop;
}
