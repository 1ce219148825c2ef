//===- NumericalMLPs.cpp - Lowering maps of numerical inputs --------------===//
//
// Discretising (or affine) MLPs for functions of one numerical SOp, and the
// linear MLP of rasp.linear_sequence_map.
//
//===----------------------------------------------------------------------===//

#include "Lowering.h"

#include "RaspDialect/Conversion/RASPToCraft/Synthesis/NumericalMLP.h"

using namespace mlir;
using namespace mlir::rasp;
using namespace mlir::rasp::lowering;
namespace synth = mlir::craft::synth;

LogicalResult mlir::rasp::lowering::lowerNumericalFunction(
    Lowering &l, Operation *op, Value input, ArrayRef<PyValue> outputs) {
  SOpInfo &in = l.info(input);
  FailureOr<ValueSet> values = l.valuesOf(op);
  if (failed(values))
    return failure();
  bool numerical = cast<SOpType>(op->getResult(0).getType()).isNumerical();

  // numerical(x) of a numerical x: reuse the subspace.
  if (numerical && llvm::all_of(llvm::zip(in.values, outputs), [](auto t) {
        return std::get<0>(t).identical(std::get<1>(t));
      })) {
    l.define(op->getResult(0),
             {in.space, *values, true, std::nullopt, in.label});
    return success();
  }

  llvm::Expected<craft::MLPBlock> block =
      numerical
          ? synth::mapNumericalToNumerical(in.values, outputs, l.synthesis)
          : synth::mapNumericalToCategorical(in.values, outputs, *values,
                                             l.synthesis);
  if (!block)
    return l.fail(op, block.takeError());
  std::string label = l.labelFor(op);
  Value result = l.buildMLP(op->getLoc(), *block, {in.space, l.one, l.bos},
                            l.spaceFor(label, numerical ? nullptr : &*values));
  if (!numerical)
    l.markNoisy(result);
  l.define(op->getResult(0), {result, *values, numerical, std::nullopt, label});
  return success();
}

LogicalResult
mlir::rasp::lowering::lowerLinearSequenceMap(Lowering &l,
                                             LinearSequenceMapOp op) {
  Value lhs = op.getLhs(), rhs = op.getRhs();
  SOpInfo &x = l.info(lhs), &y = l.info(rhs);
  if (!x.numerical || !y.numerical ||
      !cast<SOpType>(op.getType()).isNumerical())
    return op.emitOpError("cannot be lowered to craft: a linear combination "
                          "needs numerical operands and result");
  double a = op.getLhsCoeff().convertToDouble();
  double b = op.getRhsCoeff().convertToDouble();

  // With a constant operand it is an affine function of the other one.
  if (x.constant || y.constant) {
    bool lhsVaries = !x.constant;
    double shift =
        lhsVaries ? b * y.constant->toDouble() : a * x.constant->toDouble();
    double coeff = lhsVaries ? a : b;
    return lowerUnary(l, op, lhsVaries ? lhs : rhs,
                      [&](const PyValue &v) -> FailureOr<PyValue> {
                        return PyValue::real(coeff * v.toDouble() + shift);
                      });
  }
  FailureOr<ValueSet> values = l.valuesOf(op);
  if (failed(values))
    return failure();
  bool same = lhs == rhs || x.space == y.space;
  craft::MLPBlock block =
      same ? synth::linearMap(a + b) : synth::linearSequenceMap(a, b);
  SmallVector<Value> inputs = {x.space};
  if (!same)
    inputs.push_back(y.space);
  std::string label = l.labelFor(op);
  Value result =
      l.buildMLP(op.getLoc(), block, inputs, l.spaceFor(label, nullptr));
  l.define(op.getResult(), {result, *values, true, std::nullopt, label});
  return success();
}
