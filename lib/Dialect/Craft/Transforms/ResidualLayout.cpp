//===- ResidualLayout.cpp - Ordering and labelling the residual -----------===//
//
// The residual of a model lists the token embedding's range first (tokens,
// BOS, one and token-indexed folds: what a token row writes), then the
// positions (indices and position-indexed folds), then what each layer
// writes, so reading it left to right follows the computation.
//
//===----------------------------------------------------------------------===//

#include "RaspDialect/Dialect/Craft/IR/CraftModel.h"
#include "RaspDialect/Dialect/Craft/Transforms/AllocateLayers.h"

#include "llvm/ADT/StringSet.h"

using namespace mlir;
using namespace mlir::craft;

SmallVector<Value> mlir::craft::embeddingOrder(EmbedOp embed) {
  // What a token row writes (tokens, BOS, one and the token-indexed folds),
  // then what a position row writes (indices and the position-indexed
  // folds): each embedding matrix writes one contiguous range.
  SmallVector<Value> order = {embed.getTokens(), embed.getBos(),
                              embed.getOne()};
  for (EmbedSource source : {EmbedSource::Tokens, EmbedSource::Indices}) {
    if (source == EmbedSource::Indices)
      order.push_back(embed.getIndices());
    for (auto [result, fold] :
         llvm::zip(embed.getFolded(), embed.getFoldAttrs()))
      if (fold.getSource() == source)
        order.push_back(result);
  }
  return order;
}

SmallVector<Value> mlir::craft::getResidualOrder(ModelOp model) {
  EmbedOp embed = model.getEmbedOp();
  SmallVector<Value> order = embeddingOrder(embed);
  for (LayerOp layer : model.getLayers())
    llvm::append_range(order, layer.getResults());
  return order;
}

void mlir::craft::setResidualLayout(
    ModelOp model, std::optional<ArrayRef<std::string>> given) {
  SmallVector<SpaceAttr> spaces;
  for (Value value : getResidualOrder(model))
    spaces.push_back(getSpace(value));
  Builder b(model.getContext());
  SmallVector<Attribute> spaceAttrs(spaces.begin(), spaces.end());
  SmallVector<StringRef> labelRefs;
  SmallVector<std::string> labels;
  if (!given)
    labels = residualLabels(spaces);
  for (const std::string &label : given ? *given : ArrayRef(labels))
    labelRefs.push_back(label);
  model.setResidualAttr(b.getArrayAttr(spaceAttrs));
  model.setLabelsAttr(b.getStrArrayAttr(labelRefs));
}

static SpaceAttr withLabel(SpaceAttr space, StringRef label) {
  MLIRContext *context = space.getContext();
  return SpaceAttr::get(context, StringAttr::get(context, label),
                        space.getValues());
}

FailureOr<llvm::DenseMap<Value, SpaceAttr>>
mlir::craft::uniqueResidualLabels(ArrayRef<Value> subspaces,
                                  SmallVectorImpl<std::string> *all) {
  llvm::DenseMap<Value, SpaceAttr> renamed;
  llvm::StringSet<> taken;
  auto freeLabels = [&](ArrayRef<std::string> labels) {
    return llvm::none_of(
        labels, [&](const std::string &l) { return taken.contains(l); });
  };
  auto isFree = [&](SpaceAttr space) {
    return freeLabels(residualLabels(space));
  };
  for (Value value : subspaces) {
    SpaceAttr space = getSpace(value);
    SmallVector<std::string> labels = residualLabels(space);
    llvm::StringSet<> own;
    for (const std::string &label : labels)
      if (!own.insert(label).second)
        return value.getDefiningOp()->emitOpError("subspace ")
               << space << " has two directions labelled '" << label << "'";
    // The labels are built once for a subspace that keeps its own.
    if (!freeLabels(labels)) {
      StringRef base = space.getLabel().getValue();
      SpaceAttr candidate;
      if (std::optional<StringRef> name = getLocationName(value.getLoc()))
        candidate = withLabel(space, *name);
      for (unsigned n = 2; !candidate || !isFree(candidate); ++n)
        candidate = withLabel(space, (base + "_" + Twine(n)).str());
      space = candidate;
      renamed[value] = space;
      labels = residualLabels(space);
    }
    for (const std::string &label : labels)
      taken.insert(label);
    if (all)
      llvm::append_range(*all, labels);
  }
  return renamed;
}

void mlir::craft::setResultSpace(OpResult result, SpaceAttr space) {
  Operation *op = result.getOwner();
  unsigned index = result.getResultNumber();
  if (auto head = dyn_cast<AttentionHeadOp>(op)) {
    head.setSpaceAttr(space);
  } else if (auto mlp = dyn_cast<MLPOp>(op)) {
    SmallVector<Attribute> spaces(mlp.getSpaces().begin(),
                                  mlp.getSpaces().end());
    spaces[index] = space;
    mlp.setSpacesAttr(ArrayAttr::get(op->getContext(), spaces));
  } else if (auto embed = dyn_cast<EmbedOp>(op)) {
    if (result == embed.getTokens())
      embed.setTokensSpaceAttr(space);
    else if (result == embed.getIndices())
      embed.setIndicesSpaceAttr(space);
    else if (result == embed.getOne())
      embed.setOneSpaceAttr(space);
    else if (result == embed.getBos())
      embed.setBosSpaceAttr(space);
    else {
      SmallVector<Attribute> folds(embed.getFoldsAttr().begin(),
                                   embed.getFoldsAttr().end());
      FoldAttr fold = cast<FoldAttr>(folds[index - 4]);
      folds[index - 4] = FoldAttr::get(op->getContext(), fold.getSource(),
                                       space, fold.getTable());
      embed.setFoldsAttr(ArrayAttr::get(op->getContext(), folds));
    }
  } else {
    llvm_unreachable("not a subspace-producing op");
  }
}
