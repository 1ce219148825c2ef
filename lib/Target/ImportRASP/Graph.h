//===- Graph.h - The expanded RASP program ----------------------*- C++ -*-===//
//
// The elaborator expands a .rasp file into this graph before any MLIR is
// built: `def`s are inlined, constants folded and every SOp, selector and
// element function is a node. Elementwise expressions on SOps stay separate
// nodes here (one per operator or map call); the fusion planner decides
// which of them become their own `rasp.map`/`rasp.sequence_map` and which are
// inlined into a consumer's body.
//
// Nodes are created after their operands, so creation order (`id`) is a
// topological order.
//
//===----------------------------------------------------------------------===//

#ifndef RASPDIALECT_LIB_TARGET_IMPORTRASP_GRAPH_H
#define RASPDIALECT_LIB_TARGET_IMPORTRASP_GRAPH_H

#include "RaspDialect/Semantics/PyValue.h"

#include "mlir/IR/Location.h"
#include "llvm/ADT/SmallVector.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace mlir::rasp::frontend {

//===----------------------------------------------------------------------===//
// Element functions
//===----------------------------------------------------------------------===//

/// A scalar expression: the body of an element function over parameters
/// `Param(i)`. Immutable once built; shared subexpressions form a DAG.
class ScalarExpr {
public:
  enum class Kind {
    Param,    // the i-th argument
    Constant, // a Python value
    Binary,   // lhs <binaryKind> rhs
    Unary,    // <unaryKind> operand
    Cond,     // operands: condition, then, else
    And,      // lhs and rhs (returns an operand, short-circuits)
    Or,       // lhs or rhs
    Box,      // operand as a !rasp.any value
  };

  Kind kind;
  Location loc;
  /// The static value type, from ElementTypes.
  Type type;
  /// True if the expression can evaluate to None (a None constant reaching
  /// the result through if/and/or). Operators never return None.
  bool mayBeNone = false;
  /// Longest path to a leaf, counting this node.
  unsigned depth = 1;

  unsigned param = 0;
  PyValue value;
  BinaryKind binaryKind = BinaryKind::Add;
  UnaryKind unaryKind = UnaryKind::Neg;
  llvm::SmallVector<ScalarExpr *, 3> operands;

  ScalarExpr(Kind kind, Location loc) : kind(kind), loc(loc) {}
  bool isConstant() const { return kind == Kind::Constant; }
};

//===----------------------------------------------------------------------===//
// SOps and selectors
//===----------------------------------------------------------------------===//

class SelectorNode;

/// What SOp and selector nodes share: creation order, location, name.
struct NodeBase {
  unsigned id = 0;
  Location loc;
  /// The variable the node was first bound to ("" if none). A top-level
  /// binding replaces a name from inside a def.
  std::string name;
  bool hasTopLevelName = false;

  explicit NodeBase(Location loc) : loc(loc) {}
};

class SOpNode : public NodeBase {
public:
  enum class Kind {
    Tokens,
    Indices,
    Full,
    Aggregate,
    SelectorWidth,
    Elementwise
  };

  Kind kind;
  Encoding encoding = Encoding::Categorical;
  Type valueType;

  /// Full: the value at every position.
  PyValue fill;

  /// Aggregate and SelectorWidth: the selector.
  SelectorNode *selector = nullptr;
  /// Aggregate: the SOp and default as written, kept so numerical() and
  /// categorical() can rebuild the aggregate with the other encoding.
  SOpNode *input = nullptr;
  std::optional<PyValue> userDefault;
  /// Aggregate: the operand of the emitted op (`input`, or `input` converted
  /// to a type the default also has) and its default (nullopt: None).
  SOpNode *aggregated = nullptr;
  std::optional<PyValue> defaultValue;

  /// Elementwise: the distinct input SOps and the function of them.
  llvm::SmallVector<SOpNode *, 3> inputs;
  ScalarExpr *fn = nullptr;
  /// Elementwise: set by numerical()/categorical(); such a node is always
  /// its own op.
  bool explicitEncoding = false;

  SOpNode(Kind kind, Location loc) : NodeBase(loc), kind(kind) {}
  bool isElementwise() const { return kind == Kind::Elementwise; }
};

class SelectorNode : public NodeBase {
public:
  enum class Kind { Select, SelectWhere, And, Or, Not };

  Kind kind;
  /// Select, SelectWhere.
  SOpNode *keys = nullptr, *queries = nullptr;
  /// Select.
  Comparison predicate = Comparison::True;
  /// SelectWhere: the predicate over Param(0) = key and Param(1) = query.
  ScalarExpr *predicateFn = nullptr;
  /// And, Or (both), Not (lhs).
  SelectorNode *lhs = nullptr, *rhs = nullptr;

  SelectorNode(Kind kind, Location loc) : NodeBase(loc), kind(kind) {}
};

//===----------------------------------------------------------------------===//
// ProgramGraph
//===----------------------------------------------------------------------===//

/// Owns the nodes of one program and builds scalar expressions with their
/// static types.
class ProgramGraph {
public:
  explicit ProgramGraph(MLIRContext *context) : context(context) {}

  MLIRContext *getContext() const { return context; }

  SOpNode *createSOp(SOpNode::Kind kind, Location loc);
  SelectorNode *createSelector(SelectorNode::Kind kind, Location loc);

  ScalarExpr *param(unsigned index, Type type, Location loc);
  ScalarExpr *constant(const PyValue &value, Location loc);
  ScalarExpr *binary(BinaryKind kind, ScalarExpr *lhs, ScalarExpr *rhs,
                     Location loc);
  ScalarExpr *unary(UnaryKind kind, ScalarExpr *operand, Location loc);
  ScalarExpr *cond(ScalarExpr *condition, ScalarExpr *thenValue,
                   ScalarExpr *elseValue, Location loc);
  ScalarExpr *logical(bool isAnd, ScalarExpr *lhs, ScalarExpr *rhs,
                      Location loc);
  ScalarExpr *box(ScalarExpr *operand, Location loc);

private:
  ScalarExpr *createExpr(ScalarExpr::Kind kind, Location loc,
                         llvm::ArrayRef<ScalarExpr *> operands);

  MLIRContext *context;
  unsigned nextId = 0;
  std::vector<std::unique_ptr<SOpNode>> sops;
  std::vector<std::unique_ptr<SelectorNode>> selectors;
  std::vector<std::unique_ptr<ScalarExpr>> exprs;
};

} // namespace mlir::rasp::frontend

#endif // RASPDIALECT_LIB_TARGET_IMPORTRASP_GRAPH_H
