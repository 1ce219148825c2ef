//===- Builtins.cpp - Built-in functions and operators of .rasp -----------===//
//
// Operators and scalar helpers fold on constants, build element values
// inside element functions, and build elementwise SOp nodes on SOps
// (constants broadcast). select, aggregate, selector_width, map,
// sequence_map, full, numerical and categorical build graph nodes.
//
//===----------------------------------------------------------------------===//

#include "Elaborator.h"
#include "ElementTypes.h"

#include "mlir/IR/Builders.h"
#include "llvm/ADT/ScopeExit.h"

#include <cmath>

using namespace mlir;
using namespace mlir::rasp;
using namespace mlir::rasp::frontend;

/// Deepest element function built from one expression or def expansion.
static constexpr unsigned kMaxScalarDepth = 500;

static llvm::StringRef unarySymbol(UnaryKind kind) {
  switch (kind) {
  case UnaryKind::Neg:
    return "-";
  case UnaryKind::Pos:
    return "+";
  default:
    return stringifyUnaryKind(kind);
  }
}

static bool isFunctionLike(UnaryKind kind) {
  return kind != UnaryKind::Neg && kind != UnaryKind::Pos &&
         kind != UnaryKind::Not;
}

//===----------------------------------------------------------------------===//
// Operators
//===----------------------------------------------------------------------===//

FailureOr<Val> Elaborator::elementwise(
    llvm::ArrayRef<Arg> operands, llvm::SMLoc pos, llvm::StringRef what,
    llvm::function_ref<ScalarExpr *(llvm::ArrayRef<ScalarExpr *>)> build) {
  // Tracr's graph keeps an SOp given twice to a binary operator as two
  // operands (`x + x` is SequenceMap(x, x) there); otherwise each distinct
  // SOp is one input.
  bool repeatInputs = options.tracrGraph && operands.size() == 2;
  llvm::SmallVector<SOpNode *, 3> inputs;
  bool hasScalar = false;
  for (const Arg &operand : operands) {
    if (!operand.val.isValue())
      return emitWrongKind(operand, "values or SOps", "'" + what + "'");
    if (operand.val.is(Val::Kind::Scalar))
      hasScalar = true;
    if (operand.val.is(Val::Kind::SOp) &&
        (repeatInputs || !llvm::is_contained(inputs, operand.val.sop)))
      inputs.push_back(operand.val.sop);
  }
  // Element functions cannot see SOps (evalName rejects them), so this only
  // guards the invariant.
  if (hasScalar && !inputs.empty())
    return emitError(pos, "'" + what + "' mixes an SOp with element values");

  Location l = loc(pos);
  llvm::SmallVector<ScalarExpr *, 3> params(inputs.size(), nullptr);
  llvm::SmallVector<ScalarExpr *, 3> exprs;
  unsigned sopOperand = 0;
  for (const Arg &operand : operands) {
    switch (operand.val.kind) {
    case Val::Kind::Constant:
      exprs.push_back(graph.constant(operand.val.constant, l));
      break;
    case Val::Kind::Scalar:
      exprs.push_back(operand.val.scalar);
      break;
    default: {
      unsigned index =
          repeatInputs ? sopOperand++
                       : llvm::find(inputs, operand.val.sop) - inputs.begin();
      if (!params[index])
        params[index] =
            graph.param(index, operand.val.sop->valueType, loc(operand.loc));
      exprs.push_back(params[index]);
      break;
    }
    }
  }
  ScalarExpr *fn = build(exprs);
  if (fn->depth > kMaxScalarDepth)
    return emitError(pos, "this element function is too deeply nested (more "
                          "than " +
                              llvm::Twine(kMaxScalarDepth) + " operations)");
  if (inputs.empty())
    return Val::ofScalar(fn);
  SOpNode *node = graph.createSOp(SOpNode::Kind::Elementwise, l);
  node->inputs = inputs;
  node->fn = fn;
  node->valueType = fn->type;
  return Val::ofSOp(node);
}

FailureOr<Val> Elaborator::applyUnary(UnaryKind kind, const Arg &operand,
                                      llvm::SMLoc pos) {
  if (kind == UnaryKind::Not && operand.val.is(Val::Kind::Selector)) {
    SelectorNode *node =
        graph.createSelector(SelectorNode::Kind::Not, loc(pos));
    node->lhs = operand.val.selector;
    return Val::ofSelector(node);
  }
  llvm::StringRef symbol = unarySymbol(kind);
  if (operand.val.is(Val::Kind::Constant)) {
    llvm::Expected<PyValue> result = py::unary(kind, operand.val.constant);
    if (!result) {
      std::string repr = operand.val.constant.repr();
      return emitEvalError(pos, result.takeError(),
                           isFunctionLike(kind)
                               ? symbol + "(" + repr + ")"
                               : (kind == UnaryKind::Not ? "not " : symbol) +
                                     repr);
    }
    return Val::ofConstant(*result);
  }
  return elementwise({operand}, pos, symbol, [&](auto exprs) {
    return graph.unary(kind, exprs[0], loc(pos));
  });
}

FailureOr<Val> Elaborator::applyBinary(BinaryKind kind, const Arg &lhs,
                                       const Arg &rhs, llvm::SMLoc pos) {
  llvm::StringRef symbol = py::operatorSymbol(kind);
  if (lhs.val.is(Val::Kind::Constant) && rhs.val.is(Val::Kind::Constant)) {
    llvm::Expected<PyValue> result =
        py::binary(kind, lhs.val.constant, rhs.val.constant);
    if (!result) {
      std::string a = lhs.val.constant.repr(), b = rhs.val.constant.repr();
      bool isCall = kind == BinaryKind::Min || kind == BinaryKind::Max;
      return emitEvalError(pos, result.takeError(),
                           isCall ? symbol + "(" + a + ", " + b + ")"
                                  : a + " " + symbol + " " + b);
    }
    return Val::ofConstant(*result);
  }
  return elementwise({lhs, rhs}, pos, symbol, [&](auto exprs) {
    return graph.binary(kind, exprs[0], exprs[1], loc(pos));
  });
}

FailureOr<Val> Elaborator::applyLogical(bool isAnd, const Arg &lhs,
                                        const Arg &rhs, llvm::SMLoc pos) {
  llvm::StringRef symbol = isAnd ? "and" : "or";
  if (lhs.val.is(Val::Kind::Selector)) {
    if (!rhs.val.is(Val::Kind::Selector))
      return emitWrongKind(rhs, "a selector after a selector",
                           "'" + symbol + "'");
    SelectorNode *node = graph.createSelector(
        isAnd ? SelectorNode::Kind::And : SelectorNode::Kind::Or, loc(pos));
    node->lhs = lhs.val.selector;
    node->rhs = rhs.val.selector;
    return Val::ofSelector(node);
  }
  return elementwise({lhs, rhs}, pos, symbol, [&](auto exprs) {
    return graph.logical(isAnd, exprs[0], exprs[1], loc(pos));
  });
}

FailureOr<Val> Elaborator::applyConditional(const Arg &condition,
                                            const Arg &thenValue,
                                            const Arg &elseValue,
                                            llvm::SMLoc pos) {
  return elementwise(
      {condition, thenValue, elseValue}, pos, "if-else", [&](auto exprs) {
        return graph.cond(exprs[0], exprs[1], exprs[2], loc(pos));
      });
}

//===----------------------------------------------------------------------===//
// Built-in functions
//===----------------------------------------------------------------------===//

FailureOr<Val> Elaborator::callBuiltin(Builtin builtin,
                                       llvm::ArrayRef<Arg> args,
                                       llvm::SMLoc callLoc) {
  std::string name = getBuiltinName(builtin).str();
  auto arity = [&](size_t min, size_t max) -> LogicalResult {
    if (args.size() >= min && args.size() <= max)
      return success();
    std::string expected =
        min == max        ? std::to_string(min)
        : max == SIZE_MAX ? "at least " + std::to_string(min)
                          : std::to_string(min) + " or " + std::to_string(max);
    return emitError(callLoc,
                     "'" + name + "' takes " + expected +
                         (min == 1 && max == 1 ? " argument" : " arguments") +
                         ", got " + llvm::Twine(args.size()));
  };

  switch (builtin) {
  case Builtin::Select:
  case Builtin::Aggregate:
  case Builtin::SelectorWidth:
  case Builtin::Numerical:
  case Builtin::Categorical:
  case Builtin::Map:
  case Builtin::SequenceMap:
  case Builtin::Full:
    if (elementDepth > 0)
      return emitError(callLoc, "'" + name +
                                    "' cannot be used inside an element "
                                    "function");
    break;
  default:
    break;
  }

  switch (builtin) {
  case Builtin::Select:
    if (failed(arity(3, 3)))
      return failure();
    return callSelect(args, callLoc);
  case Builtin::Aggregate:
    if (failed(arity(2, 3)))
      return failure();
    return callAggregate(args, callLoc);
  case Builtin::SelectorWidth: {
    if (failed(arity(1, 1)))
      return failure();
    if (!args[0].val.is(Val::Kind::Selector))
      return emitWrongKind(args[0], "a selector", "'selector_width'");
    SOpNode *node = graph.createSOp(SOpNode::Kind::SelectorWidth, loc(callLoc));
    node->selector = args[0].val.selector;
    node->valueType = Builder(context).getI64Type();
    return Val::ofSOp(node);
  }
  case Builtin::Numerical:
  case Builtin::Categorical: {
    if (failed(arity(1, 1)))
      return failure();
    if (!args[0].val.is(Val::Kind::SOp))
      return emitWrongKind(args[0], "an SOp", "'" + name + "'");
    FailureOr<SOpNode *> node =
        withEncoding(args[0].val.sop,
                     builtin == Builtin::Numerical ? Encoding::Numerical
                                                   : Encoding::Categorical,
                     callLoc);
    if (failed(node))
      return failure();
    return Val::ofSOp(*node);
  }
  case Builtin::Map:
    if (failed(arity(2, 2)))
      return failure();
    return callMap(args, callLoc, /*isSequenceMap=*/false);
  case Builtin::SequenceMap:
    if (failed(arity(3, 3)))
      return failure();
    return callMap(args, callLoc, /*isSequenceMap=*/true);
  case Builtin::Full: {
    if (failed(arity(1, 1)))
      return failure();
    if (!args[0].val.is(Val::Kind::Constant))
      return emitWrongKind(args[0], "a constant", "'full'");
    SOpNode *node = graph.createSOp(SOpNode::Kind::Full, loc(callLoc));
    node->fill = args[0].val.constant;
    node->valueType = staticTypeOf(context, node->fill);
    return Val::ofSOp(node);
  }
  case Builtin::Min:
  case Builtin::Max: {
    if (failed(arity(2, SIZE_MAX)))
      return failure();
    BinaryKind kind =
        builtin == Builtin::Min ? BinaryKind::Min : BinaryKind::Max;
    Arg acc = args[0];
    for (const Arg &arg : args.drop_front()) {
      FailureOr<Val> result = applyBinary(kind, acc, arg, callLoc);
      if (failed(result))
        return failure();
      acc = {*result, callLoc};
    }
    return acc.val;
  }
  default: {
    if (failed(arity(1, 1)))
      return failure();
    UnaryKind kind = builtin == Builtin::Abs     ? UnaryKind::Abs
                     : builtin == Builtin::Int   ? UnaryKind::Int
                     : builtin == Builtin::Float ? UnaryKind::Float
                     : builtin == Builtin::Bool  ? UnaryKind::Bool
                     : builtin == Builtin::Round ? UnaryKind::Round
                                                 : UnaryKind::Indicator;
    return applyUnary(kind, args[0], callLoc);
  }
  }
}

FailureOr<ScalarExpr *> Elaborator::applyElementFunction(
    const Arg &fn, llvm::ArrayRef<std::pair<unsigned, Type>> params,
    llvm::SMLoc callLoc, llvm::StringRef what) {
  if (!fn.val.isCallable())
    return emitWrongKind(fn, "a function", "'" + what + "'");
  llvm::SmallVector<Arg, 2> args;
  for (auto [index, type] : params)
    args.push_back(
        {Val::ofScalar(graph.param(index, type, loc(fn.loc))), fn.loc});
  ++elementDepth;
  llvm::scope_exit restore([&] { --elementDepth; });
  FailureOr<Val> result = call(fn.val, args, callLoc);
  if (failed(result))
    return failure();
  if (result->is(Val::Kind::Constant))
    return graph.constant(result->constant, loc(callLoc));
  if (result->is(Val::Kind::Scalar))
    return result->scalar;
  return emitError(fn.loc, "the function given to '" + what +
                               "' must return a value, but it returns " +
                               describe(*result));
}

FailureOr<Val> Elaborator::callMap(llvm::ArrayRef<Arg> args,
                                   llvm::SMLoc callLoc, bool isSequenceMap) {
  llvm::StringRef name = isSequenceMap ? "sequence_map" : "map";
  llvm::SmallVector<SOpNode *, 2> inputs;
  llvm::SmallVector<std::pair<unsigned, Type>, 2> params;
  for (const Arg &arg : args.drop_front()) {
    if (!arg.val.is(Val::Kind::SOp))
      return emitWrongKind(arg, "an SOp", "'" + name + "'");
    SOpNode *sop = arg.val.sop;
    // As in `elementwise`: Tracr's graph keeps a repeated SOp.
    auto it = options.tracrGraph ? inputs.end() : llvm::find(inputs, sop);
    if (it == inputs.end()) {
      inputs.push_back(sop);
      it = inputs.end() - 1;
    }
    params.push_back({unsigned(it - inputs.begin()), sop->valueType});
  }
  FailureOr<ScalarExpr *> fn =
      applyElementFunction(args[0], params, callLoc, name);
  if (failed(fn))
    return failure();
  SOpNode *node = graph.createSOp(SOpNode::Kind::Elementwise, loc(callLoc));
  node->inputs.assign(inputs.begin(), inputs.end());
  node->fn = *fn;
  node->valueType = (*fn)->type;
  return Val::ofSOp(node);
}

FailureOr<Val> Elaborator::callSelect(llvm::ArrayRef<Arg> args,
                                      llvm::SMLoc callLoc) {
  if (!args[0].val.is(Val::Kind::SOp))
    return emitWrongKind(args[0], "an SOp as keys", "'select'");
  if (!args[1].val.is(Val::Kind::SOp))
    return emitWrongKind(args[1], "an SOp as queries", "'select'");
  SOpNode *keys = args[0].val.sop, *queries = args[1].val.sop;
  const Arg &predicate = args[2];

  SelectorNode *node;
  if (predicate.val.is(Val::Kind::Predicate) ||
      (predicate.val.is(Val::Kind::Constant) &&
       predicate.val.constant.isBool())) {
    node = graph.createSelector(SelectorNode::Kind::Select, loc(callLoc));
    node->predicate =
        predicate.val.is(Val::Kind::Predicate)
            ? predicate.val.predicate
            : (predicate.val.constant.getBool() ? Comparison::True
                                                : Comparison::False);
  } else if (predicate.val.isCallable()) {
    FailureOr<ScalarExpr *> fn = applyElementFunction(
        predicate, {{0, keys->valueType}, {1, queries->valueType}}, callLoc,
        "select");
    if (failed(fn))
      return failure();
    node = graph.createSelector(SelectorNode::Kind::SelectWhere, loc(callLoc));
    node->predicateFn = *fn;
  } else {
    return emitWrongKind(predicate,
                         "a comparison operator, True, False or a function "
                         "as predicate",
                         "'select'");
  }
  node->keys = keys;
  node->queries = queries;
  return Val::ofSelector(node);
}

FailureOr<Val> Elaborator::callAggregate(llvm::ArrayRef<Arg> args,
                                         llvm::SMLoc callLoc) {
  if (!args[0].val.is(Val::Kind::Selector))
    return emitWrongKind(args[0], "a selector as its first argument",
                         "'aggregate'");
  if (!args[1].val.is(Val::Kind::SOp))
    return emitWrongKind(args[1], "an SOp as its second argument",
                         "'aggregate'");
  std::optional<PyValue> userDefault;
  if (args.size() == 3) {
    if (!args[2].val.is(Val::Kind::Constant))
      return emitWrongKind(args[2], "a constant default", "'aggregate'");
    userDefault = args[2].val.constant;
  }
  FailureOr<SOpNode *> node =
      makeAggregate(args[0].val.selector, args[1].val.sop, userDefault,
                    Encoding::Categorical, loc(callLoc), callLoc);
  if (failed(node))
    return failure();
  return Val::ofSOp(*node);
}

//===----------------------------------------------------------------------===//
// Encodings and aggregates
//===----------------------------------------------------------------------===//

/// `value` converted to the numeric type `type` if the result is equal in
/// Python (so the default of an aggregate can take the operand's type).
static std::optional<PyValue> convertExactly(const PyValue &value, Type type) {
  if (!value.isNumber())
    return std::nullopt;
  double d = value.toDouble();
  if (type.isF64()) {
    if (value.isFloat() || std::fabs(d) <= 9007199254740992.0)
      return PyValue::real(d);
    return std::nullopt;
  }
  if (type.isInteger(64)) {
    if (!value.isFloat())
      return PyValue::integer(value.getInt());
    if (std::trunc(d) == d && std::fabs(d) <= 9007199254740992.0)
      return PyValue::integer(static_cast<int64_t>(d));
    return std::nullopt;
  }
  if (type.isInteger(1) && (d == 0.0 || d == 1.0))
    return PyValue::boolean(d == 1.0);
  return std::nullopt;
}

FailureOr<SOpNode *>
Elaborator::makeAggregate(SelectorNode *selector, SOpNode *input,
                          std::optional<PyValue> userDefault, Encoding encoding,
                          Location nodeLoc, llvm::SMLoc pos) {
  Type inputType = input->valueType;
  SOpNode *aggregated = input;
  Type valueType = inputType;
  std::optional<PyValue> defaultValue;

  if (encoding == Encoding::Numerical) {
    if (!isNumericValueType(inputType))
      return emitError(pos,
                       "a numerical aggregate needs an SOp of numbers (bool, "
                       "int or float), but the aggregated SOp holds " +
                           describeValueType(inputType) + " values",
                       definitionLoc(Val::ofSOp(input)),
                       "the aggregated SOp is defined here");
    PyValue def = userDefault.value_or(PyValue::integer(0));
    if (!def.isNumber())
      return emitError(pos, "a numerical aggregate needs a numeric default, "
                            "got " +
                                def.repr());
    valueType = Builder(context).getF64Type();
    defaultValue = def;
  } else if (userDefault && !userDefault->isNone()) {
    const PyValue &def = *userDefault;
    if (isa<AnyValueType>(inputType) ||
        staticTypeOf(context, def) == inputType) {
      defaultValue = def;
    } else if (std::optional<PyValue> converted =
                   convertExactly(def, inputType)) {
      defaultValue = converted;
    } else {
      // The default has another type than the values: aggregate the values
      // as dynamically typed ones. (Created before the aggregate: nodes are
      // numbered in topological order.)
      aggregated = graph.createSOp(SOpNode::Kind::Elementwise, nodeLoc);
      aggregated->inputs = {input};
      aggregated->fn = graph.box(graph.param(0, inputType, nodeLoc), nodeLoc);
      aggregated->valueType = aggregated->fn->type;
      valueType = aggregated->valueType;
      defaultValue = def;
    }
  }

  SOpNode *node = graph.createSOp(SOpNode::Kind::Aggregate, nodeLoc);
  node->selector = selector;
  node->input = input;
  node->userDefault = userDefault;
  node->encoding = encoding;
  node->aggregated = aggregated;
  node->valueType = valueType;
  node->defaultValue = defaultValue;
  return node;
}

FailureOr<SOpNode *> Elaborator::withEncoding(SOpNode *node, Encoding encoding,
                                              llvm::SMLoc pos) {
  if (node->encoding == encoding)
    return node;
  auto key = std::make_pair(node, static_cast<int>(encoding));
  if (SOpNode *known = encoded.lookup(key))
    return known;

  SOpNode *result;
  if (node->kind == SOpNode::Kind::Aggregate) {
    FailureOr<SOpNode *> aggregate =
        makeAggregate(node->selector, node->input, node->userDefault, encoding,
                      node->loc, pos);
    if (failed(aggregate))
      return failure();
    result = *aggregate;
  } else {
    if (encoding == Encoding::Numerical && !isNumericValueType(node->valueType))
      return emitError(
          pos,
          "numerical() needs an SOp of numbers (bool, int or float), but this "
          "SOp holds " +
              describeValueType(node->valueType) + " values" +
              (isa<AnyValueType>(node->valueType)
                   ? " (their type is only known with a vocabulary)"
                   : ""),
          definitionLoc(Val::ofSOp(node)), "the SOp is defined here");
    result = graph.createSOp(node->kind, node->loc);
    result->encoding = encoding;
    result->valueType = node->valueType;
    result->fill = node->fill;
    result->selector = node->selector;
    result->inputs = node->inputs;
    result->fn = node->fn;
    result->explicitEncoding = node->isElementwise();
    if (node->kind == SOpNode::Kind::Tokens ||
        node->kind == SOpNode::Kind::Indices) {
      result->name = node->name;
      result->hasTopLevelName = true;
    }
  }
  encoded[key] = result;
  return result;
}
