//===- FlattenModel.cpp - A craft.model as a craft.program ----------------===//

#include "RaspDialect/Dialect/Craft/Transforms/AllocateLayers.h"

using namespace mlir;
using namespace mlir::craft;

ProgramOp mlir::craft::flattenModel(ModelOp model) {
  OpBuilder b(model.getContext());
  b.setInsertionPointAfter(model);
  Location loc = model.getLoc();
  auto program = ProgramOp::create(
      b, loc, model.getSymNameAttr(), model.getVocabAttr(),
      model.getMaxSeqLenAttr(), model.getBosAttr(), model.getCausalAttr());
  b.createBlock(&program.getBody());
  IRMapping map;
  b.clone(*model.getEmbedOp(), map);
  for (LayerOp layer : model.getLayers()) {
    SmallVector<AttentionHeadOp> heads(layer.getHeads());
    if (!heads.empty()) {
      SmallVector<Type> types;
      for (AttentionHeadOp head : heads)
        types.push_back(head.getType());
      auto group = MultiHeadOp::create(b, loc, types);
      OpBuilder inner(model.getContext());
      inner.createBlock(&group.getBody());
      SmallVector<Value> results;
      for (AttentionHeadOp head : heads)
        results.push_back(inner.clone(*head, map)->getResult(0));
      YieldOp::create(inner, loc, results);
      for (auto [head, result] : llvm::zip(heads, group.getResults()))
        map.map(head.getResult(), result);
    }
    if (MLPOp mlp = layer.getMLP())
      b.clone(*mlp, map);
    for (auto [result, yielded] :
         llvm::zip(layer.getResults(), layer.getYieldOp().getValues()))
      map.map(result, map.lookup(yielded));
  }
  OutputOp::create(b, model.getOutputOp().getLoc(),
                   map.lookup(model.getOutput()));
  return program;
}
