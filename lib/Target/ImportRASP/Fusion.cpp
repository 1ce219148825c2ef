//===- Fusion.cpp - Elementwise fusion plan -------------------------------===//

#include "Fusion.h"

#include "mlir/IR/Diagnostics.h"

using namespace mlir;
using namespace mlir::rasp::frontend;

/// Deepest fused body; deeper chains are split into several ops.
static constexpr unsigned kMaxFusedDepth = 64;

static unsigned idOf(NodeRef node) {
  if (auto *sop = llvm::dyn_cast<SOpNode *>(node))
    return sop->id;
  return llvm::cast<SelectorNode *>(node)->id;
}

/// Collects the nodes `output` depends on, in creation order.
static std::vector<NodeRef> collectReachable(SOpNode *output) {
  std::vector<NodeRef> nodes;
  llvm::DenseSet<NodeRef> seen;
  llvm::SmallVector<NodeRef> worklist{output};
  auto push = [&](NodeRef node) {
    if (node && seen.insert(node).second)
      worklist.push_back(node);
  };
  seen.insert(output);
  while (!worklist.empty()) {
    NodeRef node = worklist.pop_back_val();
    nodes.push_back(node);
    if (auto *sop = llvm::dyn_cast<SOpNode *>(node)) {
      for (SOpNode *input : sop->inputs)
        push(input);
      if (sop->selector)
        push(sop->selector);
      if (sop->aggregated)
        push(sop->aggregated);
      continue;
    }
    auto *selector = llvm::cast<SelectorNode *>(node);
    if (selector->keys)
      push(selector->keys);
    if (selector->queries)
      push(selector->queries);
    if (selector->lhs)
      push(selector->lhs);
    if (selector->rhs)
      push(selector->rhs);
  }
  llvm::sort(nodes, [](NodeRef a, NodeRef b) { return idOf(a) < idOf(b); });
  return nodes;
}

namespace {
/// Computes leaf sets and fused depths of elementwise nodes.
class Planner {
public:
  Planner(FusionPlan &plan, bool tracrGraph)
      : plan(plan), tracrGraph(tracrGraph) {}

  LogicalResult planNode(SOpNode *node);

private:
  /// Leaves and depth of `node`'s body under the current inlining choice.
  void evaluate(SOpNode *node, ElementwiseInfo &info);
  unsigned fusedDepth(ScalarExpr *expr, SOpNode *node,
                      const ElementwiseInfo &info,
                      llvm::DenseMap<ScalarExpr *, unsigned> &memo);

  FusionPlan &plan;
  bool tracrGraph;
};
} // namespace

/// True if Tracr's rasp.Map would compose `consumer` with its input `input`
/// (Map(f, Map(g, x)) is Map(f . g, x)): both read one SOp. An input that can
/// return None stays an op, as under fusion rule (c).
static bool composesAsTracrMap(SOpNode *consumer, SOpNode *input) {
  return consumer->isElementwise() && consumer->inputs.size() == 1 &&
         input->isElementwise() && input->inputs.size() == 1 &&
         !input->fn->mayBeNone;
}

unsigned Planner::fusedDepth(ScalarExpr *expr, SOpNode *node,
                             const ElementwiseInfo &info,
                             llvm::DenseMap<ScalarExpr *, unsigned> &memo) {
  if (expr->kind == ScalarExpr::Kind::Param) {
    if (!info.inlined[expr->param])
      return 0;
    return plan.elementwise[node->inputs[expr->param]].depth;
  }
  auto it = memo.find(expr);
  if (it != memo.end())
    return it->second;
  unsigned depth = 1;
  for (ScalarExpr *operand : expr->operands)
    depth = std::max(depth, 1 + fusedDepth(operand, node, info, memo));
  memo[expr] = depth;
  return depth;
}

void Planner::evaluate(SOpNode *node, ElementwiseInfo &info) {
  info.leaves.clear();
  auto addLeaf = [&](SOpNode *leaf) {
    if (!llvm::is_contained(info.leaves, leaf))
      info.leaves.push_back(leaf);
  };
  for (auto [input, inlined] : llvm::zip(node->inputs, info.inlined)) {
    if (!inlined) {
      // Tracr's graph reads a repeated input twice (SequenceMap(x, x)).
      if (tracrGraph)
        info.leaves.push_back(input);
      else
        addLeaf(input);
      continue;
    }
    for (SOpNode *leaf : plan.elementwise[input].leaves)
      addLeaf(leaf);
  }
  llvm::DenseMap<ScalarExpr *, unsigned> memo;
  info.depth = fusedDepth(node->fn, node, info, memo);
}

LogicalResult Planner::planNode(SOpNode *node) {
  ElementwiseInfo info;
  for (SOpNode *input : node->inputs)
    info.inlined.push_back(tracrGraph ? composesAsTracrMap(node, input)
                                      : !plan.materialized.contains(input));
  evaluate(node, info);
  while (info.leaves.size() > 2 || info.depth > kMaxFusedDepth) {
    bool tooWide = info.leaves.size() > 2;
    // Materialise the inlined input that contributes the most.
    int best = -1;
    for (auto [i, input] : llvm::enumerate(node->inputs)) {
      if (!info.inlined[i])
        continue;
      const ElementwiseInfo &candidate = plan.elementwise[input];
      if (best < 0)
        best = i;
      const ElementwiseInfo &current = plan.elementwise[node->inputs[best]];
      if (tooWide ? candidate.leaves.size() > current.leaves.size()
                  : candidate.depth > current.depth)
        best = i;
    }
    if (best < 0) {
      if (!tooWide)
        break; // Only the node's own function is deep; keep it.
      InFlightDiagnostic diag =
          emitError(node->loc, "this expression combines ")
          << info.leaves.size()
          << " different SOps at once, but an elementwise operation reads at "
             "most two; compute part of it in a separate assignment";
      for (SOpNode *leaf : info.leaves)
        diag.attachNote(leaf->loc)
            << (leaf->name.empty() ? std::string("an SOp computed here")
                                   : "'" + leaf->name + "'")
            << " is one of them";
      return failure();
    }
    plan.materialized.insert(node->inputs[best]);
    info.inlined[best] = false;
    evaluate(node, info);
  }
  plan.elementwise[node] = std::move(info);
  return success();
}

FailureOr<FusionPlan> mlir::rasp::frontend::planFusion(SOpNode *output,
                                                       bool tracrGraph) {
  FusionPlan plan;
  plan.nodes = collectReachable(output);

  // Rules (a)-(c); in Tracr's graph, every input a consumer does not compose.
  plan.materialized.insert(output);
  for (NodeRef ref : plan.nodes) {
    if (auto *sop = llvm::dyn_cast<SOpNode *>(ref)) {
      if (tracrGraph) {
        if (!sop->isElementwise())
          plan.materialized.insert(sop);
        else
          for (SOpNode *input : sop->inputs)
            if (!composesAsTracrMap(sop, input))
              plan.materialized.insert(input);
      } else if (!sop->isElementwise() || sop->explicitEncoding ||
                 sop->fn->mayBeNone) {
        plan.materialized.insert(sop);
      }
      if (sop->aggregated)
        plan.materialized.insert(sop->aggregated);
      continue;
    }
    auto *selector = llvm::cast<SelectorNode *>(ref);
    if (selector->keys)
      plan.materialized.insert(selector->keys);
    if (selector->queries)
      plan.materialized.insert(selector->queries);
  }

  // Rule (d), in creation order so inputs are planned before consumers.
  Planner planner(plan, tracrGraph);
  for (NodeRef ref : plan.nodes) {
    auto *sop = llvm::dyn_cast<SOpNode *>(ref);
    if (sop && sop->isElementwise() && failed(planner.planNode(sop)))
      return failure();
  }
  return plan;
}
