//===- Lowering.h - State of the rasp-to-craft lowering ---------*- C++ -*-===//
//
// Shared by the lowering's files, one per op family: the craft subspace (or
// constant) of every lowered SOp, labels, cached helper components and the
// synthesis options. Each family file defines one `lower...` function.
//
//===----------------------------------------------------------------------===//

#ifndef RASPDIALECT_LIB_CONVERSION_RASPTOCRAFT_LOWERING_H
#define RASPDIALECT_LIB_CONVERSION_RASPTOCRAFT_LOWERING_H

#include "FusionPlan.h"

#include "RaspDialect/Analysis/IndexArithmetic.h"
#include "RaspDialect/Conversion/RASPToCraft/RASPToCraft.h"
#include "RaspDialect/Conversion/RASPToCraft/Synthesis/Attention.h"
#include "RaspDialect/Conversion/RASPToCraft/Synthesis/Exactness.h"
#include "RaspDialect/Dialect/Craft/Analysis/Placement.h"
#include "RaspDialect/Dialect/Craft/Evaluator/Blocks.h"
#include "RaspDialect/Dialect/Craft/IR/CraftOps.h"
#include "RaspDialect/Dialect/RASP/IR/RASPOps.h"
#include "RaspDialect/Semantics/ElementFunction.h"
#include "RaspDialect/Semantics/PyValue.h"

#include "mlir/IR/Builders.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"

#include <functional>
#include <map>
#include <tuple>

namespace mlir::rasp::lowering {

//===----------------------------------------------------------------------===//
// Fusion (docs/Fusion.md)
//===----------------------------------------------------------------------===//

/// A quantity in the residual stream that a fused MLP can read: a one-hot
/// subspace, or a linear form of numerical subspaces (a mean, a difference
/// of means, a selector width's attention output 1/(w+1), ...).
struct Leaf {
  bool categorical = false;
  /// Categorical: the one-hot subspace.
  Value space;
  /// Numerical: sum of coefficient * subspace (`one` for a constant term).
  llvm::SmallVector<std::pair<Value, double>, 2> form;
  /// The value each index stands for (categorical: the directions).
  ValueSet values;
  /// Numerical: what the form reads for each value (the value itself, or
  /// 1/(w+1) for a selector width's attention output).
  std::vector<double> readings;
  /// Categorical: the largest deviation of an entry from the one-hot.
  /// Numerical: the form reads readings[i] up to absError + relError *
  /// |readings[i]|.
  double absError = 0, relError = 0;
  /// Numerical: the range of the form at BOS.
  std::pair<double, double> bosRange = {0.0, 0.0};
  /// Categorical: the subspace can be the zero vector (None).
  bool mayBeNone = false;
};

/// An SOp as a function of leaves, by its table on the reachable leaf
/// values: point p has the value indices points[p * leaves.size() + i]
/// (-1: None) and the value outputs[p].
struct FusedValue {
  llvm::SmallVector<unsigned, 4> leaves;
  std::vector<int32_t> points;
  std::vector<PyValue> outputs;
  /// Hidden units the unfused MLPs composed into this value would need.
  double cost = 0;
  /// Composed over the operands' subspaces because the fused table was
  /// refused before composing it (that fallback is already counted).
  bool refused = false;

  size_t numPoints() const { return outputs.size(); }
};

/// A value identified by type and value, so that 1, 1.0 and True stay apart
/// (and 0.0 and -0.0, which Python prints differently; NaNs are one value):
/// the distinctions of `typeName() + repr()`, without printing a float.
struct ValueKey {
  PyValue::Kind kind;
  /// The bool or int, or the bits of the float.
  int64_t bits;
  std::string str;

  explicit ValueKey(const PyValue &v);
  bool operator<(const ValueKey &other) const {
    return std::tie(kind, bits, str) <
           std::tie(other.kind, other.bits, other.str);
  }
};

/// What a lowered SOp is in the craft program.
struct SOpInfo {
  /// The subspace holding the SOp; null for a constant not yet materialised.
  Value space;
  /// Its sorted value set (None excluded: it is the zero vector).
  ValueSet values;
  bool numerical = false;
  /// The value of a `rasp.full` SOp (or of a map of one).
  std::optional<PyValue> constant;
  /// Residual label of the SOp.
  std::string label;
  /// With fusion: the SOp as a function of leaves (set for every
  /// non-constant SOp). How to recompute it over its operands' subspaces if
  /// the fused MLP is refused is the plan's (FusionDecision::fallback).
  std::optional<FusedValue> fused = std::nullopt;
};

class Lowering {
public:
  Lowering(ProgramOp source, OpBuilder &builder,
           const craft::synth::SynthesisOptions &synthesis,
           const LowerToCraftPassOptions &options);

  /// Creates the embedding and lowers every SOp the output depends on.
  LogicalResult run();

  /// The lowered form of an SOp operand (lowered before its users).
  SOpInfo &info(Value sop) {
    auto it = infos.find(sop);
    assert(it != infos.end() && "SOp used before it is lowered");
    return it->second;
  }

  /// The subspace of `sop`: a constant gets a 1-unit MLP, a fused SOp the
  /// MLP computing it from its leaves.
  FailureOr<Value> materialize(Value sop);

  /// A categorical subspace for `sop` and its value set: the SOp itself, or
  /// for a numerical SOp a cached helper MLP that one-hot encodes its values.
  FailureOr<Value> categoricalView(Operation *user, Value sop);

  /// Without fusion: a one-hot of the classes of a numerical SOp's values
  /// (value i is in class classOf[i]; the classes' first members are
  /// `representatives`), by a discretising MLP with steps only between
  /// classes.
  FailureOr<Value> classView(Operation *user, Value sop,
                             llvm::ArrayRef<size_t> classOf,
                             const ValueSet &representatives);

  /// The one-hot tuple of `spaces` (mixed radix, first most significant),
  /// cached per list: a helper for composite selectors.
  Value tupleFeature(llvm::ArrayRef<Value> spaces, llvm::StringRef label);

  /// True for a categorical subspace written by a discretising MLP, whose
  /// one-hot carries float32 rounding noise (docs/exactness.md, 3.4). With
  /// fusion, any subspace with a non-zero error bound.
  bool isNoisy(Value space) const {
    return noisy.contains(space) || errorOf(space) > 0;
  }
  void markNoisy(Value space) { noisy.insert(space); }

  /// With fusion: the error bound of a subspace (categorical: largest
  /// deviation of an entry from the one-hot; numerical: absolute).
  double errorOf(Value space) const { return errors.lookup(space); }
  void setError(Value space, double error) { errors[space] = error; }

  /// The sublayer a subspace is written in (the placement model,
  /// craft/Analysis/Placement.h): -1 for the embedding and, with
  /// fold-embeddings, for MLPs the embedding will write; then attention 0,
  /// MLP 1, attention 2, ...
  int64_t depthOf(Value space) { return placement.slotOf(space); }
  /// The deepest sublayer among the subspaces a fused value reads.
  int64_t depthOf(const FusedValue &value);

  /// The leaf of a subspace that holds an SOp with `values` (registered
  /// once per subspace).
  unsigned leafOf(Value space, const ValueSet &values, bool numerical,
                  bool mayBeNone = false);
  /// Registers a leaf, or returns the id of an equal one.
  unsigned addLeaf(Leaf leaf);
  const Leaf &leaf(unsigned id) const { return leaves[id]; }
  /// The identity function of a leaf.
  FusedValue identity(unsigned id) const;

  /// `space` itself if it is exact, else a cached copy through clamp units.
  Value clean(Value space);

  /// The numerical position features i and i^2 (0 at BOS), each computed
  /// by a one-unit MLP of `indices` that fold-embeddings places in the
  /// embedding; null if the positions are not 0 .. N-1.
  std::pair<Value, Value> positionFeatures();

  /// The exact numerical value x of an affine position that reads a
  /// selector width, and x^2 (docs/exactness.md, 7.4), cached per form.
  FailureOr<std::pair<Value, Value>> affineFeatures(Operation *user,
                                                    const AffinePosition &form);

  /// Records the lowered form of an SOp result.
  void define(Value sop, SOpInfo info) { infos[sop] = std::move(info); }

  /// The sorted value set of an SOp op (its `values` attribute), None
  /// dropped; a diagnostic if missing.
  FailureOr<ValueSet> valuesOf(Operation *op);

  /// A fresh residual label for `op`: its NameLoc name or `<mnemonic>_<n>`.
  std::string labelFor(Operation *op);
  /// `base`, made unique among the program's labels.
  std::string uniqueLabel(llvm::StringRef base);

  /// The basis of a categorical or numerical subspace.
  craft::SpaceAttr spaceFor(llvm::StringRef label, const ValueSet *values);

  /// Emits an MLP with a single result.
  Value buildMLP(Location loc, const craft::MLPBlock &block, ValueRange inputs,
                 craft::SpaceAttr space);

  /// Counts a fused MLP that is not used (the pass statistic) and, with
  /// `fusion-remarks`, says at `loc` why.
  void noteFusionFallback(Location loc, const llvm::Twine &reason);

  /// Reports a synthesis error at `op`.
  LogicalResult fail(Operation *op, llvm::Error error);

  /// Checks a table of `rows` x `cols` entries and an estimated `bytes`
  /// that `op` is about to build (`what`: "the sequence map table") against
  /// the memory budget, before it is allocated: over it is an error at `op`
  /// naming the SOp, the size and the option that raises the budget.
  LogicalResult checkTableSize(Operation *op, uint64_t rows, uint64_t cols,
                               uint64_t bytes, llvm::StringRef what);

  /// Calls an element function, reporting a failure at `op`.
  FailureOr<PyValue> call(Operation *op, const ElementFunction &fn,
                          llvm::ArrayRef<PyValue> args);

  OpBuilder &builder;
  LowerToCraftStats stats;
  craft::ProgramSlots placement;
  /// With fusion: the decision per SOp lowered as a table over leaves.
  FusionPlan plan;
  const craft::synth::SynthesisOptions &synthesis;
  const LowerToCraftPassOptions &options;
  ProgramOp source;
  Value tokens, indices, one, bos;
  ValueSet tokenValues, indexValues;
  /// With index-arithmetic: the encoding chosen for each position selector.
  std::optional<IndexArithmetic> indexArithmetic;

private:
  LogicalResult lowerOp(Operation *op);
  /// Without fusion: one MLP per map, sequence_map and linear_sequence_map.
  LogicalResult lowerLegacyElementwise(Operation *op);

  llvm::DenseMap<Value, SOpInfo> infos;
  std::vector<Leaf> leaves;
  llvm::StringMap<unsigned> leafKeys;
  llvm::DenseMap<Value, double> errors;
  llvm::DenseMap<Value, Value> categoricalViews;
  std::map<std::vector<void *>, Value> tupleFeatures;
  llvm::DenseSet<Value> noisy;
  llvm::DenseMap<Value, Value> cleanCopies;
  std::optional<std::pair<Value, Value>> positionFeatureSpaces;
  std::map<std::tuple<void *, int64_t, int64_t, int64_t>,
           std::pair<Value, Value>>
      affineFeatureSpaces;
  llvm::StringSet<> labels;
  llvm::DenseMap<llvm::StringRef, unsigned> counters;
};

//===----------------------------------------------------------------------===//
// Op families (one file each)
//===----------------------------------------------------------------------===//

/// A function of one SOp (a map, or a sequence_map with a constant operand)
/// given by its value on each of the input's values.
using UnaryFn = llvm::function_ref<FailureOr<PyValue>(const PyValue &)>;

/// Lowers the result of `op` as f(input), by the input's encoding: a
/// constant stays a constant, categorical and numerical inputs go to the
/// functions below.
LogicalResult lowerUnary(Lowering &l, Operation *op, Value input, UnaryFn f);

/// Categorical MLPs: f of a categorical input (lookup tables),
/// rasp.sequence_map (product hidden layer) and rasp.full.
LogicalResult lowerCategoricalFunction(Lowering &l, Operation *op, Value input,
                                       llvm::ArrayRef<PyValue> outputs);
LogicalResult lowerSequenceMap(Lowering &l, SequenceMapOp op);
LogicalResult lowerFull(Lowering &l, FullOp op);

/// Numerical MLPs: f of a numerical input (discretising or affine) and
/// rasp.linear_sequence_map.
LogicalResult lowerNumericalFunction(Lowering &l, Operation *op, Value input,
                                     llvm::ArrayRef<PyValue> outputs);
LogicalResult lowerLinearSequenceMap(Lowering &l, LinearSequenceMapOp op);

/// An element function over argument values, reporting its own failures.
using ElementFn = llvm::function_ref<FailureOr<PyValue>(ArrayRef<PyValue>)>;

/// With fusion: `f` applied to the joined tables of `args` over `leaves`
/// (joinedLeaves; a point of the result is a point of every argument,
/// agreeing on shared leaves; None arguments give None). `classes[i][p]` is
/// the class of argument i's value at its point p: f gives the same result
/// for arguments in the same classes, so it is called once per combination
/// of classes. The join is judged (judgeJoin) before it is composed.
FailureOr<FusedValue> composeTables(ArrayRef<const FusedValue *> args,
                                    ArrayRef<unsigned> leaves,
                                    ArrayRef<std::vector<int32_t>> classes,
                                    ElementFn f);

/// With fusion: map, sequence_map and linear_sequence_map become functions
/// of leaves; nothing is emitted until a consumer needs the subspace.
LogicalResult lowerElementwise(Lowering &l, Operation *op);

/// With fusion: the MLP computing a fused SOp from its leaves (or, if that
/// MLP is refused, from its operands' subspaces).
FailureOr<Value> materializeFused(Lowering &l, Value sop);

/// With fusion: the table of an elementwise `op` over its operands'
/// subspaces, read as `mode` (Materialized or Classes: numerical operands
/// of a sequence_map through class views, one-hots of the classes of values
/// the function does not tell apart) says; materialises what it reads.
FailureOr<FusedValue> composeOverOperands(Lowering &l, Operation *op,
                                          OperandMode mode);

/// With fusion: a factorised selector width over each head's width decoded
/// on its own (the fallback Fallback::WidthParts).
FailureOr<FusedValue> widthParts(Lowering &l, SelectorWidthOp op);

/// With fusion: an MLP writing `value` as a one-hot over `outValues` (or a
/// number if null) to a new subspace labelled after `label`.
FailureOr<Value> buildFusedMLP(Lowering &l, Operation *user,
                               const FusedValue &value,
                               const ValueSet *outValues,
                               llvm::StringRef label);

/// With fusion: the leaf of a selector width's attention output 1/(w+1) for
/// the widths `widths`, given the head's logit error and softmax scale.
FailureOr<Leaf> widthLeaf(Operation *op, Value attention,
                          const ValueSet &widths, double logitError,
                          double scale);

/// With fusion: a one-hot view of a numerical SOp, computed from its leaves.
FailureOr<Value> fusedCategoricalView(Lowering &l, Operation *user, Value sop);

/// rasp.aggregate.
LogicalResult lowerAggregate(Lowering &l, AggregateOp op);

/// rasp.selector_width.
LogicalResult lowerSelectorWidth(Lowering &l, SelectorWidthOp op);

/// A selector compiled to an attention head: its block (with the caller's
/// W_OV) and the subspaces of its query and key operand lists.
struct LoweredSelector {
  craft::AttentionBlock block;
  llvm::SmallVector<Value> queries, keys;
  /// With fusion: a bound on how far any logit (before the softmax scale)
  /// is off because the query and key subspaces are noisy.
  double logitError = 0;
};

/// Lowers `selector` (rasp.select, select_where, selector_and/or/not) for
/// the aggregate or selector width `user`, building the tuple features and
/// categorical views it needs.
/// `label` names the helper components.
FailureOr<LoweredSelector> lowerSelector(Lowering &l, Operation *user,
                                         Value selector,
                                         craft::synth::HeadKind kind,
                                         craft::Matrix wov,
                                         llvm::StringRef label);

/// With index-arithmetic: the quadratic-form head of a selector the
/// analysis chose to compile so (docs/exactness.md, section 7).
FailureOr<LoweredSelector> lowerIndexSelector(Lowering &l, Operation *user,
                                              const IndexSelectorPlan &plan,
                                              craft::synth::HeadKind kind,
                                              craft::Matrix wov);

/// The head of a conjunction of terms over `operands` (subspaces indexed by
/// the terms' operand ids), with noisy operands cleaned where needed.
FailureOr<LoweredSelector>
lowerSelectorTerms(Lowering &l, Operation *user,
                   llvm::ArrayRef<craft::synth::SelectorTerm> terms,
                   llvm::ArrayRef<Value> operands, craft::synth::HeadKind kind,
                   craft::Matrix wov);

/// With fusion and factor-selectors: lowers a selector width over a select
/// of sequence_maps of two SOps as one head per rectangle of the relation
/// (docs/Fusion.md, "Factorised selector widths"). Returns false, emitting
/// nothing, where that does not pay off or does not apply.
FailureOr<bool> lowerFactorisedWidth(Lowering &l, SelectorWidthOp op,
                                     const ValueSet &widths, bool numerical,
                                     const std::string &label);

} // namespace mlir::rasp::lowering

#endif // RASPDIALECT_LIB_CONVERSION_RASPTOCRAFT_LOWERING_H
