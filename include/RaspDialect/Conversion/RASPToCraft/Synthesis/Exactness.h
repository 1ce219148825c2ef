//===- Exactness.h - Sharpness constants of weight synthesis ----*- C++ -*-===//
//
// Every sharpness constant of the synthesised weights comes from one of the
// two functions below, derived in docs/exactness.md: softmax scales from the
// number of competing keys and the logit gap, ramp slopes from the gap
// between the input values an MLP must separate. Both can be overridden with
// fixed values (Tracr uses a softmax coldness of 100 and mlp_exactness 100).
//
//===----------------------------------------------------------------------===//

#ifndef RASPDIALECT_CONVERSION_RASPTOCRAFT_SYNTHESIS_EXACTNESS_H
#define RASPDIALECT_CONVERSION_RASPTOCRAFT_SYNTHESIS_EXACTNESS_H

#include <cstdint>

namespace mlir::craft::synth {

/// Parameters of weight synthesis. A zero override means "derive".
struct SynthesisOptions {
  /// The longest input, without BOS.
  int64_t maxSeqLen = 1;
  /// Attention heads only see keys at or before the query.
  bool causal = false;
  /// Fixed softmax inverse temperature for every head.
  double softmaxScale = 0;
  /// Fixed slope of every discretising ramp (Tracr's `mlp_exactness`).
  double mlpSlope = 0;
};

/// The attention leakage target: the total softmax weight a query may put on
/// keys outside the set it should attend (docs/exactness.md, section 2).
/// 2^-26 is a quarter of float32's unit roundoff.
constexpr double kAttentionLeak = 1.0 / (1 << 26);

/// The softmax scale for a head whose attended keys have a logit `gap` units
/// above every other key: with at most maxSeqLen + 1 competing keys,
/// (maxSeqLen + 1) * exp(-scale * gap) <= kAttentionLeak.
double softmaxScale(const SynthesisOptions &options, double gap);

/// The slope of the ramp that separates two adjacent input values `gap`
/// apart: the ramp spans the middle half of the gap, so any input error below
/// gap / 4 leaves the step exactly 0 or 1 (docs/exactness.md, section 3).
double rampSlope(const SynthesisOptions &options, double gap);

} // namespace mlir::craft::synth

#endif // RASPDIALECT_CONVERSION_RASPTOCRAFT_SYNTHESIS_EXACTNESS_H
