//===- ConvertModel.cpp - A craft.model as one tensor function ------------===//
//
// Assembles the model (craft::assembleModel), creates the function in the
// runtime's calling convention and builds the embedding, every layer (heads,
// then the MLP) and the readout in order.
//
//===----------------------------------------------------------------------===//

#include "ModelBuilder.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "llvm/ADT/StringExtras.h"

using namespace mlir;
using namespace mlir::rasp;
using namespace mlir::rasp::detail;

/// [A-Za-z0-9_] spelling of a label, for weight names.
static std::string identifier(StringRef label) {
  std::string out = label.str();
  for (char &c : out)
    if (!llvm::isAlnum(c))
      c = '_';
  return out;
}

static ArrayAttr stringArray(Builder &builder, ArrayRef<std::string> strings) {
  SmallVector<StringRef> refs(strings.begin(), strings.end());
  return builder.getStrArrayAttr(refs);
}

FailureOr<func::FuncOp>
mlir::rasp::convertModelToLinalg(craft::ModelOp model,
                                 const CraftToLinalgOptions &options) {
  FailureOr<craft::AssembledModel> assembled = craft::assembleModel(model);
  if (failed(assembled))
    return failure();
  const craft::AssembledModel &m = *assembled;

  OpBuilder builder(model);
  builder.setInsertionPointAfter(model);
  int64_t dynamic = ShapedType::kDynamic;
  int64_t batch = options.batchSize > 0 ? options.batchSize : dynamic;
  auto tokensType =
      RankedTensorType::get({batch, dynamic}, builder.getI32Type());
  auto lengthsType = RankedTensorType::get({batch}, builder.getI32Type());
  auto resultType = RankedTensorType::get({batch, dynamic, m.readout.range.dim},
                                          builder.getF32Type());
  auto func = func::FuncOp::create(
      builder, model.getLoc(), model.getSymName(),
      builder.getFunctionType({tokensType, lengthsType}, {resultType}));
  func.addEntryBlock();
  func->setAttr(kNumTokenIdsAttr,
                builder.getI64IntegerAttr(m.embedding.numTokenIds));
  func->setAttr(kMaxPositionsAttr,
                builder.getI64IntegerAttr(m.embedding.numPositions));
  func->setAttr(kTokenLabelsAttr,
                stringArray(builder, m.embedding.tokenLabels));
  func->setAttr(kResidualLabelsAttr, stringArray(builder, m.labels));

  ModelBuilder b(func, m, options);
  Value x = buildEmbedding(b);
  for (auto [index, layer] : llvm::enumerate(m.layers)) {
    std::string prefix = "l" + std::to_string(index) + "_";
    // Heads only read subspaces written before their layer, and each writes
    // its own columns: updating the stream head by head is the same as
    // updating it once after all of them.
    for (const craft::AssembledHead &head : layer.heads) {
      b.setLoc(head.loc);
      b.setWeightPrefix(prefix + identifier(head.name) + "_");
      x = buildAttentionHead(b, x, head);
    }
    if (layer.mlp) {
      b.setLoc(layer.mlp->loc);
      b.setWeightPrefix(prefix + "mlp_");
      x = buildMLP(b, x, *layer.mlp);
    }
  }
  b.setLoc(model.getLoc());
  Value output = buildReadout(b, x, func);
  func::ReturnOp::create(b.getBuilder(), model.getLoc(), output);
  // Results of calls are cast back to static shapes for every use; the casts
  // that ended up unused go.
  func.walk([](tensor::CastOp op) {
    if (op->use_empty())
      op->erase();
  });
  return func;
}
