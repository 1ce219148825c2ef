//===- Recording.h - What the traced model recorded -------------*- C++ -*-===//
//
// The traced variant of the model function (`--convert-craft-to-linalg`
// with `trace`, the function the runtime JIT-compiles for `rasp-run
// --trace` and `--report`) returns, after the output subspace, the residual
// stream after the embedding and after every sublayer, every head's logits
// and attention pattern and every MLP's hidden activations; its `rasp.trace`
// attribute (kTraceAttr) says in which columns. `TraceSegments` reads that
// attribute and unpacks the result of one input into a `Recording`: what is
// traced is what runs.
//
//===----------------------------------------------------------------------===//

#ifndef RASPDIALECT_TRACE_RECORDING_H
#define RASPDIALECT_TRACE_RECORDING_H

#include "RaspDialect/Dialect/Craft/Analysis/Assembly.h"
#include "RaspDialect/Semantics/PyValue.h"

#include "mlir/IR/Attributes.h"
#include "mlir/IR/Location.h"

#include <cstdint>
#include <string>
#include <vector>

namespace mlir::rasp::trace {

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

/// The recorded forward pass of one input.
struct ForwardResult {
  /// Input length + 1 (BOS at position 0), and the residual width.
  int64_t numPositions = 0, width = 0;
  /// The final residual stream, positions x width.
  std::vector<float> residual;
  /// The embedding, then the attention and the MLP sublayer of every layer
  /// (1 + 2 x layers snapshots, empty sublayers included).
  std::vector<ResidualSnapshot> snapshots;
  /// Every head of every layer, in order.
  std::vector<HeadSnapshot> heads;
  /// Per layer, the MLP's hidden activations after the ReLU, positions x
  /// hidden units (empty for a layer without MLP or hidden units).
  std::vector<std::vector<float>> hidden;

  const float *row(int64_t position) const {
    return residual.data() + position * width;
  }
};

/// The segments of the traced model function's result (kTraceAttr).
class TraceSegments {
public:
  /// Reads `attr` (the function's kTraceAttr). Emits an error at `loc` and
  /// fails if it is not an array of well-formed segments, or has no
  /// embedding.
  static FailureOr<TraceSegments> get(Attribute attr, Location loc);

  /// Unpacks one input's result: `n` positions (BOS included) of
  /// `rowWidth` floats each.
  ForwardResult unpack(const float *rows, int64_t n, int64_t rowWidth) const;

  /// The columns before the first segment: the output subspace's.
  int64_t getOutputWidth() const { return segments.front().offset; }

private:
  struct Segment {
    std::string kind;
    int64_t layer, head, offset, width;
  };
  std::vector<Segment> segments;
  int64_t numLayers = 0;
};

/// The output at positions 1..n (BOS dropped): the readout subspace decoded
/// like `rasp-run` decodes the compiled model's output.
std::vector<PyValue> decodeOutput(const craft::AssembledModel &model,
                                  const ForwardResult &result);

} // namespace mlir::rasp::trace

#endif // RASPDIALECT_TRACE_RECORDING_H
