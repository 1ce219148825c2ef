//===- Graph.cpp - The expanded RASP program ------------------------------===//

#include "Graph.h"
#include "ElementTypes.h"

using namespace mlir;
using namespace mlir::rasp;
using namespace mlir::rasp::frontend;

SOpNode *ProgramGraph::createSOp(SOpNode::Kind kind, Location loc) {
  sops.push_back(std::make_unique<SOpNode>(kind, loc));
  sops.back()->id = nextId++;
  return sops.back().get();
}

SelectorNode *ProgramGraph::createSelector(SelectorNode::Kind kind,
                                           Location loc) {
  selectors.push_back(std::make_unique<SelectorNode>(kind, loc));
  selectors.back()->id = nextId++;
  return selectors.back().get();
}

ScalarExpr *ProgramGraph::createExpr(ScalarExpr::Kind kind, Location loc,
                                     llvm::ArrayRef<ScalarExpr *> operands) {
  exprs.push_back(std::make_unique<ScalarExpr>(kind, loc));
  ScalarExpr *expr = exprs.back().get();
  expr->operands.assign(operands.begin(), operands.end());
  for (ScalarExpr *operand : operands)
    expr->depth = std::max(expr->depth, operand->depth + 1);
  return expr;
}

ScalarExpr *ProgramGraph::param(unsigned index, Type type, Location loc) {
  ScalarExpr *expr = createExpr(ScalarExpr::Kind::Param, loc, {});
  expr->param = index;
  expr->type = type;
  return expr;
}

ScalarExpr *ProgramGraph::constant(const PyValue &value, Location loc) {
  ScalarExpr *expr = createExpr(ScalarExpr::Kind::Constant, loc, {});
  expr->value = value;
  expr->type = staticTypeOf(context, value);
  expr->mayBeNone = value.isNone();
  return expr;
}

ScalarExpr *ProgramGraph::binary(BinaryKind kind, ScalarExpr *lhs,
                                 ScalarExpr *rhs, Location loc) {
  ScalarExpr *expr = createExpr(ScalarExpr::Kind::Binary, loc, {lhs, rhs});
  expr->binaryKind = kind;
  expr->type = lowerBinary(kind, lhs->type, rhs->type,
                           lhs->isConstant() ? &lhs->value : nullptr,
                           rhs->isConstant() ? &rhs->value : nullptr)
                   .resultType;
  return expr;
}

ScalarExpr *ProgramGraph::unary(UnaryKind kind, ScalarExpr *operand,
                                Location loc) {
  ScalarExpr *expr = createExpr(ScalarExpr::Kind::Unary, loc, {operand});
  expr->unaryKind = kind;
  expr->type = lowerUnary(kind, operand->type).resultType;
  return expr;
}

ScalarExpr *ProgramGraph::cond(ScalarExpr *condition, ScalarExpr *thenValue,
                               ScalarExpr *elseValue, Location loc) {
  ScalarExpr *expr = createExpr(ScalarExpr::Kind::Cond, loc,
                                {condition, thenValue, elseValue});
  expr->type = joinTypes(thenValue->type, elseValue->type);
  expr->mayBeNone = thenValue->mayBeNone || elseValue->mayBeNone;
  return expr;
}

ScalarExpr *ProgramGraph::logical(bool isAnd, ScalarExpr *lhs, ScalarExpr *rhs,
                                  Location loc) {
  ScalarExpr *expr = createExpr(
      isAnd ? ScalarExpr::Kind::And : ScalarExpr::Kind::Or, loc, {lhs, rhs});
  expr->type = joinTypes(lhs->type, rhs->type);
  expr->mayBeNone = lhs->mayBeNone || rhs->mayBeNone;
  return expr;
}

ScalarExpr *ProgramGraph::box(ScalarExpr *operand, Location loc) {
  ScalarExpr *expr = createExpr(ScalarExpr::Kind::Box, loc, {operand});
  expr->type = AnyValueType::get(context);
  expr->mayBeNone = operand->mayBeNone;
  return expr;
}
