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
#include "RaspDialect/Conversion/RASPToCraft/Synthesis/NumericalMLP.h"

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

FailureOr<std::pair<Value, Value>>
Lowering::affineFeatures(Operation *user, const AffinePosition &form) {
  auto key = std::make_tuple(form.width.getAsOpaquePointer(), form.widthCoeff,
                             form.indexCoeff, form.constant);
  if (auto it = affineFeatureSpaces.find(key); it != affineFeatureSpaces.end())
    return it->second;
  // The width's one-hot, read through a clean copy whose entries are
  // exactly 0 or 1 (docs/exactness.md, 3.4 and 7.4).
  FailureOr<Value> view = categoricalView(user, form.width);
  if (failed(view))
    return failure();
  if (errorOf(*view) >= 0.25)
    return user->emitOpError("cannot be lowered to craft: the one-hot of the "
                             "selector width is off by ")
           << errorOf(*view) << ", more than the clamp units correct";
  Value onehot = clean(*view);
  std::vector<int64_t> widths;
  for (const PyValue &v : info(form.width).values) {
    if (!v.isInt())
      return user->emitOpError("cannot be lowered to craft: selector width "
                               "value ")
             << v.repr() << " is not an integer";
    widths.push_back(v.getInt());
  }
  SmallVector<Value> linear = {onehot}, square = {onehot};
  if (form.indexCoeff) {
    auto [i, sq] = positionFeatures();
    if (!i || !sq)
      return user->emitOpError("cannot be lowered to craft: the positions are "
                               "not 0 .. max_seq_len - 1");
    linear.push_back(i);
    square.append({i, sq, one});
  }
  Location loc = user->getLoc();
  std::string label = uniqueLabel(info(form.width).label + "_pos");
  std::string sqLabel = uniqueLabel(label + "_sq");
  auto build = [&](ValueRange inputs, bool squared, StringRef name) {
    return buildMLP(loc,
                    synth::exactAffineOfOneHot(widths, form.widthCoeff,
                                               form.indexCoeff, form.constant,
                                               synthesis.maxSeqLen, squared),
                    inputs, spaceFor(name, nullptr));
  };
  // Both in the layer after the clean copy.
  Value x = build(linear, false, label);
  Value sq = build(square, true, sqLabel);
  ++stats.exactWidthFeatures;
  affineFeatureSpaces[key] = {x, sq};
  return std::make_pair(x, sq);
}

/// The quadratic head of `key == query` between affine positions of which
/// one reads a selector width (7.4).
static FailureOr<LoweredSelector>
lowerAffineIndexSelector(Lowering &l, Operation *user,
                         const IndexSelectorPlan &plan, synth::HeadKind kind,
                         craft::Matrix wov) {
  SmallVector<Value> sides[2];
  const AffinePosition *forms[2] = {&*plan.keyForm, &*plan.queryForm};
  for (auto [side, form] : llvm::zip(sides, forms)) {
    std::pair<Value, Value> features;
    if (form->width) {
      FailureOr<std::pair<Value, Value>> exact = l.affineFeatures(user, *form);
      if (failed(exact))
        return failure();
      features = *exact;
    } else {
      features = l.positionFeatures();
      if (!features.first || !features.second ||
          static_cast<int64_t>(l.indexValues.size()) != l.synthesis.maxSeqLen)
        return user->emitOpError(
            "cannot be lowered to craft: the positions are not 0 .. "
            "max_seq_len - 1, which a quadratic position selector needs");
    }
    side = {features.first, features.second, l.one, l.bos};
  }
  ++l.stats.quadraticSelectors;
  LoweredSelector lowered;
  lowered.block = synth::quadraticHead(plan.a, plan.b, plan.c, kind,
                                       std::move(wov), l.synthesis);
  lowered.keys = std::move(sides[0]);
  lowered.queries = std::move(sides[1]);
  return lowered;
}

FailureOr<LoweredSelector> mlir::rasp::lowering::lowerIndexSelector(
    Lowering &l, Operation *user, const IndexSelectorPlan &plan,
    synth::HeadKind kind, craft::Matrix wov) {
  if (plan.keyForm)
    return lowerAffineIndexSelector(l, user, plan, kind, std::move(wov));
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
