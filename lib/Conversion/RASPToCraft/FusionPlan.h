//===- FusionPlan.h - What fusion decides, before it emits ------*- C++ -*-===//
//
// The decisions of fusion (docs/Fusion.md, "Fusion plan") and the cost
// model they are taken on, apart from the code that emits what they decide.
// For every SOp lowered as a table over leaves, the plan records, before any
// MLP it implies is emitted: whether the table over the leaves is kept or
// refused (and why), the estimated size and synthesis work of that table,
// the hidden units of the unfused MLPs it replaces, and how the SOp is
// recomputed over its operands' subspaces if its fused MLP is refused when
// it is materialised. The emitter (Fusion.cpp, FusedMaterialize.cpp,
// FactorisedWidth.cpp) follows the recorded decision.
//
//===----------------------------------------------------------------------===//

#ifndef RASPDIALECT_LIB_CONVERSION_RASPTOCRAFT_FUSIONPLAN_H
#define RASPDIALECT_LIB_CONVERSION_RASPTOCRAFT_FUSIONPLAN_H

#include "mlir/IR/Operation.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallVector.h"

#include <cmath>
#include <cstdint>
#include <optional>
#include <string>

namespace mlir::rasp::lowering {

class Lowering;
struct FusedValue;

/// How the table of an elementwise SOp reads its operands.
enum class OperandMode {
  /// Their functions of leaves, or their subspaces where that is no deeper.
  Inline,
  /// Their subspaces (materialising them).
  Materialized,
  /// Their subspaces, numerical operands through one-hot views of the
  /// classes of values the function does not distinguish.
  Classes,
};

/// How an SOp held as a table over leaves is recomputed when its fused MLP
/// is refused, or comes out too noisy, as it is materialised.
enum class Fallback {
  /// The op's table over its operands' subspaces, read as
  /// FusionDecision::fallbackMode says.
  Operands,
  /// A factorised selector width: each head's width decoded on its own.
  WidthParts,
};

/// The limits a table over leaves is judged against before it is composed.
struct TableLimits {
  int64_t maxPoints = INT64_MAX;
  double maxWork = INFINITY;
};

/// The fusion decision for one SOp, taken before anything it implies is
/// emitted.
struct FusionDecision {
  /// Kept as a table over `leaves` (materialised by one MLP where a
  /// consumer needs it), or refused: then composed at once over its
  /// operands' subspaces, read as `fallbackMode` says.
  bool fused = true;
  llvm::SmallVector<unsigned, 4> leaves;
  /// Estimates, judged against `limits`: the bound on the points of the
  /// table over the leaves and the work of synthesising it (fusedWork).
  double points = 0, work = 0;
  TableLimits limits;
  /// Hidden units of the unfused MLPs the table replaces.
  double unfusedUnits = 0;
  /// Why the table over the leaves was refused.
  std::string refusal;
  Fallback fallback = Fallback::Operands;
  /// Materialized or Classes.
  OperandMode fallbackMode = OperandMode::Materialized;
};

/// The decisions per op (the result of the SOp it defines).
class FusionPlan {
public:
  void record(Operation *op, FusionDecision decision) {
    decisions[op] = std::move(decision);
  }
  /// The decision for `op`, null if it is not lowered as a table.
  const FusionDecision *lookup(Operation *op) const {
    auto it = decisions.find(op);
    return it == decisions.end() ? nullptr : &it->second;
  }

private:
  llvm::DenseMap<Operation *, FusionDecision> decisions;
};

//===----------------------------------------------------------------------===//
// Cost model (FusionPlan.cpp)
//===----------------------------------------------------------------------===//

/// The estimated work of building and synthesising a fused MLP over
/// `points` points of `leaves` leaves: the synthesis sorts the points along
/// each projection it tries and bounds its units' error over sorted runs
/// (FusedBounds.cpp), points x (leaves + 1) x log2 of the points, and the
/// table costs a constant per point to build. `max-fused-work` bounds it.
double fusedWork(double points, size_t leaves);

/// Estimated hidden units of `op` lowered alone (docs/Fusion.md, budget).
double unfusedCost(Lowering &l, Operation *op);

/// The hidden units without fusion of a sequence_map with a numerical
/// operand, as the unfused lowering builds it (class views and a table over
/// the classes); std::nullopt for any other op.
std::optional<double> classViewCost(Lowering &l, Operation *op);

/// How a table of `op` over its operands' subspaces reads them: through
/// class views where a sequence_map's table over a numerical operand's
/// values would exceed the domain limit, max-fused-work, or fusion-savings
/// times the class views it replaces; else Materialized.
OperandMode fallbackMode(Lowering &l, Operation *op);

/// The limits of an inline table of `op` whose fused operands replace
/// MLPs of `cost` hidden units: max-fused-domain points, and a work of at
/// most max-fused-work and fusion-savings times the work of those MLPs.
TableLimits inlineLimits(Lowering &l, Operation *op, double cost);

/// The sorted union of the leaves of `args`.
llvm::SmallVector<unsigned, 4>
joinedLeaves(llvm::ArrayRef<const FusedValue *> args);

/// Judges the join of `args` over `leaves` against `limits` before it is
/// enumerated: fills the decision's points and work, and its refusal if
/// the join is refused. A table over one leaf is as large as its value
/// set, as without fusion, and always kept.
void judgeJoin(llvm::ArrayRef<const FusedValue *> args,
               llvm::ArrayRef<unsigned> leaves, const TableLimits &limits,
               FusionDecision &decision);

/// Why the fused MLP of `value` is not even tried when it is materialised:
/// its estimated work (fusedWork) exceeds `max-fused-work`.
std::optional<std::string> synthesisRefusal(Lowering &l,
                                            const FusedValue &value);

} // namespace mlir::rasp::lowering

#endif // RASPDIALECT_LIB_CONVERSION_RASPTOCRAFT_FUSIONPLAN_H
