//===- FusionPlan.cpp - The cost model of fusion's decisions --------------===//
//
// The estimates fusion decides on (FusionPlan.h): table sizes, synthesis
// work, the hidden units of the MLPs a table replaces, and the limits a
// table is judged against before anything is composed or emitted.
//
//===----------------------------------------------------------------------===//

#include "FusionPlan.h"
#include "Lowering.h"

#include "llvm/ADT/TypeSwitch.h"

#include <cmath>

using namespace mlir;
using namespace mlir::rasp;
using namespace mlir::rasp::lowering;

//===----------------------------------------------------------------------===//
// Estimates
//===----------------------------------------------------------------------===//

double mlir::rasp::lowering::fusedWork(double points, size_t leaves) {
  // Building the table (a function call per class combination, a row of
  // value indices and an output per point) costs about as much per point
  // as 32 steps of the synthesis' sorted passes (measured: ~400 ns a point
  // against ~12 ns a step, shuffle_dyck2 at N = 8).
  constexpr double kTableBuild = 32;
  return points *
         (static_cast<double>(leaves + 1) * std::ceil(std::log2(points + 1)) +
          kTableBuild);
}

/// Estimated hidden units of `op` lowered alone (docs/Fusion.md, budget).
double mlir::rasp::lowering::unfusedCost(Lowering &l, Operation *op) {
  auto size = [&](Value v) {
    return static_cast<double>(std::max<size_t>(1, l.info(v).values.size()));
  };
  auto isNum = [&](Value v) { return l.info(v).numerical; };
  return llvm::TypeSwitch<Operation *, double>(op)
      .Case<MapOp>([&](MapOp map) {
        Value in = map.getInput();
        // A lookup has a unit per output value (the op's own value set; its
        // result is not lowered yet).
        double outputs = std::max<size_t>(
            1, valueSetSize(map->getAttr(RASPDialect::getValuesAttrName())));
        return isNum(in) ? 2 * size(in) + 1 : outputs;
      })
      .Case<SequenceMapOp>([&](SequenceMapOp seq) {
        double views = 0;
        for (Value v : {seq.getLhs(), seq.getRhs()})
          if (isNum(v))
            views += 2 * size(v) + 1;
        return size(seq.getLhs()) * size(seq.getRhs()) + views;
      })
      .Default([](Operation *) { return 4.0; });
}

/// The hidden units without fusion of a sequence_map with a numerical
/// operand, as the unfused lowering builds it: class views of the numerical
/// operands (about two units per value) and a table over the classes, of at
/// least one unit per output value. unfusedCost counts the table over all
/// pairs of values instead, which is what a fused table over them costs,
/// not what it saves.
std::optional<double> mlir::rasp::lowering::classViewCost(Lowering &l,
                                                          Operation *op) {
  auto seq = dyn_cast<SequenceMapOp>(op);
  if (!seq)
    return std::nullopt;
  double views = 0;
  bool numerical = false;
  for (Value v : {seq.getLhs(), seq.getRhs()}) {
    SOpInfo &info = l.info(v);
    if (info.numerical && !info.constant) {
      numerical = true;
      views += 2 * static_cast<double>(info.values.size()) + 1;
    }
  }
  if (!numerical)
    return std::nullopt;
  double outputs = std::max<size_t>(
      1, valueSetSize(op->getAttr(RASPDialect::getValuesAttrName())));
  return views + outputs;
}

/// An upper bound on the points of the join: at most the product of the
/// operands' tables, and at most the product over the distinct leaves of
/// the value indices they use.
static double joinBound(ArrayRef<const FusedValue *> args,
                        ArrayRef<unsigned> leaves) {
  double product = 1;
  for (const FusedValue *a : args)
    product *= static_cast<double>(std::max<size_t>(1, a->numPoints()));
  double byLeaves = 1;
  for (unsigned leaf : leaves) {
    int32_t largest = -1;
    for (const FusedValue *a : args) {
      size_t width = a->leaves.size();
      auto it = llvm::find(a->leaves, leaf);
      if (it == a->leaves.end())
        continue;
      size_t column = it - a->leaves.begin();
      for (size_t p = 0; p < a->numPoints(); ++p)
        largest = std::max(largest, a->points[p * width + column]);
    }
    // Indices -1 (None) .. largest.
    byLeaves *= static_cast<double>(largest + 2);
  }
  return std::min(product, byLeaves);
}

/// Why the fused MLP of `value` is not even tried: its estimated work
/// (fusedWork) exceeds `max-fused-work`.
std::optional<std::string>
mlir::rasp::lowering::synthesisRefusal(Lowering &l, const FusedValue &value) {
  double work =
      fusedWork(static_cast<double>(value.numPoints()), value.leaves.size());
  if (work <= static_cast<double>(l.options.maxFusedWork))
    return std::nullopt;
  return "estimated work " + std::to_string(static_cast<int64_t>(work)) + " (" +
         std::to_string(value.numPoints()) + " points x " +
         std::to_string(value.leaves.size() + 1) +
         " features x log2 of the points) exceeds max-fused-work " +
         std::to_string(l.options.maxFusedWork);
}

//===----------------------------------------------------------------------===//
// Decisions
//===----------------------------------------------------------------------===//

OperandMode mlir::rasp::lowering::fallbackMode(Lowering &l, Operation *op) {
  // The table of a sequence_map over its operands' subspaces has a point
  // per pair of values; beyond the domain limit, where synthesising it
  // would cost more than max-fused-work, or more than fusion-savings times
  // the class views it replaces (MLPs of about two units per value, a layer
  // the table saves), numerical operands are read through their classes (as
  // without fusion) instead.
  if (!isa<SequenceMapOp>(op))
    return OperandMode::Materialized;
  double points = 1, viewUnits = 0;
  size_t inputs = 0;
  bool numerical = false;
  for (Value v : op->getOperands()) {
    SOpInfo &info = l.info(v);
    if (info.constant)
      continue;
    ++inputs;
    double size = static_cast<double>(std::max<size_t>(1, info.values.size()));
    numerical |= info.numerical;
    points *= size;
    viewUnits += info.numerical ? 2 * size + 1 : size;
  }
  double work = fusedWork(points, inputs);
  if (numerical && (points > static_cast<double>(l.options.maxFusedDomain) ||
                    work > static_cast<double>(l.options.maxFusedWork) ||
                    work > l.options.fusionSavings * fusedWork(viewUnits, 1)))
    return OperandMode::Classes;
  return OperandMode::Materialized;
}

TableLimits mlir::rasp::lowering::inlineLimits(Lowering &l, Operation *op,
                                               double cost) {
  // The work the fused table may cost against the MLPs it saves.
  double saved = cost;
  if (std::optional<double> views = classViewCost(l, op))
    saved += *views - unfusedCost(l, op);
  TableLimits limits;
  limits.maxPoints = l.options.maxFusedDomain;
  limits.maxWork = std::min(static_cast<double>(l.options.maxFusedWork),
                            l.options.fusionSavings * fusedWork(saved, 1));
  return limits;
}

SmallVector<unsigned, 4>
mlir::rasp::lowering::joinedLeaves(ArrayRef<const FusedValue *> args) {
  SmallVector<unsigned, 4> leaves;
  for (const FusedValue *a : args)
    for (unsigned leaf : a->leaves)
      if (!llvm::is_contained(leaves, leaf))
        leaves.push_back(leaf);
  llvm::sort(leaves);
  return leaves;
}

void mlir::rasp::lowering::judgeJoin(ArrayRef<const FusedValue *> args,
                                     ArrayRef<unsigned> leaves,
                                     const TableLimits &limits,
                                     FusionDecision &decision) {
  decision.leaves.assign(leaves.begin(), leaves.end());
  decision.limits = limits;
  decision.fused = true;
  if (leaves.size() < 2)
    return;
  // Judged on the bound, before composing: the composition itself, and
  // every composition inlining this table, costs as much as the table.
  double bound = joinBound(args, leaves);
  double work = fusedWork(bound, leaves.size());
  decision.points = bound;
  decision.work = work;
  if (bound > static_cast<double>(limits.maxPoints)) {
    decision.fused = false;
    decision.refusal = "its table over the leaves of its operands could "
                       "exceed max-fused-domain (" +
                       std::to_string(limits.maxPoints) + " points)";
  } else if (work > limits.maxWork) {
    decision.fused = false;
    decision.refusal =
        "its table over the leaves of its operands could have " +
        std::to_string(static_cast<int64_t>(bound)) +
        " points, an estimated work " +
        std::to_string(static_cast<int64_t>(work)) + " above the limit " +
        std::to_string(static_cast<int64_t>(limits.maxWork)) +
        " (max-fused-work, or fusion-savings times the work of the MLPs it "
        "replaces)";
  }
}
