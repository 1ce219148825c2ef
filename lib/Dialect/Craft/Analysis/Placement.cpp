//===- Placement.cpp - Where components go in a transformer ---------------===//

#include "RaspDialect/Dialect/Craft/Analysis/Placement.h"
#include "RaspDialect/Dialect/Craft/Analysis/LayerSchedule.h"

using namespace mlir;
using namespace mlir::craft;
using namespace mlir::craft::placement;

int64_t placement::slotAfter(SublayerKind kind, int64_t after) {
  int64_t slot = after + 1;
  bool wantMLP = kind == SublayerKind::MLP;
  if ((slot % 2 != 0) != wantMLP)
    ++slot;
  return slot;
}

SublayerKind placement::kindOf(Operation *component) {
  return isa<MLPOp>(component) ? SublayerKind::MLP : SublayerKind::Attention;
}

std::optional<FoldSource>
placement::foldSourceOf(ArrayRef<std::optional<FoldSource>> inputs) {
  FoldSource source = FoldSource::Either;
  for (std::optional<FoldSource> s : inputs) {
    if (!s)
      return std::nullopt;
    if (*s == FoldSource::Either)
      continue;
    if (source != FoldSource::Either && *s != source)
      return std::nullopt;
    source = *s;
  }
  return source;
}

FoldSource placement::foldSourceOf(EmbedOp embed, Value result) {
  if (result == embed.getTokens())
    return FoldSource::Tokens;
  if (result == embed.getIndices())
    return FoldSource::Indices;
  auto folded = embed.getFolded();
  for (auto [value, fold] : llvm::zip(folded, embed.getFoldAttrs()))
    if (value == result)
      return fold.getSource() == EmbedSource::Tokens ? FoldSource::Tokens
                                                     : FoldSource::Indices;
  return FoldSource::Either; // one, bos
}

EmbedSource placement::toEmbedSource(FoldSource source) {
  return source == FoldSource::Indices ? EmbedSource::Indices
                                       : EmbedSource::Tokens;
}

std::optional<FoldSource> ProgramGraph::embedSource(Value v) const {
  if (auto embed = v.getDefiningOp<EmbedOp>())
    return placement::foldSourceOf(embed, v);
  return std::nullopt;
}

SublayerKind ProgramGraph::kindOf(Value v) const {
  return placement::kindOf(getProducer(v));
}

void ProgramGraph::forEachInput(Value v,
                                llvm::function_ref<void(Value)> fn) const {
  for (Value operand : getProducer(v)->getOperands())
    fn(operand);
}
