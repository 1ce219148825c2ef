//===- Attention.h - Attention heads for aggregates and widths --*- C++ -*-===//
//
// Weight synthesis for the attention heads of `aggregate` and
// `selector_width`, following Tracr's BOS construction: every query can see
// the BOS key, whose logit sits between the selected and the unselected
// level (aggregate: attends BOS only when nothing is selected, giving the
// zero default) or ties with the selected level (selector width: the BOS
// value 1 averages to 1 / (w + 1)). docs/exactness.md, section 2.
//
//===----------------------------------------------------------------------===//

#ifndef RASPDIALECT_CONVERSION_RASPTOCRAFT_SYNTHESIS_ATTENTION_H
#define RASPDIALECT_CONVERSION_RASPTOCRAFT_SYNTHESIS_ATTENTION_H

#include "RaspDialect/Conversion/RASPToCraft/Synthesis/Exactness.h"
#include "RaspDialect/Dialect/Craft/Evaluator/Blocks.h"
#include "RaspDialect/Semantics/PyValue.h"

#include "llvm/Support/Error.h"

#include <optional>

namespace mlir::craft::synth {

/// One factor of a selector reduced to at most one query and one key operand
/// (a missing operand is a constant SOp, encoded as one - bos). The table is
/// 0/1 over (query values, key values).
struct SelectorTerm {
  std::optional<unsigned> query, key;
  Matrix table;
};

enum class HeadKind { Aggregate, SelectorWidth };

/// Operand ids the head adds to the caller's: the `one` and `bos` subspaces.
constexpr unsigned kOneOperand = ~0u;
constexpr unsigned kBosOperand = ~0u - 1;

/// A head and the operand ids of its query and key lists.
struct SelectorHead {
  AttentionBlock block;
  llvm::SmallVector<unsigned> queries, keys;
};

/// The head for a selector that holds where every term holds. Queries are
/// the terms' query operands, then one and bos; keys the terms' key
/// operands, then one (if a term has a constant key) and bos. With m terms
/// the logit is m on selected keys and at most m - 1 on the others; the BOS
/// key gets m - 1/2 (aggregate) or m (selector width), and one unit more
/// from the BOS query, which so attends only to itself. The value operands
/// and `wov` are the caller's (aggregate: the SOp; width: bos).
SelectorHead selectorHead(llvm::ArrayRef<SelectorTerm> terms,
                          llvm::function_ref<int64_t(unsigned)> dimOf,
                          HeadKind kind, Matrix wov,
                          const SynthesisOptions &options);

/// The head of a selector that holds iff `a i_k + b i_q + c == 0` between
/// integer positions (docs/exactness.md, section 7). Queries and keys are
/// both (i, i^2, one, bos), the numerical position features i and i^2
/// (0 at BOS); the score is -(a i_k + b i_q + c)^2, so the selected key
/// gets 0 and every other key at most -1; the BOS key gets -1/2
/// (aggregate) or 0 (selector width) from every non-BOS query, and one unit
/// more from the BOS query, which sees the other keys at most at 0. Every
/// weight is an integer or a half-integer.
AttentionBlock quadraticHead(int64_t a, int64_t b, int64_t c, HeadKind kind,
                             Matrix wov, const SynthesisOptions &options);

/// W_OV of a categorical aggregate: each input value to the same value of
/// the output space.
llvm::Expected<Matrix> categoricalValueMap(const rasp::ValueSet &inputs,
                                           const rasp::ValueSet &outputs);

} // namespace mlir::craft::synth

#endif // RASPDIALECT_CONVERSION_RASPTOCRAFT_SYNTHESIS_ATTENTION_H
