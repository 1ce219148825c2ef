//===- SelectorWidth.cpp - Lowering rasp.selector_width -------------------===//
//
// An attention head that always attends to BOS as well as to the selected
// keys, averaging the BOS direction to 1 / (w + 1), and an MLP that decodes
// w from it (categorically or numerically).
//
//===----------------------------------------------------------------------===//

#include "Lowering.h"

#include "RaspDialect/Conversion/RASPToCraft/Synthesis/Attention.h"
#include "RaspDialect/Conversion/RASPToCraft/Synthesis/NumericalMLP.h"

#include <cmath>

using namespace mlir;
using namespace mlir::rasp;
using namespace mlir::rasp::lowering;
namespace synth = mlir::craft::synth;

FailureOr<Leaf> mlir::rasp::lowering::widthLeaf(Operation *op, Value attention,
                                                const ValueSet &widths,
                                                double logitError,
                                                double scale) {
  Leaf leaf;
  leaf.form = {{attention, 1.0}};
  leaf.values = widths;
  for (const PyValue &w : widths) {
    if (!w.isInt() && !w.isBool())
      return op->emitOpError("cannot be lowered to craft: selector width "
                             "value ")
             << w.repr() << " is not an integer";
    if (w.getInt() < 0)
      return op->emitOpError("cannot be lowered to craft: selector width "
                             "value ")
             << w.repr() << " is negative";
    leaf.readings.push_back(1.0 / static_cast<double>(w.getInt() + 1));
  }
  // docs/exactness.md (2.1, 6.4): 1/(w+1) up to a relative u + tau, and
  // 2 s eta (with margin) when noisy operands move the logits by eta.
  leaf.relError = std::ldexp(1.0, -23) + 3 * scale * logitError;
  // About 1 at BOS, where the head attends to BOS alone.
  leaf.bosRange = {0.0, 1.0};
  return leaf;
}

/// With fusion: the width is a function of the head's output, decoded by
/// whichever MLP first needs it (docs/Fusion.md).
static LogicalResult defineFusedWidth(Lowering &l, SelectorWidthOp op,
                                      const ValueSet &widths, bool numerical,
                                      const std::string &label, Value attention,
                                      double logitError, double scale) {
  FailureOr<Leaf> leaf = widthLeaf(op, attention, widths, logitError, scale);
  if (failed(leaf))
    return failure();
  FusedValue value = l.identity(l.addLeaf(std::move(*leaf)));
  // The unfused decoder: a step per pair of adjacent widths.
  value.cost = 2.0 * static_cast<double>(widths.size());
  SOpInfo info{Value(), widths, numerical, std::nullopt, label};
  info.fused = std::move(value);
  l.define(op.getResult(), std::move(info));
  return success();
}

LogicalResult mlir::rasp::lowering::lowerSelectorWidth(Lowering &l,
                                                       SelectorWidthOp op) {
  FailureOr<ValueSet> values = l.valuesOf(op);
  if (failed(values))
    return failure();
  bool numerical = cast<SOpType>(op.getType()).isNumerical();
  if (l.options.fuseMLPs) {
    std::string label = l.labelFor(op);
    if (l.options.factorSelectors) {
      FailureOr<bool> factorised =
          lowerFactorisedWidth(l, op, *values, numerical, label);
      if (failed(factorised))
        return failure();
      if (*factorised)
        return success();
    }
    FailureOr<LoweredSelector> selector =
        lowerSelector(l, op, op.getSelector(), synth::HeadKind::SelectorWidth,
                      craft::Matrix::fromTriplets(1, 1, {{0, 0, 1.0}}), label);
    if (failed(selector))
      return failure();
    Value attention =
        craft::buildAttentionHead(
            l.builder, op.getLoc(), selector->block, selector->queries,
            selector->keys, {l.bos},
            l.spaceFor(l.uniqueLabel(label + "_sw_attn"), nullptr))
            .getResult();
    return defineFusedWidth(l, op, *values, numerical, label, attention,
                            selector->logitError, selector->block.scale);
  }
  llvm::Expected<craft::MLPBlock> decoder = synth::selectorWidthDecoder(
      *values, numerical ? nullptr : &*values, l.synthesis);
  if (!decoder)
    return l.fail(op, decoder.takeError());

  std::string label = l.labelFor(op);
  FailureOr<LoweredSelector> selector =
      lowerSelector(l, op, op.getSelector(), synth::HeadKind::SelectorWidth,
                    craft::Matrix::fromTriplets(1, 1, {{0, 0, 1.0}}), label);
  if (failed(selector))
    return failure();
  Value attention = craft::buildAttentionHead(
                        l.builder, op.getLoc(), selector->block,
                        selector->queries, selector->keys, {l.bos},
                        l.spaceFor(l.uniqueLabel(label + "_sw_attn"), nullptr))
                        .getResult();
  Value result = l.buildMLP(op.getLoc(), *decoder, {attention, l.one, l.bos},
                            l.spaceFor(label, numerical ? nullptr : &*values));
  l.define(op.getResult(), {result, *values, numerical, std::nullopt, label});
  return success();
}
