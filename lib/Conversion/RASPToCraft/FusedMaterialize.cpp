//===- FusedMaterialize.cpp - The MLP of a fused SOp ----------------------===//
//
// Builds the one MLP that writes a fused SOp (or a one-hot view of it) from
// its leaves, within the width budget; if the fused MLP is refused, from its
// operands' subspaces, and as a last resort from class views of numerical
// operands (docs/Fusion.md, "Materialisation").
//
//===----------------------------------------------------------------------===//

#include "Lowering.h"

#include "RaspDialect/Conversion/RASPToCraft/Synthesis/CategoricalMLP.h"
#include "RaspDialect/Conversion/RASPToCraft/Synthesis/FusedMLP.h"

#include <cmath>

using namespace mlir;
using namespace mlir::rasp;
using namespace mlir::rasp::lowering;
namespace synth = mlir::craft::synth;

namespace {
/// A fused MLP ready to be emitted: its block, operands and error bound.
struct Synthesized {
  craft::MLPBlock block;
  SmallVector<Value> operands;
  double error;
};
} // namespace

/// The largest magnitude a numerical subspace holds: the largest reading of
/// a leaf that is that subspace alone, else 1 (attention outputs, `one`).
static double magnitudeOf(Lowering &l, const FusedValue &value, Value space) {
  double m = 0;
  for (unsigned id : value.leaves) {
    const Leaf &leaf = l.leaf(id);
    if (leaf.categorical || leaf.form.size() != 1 ||
        leaf.form.front().first != space)
      continue;
    for (double r : leaf.readings)
      m = std::max(m, std::abs(r / leaf.form.front().second));
  }
  return m > 0 ? m : 1.0;
}

/// Synthesises `value` as an MLP writing `outputs` (a categorical space
/// over `outValues`, or one number if null). `maxHidden` 0: no limit.
static llvm::Expected<Synthesized> synthesize(Lowering &l,
                                              const FusedValue &value,
                                              const ValueSet *outValues,
                                              int64_t maxHidden) {
  // Operands: the leaves' subspaces in order of first use, then one, bos.
  Synthesized result;
  llvm::DenseMap<Value, int64_t> rowOf;
  int64_t rows = 0;
  auto addOperand = [&](Value space) {
    if (space == l.one || rowOf.count(space))
      return;
    rowOf[space] = rows;
    rows += cast<craft::VecType>(space.getType()).getDim();
    result.operands.push_back(space);
  };
  for (unsigned id : value.leaves) {
    const Leaf &leaf = l.leaf(id);
    if (leaf.categorical)
      addOperand(leaf.space);
    for (auto [space, coeff] : leaf.form)
      addOperand(space);
  }
  synth::FusedFunction fn;
  for (Value v : result.operands)
    fn.inputDims.push_back(cast<craft::VecType>(v.getType()).getDim());
  fn.inputDims.append({1, 1});
  fn.oneRow = rows;
  fn.bosRow = rows + 1;
  rowOf[l.one] = fn.oneRow;

  // Features: numerical leaves first, then categorical ones.
  SmallVector<size_t> numericalColumns, categoricalColumns;
  for (auto [column, id] : llvm::enumerate(value.leaves)) {
    const Leaf &leaf = l.leaf(id);
    if (leaf.categorical) {
      categoricalColumns.push_back(column);
      fn.categorical.push_back({rowOf[leaf.space],
                                static_cast<int64_t>(leaf.values.size()),
                                leaf.absError});
      continue;
    }
    numericalColumns.push_back(column);
    synth::NumericalFeature f;
    for (auto [space, coeff] : leaf.form)
      f.form.push_back({rowOf[space], coeff, magnitudeOf(l, value, space)});
    f.readings = leaf.readings;
    f.absError = leaf.absError;
    f.relError = leaf.relError;
    f.bosRange = leaf.bosRange;
    fn.numerical.push_back(std::move(f));
  }
  size_t width = value.leaves.size();
  // "input 2" or "inputs (2, 'a')": the leaf values of point p.
  auto describe = [&](size_t p) {
    std::string text;
    for (size_t c = 0; c < width; ++c) {
      int32_t i = value.points[p * width + c];
      text +=
          (c ? ", " : "") + (i < 0 ? std::string("None")
                                   : l.leaf(value.leaves[c]).values[i].repr());
    }
    return width == 1 ? "input " + text : "inputs (" + text + ")";
  };
  for (size_t p = 0; p < value.numPoints(); ++p) {
    bool noneInput = false;
    for (size_t c : numericalColumns)
      fn.points.push_back(value.points[p * width + c]);
    for (size_t c : categoricalColumns) {
      fn.points.push_back(value.points[p * width + c]);
      noneInput |= value.points[p * width + c] < 0;
    }
    const PyValue &out = value.outputs[p];
    synth::SparseVector row;
    if (out.isNone()) {
      if (!outValues && !noneInput)
        return llvm::createStringError(
            "the value for " + describe(p) +
            " is None, which a numerical SOp cannot hold");
    } else if (outValues) {
      int64_t o = synth::indexIn(*outValues, out);
      if (o < 0)
        return llvm::createStringError("the function yields " + out.repr() +
                                       " for " + describe(p) +
                                       ", which is not in the output value "
                                       "set");
      row = {{o, 1.0}};
    } else {
      llvm::Expected<double> v =
          synth::toNumber(out, [&] { return "the value for " + describe(p); });
      if (!v)
        return v.takeError();
      if (*v != 0)
        row = {{0, *v}};
    }
    fn.outputs.push_back(std::move(row));
  }
  fn.outputDims = {outValues ? static_cast<int64_t>(outValues->size()) : 1};
  fn.numericalOutput = !outValues;

  llvm::Expected<synth::FusedMLP> mlp =
      synth::synthesizeFused(fn, l.synthesis, maxHidden);
  if (!mlp)
    return mlp.takeError();
  result.block = std::move(mlp->block);
  result.error = mlp->outputError;
  result.operands.append({l.one, l.bos});
  return result;
}

/// Emits a synthesised MLP writing `space` and records its error.
static Value emit(Lowering &l, Location loc, Synthesized &s,
                  craft::SpaceAttr space) {
  Value v = l.buildMLP(loc, s.block, s.operands, space);
  l.setError(v, s.error);
  return v;
}

/// The subspace a fused value already is: the identity of a one-hot leaf
/// with the same values, or of a numerical subspace.
static Value reusableSpace(Lowering &l, const SOpInfo &info) {
  const FusedValue &value = *info.fused;
  if (value.leaves.size() != 1)
    return Value();
  const Leaf &leaf = l.leaf(value.leaves.front());
  for (size_t p = 0; p < value.numPoints(); ++p) {
    int32_t i = value.points[p];
    if (i < 0 ? !value.outputs[p].isNone()
              : !value.outputs[p].identical(leaf.values[i]))
      return Value();
  }
  if (leaf.categorical && !info.numerical &&
      leaf.values.size() == info.values.size() &&
      llvm::all_of(llvm::zip(leaf.values, info.values), [](auto t) {
        return std::get<0>(t).identical(std::get<1>(t));
      }))
    return leaf.space;
  if (!leaf.categorical && info.numerical && leaf.form.size() == 1 &&
      leaf.form.front().second == 1.0 &&
      llvm::all_of(llvm::zip(leaf.values, leaf.readings), [](auto t) {
        return std::get<0>(t).toDouble() == std::get<1>(t);
      }))
    return leaf.form.front().first;
  return Value();
}

/// The error bound above which a numerical fused MLP is compared with the
/// MLPs over its operands' subspaces. A numerical value is typically
/// averaged next: its means over up to N positions are 1/N apart, and a
/// later comparison tells them apart only while the error stays well below
/// half of that. Below 1/(4N) (and never below 1e-3) the fused MLP is kept,
/// so short models keep the fused layer structure.
static double fusedErrorRetry(int64_t maxSeqLen) {
  return std::max(
      1e-3, 1.0 / (4.0 * static_cast<double>(std::max<int64_t>(maxSeqLen, 1))));
}

/// The plan's recomputation of `op`'s SOp over its operands' subspaces.
static FailureOr<FusedValue> fallbackValue(Lowering &l, Operation *op,
                                           const FusionDecision &decision) {
  if (decision.fallback == Fallback::WidthParts)
    return widthParts(l, cast<SelectorWidthOp>(op));
  return composeOverOperands(l, op, decision.fallbackMode);
}

/// The fused MLP of `sop`'s table, within the budget of
/// `max(64, fuse-width-factor x cost)` units, unless its estimated work
/// refuses it first; else std::nullopt, with why in `reason` (counted in
/// the statistic unless the table itself was refused already).
static std::optional<Synthesized> tryFusedMLP(Lowering &l, Value sop,
                                              const ValueSet *outValues,
                                              std::string &reason) {
  const FusedValue &value = *l.info(sop).fused;
  int64_t budget = std::max<int64_t>(
      kMinFusedHidden,
      static_cast<int64_t>(l.options.fuseWidthFactor * value.cost));
  // Judge the synthesis' cost before paying it: it tabulates every point
  // and bounds the error of every unit it builds over them.
  std::optional<std::string> refusal = synthesisRefusal(l, value);
  llvm::Expected<Synthesized> fused =
      refusal ? llvm::Expected<Synthesized>(llvm::createStringError(*refusal))
              : synthesize(l, value, outValues, budget);
  if (fused)
    return std::move(*fused);
  reason = llvm::toString(fused.takeError());
  if (!value.refused) {
    Operation *op = sop.getDefiningOp();
    l.noteFusionFallback(op ? op->getLoc() : sop.getLoc(), reason);
  }
  return std::nullopt;
}

/// Where the fused MLP `s` of `sop` is refused (or numerical and noisier
/// than fusedErrorRetry): the plan's fallback over the operands'
/// subspaces, then a sequence_map's table over class views of its
/// numerical operands; each attempt materialises what it reads. A
/// numerical value can come out with an error bound that a later
/// comparison of its means cannot afford (`numerical((b1 < 0) or (b2 <
/// 0))` of shuffle_dyck2 at N = 12: 0.04 fused or over b1 and b2, too much
/// for the mean over all positions next to 1/12, while the table over
/// class views of b1 and b2 is exact): then the next attempts are tried too
/// and the smallest bound is kept.
static LogicalResult fallBack(Lowering &l, Value sop, const ValueSet *outValues,
                              std::optional<Synthesized> &s,
                              std::string &reason) {
  Operation *op = sop.getDefiningOp();
  bool numerical = l.info(sop).numerical;
  double retryAbove = fusedErrorRetry(l.synthesis.maxSeqLen);
  // A copy: falling back lowers more ops, which may grow the plan.
  std::optional<FusionDecision> decision;
  if (const FusionDecision *d = op ? l.plan.lookup(op) : nullptr)
    decision = *d;
  for (int attempt = 0; attempt < 2; ++attempt) {
    bool refused = !s;
    if (!refused && !(numerical && s->error > retryAbove))
      break;
    FailureOr<FusedValue> cut = failure();
    if (attempt == 0 && decision)
      cut = fallbackValue(l, op, *decision);
    else if (attempt == 1 && isa_and_nonnull<SequenceMapOp>(op))
      cut = composeOverOperands(l, op, OperandMode::Classes);
    else
      continue;
    if (failed(cut))
      return failure();
    llvm::Expected<Synthesized> t = synthesize(l, *cut, outValues, 0);
    if (!t) {
      if (refused)
        reason = llvm::toString(t.takeError());
      else
        llvm::consumeError(t.takeError());
      continue;
    }
    if (!refused) {
      if (!(t->error < s->error))
        continue;
      l.noteFusionFallback(op ? op->getLoc() : sop.getLoc(),
                           "its error bound " + std::to_string(s->error) +
                               " exceeds the " + std::to_string(t->error) +
                               " of an MLP over its operands' subspaces");
    }
    s = std::move(*t);
  }
  return success();
}

FailureOr<Value> mlir::rasp::lowering::materializeFused(Lowering &l,
                                                        Value sop) {
  SOpInfo &info = l.info(sop);
  Operation *op = sop.getDefiningOp();
  if (Value reuse = reusableSpace(l, info)) {
    l.info(sop).space = reuse;
    return reuse;
  }
  const ValueSet *outValues = info.numerical ? nullptr : &info.values;
  craft::SpaceAttr space = l.spaceFor(info.label, outValues);
  std::string reason;
  std::optional<Synthesized> s = tryFusedMLP(l, sop, outValues, reason);
  if (failed(fallBack(l, sop, outValues, s, reason)))
    return failure();
  if (!s)
    return (op ? op->emitOpError() : emitError(sop.getLoc()))
           << "cannot be lowered to craft: " << reason;
  Value v = emit(l, sop.getLoc(), *s, space);
  SOpInfo &updated = l.info(sop);
  updated.space = v;
  bool mayBeNone = llvm::any_of(updated.fused->outputs,
                                [](const PyValue &x) { return x.isNone(); });
  l.leafOf(v, updated.values, updated.numerical, mayBeNone);
  return v;
}

FailureOr<Value> mlir::rasp::lowering::buildFusedMLP(Lowering &l,
                                                     Operation *user,
                                                     const FusedValue &value,
                                                     const ValueSet *outValues,
                                                     StringRef label) {
  llvm::Expected<Synthesized> s = synthesize(l, value, outValues, 0);
  if (!s)
    return l.fail(user, s.takeError());
  return emit(l, user->getLoc(), *s,
              l.spaceFor(l.uniqueLabel(label), outValues));
}

FailureOr<Value> mlir::rasp::lowering::fusedCategoricalView(Lowering &l,
                                                            Operation *user,
                                                            Value sop) {
  SOpInfo &info = l.info(sop);
  craft::SpaceAttr space =
      l.spaceFor(l.uniqueLabel(info.label + "_cat"), &info.values);
  llvm::Expected<Synthesized> s = synthesize(l, *info.fused, &info.values, 0);
  if (!s) {
    // From the SOp's own subspace.
    llvm::consumeError(s.takeError());
    FailureOr<Value> own = l.materialize(sop);
    if (failed(own))
      return failure();
    s = synthesize(l, l.identity(l.leafOf(*own, info.values, true)),
                   &info.values, 0);
  }
  if (!s)
    return l.fail(user, s.takeError());
  return emit(l, sop.getLoc(), *s, space);
}
