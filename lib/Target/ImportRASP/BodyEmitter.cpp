//===- BodyEmitter.cpp - Element function bodies --------------------------===//

#include "BodyEmitter.h"
#include "ElementTypes.h"

#include "RaspDialect/Dialect/RASP/IR/RASPOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
using namespace mlir::rasp;
using namespace mlir::rasp::frontend;

Value BodyEmitter::emitNode(SOpNode *node,
                            const llvm::DenseMap<SOpNode *, Value> &args,
                            llvm::ArrayRef<Value> inputArgs) {
  leafArgs = &args;
  topNode = node;
  topInputArgs = inputArgs;
  return emit(node->fn, {node});
}

Value BodyEmitter::emitPredicate(ScalarExpr *fn, Value key, Value query) {
  selectArgs[0] = key;
  selectArgs[1] = query;
  return truthy(emit(fn, {}), fn->loc);
}

Value BodyEmitter::emit(ScalarExpr *expr, Context context) {
  if (expr->kind == ScalarExpr::Kind::Param)
    return emitParam(expr, context);
  auto key = std::make_pair(static_cast<void *>(context.node), expr);
  for (const auto &scope : llvm::reverse(scopes))
    if (Value known = scope.lookup(key))
      return known;

  // Past the budget, stand-in constants end the recursion quickly.
  if (++emitted > kMaxBodyOps)
    return constant(PyValue::integer(0), expr->type, expr->loc);

  Value value;
  switch (expr->kind) {
  case ScalarExpr::Kind::Constant:
    value = constant(expr->value, expr->type, expr->loc);
    break;
  case ScalarExpr::Kind::Binary:
    value = emitBinary(expr, context);
    break;
  case ScalarExpr::Kind::Unary:
    value = emitUnary(expr, context);
    break;
  case ScalarExpr::Kind::Cond:
  case ScalarExpr::Kind::And:
  case ScalarExpr::Kind::Or:
    value = emitIf(expr, context);
    break;
  case ScalarExpr::Kind::Box:
    value = convert(emit(expr->operands[0], context), expr->type, expr->loc);
    break;
  case ScalarExpr::Kind::Param:
    llvm_unreachable("handled above");
  }
  scopes.back()[key] = value;
  return value;
}

Value BodyEmitter::emitParam(ScalarExpr *expr, Context context) {
  if (!context.node)
    return selectArgs[expr->param];
  SOpNode *input = context.node->inputs[expr->param];
  const ElementwiseInfo &info = plan.elementwise.find(context.node)->second;
  if (!info.inlined[expr->param]) {
    if (context.node == topNode && !topInputArgs.empty())
      return topInputArgs[expr->param];
    return leafArgs->lookup(input);
  }
  // A fused input: its function, at the point its value is first needed
  // (so it stays under a lazy branch if only used there).
  return emit(input->fn, {input});
}

Value BodyEmitter::emitBinary(ScalarExpr *expr, Context context) {
  ScalarExpr *lhs = expr->operands[0], *rhs = expr->operands[1];
  BinaryLowering lowering =
      lowerBinary(expr->binaryKind, lhs->type, rhs->type,
                  lhs->isConstant() ? &lhs->value : nullptr,
                  rhs->isConstant() ? &rhs->value : nullptr);
  Location loc = expr->loc;
  using Strategy = BinaryLowering::Strategy;
  switch (lowering.strategy) {
  case Strategy::Constant:
    return arith::ConstantOp::create(
        builder, loc, builder.getBoolAttr(lowering.constantValue));
  case Strategy::Rasp: {
    Value a = emit(lhs, context);
    Value b = emit(rhs, context);
    return rasp::BinaryOp::create(builder, loc, lowering.resultType,
                                  expr->binaryKind, a, b);
  }
  case Strategy::IntArith: {
    Value a = emitAs(lhs, lowering.operandType, context);
    Value b = emitAs(rhs, lowering.operandType, context);
    auto cmp = [&](arith::CmpIPredicate predicate) -> Value {
      return arith::CmpIOp::create(builder, loc, predicate, a, b);
    };
    switch (expr->binaryKind) {
    case BinaryKind::Add:
      return arith::AddIOp::create(builder, loc, a, b);
    case BinaryKind::Sub:
      return arith::SubIOp::create(builder, loc, a, b);
    case BinaryKind::Mul:
      return arith::MulIOp::create(builder, loc, a, b);
    case BinaryKind::FloorDiv:
      return arith::FloorDivSIOp::create(builder, loc, a, b);
    case BinaryKind::Min:
      return arith::MinSIOp::create(builder, loc, a, b);
    case BinaryKind::Max:
      return arith::MaxSIOp::create(builder, loc, a, b);
    case BinaryKind::Eq:
      return cmp(arith::CmpIPredicate::eq);
    case BinaryKind::Ne:
      return cmp(arith::CmpIPredicate::ne);
    case BinaryKind::Lt:
      return cmp(arith::CmpIPredicate::slt);
    case BinaryKind::Le:
      return cmp(arith::CmpIPredicate::sle);
    case BinaryKind::Gt:
      return cmp(arith::CmpIPredicate::sgt);
    case BinaryKind::Ge:
      return cmp(arith::CmpIPredicate::sge);
    default:
      llvm_unreachable("no integer lowering");
    }
  }
  case Strategy::FloatArith: {
    Value a = emitAs(lhs, lowering.operandType, context);
    Value b = emitAs(rhs, lowering.operandType, context);
    auto cmp = [&](arith::CmpFPredicate predicate) -> Value {
      return arith::CmpFOp::create(builder, loc, predicate, a, b);
    };
    switch (expr->binaryKind) {
    case BinaryKind::Add:
      return arith::AddFOp::create(builder, loc, a, b);
    case BinaryKind::Sub:
      return arith::SubFOp::create(builder, loc, a, b);
    case BinaryKind::Mul:
      return arith::MulFOp::create(builder, loc, a, b);
    case BinaryKind::TrueDiv:
      return arith::DivFOp::create(builder, loc, a, b);
    // Python: NaN compares unequal and unordered.
    case BinaryKind::Eq:
      return cmp(arith::CmpFPredicate::OEQ);
    case BinaryKind::Ne:
      return cmp(arith::CmpFPredicate::UNE);
    case BinaryKind::Lt:
      return cmp(arith::CmpFPredicate::OLT);
    case BinaryKind::Le:
      return cmp(arith::CmpFPredicate::OLE);
    case BinaryKind::Gt:
      return cmp(arith::CmpFPredicate::OGT);
    case BinaryKind::Ge:
      return cmp(arith::CmpFPredicate::OGE);
    default:
      llvm_unreachable("no float lowering");
    }
  }
  }
  llvm_unreachable("unknown strategy");
}

Value BodyEmitter::emitUnary(ScalarExpr *expr, Context context) {
  ScalarExpr *operand = expr->operands[0];
  UnaryLowering lowering = lowerUnary(expr->unaryKind, operand->type);
  Location loc = expr->loc;
  using Strategy = UnaryLowering::Strategy;
  switch (lowering.strategy) {
  case Strategy::Identity:
    return emit(operand, context);
  case Strategy::Convert:
    return convert(emit(operand, context), lowering.resultType, loc);
  case Strategy::Truthy:
    return truthy(emit(operand, context), loc);
  case Strategy::IntNeg: {
    Value x = emitAs(operand, lowering.resultType, context);
    Value zero = constant(PyValue::integer(0), lowering.resultType, loc);
    return arith::SubIOp::create(builder, loc, zero, x);
  }
  case Strategy::FloatNeg:
    return arith::NegFOp::create(builder, loc, emit(operand, context));
  case Strategy::BoolNot: {
    Value x = emit(operand, context);
    Value one = constant(PyValue::boolean(true), x.getType(), loc);
    return arith::XOrIOp::create(builder, loc, x, one);
  }
  case Strategy::IsZero: {
    // `not x` is `x == 0`; NaN is truthy and compares unequal.
    Value x = emit(operand, context);
    Value zero = constant(PyValue::integer(0), x.getType(), loc);
    if (x.getType().isF64())
      return arith::CmpFOp::create(builder, loc, arith::CmpFPredicate::OEQ, x,
                                   zero);
    return arith::CmpIOp::create(builder, loc, arith::CmpIPredicate::eq, x,
                                 zero);
  }
  case Strategy::Rasp:
    return rasp::UnaryOp::create(builder, loc, lowering.resultType,
                                 expr->unaryKind, emit(operand, context));
  }
  llvm_unreachable("unknown strategy");
}

Value BodyEmitter::emitIf(ScalarExpr *expr, Context context) {
  Location loc = expr->loc;
  Type type = expr->type;
  // Cond: c ? then : else. And: l ? r : l. Or: l ? l : r. The operand that
  // is not the tested value is emitted inside its branch only.
  Value tested = emit(expr->operands[0], context);
  ScalarExpr *thenExpr = nullptr, *elseExpr = nullptr;
  switch (expr->kind) {
  case ScalarExpr::Kind::Cond:
    thenExpr = expr->operands[1];
    elseExpr = expr->operands[2];
    break;
  case ScalarExpr::Kind::And:
    thenExpr = expr->operands[1];
    break;
  default:
    elseExpr = expr->operands[1];
    break;
  }
  Value flag = truthy(tested, loc);
  auto ifOp = scf::IfOp::create(builder, loc, TypeRange{type}, flag,
                                /*withElseRegion=*/true);
  auto fillBranch = [&](Region &region, ScalarExpr *branch) {
    OpBuilder::InsertionGuard guard(builder);
    builder.setInsertionPointToStart(&region.front());
    scopes.emplace_back();
    Value value = branch ? emit(branch, context) : tested;
    scf::YieldOp::create(builder, loc, convert(value, type, loc));
    scopes.pop_back();
  };
  fillBranch(ifOp.getThenRegion(), thenExpr);
  fillBranch(ifOp.getElseRegion(), elseExpr);
  return ifOp.getResult(0);
}

Value BodyEmitter::emitAs(ScalarExpr *expr, Type type, Context context) {
  if (expr->isConstant())
    return constant(expr->value, type, expr->loc);
  return convert(emit(expr, context), type, expr->loc);
}

Value BodyEmitter::convert(Value value, Type type, Location loc) {
  Type from = value.getType();
  if (from == type)
    return value;
  if (isa<AnyValueType>(type))
    return rasp::BoxOp::create(builder, loc, type, value);
  if (from.isInteger(1) && type.isInteger(64))
    return arith::ExtUIOp::create(builder, loc, type, value);
  if (from.isInteger(1) && type.isF64())
    return arith::UIToFPOp::create(builder, loc, type, value);
  if (from.isInteger(64) && type.isF64())
    return arith::SIToFPOp::create(builder, loc, type, value);
  llvm_unreachable("conversion not allowed by ElementTypes");
}

Value BodyEmitter::constant(const PyValue &value, Type type, Location loc) {
  if (type.isInteger(1))
    return arith::ConstantOp::create(builder, loc,
                                     builder.getBoolAttr(py::truthy(value)));
  if (type.isInteger(64))
    return arith::ConstantOp::create(builder, loc,
                                     builder.getI64IntegerAttr(value.getInt()));
  if (type.isF64())
    return arith::ConstantOp::create(builder, loc,
                                     builder.getF64FloatAttr(value.toDouble()));
  return rasp::ConstantOp::create(builder, loc, type,
                                  toAttr(builder.getContext(), value));
}

Value BodyEmitter::truthy(Value value, Location loc) {
  Type type = value.getType();
  if (type.isInteger(1))
    return value;
  if (type.isInteger(64))
    return arith::CmpIOp::create(builder, loc, arith::CmpIPredicate::ne, value,
                                 constant(PyValue::integer(0), type, loc));
  if (type.isF64())
    return arith::CmpFOp::create(builder, loc, arith::CmpFPredicate::UNE, value,
                                 constant(PyValue::real(0), type, loc));
  return rasp::UnaryOp::create(builder, loc, builder.getI1Type(),
                               UnaryKind::Bool, value);
}
