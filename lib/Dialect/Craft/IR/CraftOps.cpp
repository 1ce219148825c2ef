//===- CraftOps.cpp - Craft operations ------------------------------------===//

#include "RaspDialect/Dialect/Craft/IR/CraftOps.h"
#include "RaspDialect/Dialect/Craft/IR/CraftWeights.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"
#include "llvm/ADT/DenseSet.h"

#include <cmath>

using namespace mlir;
using namespace mlir::craft;

#define GET_OP_CLASSES
#include "RaspDialect/Dialect/Craft/IR/Craft.cpp.inc"

/// Sum of the dimensions of `values`.
static int64_t totalDim(ValueRange values) {
  int64_t dim = 0;
  for (Value v : values)
    dim += cast<VecType>(v.getType()).getDim();
  return dim;
}

static VecType vecTypeOf(SpaceAttr space) {
  return VecType::get(space.getContext(), space.getDim());
}

/// Names every result after the label of its space, so printed IR reads
/// `%reverse = craft.attention_head ...`.
static void nameResultsAfterSpaces(Operation *op,
                                   OpAsmSetValueNameFn setNameFn) {
  auto producer = cast<SpaceOpInterface>(op);
  for (OpResult result : op->getResults())
    if (SpaceAttr space = producer.getResultSpace(result.getResultNumber()))
      setNameFn(result, space.getLabel().getValue());
}

//===----------------------------------------------------------------------===//
// ProgramOp
//===----------------------------------------------------------------------===//

OutputOp ProgramOp::getOutputOp() {
  Block &body = getBody().front();
  if (body.empty())
    return {};
  return dyn_cast<OutputOp>(body.back());
}

Value ProgramOp::getOutput() {
  OutputOp out = getOutputOp();
  return out ? out.getOutput() : Value();
}

EmbedOp ProgramOp::getEmbedOp() {
  for (Operation &op : getBody().front())
    if (auto embed = dyn_cast<EmbedOp>(op))
      return embed;
  return {};
}

LogicalResult ProgramOp::verify() {
  if (!getOutputOp())
    return emitOpError("body must end with 'craft.output'");
  unsigned numEmbeds = 0;
  for (Operation &op : getBody().front())
    numEmbeds += isa<EmbedOp>(op);
  if (numEmbeds != 1)
    return emitOpError("body must contain exactly one 'craft.embed', found ")
           << numEmbeds;
  return success();
}

//===----------------------------------------------------------------------===//
// EmbedOp
//===----------------------------------------------------------------------===//

LogicalResult EmbedOp::inferReturnTypes(MLIRContext *context,
                                        std::optional<Location> location,
                                        Adaptor adaptor,
                                        SmallVectorImpl<Type> &types) {
  for (SpaceAttr space : {adaptor.getTokensSpace(), adaptor.getIndicesSpace(),
                          adaptor.getOneSpace(), adaptor.getBosSpace()}) {
    if (!space)
      return emitOptionalError(location, "missing embedding space");
    types.push_back(vecTypeOf(space));
  }
  if (ArrayAttr folds = adaptor.getFoldsAttr())
    for (Attribute attr : folds) {
      auto fold = dyn_cast<FoldAttr>(attr);
      if (!fold || !fold.getSpace())
        return emitOptionalError(location, "invalid fold ", attr);
      types.push_back(vecTypeOf(fold.getSpace()));
    }
  return success();
}

SmallVector<FoldAttr> EmbedOp::getFoldAttrs() {
  SmallVector<FoldAttr> folds;
  if (ArrayAttr attr = getFoldsAttr())
    for (Attribute fold : attr)
      folds.push_back(cast<FoldAttr>(fold));
  return folds;
}

SpaceAttr EmbedOp::getResultSpace(unsigned index) {
  SpaceAttr spaces[] = {getTokensSpace(), getIndicesSpace(), getOneSpace(),
                        getBosSpace()};
  if (index < 4)
    return spaces[index];
  return getFoldAttrs()[index - 4].getSpace();
}

void EmbedOp::getAsmResultNames(OpAsmSetValueNameFn setNameFn) {
  setNameFn(getTokens(), "tokens");
  setNameFn(getIndices(), "indices");
  setNameFn(getOne(), "one");
  setNameFn(getBos(), "bos");
  for (auto [result, fold] : llvm::zip(getFolded(), getFoldAttrs()))
    setNameFn(result, fold.getSpace().getLabel().getValue());
}

LogicalResult EmbedOp::verify() {
  if (!getTokensSpace().isCategorical())
    return emitOpError("tokens space must be categorical");
  if (!getIndicesSpace().isCategorical())
    return emitOpError("indices space must be categorical");
  // Direction i is position i: every embedding and fold table relies on it.
  for (auto [i, value] : llvm::enumerate(getIndicesSpace().getValues())) {
    auto index = dyn_cast<IntegerAttr>(value);
    if (!index || index.getValue() != i)
      return emitOpError("indices space must hold the positions 0, 1, ... "
                         "in order; direction ")
             << i << " is " << value;
  }
  if (!getOneSpace().isNumerical())
    return emitOpError("one space must be a single unvalued direction");
  SpaceAttr bos = getBosSpace();
  if (!bos.isCategorical() || bos.getDim() != 1)
    return emitOpError("bos space must hold exactly one valued direction");
  if (bos.getLabel() == getTokensSpace().getLabel() &&
      getTokensSpace().indexOf(bos.getValues()[0]))
    return emitOpError("bos direction ")
           << bos.getDirection(0).str() << " is also a token direction";
  for (FoldAttr fold : getFoldAttrs()) {
    bool tokens = fold.getSource() == EmbedSource::Tokens;
    int64_t rows = (tokens ? getTokensSpace() : getIndicesSpace()).getDim();
    int64_t cols = fold.getSpace().getDim();
    auto type = dyn_cast<ShapedType>(fold.getTable().getType());
    if (!type || !type.hasStaticShape() || type.getRank() != 2 ||
        type.getDimSize(0) != rows || type.getDimSize(1) != cols)
      return emitOpError("fold table of ")
             << fold.getSpace() << " must have shape " << rows << "x" << cols
             << " (" << (tokens ? "tokens" : "indices") << " x space)";
  }
  return success();
}

//===----------------------------------------------------------------------===//
// MLPOp
//===----------------------------------------------------------------------===//

LogicalResult MLPOp::inferReturnTypes(MLIRContext *context,
                                      std::optional<Location> location,
                                      Adaptor adaptor,
                                      SmallVectorImpl<Type> &types) {
  ArrayAttr spaces = adaptor.getSpaces();
  if (!spaces)
    return emitOptionalError(location, "missing 'spaces'");
  for (Attribute attr : spaces) {
    auto space = dyn_cast<SpaceAttr>(attr);
    if (!space)
      return emitOptionalError(location, "'spaces' must hold #craft.space");
    types.push_back(vecTypeOf(space));
  }
  return success();
}

SpaceAttr MLPOp::getResultSpace(unsigned index) {
  return cast<SpaceAttr>(getSpaces()[index]);
}

void MLPOp::getAsmResultNames(OpAsmSetValueNameFn setNameFn) {
  nameResultsAfterSpaces(*this, setNameFn);
}

int64_t MLPOp::getHiddenSize() {
  return cast<ShapedType>(getW1().getType()).getDimSize(1);
}

LogicalResult MLPOp::verify() {
  auto emit = [&]() { return emitOpError(); };
  auto w1 = cast<ShapedType>(getW1().getType());
  int64_t hidden = w1.hasRank() && w1.getRank() == 2 ? w1.getDimSize(1) : -1;
  if (failed(verifyWeights(emit, getW1(), "w1", totalDim(getInputs()), hidden)))
    return failure();
  return verifyWeights(emit, getW2(), "w2", hidden, totalDim(getResults()));
}

//===----------------------------------------------------------------------===//
// AttentionHeadOp
//===----------------------------------------------------------------------===//

LogicalResult AttentionHeadOp::inferReturnTypes(
    MLIRContext *context, std::optional<Location> location, Adaptor adaptor,
    SmallVectorImpl<Type> &types) {
  SpaceAttr space = adaptor.getSpace();
  if (!space)
    return emitOptionalError(location, "missing 'space'");
  types.push_back(vecTypeOf(space));
  return success();
}

SpaceAttr AttentionHeadOp::getResultSpace(unsigned) { return getSpace(); }

void AttentionHeadOp::getAsmResultNames(OpAsmSetValueNameFn setNameFn) {
  nameResultsAfterSpaces(*this, setNameFn);
}

LogicalResult AttentionHeadOp::verify() {
  auto emit = [&]() { return emitOpError(); };
  double scale = getScale().convertToDouble();
  if (!(scale > 0) || !std::isfinite(scale))
    return emitOpError("scale must be positive and finite, got ") << scale;
  llvm::DenseSet<std::pair<unsigned, unsigned>> seen;
  for (Attribute attr : getWQk()) {
    auto block = cast<QKBlockAttr>(attr);
    unsigned q = block.getQuery(), k = block.getKey();
    if (q >= getQueries().size())
      return emitOpError("w_qk block query index ")
             << q << " out of range (" << getQueries().size() << " queries)";
    if (k >= getKeys().size())
      return emitOpError("w_qk block key index ")
             << k << " out of range (" << getKeys().size() << " keys)";
    if (!seen.insert({q, k}).second)
      return emitOpError("w_qk has two blocks for query ")
             << q << " and key " << k;
    std::string name =
        "w_qk block (" + std::to_string(q) + ", " + std::to_string(k) + ")";
    if (failed(verifyWeights(emit, block.getWeights(), name,
                             cast<VecType>(getQueries()[q].getType()).getDim(),
                             cast<VecType>(getKeys()[k].getType()).getDim())))
      return failure();
  }
  return verifyWeights(emit, getWOv(), "w_ov", totalDim(getValues()),
                       getSpace().getDim());
}

//===----------------------------------------------------------------------===//
// MultiHeadOp
//===----------------------------------------------------------------------===//

SpaceAttr MultiHeadOp::getResultSpace(unsigned index) {
  auto yield = cast<YieldOp>(getBody().front().getTerminator());
  return craft::getSpace(yield.getValues()[index]);
}

LogicalResult MultiHeadOp::verifyRegions() {
  Block &body = getBody().front();
  auto yield = dyn_cast<YieldOp>(body.empty() ? nullptr : &body.back());
  if (!yield)
    return emitOpError("body must end with 'craft.yield'");
  for (Operation &op : body.without_terminator())
    if (!isa<AttentionHeadOp>(op))
      return emitOpError("body may only hold 'craft.attention_head' ops, "
                         "found '")
             << op.getName() << "'";
  if (yield.getValues().size() != getNumResults())
    return emitOpError("yields ")
           << yield.getValues().size() << " values but has " << getNumResults()
           << " results";
  for (auto [yielded, result] : llvm::zip(yield.getValues(), getResults())) {
    if (yielded.getType() != result.getType())
      return emitOpError("result type ")
             << result.getType() << " does not match yielded type "
             << yielded.getType();
    Operation *def = yielded.getDefiningOp();
    if (!def || def->getBlock() != &body)
      return emitOpError("must yield results of its own heads");
  }
  return success();
}

std::optional<StringRef> mlir::craft::getLocationName(Location loc) {
  if (auto name = dyn_cast<NameLoc>(loc))
    return name.getName().getValue();
  if (auto fused = dyn_cast<FusedLoc>(loc))
    for (Location inner : fused.getLocations())
      if (std::optional<StringRef> n = getLocationName(inner))
        return n;
  if (auto callSite = dyn_cast<CallSiteLoc>(loc))
    return getLocationName(callSite.getCallee());
  return std::nullopt;
}
