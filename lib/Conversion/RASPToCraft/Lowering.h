//===- Lowering.h - State of the rasp-to-craft lowering ---------*- C++ -*-===//
//
// Shared by the lowering's files, one per op family: the craft subspace (or
// constant) of every lowered SOp, labels, cached helper components and the
// synthesis options. Each family file defines one `lower...` function.
//
//===----------------------------------------------------------------------===//

#ifndef RASPDIALECT_LIB_CONVERSION_RASPTOCRAFT_LOWERING_H
#define RASPDIALECT_LIB_CONVERSION_RASPTOCRAFT_LOWERING_H

#include "RaspDialect/Conversion/RASPToCraft/RASPToCraft.h"
#include "RaspDialect/Conversion/RASPToCraft/Synthesis/Attention.h"
#include "RaspDialect/Conversion/RASPToCraft/Synthesis/Exactness.h"
#include "RaspDialect/Dialect/Craft/Evaluator/Blocks.h"
#include "RaspDialect/Dialect/Craft/IR/CraftOps.h"
#include "RaspDialect/Dialect/RASP/IR/RASPOps.h"
#include "RaspDialect/Semantics/ElementFunction.h"
#include "RaspDialect/Semantics/PyValue.h"

#include "mlir/IR/Builders.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/StringSet.h"

#include <map>

namespace mlir::rasp::lowering {

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
};

class Lowering {
public:
  Lowering(ProgramOp source, OpBuilder &builder,
           const craft::synth::SynthesisOptions &synthesis,
           const LowerToCraftOptions &options);

  /// Creates the embedding and lowers every SOp the output depends on.
  LogicalResult run();

  /// The lowered form of an SOp operand (lowered before its users).
  SOpInfo &info(Value sop) { return infos.find(sop)->second; }

  /// The subspace of `sop`, materialising a constant with a 1-unit MLP.
  Value materialize(Value sop);

  /// A categorical subspace for `sop` and its value set: the SOp itself, or
  /// for a numerical SOp a cached helper MLP that one-hot encodes its values.
  FailureOr<Value> categoricalView(Operation *user, Value sop);

  /// The one-hot tuple of `spaces` (mixed radix, first most significant),
  /// cached per list: a helper for composite selectors.
  Value tupleFeature(llvm::ArrayRef<Value> spaces, llvm::StringRef label);

  /// True for a categorical subspace written by a discretising MLP, whose
  /// one-hot carries float32 rounding noise (docs/exactness.md, 3.4).
  bool isNoisy(Value space) const { return noisy.contains(space); }
  void markNoisy(Value space) { noisy.insert(space); }

  /// `space` itself if it is exact, else a cached copy through clamp units.
  Value clean(Value space);

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

  /// Reports a synthesis error at `op`.
  LogicalResult fail(Operation *op, llvm::Error error);

  /// Calls an element function, reporting a failure at `op`.
  FailureOr<PyValue> call(Operation *op, const ElementFunction &fn,
                          llvm::ArrayRef<PyValue> args);

  OpBuilder &builder;
  const craft::synth::SynthesisOptions &synthesis;
  const LowerToCraftOptions &options;
  ProgramOp source;
  Value tokens, indices, one, bos;
  ValueSet tokenValues, indexValues;

private:
  LogicalResult lowerOp(Operation *op);

  llvm::DenseMap<Value, SOpInfo> infos;
  llvm::DenseMap<Value, Value> categoricalViews;
  std::map<std::vector<void *>, Value> tupleFeatures;
  llvm::DenseSet<Value> noisy;
  llvm::DenseMap<Value, Value> cleanCopies;
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

/// rasp.aggregate.
LogicalResult lowerAggregate(Lowering &l, AggregateOp op);

/// rasp.selector_width.
LogicalResult lowerSelectorWidth(Lowering &l, SelectorWidthOp op);

/// A selector compiled to an attention head: its block (with the caller's
/// W_OV) and the subspaces of its query and key operand lists.
struct LoweredSelector {
  craft::AttentionBlock block;
  llvm::SmallVector<Value> queries, keys;
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

} // namespace mlir::rasp::lowering

#endif // RASPDIALECT_LIB_CONVERSION_RASPTOCRAFT_LOWERING_H
