//===- TraceLayout.cpp - Named subspaces and what each stage writes -------===//

#include "RaspDialect/Dialect/Craft/IR/CraftModel.h"
#include "RaspDialect/Trace/TraceDocument.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringSet.h"

using namespace mlir;
using namespace mlir::rasp;
using namespace mlir::rasp::trace;

FailureOr<TraceLayout> TraceLayout::get(craft::ModelOp model) {
  craft::ResidualLayout residual = craft::ResidualLayout::get(model);
  TraceLayout layout;
  llvm::DenseMap<craft::SpaceAttr, size_t> indexOf;
  llvm::StringSet<> names;
  for (craft::SpaceAttr space : residual.getSpaces()) {
    std::string name = space.getLabel().str();
    if (names.contains(name) && space.getDim() > 0)
      name = craft::residualLabels({space}).front();
    // A dimensionless subspace has no direction label to fall back on.
    for (int suffix = 2; names.contains(name); ++suffix)
      name = space.getLabel().str() + "#" + std::to_string(suffix);
    names.insert(name);
    indexOf[space] = layout.subspaces.size();
    layout.subspaces.push_back({name, *residual.lookup(space), space});
  }

  auto writesOf = [&](Operation *op) -> FailureOr<std::vector<size_t>> {
    std::vector<size_t> out;
    for (Value result : op->getResults()) {
      auto it = indexOf.find(craft::getSpace(result));
      if (it == indexOf.end())
        return op->emitOpError("writes the subspace ")
               << craft::getSpace(result)
               << ", which is not in the residual layout";
      out.push_back(it->second);
    }
    return out;
  };
  craft::EmbedOp embed = model.getEmbedOp();
  if (!embed)
    return model.emitOpError("has no 'craft.embed'");
  FailureOr<std::vector<size_t>> embedded = writesOf(embed);
  if (failed(embedded))
    return failure();
  layout.writes.push_back(std::move(*embedded));
  for (craft::LayerOp layer : model.getLayers()) {
    std::vector<size_t> attention;
    for (craft::AttentionHeadOp head : layer.getHeads()) {
      FailureOr<std::vector<size_t>> written = writesOf(head);
      if (failed(written))
        return failure();
      attention.insert(attention.end(), written->begin(), written->end());
    }
    layout.writes.push_back(std::move(attention));
    std::vector<size_t> mlp;
    if (craft::MLPOp op = layer.getMLP()) {
      FailureOr<std::vector<size_t>> written = writesOf(op);
      if (failed(written))
        return failure();
      mlp = std::move(*written);
    }
    layout.writes.push_back(std::move(mlp));
  }
  return layout;
}
