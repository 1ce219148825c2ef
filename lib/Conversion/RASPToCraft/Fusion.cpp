//===- Fusion.cpp - Elementwise SOps as functions of leaves ---------------===//
//
// With fusion (docs/Fusion.md), a map, sequence_map or linear_sequence_map
// is not lowered to an MLP of its own: it becomes a table over the *leaves*
// it depends on (attention outputs, embeddings and already materialised
// SOps), composed from its operands' tables. The table is judged and the
// decision recorded in the fusion plan (FusionPlan.h) before anything is
// composed or emitted. Only when a consumer needs the SOp in the residual
// stream (an aggregate, a select, the output) does materializeFused() build
// the one MLP computing it from those leaves.
//
//===----------------------------------------------------------------------===//

#include "Lowering.h"

#include "RaspDialect/Support/TupleIds.h"

#include "RaspDialect/Conversion/RASPToCraft/Synthesis/CategoricalMLP.h"
#include "RaspDialect/Conversion/RASPToCraft/Synthesis/NumericalMLP.h"

#include "llvm/ADT/TypeSwitch.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <unordered_map>

using namespace mlir;
using namespace mlir::rasp;
using namespace mlir::rasp::lowering;
namespace synth = mlir::craft::synth;

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

namespace {
struct ValueKeyHash {
  size_t operator()(const ValueKey &k) const {
    return llvm::hash_combine(static_cast<int>(k.kind), k.bits, k.str);
  }
};
struct ValueKeyEq {
  bool operator()(const ValueKey &a, const ValueKey &b) const {
    return a.kind == b.kind && a.bits == b.bits && a.str == b.str;
  }
};
} // namespace

/// Ids of the values of `outputs`, equal iff their keys are, in order of
/// first occurrence.
static std::vector<int32_t> valueIds(ArrayRef<PyValue> outputs) {
  std::unordered_map<ValueKey, int32_t, ValueKeyHash, ValueKeyEq> ids;
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

/// Per argument of `op`, the class of its value at each of its points:
/// value identity, or for a sequence_map whose body reads an operand
/// through a few comparisons, the key classes of that operand
/// (ElementFunction::keyOf), which the body cannot tell apart.
static FailureOr<std::vector<std::vector<int32_t>>>
argumentClasses(Operation *op, ArrayRef<const FusedValue *> args) {
  std::vector<std::vector<int32_t>> classes;
  for (const FusedValue *a : args)
    classes.push_back(valueIds(a->outputs));
  auto seq = dyn_cast<SequenceMapOp>(op);
  if (!seq)
    return classes;
  FailureOr<ElementFunction> fn = ElementFunction::get(seq.getBody());
  if (failed(fn))
    return failure();
  for (auto [i, a] : llvm::enumerate(args)) {
    if (!fn->hasNarrowKeys(i))
      continue;
    // The distinct values (ids are dense, in order of first occurrence);
    // None keeps a class of its own (f is not called on it).
    std::vector<PyValue> values;
    std::vector<int32_t> &ids = classes[i];
    for (auto [p, id] : llvm::enumerate(ids))
      if (id == static_cast<int32_t>(values.size()))
        values.push_back(a->outputs[p]);
    KeyClasses keys = classifyByKey(*fn, i, values);
    std::vector<int32_t> classOfValue(values.size());
    int32_t noneClass = static_cast<int32_t>(keys.representatives.size());
    for (size_t v = 0; v < values.size(); ++v)
      classOfValue[v] = values[v].isNone()
                            ? noneClass
                            : static_cast<int32_t>(keys.classOf[v]);
    for (int32_t &id : ids)
      id = classOfValue[id];
  }
  return classes;
}

/// The rows of `v`'s points without `column`, as dense ids (equal rows get
/// equal ids, in order of first occurrence), or std::nullopt as soon as
/// two points with equal rows have different outputs (`outputIds`): then
/// the output depends on the leaf in `column`.
static std::optional<std::vector<int32_t>>
rowsWithout(const FusedValue &v, size_t column, ArrayRef<int32_t> outputIds) {
  size_t width = v.leaves.size();
  TupleIds<> ids(width - 1);
  SmallVector<int32_t, 8> row(width - 1);
  std::vector<int32_t> rows(v.numPoints());
  std::vector<int32_t> outputOfRow;
  for (size_t p = 0; p < v.numPoints(); ++p) {
    const int32_t *point = v.points.data() + p * width;
    std::copy(point, point + column, row.begin());
    std::copy(point + column + 1, point + width, row.begin() + column);
    auto [id, inserted] = ids.insert(row);
    if (inserted)
      outputOfRow.push_back(outputIds[p]);
    else if (outputOfRow[id] != outputIds[p])
      return std::nullopt;
    rows[p] = id;
  }
  return rows;
}

/// Drops the leaves the outputs do not depend on (and the duplicate points
/// that leaves behind).
static void dropUnusedLeaves(FusedValue &v) {
  std::vector<int32_t> outputIds = valueIds(v.outputs);
  for (size_t column = v.leaves.size(); column-- > 0;) {
    std::optional<std::vector<int32_t>> rows =
        rowsWithout(v, column, outputIds);
    if (!rows)
      continue;
    // Keep the first point of each row.
    size_t width = v.leaves.size();
    FusedValue reduced;
    reduced.cost = v.cost;
    for (size_t i = 0; i < width; ++i)
      if (i != column)
        reduced.leaves.push_back(v.leaves[i]);
    std::vector<int32_t> reducedIds;
    int32_t kept = 0;
    for (size_t p = 0; p < v.numPoints(); ++p) {
      if ((*rows)[p] != kept)
        continue;
      ++kept;
      const int32_t *point = v.points.data() + p * width;
      reduced.points.insert(reduced.points.end(), point, point + column);
      reduced.points.insert(reduced.points.end(), point + column + 1,
                            point + width);
      reduced.outputs.push_back(v.outputs[p]);
      reducedIds.push_back(outputIds[p]);
    }
    v = std::move(reduced);
    outputIds = std::move(reducedIds);
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

/// The one-hot view of the classes of `sop`'s values that a function does
/// not distinguish (value i is in class classOf[i]), as a categorical leaf
/// whose values are the classes' first members.
static FailureOr<FusedValue> classValue(Lowering &l, Operation *user, Value sop,
                                        ArrayRef<uint32_t> classOf,
                                        ArrayRef<uint32_t> firsts) {
  SOpInfo &info = l.info(sop);
  ValueSet representatives;
  for (uint32_t i : firsts)
    representatives.push_back(info.values[i]);
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

/// The operands of `op` as functions of leaves, reading nothing that is not
/// in the residual stream yet (nothing is emitted): a materialised
/// operand's subspace where that is no deeper than the deepest operand
/// would be anyway, the others' tables inlined. Adds the inlined operands'
/// costs to `cost`.
static FailureOr<std::vector<FusedValue>>
inlineOperands(Lowering &l, Operation *op, double &cost) {
  int64_t deepest = -1;
  for (Value v : op->getOperands()) {
    SOpInfo &info = l.info(v);
    int64_t d = info.fused ? l.depthOf(*info.fused) : -1;
    if (info.space)
      d = std::min(d, l.depthOf(info.space));
    deepest = std::max(deepest, d);
  }
  std::vector<FusedValue> args;
  for (Value v : op->getOperands()) {
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
  return args;
}

/// The operands of `op` over their subspaces, materialising them; with
/// OperandMode::Classes, a sequence_map's numerical operands through views
/// of the classes of values on which `f` agrees against every value of the
/// other operand.
static FailureOr<std::vector<FusedValue>>
operandSpaces(Lowering &l, Operation *op, OperandMode mode, ElementFn f) {
  SmallVector<Value, 2> operands(op->getOperands());
  std::optional<FailureOr<PairClasses>> classes;
  std::vector<FusedValue> args;
  for (auto [i, v] : llvm::enumerate(operands)) {
    SOpInfo &info = l.info(v);
    if (mode == OperandMode::Classes && info.numerical && !info.constant &&
        isa<SequenceMapOp>(op)) {
      if (!classes) {
        auto valuesOf = [&](Value x) {
          SOpInfo &xi = l.info(x);
          return xi.constant ? ValueSet{*xi.constant} : xi.values;
        };
        FailureOr<ElementFunction> fn =
            ElementFunction::get(cast<SequenceMapOp>(op).getBody());
        if (failed(fn))
          return failure();
        classes =
            classifyPair(*fn, valuesOf(operands[0]), valuesOf(operands[1]),
                         [&](const PyValue &a, const PyValue &b) {
                           return f({a, b});
                         });
        if (failed(*classes))
          return failure();
      }
      const KeyClasses &c = i == 0 ? (*classes)->lhs : (*classes)->rhs;
      FailureOr<FusedValue> cls =
          classValue(l, op, v, c.classOf, c.representatives);
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
  return args;
}

/// The table of `op` over the joined tables of `args` (judged already),
/// with the leaves it does not depend on dropped.
static FailureOr<FusedValue> tabulate(Operation *op,
                                      ArrayRef<const FusedValue *> args,
                                      ArrayRef<unsigned> leaves, ElementFn f) {
  FailureOr<std::vector<std::vector<int32_t>>> classes =
      argumentClasses(op, args);
  if (failed(classes))
    return failure();
  FailureOr<FusedValue> value = composeTables(args, leaves, *classes, f);
  if (failed(value))
    return failure();
  dropUnusedLeaves(*value);
  return value;
}

static SmallVector<const FusedValue *, 2>
pointersTo(ArrayRef<FusedValue> args) {
  SmallVector<const FusedValue *, 2> ptrs;
  for (const FusedValue &a : args)
    ptrs.push_back(&a);
  return ptrs;
}

FailureOr<FusedValue>
mlir::rasp::lowering::composeOverOperands(Lowering &l, Operation *op,
                                          OperandMode mode) {
  auto f = elementFunction(l, op);
  if (failed(f))
    return failure();
  FailureOr<std::vector<FusedValue>> args = operandSpaces(l, op, mode, *f);
  if (failed(args))
    return failure();
  // Over the operands' own subspaces the table is the unfused op's (its
  // product layer), which is not limited.
  SmallVector<const FusedValue *, 2> ptrs = pointersTo(*args);
  FailureOr<FusedValue> value = tabulate(op, ptrs, joinedLeaves(ptrs), *f);
  if (succeeded(value))
    value->cost = unfusedCost(l, op);
  return value;
}

/// Plans `op` as a table over the leaves of its inlined operands and, if
/// the plan keeps it, composes it; a refused table is composed over the
/// operands' subspaces instead (OperandMode as fallbackMode decides).
static FailureOr<FusedValue> planAndCompose(Lowering &l, Operation *op) {
  auto f = elementFunction(l, op);
  if (failed(f))
    return failure();
  // Decide, emitting nothing.
  FusionDecision decision;
  decision.unfusedUnits = unfusedCost(l, op);
  decision.fallbackMode = fallbackMode(l, op);
  double cost = decision.unfusedUnits;
  FailureOr<std::vector<FusedValue>> args = inlineOperands(l, op, cost);
  if (failed(args))
    return failure();
  SmallVector<const FusedValue *, 2> ptrs = pointersTo(*args);
  judgeJoin(ptrs, joinedLeaves(ptrs), inlineLimits(l, op, cost), decision);
  l.plan.record(op, decision);

  // Follow it.
  if (!decision.fused) {
    l.noteFusionFallback(op->getLoc(), decision.refusal);
    FailureOr<FusedValue> cut =
        composeOverOperands(l, op, decision.fallbackMode);
    if (succeeded(cut))
      cut->refused = true;
    return cut;
  }
  FailureOr<FusedValue> value = tabulate(op, ptrs, decision.leaves, *f);
  if (succeeded(value))
    value->cost = cost;
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
    // A linear form is always kept; its fused MLP falls back as any other.
    FusionDecision decision;
    decision.leaves = linear->leaves;
    decision.points = static_cast<double>(linear->numPoints());
    decision.unfusedUnits = linear->cost;
    decision.fallbackMode = fallbackMode(l, op);
    l.plan.record(op, std::move(decision));
    value = std::move(*linear);
  } else {
    FailureOr<FusedValue> composed = planAndCompose(l, op);
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
  l.define(op->getResult(0), std::move(info));
  return success();
}
