//===- LayerSchedule.cpp - Sublayer schedule of craft programs ------------===//

#include "RaspDialect/Dialect/Craft/Analysis/LayerSchedule.h"
#include "RaspDialect/Dialect/Craft/Analysis/Placement.h"

using namespace mlir;
using namespace mlir::craft;

Operation *mlir::craft::getProducer(Value value) {
  Operation *def = value.getDefiningOp();
  if (auto group = dyn_cast_or_null<MultiHeadOp>(def)) {
    auto yield = cast<YieldOp>(group.getBody().front().getTerminator());
    def = yield.getValues()[cast<OpResult>(value).getResultNumber()]
              .getDefiningOp();
  }
  if (isa_and_nonnull<AttentionHeadOp, MLPOp>(def))
    return def;
  return nullptr;
}

FailureOr<LayerSchedule> LayerSchedule::compute(ProgramOp program) {
  LayerSchedule schedule;
  // The program's embedding already holds every folded table.
  ProgramSlots model(ProgramGraph(), /*foldEmbeddings=*/false);
  auto place = [&](Operation *component) {
    int64_t slot = model.slotOf(component->getResult(0));
    schedule.slots[component] = slot;
    if (static_cast<int64_t>(schedule.sublayers.size()) <= slot)
      schedule.sublayers.resize(slot + 1);
    schedule.sublayers[slot].push_back(component);
  };
  for (Operation &op : program.getBody().front()) {
    if (isa<EmbedOp, OutputOp>(op))
      continue;
    if (isa<AttentionHeadOp, MLPOp>(op)) {
      place(&op);
      continue;
    }
    if (auto group = dyn_cast<MultiHeadOp>(op)) {
      for (Operation &inner : group.getBody().front().without_terminator())
        place(&inner);
      continue;
    }
    return op.emitOpError("cannot be allocated to a transformer layer");
  }
  return schedule;
}

int64_t LayerSchedule::getSlot(Operation *component) const {
  auto it = slots.find(component);
  assert(it != slots.end() && "not a scheduled component");
  return it->second;
}

int64_t LayerSchedule::getSlot(Value value) const {
  Operation *producer = getProducer(value);
  return producer ? getSlot(producer) : -1;
}

ArrayRef<Operation *> LayerSchedule::getSublayer(int64_t slot) const {
  if (slot < 0 || slot >= static_cast<int64_t>(sublayers.size()))
    return {};
  return sublayers[slot];
}
