//===- CategoricalMLPs.cpp - Lowering maps of categorical inputs ----------===//
//
// Lookup tables for functions of one categorical SOp, the product hidden
// layer for rasp.sequence_map, and rasp.full constants.
//
//===----------------------------------------------------------------------===//

#include "Lowering.h"

#include "RaspDialect/Support/MemoryBudget.h"

#include "RaspDialect/Conversion/RASPToCraft/Synthesis/CategoricalMLP.h"

#include <map>

using namespace mlir;
using namespace mlir::rasp;
using namespace mlir::rasp::lowering;
namespace synth = mlir::craft::synth;

static bool isNumericalResult(Operation *op) {
  return cast<SOpType>(op->getResult(0).getType()).isNumerical();
}

LogicalResult mlir::rasp::lowering::lowerCategoricalFunction(
    Lowering &l, Operation *op, Value input, ArrayRef<PyValue> outputs) {
  SOpInfo &in = l.info(input);
  FailureOr<ValueSet> values = l.valuesOf(op);
  if (failed(values))
    return failure();
  bool numerical = isNumericalResult(op);

  // An identity on the same value set (an encoding-preserving copy) reuses
  // the input's subspace.
  bool identity =
      !numerical && values->size() == in.values.size() &&
      llvm::all_of(llvm::zip(in.values, outputs, *values), [](auto t) {
        return std::get<0>(t).identical(std::get<1>(t)) &&
               std::get<0>(t).identical(std::get<2>(t));
      });
  // Without fusion every non-constant SOp already has its subspace.
  FailureOr<Value> space = l.materialize(input);
  if (failed(space))
    return failure();
  if (identity) {
    l.define(op->getResult(0),
             {*space, *values, false, std::nullopt, in.label});
    return success();
  }

  // A noisy input is read through clamp units, which makes the output exact.
  Value x = *space;
  bool noisy = l.isNoisy(x);
  llvm::Expected<craft::MLPBlock> block =
      noisy ? synth::cleanLookup(in.values, outputs,
                                 numerical ? nullptr : &*values)
      : numerical
          ? synth::mapCategoricalToNumerical(in.values, outputs)
          : synth::mapCategoricalToCategorical(in.values, outputs, *values);
  if (!block)
    return l.fail(op, block.takeError());
  std::string label = l.labelFor(op);
  SmallVector<Value> inputs = {x};
  if (noisy)
    inputs.push_back(l.one);
  Value result = l.buildMLP(op->getLoc(), *block, inputs,
                            l.spaceFor(label, numerical ? nullptr : &*values));
  l.define(op->getResult(0), {result, *values, numerical, std::nullopt, label});
  return success();
}

LogicalResult mlir::rasp::lowering::lowerSequenceMap(Lowering &l,
                                                     SequenceMapOp op) {
  FailureOr<ElementFunction> fn = ElementFunction::get(op.getBody());
  if (failed(fn))
    return failure();
  Value lhs = op.getLhs(), rhs = op.getRhs();
  SOpInfo &x = l.info(lhs), &y = l.info(rhs);
  auto f = [&](const PyValue &a, const PyValue &b) {
    return l.call(op, *fn, {a, b});
  };

  // A None constant operand makes the result None everywhere; another
  // constant or a repeated operand leaves a function of one SOp.
  bool noneX = x.constant && x.constant->isNone();
  bool noneY = y.constant && y.constant->isNone();
  if (noneX || noneY)
    return lowerUnary(l, op, noneX ? lhs : rhs,
                      [](const PyValue &) { return PyValue(); });
  if (y.constant) {
    PyValue c = *y.constant;
    return lowerUnary(l, op, lhs, [&](const PyValue &a) { return f(a, c); });
  }
  if (x.constant) {
    PyValue c = *x.constant;
    return lowerUnary(l, op, rhs, [&](const PyValue &b) { return f(c, b); });
  }
  if (lhs == rhs || (x.space && x.space == y.space))
    return lowerUnary(l, op, lhs, [&](const PyValue &a) { return f(a, a); });

  // The product hidden layer over one-hot views of both operands.
  FailureOr<ValueSet> values = l.valuesOf(op);
  if (failed(values))
    return failure();
  // Classes of values the function does not tell apart (one call per pair
  // of key classes, ElementFunction::keyOf).
  // The function is evaluated on every pair and the MLP has a hidden unit
  // per pair: checked before either is built.
  if (failed(l.checkTableSize(
          op, x.values.size(), y.values.size(),
          rasp::saturatingProduct(
              {x.values.size(), y.values.size(), 2 * sizeof(PyValue)}),
          "the sequence map table")))
    return failure();
  FailureOr<PairClasses> classes = classifyPair(*fn, x.values, y.values, f);
  if (failed(classes))
    return failure();
  // A numerical operand is read through a one-hot of its classes: values
  // with the same outputs against every value of the other operand share a
  // direction, so no step separates them (docs/Fusion.md, "Class views"). A
  // categorical operand is read through its own one-hot.
  auto viewOf = [&](Value sop, const KeyClasses &c, ValueSet &reps,
                    std::vector<size_t> &members) -> FailureOr<Value> {
    SOpInfo &info = l.info(sop);
    if (!info.numerical) {
      reps = info.values;
      for (size_t i = 0; i < info.values.size(); ++i)
        members.push_back(i);
      return l.categoricalView(op, sop);
    }
    std::vector<size_t> classOf(c.classOf.begin(), c.classOf.end());
    for (uint32_t i : c.representatives) {
      reps.push_back(info.values[i]);
      members.push_back(i);
    }
    return l.classView(op, sop, classOf, reps);
  };
  ValueSet xs, ys;
  std::vector<size_t> xMembers, yMembers;
  FailureOr<Value> xv = viewOf(lhs, classes->lhs, xs, xMembers);
  if (failed(xv))
    return failure();
  FailureOr<Value> yv = viewOf(rhs, classes->rhs, ys, yMembers);
  if (failed(yv))
    return failure();
  std::vector<PyValue> table;
  size_t ny = classes->rhs.representatives.size();
  for (size_t i : xMembers)
    for (size_t j : yMembers)
      table.push_back(classes->table[classes->lhs.classOf[i] * ny +
                                     classes->rhs.classOf[j]]);
  bool numerical = isNumericalResult(op);
  bool noisy = l.isNoisy(*xv) || l.isNoisy(*yv);
  llvm::Expected<craft::MLPBlock> block =
      noisy       ? synth::cleanSequenceMap(xs, ys, table,
                                      numerical ? nullptr : &*values)
      : numerical ? synth::sequenceMapToNumerical(xs, ys, table)
                  : synth::sequenceMapToCategorical(xs, ys, table, *values);
  if (!block)
    return l.fail(op, block.takeError());
  std::string label = l.labelFor(op);
  Value result = l.buildMLP(op.getLoc(), *block, {*xv, *yv, l.one},
                            l.spaceFor(label, numerical ? nullptr : &*values));
  l.define(op.getResult(), {result, *values, numerical, std::nullopt, label});
  return success();
}

LogicalResult mlir::rasp::lowering::lowerFull(Lowering &l, FullOp op) {
  FailureOr<PyValue> fill = fromAttr(op.getFill());
  if (failed(fill))
    return op.emitOpError("cannot be lowered to craft: unsupported fill ")
           << op.getFill();
  bool numerical = isNumericalResult(op);
  if (numerical && !fill->isNumber())
    return op.emitOpError("cannot be lowered to craft: a numerical constant "
                          "must be a number, got ")
           << fill->repr();
  ValueSet values;
  if (!fill->isNone())
    values.push_back(*fill);
  // Materialised only if some component must read it as a subspace.
  l.define(op.getResult(), {Value(), values, numerical, *fill, l.labelFor(op)});
  return success();
}
