//===- TraceDocument.h - Decoded traces of a forward pass -------*- C++ -*-===//
//
// Turns a recorded forward pass (Recording.h) into the JSON document that
// `rasp-run --trace` prints for one input (schema `rasp-run-trace/1`,
// docs/Trace.md): the residual stream after the embedding and after every
// sublayer, decoded per named subspace (categorical: the argmax value or
// None; numerical: the value), optionally with the raw vectors, and every
// head's logits and attention pattern.
//
//===----------------------------------------------------------------------===//

#ifndef RASPDIALECT_TRACE_TRACEDOCUMENT_H
#define RASPDIALECT_TRACE_TRACEDOCUMENT_H

#include "RaspDialect/Trace/Recording.h"

#include <string>
#include <vector>

namespace mlir::rasp::trace {

/// The named subspaces of a model's residual stream and the subspaces each
/// stage writes.
struct TraceLayout {
  struct Subspace {
    /// The subspace's label; if an earlier subspace has the same label (the
    /// BOS subspace is labelled `tokens` like the token subspace), the label
    /// of its first direction (`tokens:BOS`), which is unique.
    std::string name;
    craft::ResidualRange range;
    craft::SpaceAttr space;
  };
  /// In residual order.
  std::vector<Subspace> subspaces;
  /// Per stage (0: the embedding, 1 + 2l: the attention sublayer of layer l,
  /// 2 + 2l: its MLP sublayer) the indices of the subspaces it writes.
  std::vector<std::vector<size_t>> writes;

  /// The layout of `model`. Emits an error and fails if a subspace it writes
  /// is not in the residual layout.
  static FailureOr<TraceLayout> get(craft::ModelOp model);
};

/// The input as the user wrote it.
struct TraceInput {
  /// The printed form of every token, BOS not included.
  std::vector<std::string> tokens;
  std::string bos;
};

struct TraceOptions {
  /// Also write the raw vector of every subspace at every position.
  bool raw = false;
};

/// The trace document of one forward pass (recorded) as one line of JSON,
/// without a trailing newline.
std::string printTraceDocument(const craft::AssembledModel &model,
                               const TraceLayout &layout,
                               const TraceInput &input,
                               const ForwardResult &result,
                               const TraceOptions &options);

} // namespace mlir::rasp::trace

#endif // RASPDIALECT_TRACE_TRACEDOCUMENT_H
