//===- Emitter.cpp - rasp.program from the planned graph ------------------===//

#include "Emitter.h"
#include "BodyEmitter.h"

#include "RaspDialect/Dialect/RASP/IR/RASPOps.h"

#include <cmath>

using namespace mlir;
using namespace mlir::rasp;
using namespace mlir::rasp::frontend;

namespace {

/// `constant + sum(coefficient * leaf)`.
struct LinearForm {
  double constant = 0;
  llvm::SmallVector<std::pair<SOpNode *, double>, 2> terms;

  bool isConstant() const { return terms.empty(); }
  void scale(double factor) {
    constant *= factor;
    for (auto &term : terms)
      term.second *= factor;
  }
  void add(const LinearForm &other, double factor) {
    constant += factor * other.constant;
    for (const auto &term : other.terms) {
      auto it = llvm::find_if(
          terms, [&](const auto &t) { return t.first == term.first; });
      if (it == terms.end())
        terms.push_back({term.first, factor * term.second});
      else
        it->second += factor * term.second;
    }
  }
  double coefficient(SOpNode *leaf) const {
    for (auto [l, c] : terms)
      if (l == leaf)
        return c;
    return 0;
  }
};

class ProgramEmitter {
public:
  ProgramEmitter(MLIRContext *context, const FusionPlan &plan)
      : builder(context), plan(plan) {}

  LogicalResult emit(Block *block, SOpNode *output);

private:
  Location nodeLoc(const NodeBase &node) {
    if (node.name.empty())
      return node.loc;
    return NameLoc::get(builder.getStringAttr(node.name), node.loc);
  }
  SOpType typeOf(SOpNode *node) {
    return SOpType::get(builder.getContext(), node->encoding, node->valueType);
  }

  LogicalResult emitSOp(SOpNode *node);
  LogicalResult emitElementwise(SOpNode *node);
  LogicalResult emitSelector(SelectorNode *node);
  /// Reports a body that outgrew BodyEmitter::kMaxBodyOps.
  LogicalResult emitTooLarge(const NodeBase &node);

  /// The fused function of numerical `node` as a linear form of its leaves,
  /// if it is one with exact coefficients.
  std::optional<LinearForm> linearize(ScalarExpr *expr, SOpNode *node);

  OpBuilder builder;
  const FusionPlan &plan;
  llvm::DenseMap<SOpNode *, Value> sops;
  llvm::DenseMap<SelectorNode *, Value> selectors;
  llvm::DenseMap<std::pair<SOpNode *, ScalarExpr *>, std::optional<LinearForm>>
      linearMemo;
};

} // namespace

LogicalResult ProgramEmitter::emit(Block *block, SOpNode *output) {
  builder.setInsertionPointToEnd(block);
  for (NodeRef ref : plan.nodes) {
    if (auto *sop = llvm::dyn_cast<SOpNode *>(ref)) {
      if (plan.materialized.contains(sop) && failed(emitSOp(sop)))
        return failure();
      continue;
    }
    if (failed(emitSelector(llvm::cast<SelectorNode *>(ref))))
      return failure();
  }
  OutputOp::create(builder, output->loc, sops.lookup(output));
  return success();
}

LogicalResult ProgramEmitter::emitTooLarge(const NodeBase &node) {
  return emitError(node.loc, "this element function is too large after "
                             "fusion and expansion (more than ")
         << BodyEmitter::kMaxBodyOps << " operations)";
}

LogicalResult ProgramEmitter::emitSOp(SOpNode *node) {
  Location loc = nodeLoc(*node);
  SOpType type = typeOf(node);
  Value result;
  switch (node->kind) {
  case SOpNode::Kind::Tokens:
    result = TokensOp::create(builder, loc, type, nullptr);
    break;
  case SOpNode::Kind::Indices:
    result = IndicesOp::create(builder, loc, type, nullptr);
    break;
  case SOpNode::Kind::Full:
    result = FullOp::create(builder, loc, type,
                            toAttr(builder.getContext(), node->fill), nullptr);
    break;
  case SOpNode::Kind::Aggregate: {
    Attribute defaultAttr;
    if (node->defaultValue)
      defaultAttr = toAttr(builder.getContext(), *node->defaultValue);
    result = AggregateOp::create(
        builder, loc, type, selectors.lookup(node->selector),
        sops.lookup(node->aggregated), defaultAttr, nullptr);
    break;
  }
  case SOpNode::Kind::SelectorWidth:
    result = SelectorWidthOp::create(builder, loc, type,
                                     selectors.lookup(node->selector), nullptr);
    break;
  case SOpNode::Kind::Elementwise:
    return emitElementwise(node);
  }
  sops[node] = result;
  return success();
}

std::optional<LinearForm> ProgramEmitter::linearize(ScalarExpr *expr,
                                                    SOpNode *node) {
  auto key = std::make_pair(node, expr);
  if (auto it = linearMemo.find(key); it != linearMemo.end())
    return it->second;

  std::optional<LinearForm> result;
  auto operand = [&](unsigned i) { return linearize(expr->operands[i], node); };
  switch (expr->kind) {
  case ScalarExpr::Kind::Param: {
    SOpNode *input = node->inputs[expr->param];
    if (plan.elementwise.find(node)->second.inlined[expr->param]) {
      result = linearize(input->fn, input);
    } else {
      result = LinearForm();
      result->terms.push_back({input, 1.0});
    }
    break;
  }
  case ScalarExpr::Kind::Constant:
    if (expr->value.isNumber()) {
      result = LinearForm();
      result->constant = expr->value.toDouble();
    }
    break;
  case ScalarExpr::Kind::Unary:
    if (expr->unaryKind == UnaryKind::Neg ||
        expr->unaryKind == UnaryKind::Pos) {
      result = operand(0);
      if (result && expr->unaryKind == UnaryKind::Neg)
        result->scale(-1);
    }
    break;
  case ScalarExpr::Kind::Binary: {
    std::optional<LinearForm> lhs = operand(0), rhs = operand(1);
    if (!lhs || !rhs)
      break;
    switch (expr->binaryKind) {
    case BinaryKind::Add:
    case BinaryKind::Sub:
      result = *lhs;
      result->add(*rhs, expr->binaryKind == BinaryKind::Add ? 1 : -1);
      break;
    case BinaryKind::Mul:
      if (lhs->isConstant()) {
        result = *rhs;
        result->scale(lhs->constant);
      } else if (rhs->isConstant()) {
        result = *lhs;
        result->scale(rhs->constant);
      }
      break;
    case BinaryKind::TrueDiv: {
      // Only divisions a coefficient reproduces exactly (powers of two).
      int exponent;
      if (rhs->isConstant() && rhs->constant != 0 &&
          std::fabs(std::frexp(rhs->constant, &exponent)) == 0.5) {
        result = *lhs;
        result->scale(1.0 / rhs->constant);
      }
      break;
    }
    default:
      break;
    }
    break;
  }
  default:
    break;
  }
  linearMemo[key] = result;
  return result;
}

LogicalResult ProgramEmitter::emitElementwise(SOpNode *node) {
  const ElementwiseInfo &info = plan.elementwise.find(node)->second;
  Location loc = nodeLoc(*node);
  SOpType type = typeOf(node);

  // a*x + b*y on numerical SOps is Tracr's LinearSequenceMap.
  bool numericalLeaves = llvm::all_of(info.leaves, [](SOpNode *leaf) {
    return leaf->encoding == Encoding::Numerical;
  });
  if (node->encoding == Encoding::Numerical && node->valueType.isF64() &&
      numericalLeaves) {
    std::optional<LinearForm> form = linearize(node->fn, node);
    if (form && form->constant == 0) {
      SOpNode *lhs = info.leaves.front(), *rhs = info.leaves.back();
      double lhsCoeff = form->coefficient(lhs);
      double rhsCoeff = lhs == rhs ? 0.0 : form->coefficient(rhs);
      sops[node] = LinearSequenceMapOp::create(
          builder, loc, type, sops.lookup(lhs), sops.lookup(rhs),
          builder.getF64FloatAttr(lhsCoeff), builder.getF64FloatAttr(rhsCoeff),
          nullptr);
      return success();
    }
  }

  Operation *op;
  if (info.leaves.size() == 1)
    op =
        MapOp::create(builder, loc, type, sops.lookup(info.leaves[0]), nullptr);
  else
    op = SequenceMapOp::create(builder, loc, type, sops.lookup(info.leaves[0]),
                               sops.lookup(info.leaves[1]), nullptr);
  Block *body = new Block();
  op->getRegion(0).push_back(body);
  llvm::DenseMap<SOpNode *, Value> args;
  llvm::SmallVector<Value, 2> positional;
  for (SOpNode *leaf : info.leaves) {
    positional.push_back(body->addArgument(leaf->valueType, leaf->loc));
    args[leaf] = positional.back();
  }
  // A repeated leaf (Tracr's SequenceMap(x, x)): its operands are the
  // node's inputs, one argument each.
  if (args.size() == positional.size())
    positional.clear();

  OpBuilder::InsertionGuard guard(builder);
  builder.setInsertionPointToStart(body);
  BodyEmitter bodyEmitter(builder, plan);
  Value result = bodyEmitter.emitNode(node, args, positional);
  if (bodyEmitter.overflowed())
    return emitTooLarge(*node);
  YieldOp::create(builder, node->fn->loc, result);
  sops[node] = op->getResult(0);
  return success();
}

LogicalResult ProgramEmitter::emitSelector(SelectorNode *node) {
  Location loc = nodeLoc(*node);
  Type type = SelectorType::get(builder.getContext());
  Value result;
  switch (node->kind) {
  case SelectorNode::Kind::Select:
    result = SelectOp::create(builder, loc, type, sops.lookup(node->keys),
                              sops.lookup(node->queries), node->predicate);
    break;
  case SelectorNode::Kind::SelectWhere: {
    auto op = SelectWhereOp::create(builder, loc, type, sops.lookup(node->keys),
                                    sops.lookup(node->queries));
    Block *body = new Block();
    op.getBody().push_back(body);
    Value key = body->addArgument(node->keys->valueType, node->keys->loc);
    Value query =
        body->addArgument(node->queries->valueType, node->queries->loc);
    OpBuilder::InsertionGuard guard(builder);
    builder.setInsertionPointToStart(body);
    BodyEmitter bodyEmitter(builder, plan);
    Value result = bodyEmitter.emitPredicate(node->predicateFn, key, query);
    if (bodyEmitter.overflowed())
      return emitTooLarge(*node);
    YieldOp::create(builder, node->predicateFn->loc, result);
    selectors[node] = op;
    return success();
  }
  case SelectorNode::Kind::And:
    result =
        SelectorAndOp::create(builder, loc, type, selectors.lookup(node->lhs),
                              selectors.lookup(node->rhs));
    break;
  case SelectorNode::Kind::Or:
    result =
        SelectorOrOp::create(builder, loc, type, selectors.lookup(node->lhs),
                             selectors.lookup(node->rhs));
    break;
  case SelectorNode::Kind::Not:
    result =
        SelectorNotOp::create(builder, loc, type, selectors.lookup(node->lhs));
    break;
  }
  selectors[node] = result;
  return success();
}

OwningOpRef<ModuleOp> mlir::rasp::frontend::emitProgram(
    MLIRContext *context, const FusionPlan &plan, SOpNode *output,
    const ImportRASPOptions &options, Location loc) {
  OwningOpRef<ModuleOp> module = ModuleOp::create(loc);
  OpBuilder builder = OpBuilder::atBlockEnd(module->getBody());
  ArrayAttr vocab;
  if (options.vocab)
    vocab = toArrayAttr(context, *options.vocab);
  IntegerAttr maxSeqLen;
  if (options.maxSeqLen)
    maxSeqLen = builder.getI64IntegerAttr(*options.maxSeqLen);
  StringAttr bos;
  if (options.bos)
    bos = builder.getStringAttr(*options.bos);
  auto program = ProgramOp::create(
      builder, loc, builder.getStringAttr(options.programName), vocab,
      maxSeqLen, bos,
      options.causal.value_or(false) ? builder.getUnitAttr() : nullptr);
  Block *body = new Block();
  program.getBody().push_back(body);
  if (failed(ProgramEmitter(context, plan).emit(body, output)))
    return nullptr;
  return module;
}
