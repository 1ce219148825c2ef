//===- BodyEmitter.h - Element function bodies ------------------*- C++ -*-===//
//
// Emits ScalarExprs as the ops of an element-function region: exact
// `arith` ops with Python's promotions where ElementTypes allows them,
// `rasp.binary`/`rasp.unary`/`rasp.constant`/`rasp.box` elsewhere, and
// `scf.if` for the lazy `x if c else y`, `and` and `or`. Inlined input nodes
// (fusion) are emitted where their value is first needed.
//
//===----------------------------------------------------------------------===//

#ifndef RASPDIALECT_LIB_TARGET_IMPORTRASP_BODYEMITTER_H
#define RASPDIALECT_LIB_TARGET_IMPORTRASP_BODYEMITTER_H

#include "Fusion.h"

#include "mlir/IR/Builders.h"

namespace mlir::rasp::frontend {

class BodyEmitter {
public:
  /// Emits at `builder`'s insertion point; `plan` says which inputs of an
  /// elementwise node are inlined.
  BodyEmitter(OpBuilder &builder, const FusionPlan &plan)
      : builder(builder), plan(plan), scopes(1) {}

  /// The fused body of elementwise `node`; its leaf SOps map to `leafArgs`.
  /// Non-empty `inputArgs` are the arguments of `node`'s inputs by position
  /// instead (a node that reads one SOp twice, none inlined).
  Value emitNode(SOpNode *node, const llvm::DenseMap<SOpNode *, Value> &args,
                 llvm::ArrayRef<Value> inputArgs = {});

  /// The predicate `fn` of a select_where with block arguments (key, query),
  /// converted to i1 by Python truthiness.
  Value emitPredicate(ScalarExpr *fn, Value key, Value query);

  /// True if the body outgrew kMaxBodyOps; the ops emitted are then
  /// incomplete and the caller must report an error.
  bool overflowed() const { return emitted > kMaxBodyOps; }

  /// Most ops in one body. A value shared by both branches of an `if` is
  /// emitted in each (it must stay lazy), so nested conditionals can
  /// duplicate exponentially; the budget bounds that.
  static constexpr unsigned kMaxBodyOps = 20000;

private:
  /// Where Param(i) of an expression comes from: an elementwise node's
  /// input i, or the i-th select_where argument.
  struct Context {
    SOpNode *node = nullptr;
  };

  Value emit(ScalarExpr *expr, Context context);
  Value emitParam(ScalarExpr *expr, Context context);
  Value emitBinary(ScalarExpr *expr, Context context);
  Value emitUnary(ScalarExpr *expr, Context context);
  Value emitIf(ScalarExpr *expr, Context context);

  /// `expr` as a value of `type` (a promotion of its own type); constants
  /// are emitted directly in `type`.
  Value emitAs(ScalarExpr *expr, Type type, Context context);
  Value convert(Value value, Type type, Location loc);
  Value constant(const PyValue &value, Type type, Location loc);
  Value truthy(Value value, Location loc);

  OpBuilder &builder;
  const FusionPlan &plan;
  const llvm::DenseMap<SOpNode *, Value> *leafArgs = nullptr;
  SOpNode *topNode = nullptr;
  llvm::ArrayRef<Value> topInputArgs;
  Value selectArgs[2];
  /// Emitted values per region nesting level (inner scf.if regions see the
  /// values of enclosing ones).
  std::vector<llvm::DenseMap<std::pair<void *, ScalarExpr *>, Value>> scopes;
  unsigned emitted = 0;
};

} // namespace mlir::rasp::frontend

#endif // RASPDIALECT_LIB_TARGET_IMPORTRASP_BODYEMITTER_H
