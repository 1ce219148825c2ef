//===- ForwardPass.h - The recorded forward pass of a model -----*- C++ -*-===//
//
// A float32 forward pass over an assembled `craft.model`
// (craft::assembleModel) with the math of the code that
// `--convert-craft-to-linalg` generates and `rasp-run` JIT-compiles:
//
//   x = tokens[id] + positions[p]
//   per layer, per head:  s = scale * (x W_Q)(x W_K)^T  (or, for large
//                         categorical W_QK blocks, the entry at the argmax
//                         directions), keys after the query masked if causal,
//                         x[output] += softmax(s) (x[values] W_OV)
//   per MLP:              x[outputs] += ReLU(x[inputs] W1) W2
//   output:               x[readout range], decoded by argmax (None below
//                         1/2) or as the numerical value
//
// It can record the residual stream after the embedding and after every
// sublayer, and every head's logits and attention pattern: the data of
// `rasp-run --trace` (docs/Trace.md).
//
//===----------------------------------------------------------------------===//

#ifndef RASPDIALECT_TRACE_FORWARDPASS_H
#define RASPDIALECT_TRACE_FORWARDPASS_H

#include "RaspDialect/Dialect/Craft/Analysis/Assembly.h"
#include "RaspDialect/Semantics/PyValue.h"

#include "llvm/Support/Error.h"

#include <cstdint>
#include <vector>

namespace mlir::rasp::trace {

/// The weight forms of the compiled model that change its arithmetic.
struct ForwardOptions {
  /// As `CraftToLinalgOptions::lookupMinElements`: W_QK blocks between two
  /// categorical subspaces with at least this many entries contribute the
  /// entry at the argmax directions of query and key (0: never).
  int64_t lookupMinElements = 1 << 16;
};

/// Where a residual snapshot was taken.
enum class Stage { Embedding, Attention, MLP };

/// The residual stream at every position after one stage.
struct ResidualSnapshot {
  Stage stage = Stage::Embedding;
  /// The layer of an attention or MLP sublayer; -1 for the embedding.
  int64_t layer = -1;
  /// positions x width, row-major.
  std::vector<float> residual;
};

/// One head's attention on one input.
struct HeadSnapshot {
  int64_t layer = 0, head = 0;
  /// positions x positions (query row, key column), row-major. Logits are
  /// scaled; masked keys are -inf (and have weight 0 in the pattern).
  std::vector<float> logits, pattern;
};

/// The result of one forward pass.
struct ForwardResult {
  /// Input length + 1 (BOS at position 0), and the residual width.
  int64_t numPositions = 0, width = 0;
  /// The final residual stream, positions x width.
  std::vector<float> residual;
  /// When recorded: the embedding, then the attention and the MLP sublayer
  /// of every layer (1 + 2 x layers snapshots, empty sublayers included).
  std::vector<ResidualSnapshot> snapshots;
  /// When recorded: every head of every layer, in order.
  std::vector<HeadSnapshot> heads;

  const float *row(int64_t position) const {
    return residual.data() + position * width;
  }
};

/// Runs `model` on `ids` (token ids as in the embedding tables, BOS id first),
/// recording snapshots and heads if `record`. Fails if an id is out of range,
/// the first id is not BOS, or the input is longer than the model's
/// positions.
llvm::Expected<ForwardResult> runForward(const craft::AssembledModel &model,
                                         llvm::ArrayRef<int64_t> ids,
                                         const ForwardOptions &options,
                                         bool record);

/// The output at positions 1..n (BOS dropped): the readout subspace decoded
/// like `rasp-run` decodes the compiled model's output.
std::vector<PyValue> decodeOutput(const craft::AssembledModel &model,
                                  const ForwardResult &result);

} // namespace mlir::rasp::trace

#endif // RASPDIALECT_TRACE_FORWARDPASS_H
