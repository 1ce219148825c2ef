//===- IndexSelectors.cpp - Position selectors as quadratic forms ---------===//
//
// A selector relating two positions linearly (analysis/IndexArithmetic.h)
// becomes a head over the numerical position features i and i^2, whose
// score -(i_k - m i_q - d)^2 is computed exactly in float32
// (docs/exactness.md, section 7): a constant-size W_QK instead of a table
// over the query and key value sets, and no one-hot of the positions.
//
//===----------------------------------------------------------------------===//

#include "Lowering.h"

#include "RaspDialect/Conversion/RASPToCraft/Synthesis/CategoricalMLP.h"

using namespace mlir;
using namespace mlir::rasp;
using namespace mlir::rasp::lowering;
namespace synth = mlir::craft::synth;

std::pair<Value, Value> Lowering::positionFeatures() {
  if (positionFeatureSpaces)
    return *positionFeatureSpaces;
  positionFeatureSpaces.emplace();
  std::vector<PyValue> linear, square;
  for (auto [i, v] : llvm::enumerate(indexValues)) {
    if (!v.isNumber() || v.toDouble() != static_cast<double>(i))
      return *positionFeatureSpaces;
    double x = static_cast<double>(i);
    linear.push_back(PyValue::integer(static_cast<int64_t>(x)));
    square.push_back(PyValue::integer(static_cast<int64_t>(x * x)));
  }
  auto feature = [&](ArrayRef<PyValue> outputs, StringRef label) -> Value {
    llvm::Expected<craft::MLPBlock> block =
        synth::mapCategoricalToNumerical(indexValues, outputs);
    if (!block) {
      llvm::consumeError(block.takeError());
      return Value();
    }
    return buildMLP(indices.getLoc(), *block, {indices},
                    spaceFor(uniqueLabel(label), nullptr));
  };
  Value i = feature(linear, "indices_num");
  Value sq = feature(square, "indices_sq");
  if (i && sq)
    positionFeatureSpaces.emplace(i, sq);
  return *positionFeatureSpaces;
}

FailureOr<LoweredSelector> mlir::rasp::lowering::lowerIndexSelector(
    Lowering &l, Operation *user, const IndexSelectorPlan &plan,
    synth::HeadKind kind, craft::Matrix wov) {
  auto [i, sq] = l.positionFeatures();
  if (!i || !sq ||
      static_cast<int64_t>(l.indexValues.size()) != l.synthesis.maxSeqLen)
    return user->emitOpError("cannot be lowered to craft: the positions are "
                             "not 0 .. max_seq_len - 1, which a quadratic "
                             "position selector needs");
  ++l.stats.quadraticSelectors;
  // Selected iff i_k - m i_q - d == 0.
  LoweredSelector lowered;
  lowered.block = synth::quadraticHead(1, -plan.slope, -plan.offset, kind,
                                       std::move(wov), l.synthesis);
  lowered.queries = {i, sq, l.one, l.bos};
  lowered.keys = {i, sq, l.one, l.bos};
  return lowered;
}
