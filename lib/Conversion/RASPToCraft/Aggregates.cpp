//===- Aggregates.cpp - Lowering rasp.aggregate to an attention head ------===//
//
// Categorical aggregates copy the selected one-hot, numerical ones average
// the selected values (any numbers, not only 0/1); where nothing is selected
// the head attends to BOS, whose value is the zero default.
//
//===----------------------------------------------------------------------===//

#include "Lowering.h"

#include "RaspDialect/Conversion/RASPToCraft/Synthesis/Attention.h"

#include <cmath>

using namespace mlir;
using namespace mlir::rasp;
using namespace mlir::rasp::lowering;
namespace synth = mlir::craft::synth;

/// docs/exactness.md (2.1, 6.4): the value's own error, the softmax leak
/// (larger by e^(2 s eta) when noisy operands move the logits by eta) and
/// the float32 rounding of the weighted sum of up to N + 1 values.
static double aggregateError(Lowering &l, Value input,
                             const ValueSet &inputValues, bool numerical,
                             const LoweredSelector &selector) {
  double maxAbs = 1;
  if (numerical)
    for (const PyValue &v : inputValues)
      maxAbs = std::max(maxAbs, v.isNumber() ? std::abs(v.toDouble()) : 0.0);
  double leak = synth::kAttentionLeak *
                std::exp(2 * selector.block.scale * selector.logitError);
  double n = static_cast<double>(l.synthesis.maxSeqLen + 2);
  double u = std::ldexp(1.0, -24);
  double rounding = 2 * n * u / (1 - n * u);
  return l.errorOf(input) + (2 * leak + rounding) * maxAbs;
}

LogicalResult mlir::rasp::lowering::lowerAggregate(Lowering &l,
                                                   AggregateOp op) {
  SOpInfo &in = l.info(op.getInput());
  bool numerical = cast<SOpType>(op.getType()).isNumerical();
  if (numerical != in.numerical)
    return op.emitOpError("cannot be lowered to craft: a ")
           << (numerical ? "numerical" : "categorical") << " aggregate of a "
           << (in.numerical ? "numerical" : "categorical") << " SOp";
  if (std::optional<Attribute> def = op.getDefaultValue()) {
    FailureOr<PyValue> value = fromAttr(*def);
    bool ok = succeeded(value) &&
              (numerical ? value->isNumber() && value->toDouble() == 0
                         : value->isNone());
    if (!ok)
      return op.emitOpError("cannot be lowered to craft: the default of a ")
             << (numerical ? "numerical aggregate must be 0"
                           : "categorical aggregate must be None")
             << ", got " << *def;
  }
  FailureOr<ValueSet> values = l.valuesOf(op);
  if (failed(values))
    return failure();

  craft::Matrix wov = craft::Matrix::fromTriplets(1, 1, {{0, 0, 1.0}});
  if (!numerical) {
    llvm::Expected<craft::Matrix> map =
        synth::categoricalValueMap(in.values, *values);
    if (!map)
      return l.fail(op, map.takeError());
    wov = std::move(*map);
  }
  std::string label = l.labelFor(op);
  FailureOr<Value> materialized = l.materialize(op.getInput());
  if (failed(materialized))
    return failure();
  Value input = *materialized;
  FailureOr<LoweredSelector> selector =
      lowerSelector(l, op, op.getSelector(), synth::HeadKind::Aggregate,
                    std::move(wov), label);
  if (failed(selector))
    return failure();
  Value result = craft::buildAttentionHead(
                     l.builder, op.getLoc(), selector->block, selector->queries,
                     selector->keys, {input},
                     l.spaceFor(label, numerical ? nullptr : &*values))
                     .getResult();
  // A categorical aggregate copies its value's one-hot, noise included.
  if (l.isNoisy(input))
    l.markNoisy(result);
  SOpInfo info{result, *values, numerical, std::nullopt, label};
  if (l.options.fuseMLPs) {
    l.setError(result,
               aggregateError(l, input, in.values, numerical, *selector));
    // Where the selector selects nothing, a categorical aggregate is None.
    info.fused = l.identity(l.leafOf(result, *values, numerical,
                                     /*mayBeNone=*/!numerical));
  }
  l.define(op.getResult(), std::move(info));
  return success();
}
