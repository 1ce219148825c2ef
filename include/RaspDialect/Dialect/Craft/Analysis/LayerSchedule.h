//===- LayerSchedule.h - Sublayer schedule of craft programs ----*- C++ -*-===//
//
// Which sublayer each component of a `craft.program` runs in when the program
// becomes a transformer: the analysis behind `--allocate-layers`.
//
//===----------------------------------------------------------------------===//

#ifndef RASPDIALECT_DIALECT_CRAFT_ANALYSIS_LAYERSCHEDULE_H
#define RASPDIALECT_DIALECT_CRAFT_ANALYSIS_LAYERSCHEDULE_H

#include "RaspDialect/Dialect/Craft/Analysis/Placement.h"
#include "RaspDialect/Dialect/Craft/IR/CraftOps.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallVector.h"

#include <vector>

namespace mlir::craft {

/// The type-aware longest-path schedule of a program's components: every
/// component in the slot the placement model gives it (Placement.h: the
/// earliest slot of its kind after the slots of all the components whose
/// results it reads; the embedding counts as slot -1).
/// This is an as-soon-as-possible schedule of the dependency graph with two
/// alternating resource kinds, so the last occupied slot, and with it the
/// number of layers, is the smallest any placement respecting the
/// dependencies can reach.
class LayerSchedule {
public:
  /// Schedules every `craft.attention_head` (also those grouped in a
  /// `craft.multi_head`) and `craft.mlp` of `program`. Emits an error and
  /// fails if the body holds an op that is none of these, the embedding or
  /// the output.
  static FailureOr<LayerSchedule> compute(ProgramOp program);

  /// The slot of an attention head or MLP of the program.
  int64_t getSlot(Operation *component) const;
  /// The slot whose results `value` holds (-1 for the embedding).
  int64_t getSlot(Value value) const;

  /// Number of layers: every occupied slot lies in one of them.
  unsigned getNumLayers() const { return (sublayers.size() + 1) / 2; }
  /// The components of `slot`, in program order (empty past the end).
  llvm::ArrayRef<Operation *> getSublayer(int64_t slot) const;

  static int64_t attentionSlot(unsigned layer) {
    return placement::attentionSlot(layer);
  }
  static int64_t mlpSlot(unsigned layer) { return placement::mlpSlot(layer); }

private:
  llvm::DenseMap<Operation *, int64_t> slots;
  std::vector<llvm::SmallVector<Operation *>> sublayers;
};

/// The component that writes `value`: its defining attention head or MLP,
/// looking through `craft.multi_head`; null for the embedding.
Operation *getProducer(Value value);

} // namespace mlir::craft

#endif // RASPDIALECT_DIALECT_CRAFT_ANALYSIS_LAYERSCHEDULE_H
