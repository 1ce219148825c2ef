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

using namespace mlir;
using namespace mlir::rasp;
using namespace mlir::rasp::lowering;
namespace synth = mlir::craft::synth;

LogicalResult mlir::rasp::lowering::lowerSelectorWidth(Lowering &l,
                                                       SelectorWidthOp op) {
  FailureOr<ValueSet> values = l.valuesOf(op);
  if (failed(values))
    return failure();
  bool numerical = cast<SOpType>(op.getType()).isNumerical();
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
