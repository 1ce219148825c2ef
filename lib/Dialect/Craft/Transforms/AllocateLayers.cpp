//===- AllocateLayers.cpp - From craft programs to layered models ---------===//
//
// Builds a craft.model from a craft.program and its LayerSchedule: the
// embedding, one craft.layer per layer (heads, then the sublayer's MLPs
// combined), the output, and the residual layout.
//
//===----------------------------------------------------------------------===//

#include "RaspDialect/Dialect/Craft/Transforms/AllocateLayers.h"
#include "RaspDialect/Dialect/Craft/Analysis/LayerSchedule.h"

#include "llvm/ADT/DenseMap.h"

using namespace mlir;
using namespace mlir::craft;

namespace {
/// Copies the components of a program into the layers of a model.
class LayerBuilder {
public:
  LayerBuilder(ProgramOp program, const LayerSchedule &schedule)
      : program(program), schedule(schedule) {
    // Later components read a grouped head's result through the group.
    program.walk([&](MultiHeadOp group) {
      auto yield = cast<YieldOp>(group.getBody().front().getTerminator());
      for (auto [result, yielded] :
           llvm::zip(group.getResults(), yield.getValues()))
        aliases[yielded].push_back(result);
    });
  }

  /// Builds the model; fails if residual labels cannot be made unique.
  FailureOr<ModelOp> build();

  /// The model's residual direction labels, in order (after build()).
  ArrayRef<std::string> getDirectionLabels() const { return directionLabels; }

private:
  /// The program's subspaces in the model's residual order.
  SmallVector<Value> residualOrder();
  /// Maps `old` (and the group results standing for it) to `replacement`.
  void map(Value old, Value replacement) {
    mapping.map(old, replacement);
    for (Value alias : aliases.lookup(old))
      mapping.map(alias, replacement);
  }

  /// Gives each of `copies` the basis chosen for its original in `olds`.
  void rename(ValueRange olds, ValueRange copies) {
    for (auto [old, copy] : llvm::zip_equal(olds, copies))
      if (SpaceAttr space = renamed.lookup(old))
        setResultSpace(cast<OpResult>(copy), space);
  }

  void buildLayer(OpBuilder &builder, unsigned index);

  ProgramOp program;
  const LayerSchedule &schedule;
  IRMapping mapping;
  llvm::DenseMap<Value, SmallVector<Value, 1>> aliases;
  llvm::DenseMap<Value, SpaceAttr> renamed;
  SmallVector<std::string> directionLabels;
};
} // namespace

void LayerBuilder::buildLayer(OpBuilder &builder, unsigned index) {
  ArrayRef<Operation *> heads =
      schedule.getSublayer(LayerSchedule::attentionSlot(index));
  SmallVector<MLPOp> mlps;
  for (Operation *op : schedule.getSublayer(LayerSchedule::mlpSlot(index)))
    mlps.push_back(cast<MLPOp>(op));

  // The values this layer writes, in the order it yields them.
  SmallVector<Value> written;
  for (Operation *head : heads)
    llvm::append_range(written, head->getResults());
  for (MLPOp mlp : mlps)
    llvm::append_range(written, mlp.getResults());
  SmallVector<Type> types;
  for (Value v : written)
    types.push_back(v.getType());
  // Diagnostics about a layer point at the source of its components.
  SmallVector<Location> locs;
  for (Operation *op : heads)
    locs.push_back(op->getLoc());
  for (MLPOp mlp : mlps)
    locs.push_back(mlp.getLoc());
  Location loc = locs.empty() ? program.getLoc() : builder.getFusedLoc(locs);

  auto layer =
      LayerOp::create(builder, loc, types, builder.getI64IntegerAttr(index));
  OpBuilder::InsertionGuard guard(builder);
  builder.createBlock(&layer.getBody());
  // Heads read the stream before the layer; the MLP also sees their results.
  SmallVector<Value> yielded;
  for (Operation *head : heads) {
    Operation *copy = builder.clone(*head, mapping);
    rename(head->getResults(), copy->getResults());
    for (auto [old, result] : llvm::zip(head->getResults(), copy->getResults()))
      map(old, result);
    llvm::append_range(yielded, copy->getResults());
  }
  if (!mlps.empty()) {
    Operation *mlp = mlps.size() == 1
                         ? builder.clone(*mlps.front(), mapping)
                         : combineMLPs(builder, mlps, mapping).getOperation();
    // Its results are those of `mlps`, in order.
    rename(ArrayRef<Value>(written).take_back(mlp->getNumResults()),
           mlp->getResults());
    llvm::append_range(yielded, mlp->getResults());
  }
  YieldOp::create(builder, loc, yielded);

  // Later layers read what this one writes through its results.
  for (auto [old, result] : llvm::zip(written, layer.getResults()))
    map(old, result);
}

// The same order as getResidualOrder(ModelOp), on the program's values.
SmallVector<Value> LayerBuilder::residualOrder() {
  EmbedOp embed = program.getEmbedOp();
  SmallVector<Value> order = embeddingOrder(embed);
  for (unsigned i = 0, e = schedule.getNumLayers(); i < e; ++i)
    for (int64_t slot :
         {LayerSchedule::attentionSlot(i), LayerSchedule::mlpSlot(i)})
      for (Operation *component : schedule.getSublayer(slot))
        llvm::append_range(order, component->getResults());
  return order;
}

FailureOr<ModelOp> LayerBuilder::build() {
  FailureOr<llvm::DenseMap<Value, SpaceAttr>> labels =
      uniqueResidualLabels(residualOrder(), &directionLabels);
  if (failed(labels))
    return failure();
  renamed = std::move(*labels);

  OpBuilder builder(program.getContext());
  builder.setInsertionPointAfter(program);
  auto model =
      ModelOp::create(builder, program.getLoc(), program.getSymNameAttr(),
                      builder.getArrayAttr({}), builder.getArrayAttr({}),
                      program.getVocabAttr(), program.getMaxSeqLenAttr(),
                      program.getBosAttr(), program.getCausalAttr());
  builder.createBlock(&model.getBody());
  EmbedOp embed = program.getEmbedOp();
  rename(embed->getResults(), builder.clone(*embed, mapping)->getResults());
  for (unsigned i = 0, e = schedule.getNumLayers(); i < e; ++i)
    buildLayer(builder, i);
  OutputOp output = program.getOutputOp();
  OutputOp::create(builder, output.getLoc(),
                   mapping.lookup(output.getOutput()));
  return model;
}

FailureOr<ModelOp> mlir::craft::allocateLayers(ProgramOp program) {
  FailureOr<LayerSchedule> schedule = LayerSchedule::compute(program);
  if (failed(schedule))
    return failure();
  LayerBuilder builder(program, *schedule);
  FailureOr<ModelOp> model = builder.build();
  if (failed(model))
    return failure();
  setResidualLayout(*model, builder.getDirectionLabels());
  return model;
}
