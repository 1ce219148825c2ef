//===- Fusion.cpp - Elementwise SOps as functions of leaves ---------------===//
//
// With fusion (docs/Fusion.md), a map, sequence_map or linear_sequence_map
// is not lowered to an MLP of its own: it becomes a table over the *leaves*
// it depends on (attention outputs, embeddings and already materialised
// SOps), composed from its operands' tables. Only when a consumer needs the
// SOp in the residual stream (an aggregate, a select, the output) does
// materializeFused() build the one MLP computing it from those leaves.
//
//===----------------------------------------------------------------------===//

#include "Lowering.h"

#include "RaspDialect/Conversion/RASPToCraft/Synthesis/CategoricalMLP.h"
#include "RaspDialect/Conversion/RASPToCraft/Synthesis/NumericalMLP.h"

#include "llvm/ADT/TypeSwitch.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <set>

using namespace mlir;
using namespace mlir::rasp;
using namespace mlir::rasp::lowering;
namespace synth = mlir::craft::synth;

namespace {
/// How composeOp reads the operands.
enum class OperandMode {
  /// Their functions of leaves, or their subspaces where that is no deeper.
  Inline,
  /// Their subspaces (materialising them).
  Materialized,
  /// Their subspaces, numerical operands through one-hot views of the
  /// classes of values the function does not distinguish.
  Classes,
};
} // namespace

ValueKey::ValueKey(const PyValue &v) : kind(v.getKind()), bits(0) {
  if (v.isBool() || v.isInt()) {
    bits = v.getInt();
  } else if (v.isFloat()) {
    double d = std::isnan(v.getFloat())
                   ? std::numeric_limits<double>::quiet_NaN()
                   : v.getFloat();
    std::memcpy(&bits, &d, sizeof(bits));
  } else if (v.isStr()) {
    str = v.getStr();
  } else if (v.isTuple()) {
    // repr keeps the items' types and values apart (1, 1.0, True).
    str = v.repr();
  }
}

/// Ids of the values of `outputs`, equal iff their keys are.
static std::vector<int32_t> valueIds(ArrayRef<PyValue> outputs) {
  std::map<ValueKey, int32_t> ids;
  std::vector<int32_t> result;
  result.reserve(outputs.size());
  for (const PyValue &v : outputs)
    result.push_back(
        ids.try_emplace(ValueKey(v), static_cast<int32_t>(ids.size()))
            .first->second);
  return result;
}

//===----------------------------------------------------------------------===//
// Composition
//===----------------------------------------------------------------------===//

/// A constant as a function of no leaves.
static FusedValue constantValue(const PyValue &c) {
  FusedValue v;
  v.outputs = {c};
  return v;
}

/// `f` applied to the joined tables of `args`: a point of the result is a
/// point of each argument, agreeing on shared leaves. None arguments give
/// None (map semantics). Returns std::nullopt if a table over several
/// leaves would exceed `maxPoints` (a table over one leaf is as large as its
/// value set, as without fusion), and failure if `f` fails (reported by
/// `f`).
static FailureOr<std::optional<FusedValue>>
compose(ArrayRef<const FusedValue *> args,
        llvm::function_ref<FailureOr<PyValue>(ArrayRef<PyValue>)> f,
        int64_t maxPoints) {
  FusedValue out;
  for (const FusedValue *a : args)
    for (unsigned leaf : a->leaves)
      if (!llvm::is_contained(out.leaves, leaf))
        out.leaves.push_back(leaf);
  llvm::sort(out.leaves);
  size_t width = out.leaves.size();
  if (width < 2)
    maxPoints = INT64_MAX;
  // The columns of each argument's leaves; a column is fresh for the first
  // argument that has it and compared against by the later ones.
  std::vector<SmallVector<std::pair<size_t, bool>, 4>> columns;
  std::vector<bool> seen(width, false);
  for (const FusedValue *a : args) {
    auto &cols = columns.emplace_back();
    for (unsigned leaf : a->leaves) {
      size_t column = llvm::find(out.leaves, leaf) - out.leaves.begin();
      cols.push_back({column, !seen[column]});
      seen[column] = true;
    }
  }

  // Depth-first join: extend a partial point with each compatible point of
  // the next argument.
  std::vector<int32_t> partial(width, INT32_MIN);
  std::vector<size_t> chosen(args.size());
  // f is called once per combination of argument values, not per point.
  std::vector<std::vector<int32_t>> ids;
  for (const FusedValue *a : args)
    ids.push_back(valueIds(a->outputs));
  std::map<std::vector<int32_t>, PyValue> memo;
  std::vector<int32_t> key(args.size());
  // Few combinations (the usual case): memoised in a table indexed by the
  // combination, without building and comparing keys.
  constexpr uint64_t kMaxDenseMemo = uint64_t(1) << 20;
  uint64_t combinations = 1;
  std::vector<uint64_t> radix;
  for (const std::vector<int32_t> &argIds : ids) {
    radix.push_back(combinations);
    uint64_t distinct = 1 + (argIds.empty() ? 0 : *llvm::max_element(argIds));
    combinations =
        combinations > kMaxDenseMemo ? combinations : combinations * distinct;
  }
  bool dense = combinations <= kMaxDenseMemo;
  std::vector<int32_t> denseSlot(dense ? combinations : 0, -1);
  std::vector<PyValue> denseResults;
  std::vector<PyValue> inputs;
  const PyValue none;
  bool tooLarge = false;
  std::function<LogicalResult(size_t)> extend = [&](size_t a) -> LogicalResult {
    if (tooLarge)
      return success();
    if (a == args.size()) {
      if (static_cast<int64_t>(out.outputs.size()) >= maxPoints) {
        tooLarge = true;
        return success();
      }
      bool anyNone = false;
      for (size_t i = 0; i < args.size(); ++i) {
        key[i] = ids[i][chosen[i]];
        anyNone |= args[i]->outputs[chosen[i]].isNone();
      }
      const PyValue *result = &none;
      if (!anyNone && dense) {
        uint64_t index = 0;
        for (size_t i = 0; i < args.size(); ++i)
          index += radix[i] * static_cast<uint64_t>(key[i]);
        int32_t &slot = denseSlot[index];
        if (slot < 0) {
          inputs.clear();
          for (size_t i = 0; i < args.size(); ++i)
            inputs.push_back(args[i]->outputs[chosen[i]]);
          FailureOr<PyValue> r = f(inputs);
          if (failed(r))
            return failure();
          slot = static_cast<int32_t>(denseResults.size());
          denseResults.push_back(*r);
        }
        result = &denseResults[slot];
      } else if (!anyNone) {
        auto it = memo.find(key);
        if (it == memo.end()) {
          inputs.clear();
          for (size_t i = 0; i < args.size(); ++i)
            inputs.push_back(args[i]->outputs[chosen[i]]);
          FailureOr<PyValue> r = f(inputs);
          if (failed(r))
            return failure();
          it = memo.emplace(key, *r).first;
        }
        result = &it->second;
      }
      out.points.insert(out.points.end(), partial.begin(), partial.end());
      out.outputs.push_back(*result);
      return success();
    }
    const FusedValue &arg = *args[a];
    size_t argWidth = arg.leaves.size();
    for (size_t p = 0; p < arg.numPoints(); ++p) {
      // Fresh columns are overwritten here before anything reads them.
      bool compatible = true;
      for (size_t i = 0; i < argWidth && compatible; ++i) {
        auto [column, fresh] = columns[a][i];
        int32_t v = arg.points[p * argWidth + i];
        if (fresh)
          partial[column] = v;
        else
          compatible = partial[column] == v;
      }
      if (compatible) {
        chosen[a] = p;
        if (failed(extend(a + 1)))
          return failure();
      }
    }
    return success();
  };
  if (failed(extend(0)))
    return failure();
  if (tooLarge)
    return std::optional<FusedValue>();
  return std::optional<FusedValue>(std::move(out));
}

/// Drops the leaves the outputs do not depend on (and the duplicate points
/// that leaves behind).
static void dropUnusedLeaves(FusedValue &v) {
  for (size_t column = v.leaves.size(); column-- > 0;) {
    size_t width = v.leaves.size();
    // The output must be the same for every value of this leaf.
    std::vector<int32_t> ids = valueIds(v.outputs);
    std::map<std::vector<int32_t>, int32_t> byRest;
    bool used = false;
    for (size_t p = 0; p < v.numPoints() && !used; ++p) {
      std::vector<int32_t> rest;
      for (size_t i = 0; i < width; ++i)
        if (i != column)
          rest.push_back(v.points[p * width + i]);
      auto [it, inserted] = byRest.try_emplace(rest, ids[p]);
      used = !inserted && it->second != ids[p];
    }
    if (used)
      continue;
    FusedValue reduced;
    reduced.cost = v.cost;
    for (size_t i = 0; i < width; ++i)
      if (i != column)
        reduced.leaves.push_back(v.leaves[i]);
    std::set<std::vector<int32_t>> seen;
    for (size_t p = 0; p < v.numPoints(); ++p) {
      std::vector<int32_t> rest;
      for (size_t i = 0; i < width; ++i)
        if (i != column)
          rest.push_back(v.points[p * width + i]);
      if (!seen.insert(rest).second)
        continue;
      reduced.points.insert(reduced.points.end(), rest.begin(), rest.end());
      reduced.outputs.push_back(v.outputs[p]);
    }
    v = std::move(reduced);
  }
}

//===----------------------------------------------------------------------===//
// Operands
//===----------------------------------------------------------------------===//

static std::optional<unsigned> linearLeaf(Lowering &l, Value sop);

/// The function of leaves standing for a materialised SOp. A linear form
/// (a mean, a difference of means) is read as it is: its subspace would be
/// an MLP further away.
static FailureOr<FusedValue> materializedValue(Lowering &l, Value sop) {
  SOpInfo &info = l.info(sop);
  if (info.constant)
    return constantValue(*info.constant);
  if (linearLeaf(l, sop))
    return *info.fused;
  FailureOr<Value> space = l.materialize(sop);
  if (failed(space))
    return failure();
  bool mayBeNone =
      info.fused && llvm::any_of(info.fused->outputs,
                                 [](const PyValue &v) { return v.isNone(); });
  return l.identity(l.leafOf(*space, info.values, info.numerical, mayBeNone));
}

/// The one-hot view of the classes of `sop`'s values that `f` does not
/// distinguish, as a categorical leaf whose values are the classes' first
/// members. `slice(v)` lists f's outputs for v against every value of the
/// other operands.
static FailureOr<FusedValue>
classValue(Lowering &l, Operation *user, Value sop,
           llvm::function_ref<FailureOr<std::vector<ValueKey>>(const PyValue &)>
               slice) {
  SOpInfo &info = l.info(sop);
  std::map<std::vector<ValueKey>, size_t> classes;
  std::vector<size_t> classOf;
  ValueSet representatives;
  for (const PyValue &v : info.values) {
    FailureOr<std::vector<ValueKey>> s = slice(v);
    if (failed(s))
      return failure();
    auto [it, inserted] = classes.try_emplace(*s, representatives.size());
    if (inserted)
      representatives.push_back(v);
    classOf.push_back(it->second);
  }
  // The one-hot of the class, straight from sop's leaves: steps only
  // between classes. Labelled by the classes' first members (sorted by
  // value, so labels are unique).
  FusedValue byClass = *info.fused;
  bool mayBeNone = false;
  for (PyValue &out : byClass.outputs) {
    if (out.isNone()) {
      mayBeNone = true;
      continue;
    }
    // A value set written by hand may miss a value the function yields.
    int64_t index = synth::indexIn(info.values, out);
    if (index < 0)
      return sop.getDefiningOp()->emitOpError("yields ")
             << out.repr() << ", which is not in its value set";
    out = representatives[classOf[index]];
  }
  FailureOr<Value> view =
      buildFusedMLP(l, user, byClass, &representatives, info.label + "_cls");
  if (failed(view))
    return failure();
  return l.identity(l.leafOf(*view, representatives, false, mayBeNone));
}

/// Estimated hidden units of `op` lowered alone (docs/Fusion.md, budget).
static double unfusedCost(Lowering &l, Operation *op) {
  auto size = [&](Value v) {
    return static_cast<double>(std::max<size_t>(1, l.info(v).values.size()));
  };
  auto isNum = [&](Value v) { return l.info(v).numerical; };
  return llvm::TypeSwitch<Operation *, double>(op)
      .Case<MapOp>([&](MapOp map) {
        Value in = map.getInput();
        // A lookup has a unit per output value (the op's own value set; its
        // result is not lowered yet).
        auto values =
            map->getAttrOfType<ArrayAttr>(RASPDialect::getValuesAttrName());
        double outputs = values ? std::max<size_t>(1, values.size()) : 1;
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

/// The element function of an elementwise op over its operands' values.
static FailureOr<std::function<FailureOr<PyValue>(ArrayRef<PyValue>)>>
elementFunction(Lowering &l, Operation *op) {
  if (auto lin = dyn_cast<LinearSequenceMapOp>(op)) {
    PyValue a = PyValue::real(lin.getLhsCoeff().convertToDouble());
    PyValue b = PyValue::real(lin.getRhsCoeff().convertToDouble());
    Location loc = op->getLoc();
    return std::function<FailureOr<PyValue>(ArrayRef<PyValue>)>(
        [a, b, loc](ArrayRef<PyValue> xy) -> FailureOr<PyValue> {
          llvm::Expected<PyValue> r = py::linearCombination(a, xy[0], b, xy[1]);
          if (!r)
            return emitError(loc, "cannot be lowered to craft: ")
                   << llvm::toString(r.takeError());
          return *r;
        });
  }
  Region &body = isa<MapOp>(op) ? cast<MapOp>(op).getBody()
                                : cast<SequenceMapOp>(op).getBody();
  FailureOr<ElementFunction> fn = ElementFunction::get(body);
  if (failed(fn))
    return failure();
  ElementFunction function = *fn;
  return std::function<FailureOr<PyValue>(ArrayRef<PyValue>)>(
      [&l, op, function](ArrayRef<PyValue> args) {
        return l.call(op, function, args);
      });
}

/// The table of an elementwise `op` over its operands, read as `mode` says.
static FailureOr<FusedValue> composeOp(Lowering &l, Operation *op,
                                       OperandMode mode) {
  auto f = elementFunction(l, op);
  if (failed(f))
    return failure();
  SmallVector<Value, 2> operands(op->getOperands());

  std::vector<FusedValue> args;
  double cost = unfusedCost(l, op);
  if (mode == OperandMode::Inline) {
    // Read a materialised operand's subspace where that is no deeper than
    // the deepest operand would be anyway; inline the others.
    int64_t deepest = -1;
    for (Value v : operands) {
      SOpInfo &info = l.info(v);
      int64_t d = info.fused ? l.depthOf(*info.fused) : -1;
      if (info.space)
        d = std::min(d, l.depthOf(info.space));
      deepest = std::max(deepest, d);
    }
    for (Value v : operands) {
      SOpInfo &info = l.info(v);
      if (info.constant) {
        args.push_back(constantValue(*info.constant));
      } else if (!info.fused ||
                 (info.space && l.depthOf(info.space) <= deepest)) {
        FailureOr<FusedValue> m = materializedValue(l, v);
        if (failed(m))
          return failure();
        args.push_back(std::move(*m));
      } else {
        args.push_back(*info.fused);
        cost += info.fused->cost;
      }
    }
  } else {
    for (auto [index, operand] : llvm::enumerate(operands)) {
      // Named copies: lambdas below capture them (C++17 cannot capture
      // structured bindings).
      size_t i = index;
      Value v = operand;
      SOpInfo &info = l.info(v);
      if (mode == OperandMode::Classes && info.numerical && !info.constant &&
          isa<SequenceMapOp>(op)) {
        // Classes of v's values: equal outputs against every value of the
        // other operand.
        Value other = operands[1 - i];
        ValueSet others = l.info(other).constant
                              ? ValueSet{*l.info(other).constant}
                              : l.info(other).values;
        FailureOr<FusedValue> cls = classValue(
            l, op, v,
            [&](const PyValue &x) -> FailureOr<std::vector<ValueKey>> {
              std::vector<ValueKey> slice;
              for (const PyValue &y : others) {
                FailureOr<PyValue> r = i == 0 ? (*f)({x, y}) : (*f)({y, x});
                if (failed(r))
                  return failure();
                slice.emplace_back(*r);
              }
              return slice;
            });
        if (failed(cls))
          return failure();
        args.push_back(std::move(*cls));
        continue;
      }
      FailureOr<FusedValue> m = materializedValue(l, v);
      if (failed(m))
        return failure();
      args.push_back(std::move(*m));
    }
  }

  SmallVector<const FusedValue *, 2> argPtrs;
  for (const FusedValue &a : args)
    argPtrs.push_back(&a);
  // Over the operands' own subspaces the table is the unfused op's (its
  // product layer), which is not limited.
  int64_t maxPoints =
      mode == OperandMode::Inline ? l.options.maxFusedDomain : INT64_MAX;
  FailureOr<std::optional<FusedValue>> composed =
      compose(argPtrs, *f, maxPoints);
  if (failed(composed))
    return failure();
  // Too many combinations of leaves: read the operands' subspaces.
  if (!*composed)
    return composeOp(l, op, OperandMode::Materialized);
  FusedValue value = std::move(**composed);
  dropUnusedLeaves(value);
  value.cost = mode == OperandMode::Inline ? cost : unfusedCost(l, op);
  return value;
}

//===----------------------------------------------------------------------===//
// Linear forms
//===----------------------------------------------------------------------===//

/// The numerical leaf a numerical SOp is the identity of, if any.
static std::optional<unsigned> linearLeaf(Lowering &l, Value sop) {
  SOpInfo &info = l.info(sop);
  if (!info.numerical || info.constant || !info.fused ||
      info.fused->leaves.size() != 1)
    return std::nullopt;
  unsigned id = info.fused->leaves.front();
  const Leaf &leaf = l.leaf(id);
  if (leaf.categorical || leaf.values.size() != info.fused->numPoints())
    return std::nullopt;
  for (size_t p = 0; p < info.fused->numPoints(); ++p)
    if (!info.fused->outputs[p].identical(leaf.values[info.fused->points[p]]) ||
        leaf.readings[info.fused->points[p]] !=
            leaf.values[info.fused->points[p]].toDouble())
      return std::nullopt;
  return id;
}

/// a * x + b * y (+ c) over linear leaves x and y: a new linear leaf with
/// the value set of `op` (docs/Fusion.md, "Linear forms"). Fails if an
/// operand is no linear form.
static std::optional<FusedValue> linearCombination(Lowering &l, Operation *op,
                                                   ArrayRef<Value> operands,
                                                   ArrayRef<double> coeffs,
                                                   double constant,
                                                   const ValueSet &values) {
  Leaf sum;
  double maxAbs = 0;
  for (auto [v, a] : llvm::zip(operands, coeffs)) {
    std::optional<unsigned> id = linearLeaf(l, v);
    if (!id)
      return std::nullopt;
    const Leaf &x = l.leaf(*id);
    for (auto [formSpace, c] : x.form) {
      auto space = formSpace; // captured below
      auto it =
          llvm::find_if(sum.form, [&](auto t) { return t.first == space; });
      if (it == sum.form.end())
        sum.form.push_back({space, a * c});
      else
        it->second += a * c;
    }
    for (double r : x.readings)
      maxAbs = std::max(maxAbs, std::abs(r));
    sum.absError += std::abs(a) * (x.absError + x.relError * maxAbs);
    sum.bosRange.first += std::min(a * x.bosRange.first, a * x.bosRange.second);
    sum.bosRange.second +=
        std::max(a * x.bosRange.first, a * x.bosRange.second);
  }
  if (constant != 0) {
    sum.form.push_back({l.one, constant});
    sum.bosRange.first += constant;
    sum.bosRange.second += constant;
  }
  llvm::erase_if(sum.form, [](auto t) { return t.second == 0; });
  sum.values = values;
  for (const PyValue &v : values) {
    if (!v.isNumber())
      return std::nullopt;
    sum.readings.push_back(v.toDouble());
  }
  FusedValue value = l.identity(l.addLeaf(std::move(sum)));
  value.cost = unfusedCost(l, op);
  return value;
}

/// A numerical map that is affine on its numerical input's values.
static std::optional<FusedValue> affineMap(Lowering &l, MapOp map,
                                           const ValueSet &values) {
  SOpInfo &in = l.info(map.getInput());
  if (!in.numerical || in.values.size() < 2 ||
      !cast<SOpType>(map.getType()).isNumerical())
    return std::nullopt;
  FailureOr<ElementFunction> fn = ElementFunction::get(map.getBody());
  if (failed(fn))
    return std::nullopt;
  std::vector<double> xs, ys;
  for (const PyValue &x : in.values) {
    FailureOr<PyValue> y = (*fn)({x});
    if (failed(y) || !y->isNumber() || !x.isNumber())
      return std::nullopt;
    xs.push_back(x.toDouble());
    ys.push_back(y->toDouble());
  }
  std::optional<std::pair<double, double>> affine = synth::fitAffine(xs, ys);
  if (!affine)
    return std::nullopt;
  return linearCombination(l, map, {map.getInput()}, {affine->first},
                           affine->second, values);
}

//===----------------------------------------------------------------------===//
// Lowering elementwise ops
//===----------------------------------------------------------------------===//

LogicalResult mlir::rasp::lowering::lowerElementwise(Lowering &l,
                                                     Operation *op) {
  FailureOr<ValueSet> values = l.valuesOf(op);
  if (failed(values))
    return failure();
  bool numerical = cast<SOpType>(op->getResult(0).getType()).isNumerical();

  std::optional<FusedValue> linear;
  if (auto lin = dyn_cast<LinearSequenceMapOp>(op))
    linear = linearCombination(l, op, {lin.getLhs(), lin.getRhs()},
                               {lin.getLhsCoeff().convertToDouble(),
                                lin.getRhsCoeff().convertToDouble()},
                               0.0, *values);
  else if (auto map = dyn_cast<MapOp>(op))
    linear = affineMap(l, map, *values);

  FusedValue value;
  if (linear) {
    value = std::move(*linear);
  } else {
    FailureOr<FusedValue> composed = composeOp(l, op, OperandMode::Inline);
    if (failed(composed))
      return failure();
    value = std::move(*composed);
  }

  // A function of no leaves is a constant.
  if (value.leaves.empty()) {
    PyValue c = value.outputs.front();
    ValueSet constantValues;
    if (!c.isNone())
      constantValues.push_back(c);
    l.define(op->getResult(0),
             {Value(), constantValues, numerical, c, l.labelFor(op)});
    return success();
  }
  SOpInfo info{Value(), *values, numerical, std::nullopt, l.labelFor(op)};
  info.fused = std::move(value);
  info.cut = [&l, op]() -> FailureOr<FusedValue> {
    return composeOp(l, op, OperandMode::Materialized);
  };
  l.define(op->getResult(0), std::move(info));
  return success();
}

FailureOr<FusedValue> mlir::rasp::lowering::classCut(Lowering &l,
                                                     Operation *op) {
  return composeOp(l, op, OperandMode::Classes);
}
