//===- Placement.h - Where components go in a transformer -------*- C++ -*-===//
//
// The one placement model of craft components: the rule that puts a
// component in a layer slot, and the rule of which MLPs an embedding can
// write instead (docs/LayerAllocation.md, docs/Fusion.md). The layer
// schedule (--allocate-layers), embedding folding (--fold-embeddings) and
// the lowering's depth estimates (--lower-to-craft, before any op exists)
// all ask it, through `SlotModel` over whatever graph they hold.
//
//===----------------------------------------------------------------------===//

#ifndef RASPDIALECT_DIALECT_CRAFT_ANALYSIS_PLACEMENT_H
#define RASPDIALECT_DIALECT_CRAFT_ANALYSIS_PLACEMENT_H

#include "RaspDialect/Dialect/Craft/IR/CraftOps.h"

#include "llvm/ADT/ArrayRef.h"

#include <cstdint>
#include <optional>

namespace mlir::craft {

/// The kind of sublayer a component runs in.
enum class SublayerKind { Attention, MLP };

/// Slots number the sublayers in execution order: the attention sublayer of
/// layer `i` is slot `2i`, its MLP sublayer slot `2i + 1`; the embedding is
/// slot -1.
namespace placement {

constexpr int64_t kEmbeddingSlot = -1;

/// The earliest slot of `kind` after slot `after`: where a component goes
/// that reads values written up to `after` (as soon as possible, which no
/// placement respecting the dependencies can beat).
int64_t slotAfter(SublayerKind kind, int64_t after);

inline int64_t attentionSlot(unsigned layer) { return 2 * int64_t(layer); }
inline int64_t mlpSlot(unsigned layer) { return 2 * int64_t(layer) + 1; }
/// Layers needed to hold slots 0..last.
inline unsigned numLayers(int64_t last) {
  return last < 0 ? 0 : static_cast<unsigned>(last / 2 + 1);
}

/// The kind of sublayer of an attention head or MLP.
SublayerKind kindOf(Operation *component);

/// What an embedding can write: a function of the tokens, of the
/// positions, or of neither (`one`, `bos`, constants), which either can.
enum class FoldSource { Tokens, Indices, Either };

/// The source of an MLP whose inputs have these sources: one embedding's
/// (with `one`, `bos` and constants), or std::nullopt if some input no
/// embedding writes (std::nullopt in `inputs`) or it reads both tokens and
/// positions.
std::optional<FoldSource>
foldSourceOf(llvm::ArrayRef<std::optional<FoldSource>> inputs);

/// The source of a result of `embed`: its tokens or positions, `one` and
/// `bos` (either), or a folded table's source.
FoldSource foldSourceOf(EmbedOp embed, Value result);

/// The embedding that writes a value of `source` (a constant: the tokens').
EmbedSource toEmbedSource(FoldSource source);

} // namespace placement

/// Slots of the values of a component graph, computed on demand and
/// memoised: a value is in the slot of the component that writes it, the
/// embedding in slot -1, and a component in the earliest slot of its kind
/// after every value it reads. With `foldEmbeddings`, MLPs the embedding can
/// write (placement::foldSourceOf) count as the embedding. `Node` is any
/// handle the graph uses for values (mlir::Value for craft IR, a dense id
/// for a plan); `Graph` answers, for a value, whether the embedding writes
/// it and otherwise its producer's kind and inputs:
///
///   struct Graph {
///     std::optional<placement::FoldSource> embedSource(Node) const;
///     SublayerKind kindOf(Node) const;
///     void forEachInput(Node, function_ref<void(Node)>) const;
///   };
template <typename Node, typename Graph>
class SlotModel {
public:
  SlotModel(const Graph &graph, bool foldEmbeddings)
      : graph(graph), foldEmbeddings(foldEmbeddings) {}

  /// The slot `value` is written in.
  int64_t slotOf(Node value) {
    auto it = slots.find(value);
    if (it != slots.end())
      return it->second;
    int64_t slot = placement::kEmbeddingSlot;
    if (!(graph.embedSource(value) || (foldEmbeddings && foldSource(value)))) {
      int64_t after = placement::kEmbeddingSlot;
      graph.forEachInput(
          value, [&](Node input) { after = std::max(after, slotOf(input)); });
      slot = placement::slotAfter(graph.kindOf(value), after);
    }
    slots[value] = slot;
    return slot;
  }

  /// Which embedding can write `value`: its own source for an embedding
  /// result, else the source of an MLP all of whose inputs one embedding
  /// can write; std::nullopt for anything else.
  std::optional<placement::FoldSource> foldSource(Node value) {
    if (std::optional<placement::FoldSource> s = graph.embedSource(value))
      return s;
    auto it = sources.find(value);
    if (it != sources.end())
      return it->second;
    std::optional<placement::FoldSource> source;
    if (graph.kindOf(value) == SublayerKind::MLP) {
      llvm::SmallVector<std::optional<placement::FoldSource>> inputs;
      graph.forEachInput(
          value, [&](Node input) { inputs.push_back(foldSource(input)); });
      source = placement::foldSourceOf(inputs);
    }
    sources[value] = source;
    return source;
  }

private:
  const Graph &graph;
  bool foldEmbeddings;
  llvm::DenseMap<Node, int64_t> slots;
  llvm::DenseMap<Node, std::optional<placement::FoldSource>> sources;
};

/// A craft program's values (results of `craft.embed`, heads and MLPs) as
/// the slot model reads them.
struct ProgramGraph {
  std::optional<placement::FoldSource> embedSource(Value v) const;
  SublayerKind kindOf(Value v) const;
  void forEachInput(Value v, llvm::function_ref<void(Value)> fn) const;
};

/// The slots of a craft program's values.
class ProgramSlots : public SlotModel<Value, ProgramGraph> {
public:
  ProgramSlots(ProgramGraph graph, bool foldEmbeddings)
      : SlotModel(this->graph, foldEmbeddings), graph(graph) {}

private:
  ProgramGraph graph;
};

} // namespace mlir::craft

#endif // RASPDIALECT_DIALECT_CRAFT_ANALYSIS_PLACEMENT_H
