//===- Exactness.cpp - Sharpness constants of weight synthesis ------------===//
//
// Derivations: docs/exactness.md.
//
//===----------------------------------------------------------------------===//

#include "RaspDialect/Conversion/RASPToCraft/Synthesis/Exactness.h"

#include <cmath>

using namespace mlir::craft::synth;

double mlir::craft::synth::softmaxScale(const SynthesisOptions &options,
                                        double gap) {
  if (options.softmaxScale > 0)
    return options.softmaxScale;
  // docs/exactness.md (2.1): n * exp(-s * gap) <= tau  <=>  s >= ln(n / tau) /
  // gap.
  // Rounded to float32 so both precisions run the same model.
  double competing = static_cast<double>(options.maxSeqLen) + 1.0;
  return static_cast<float>(std::log(competing / kAttentionLeak) / gap);
}

double mlir::craft::synth::rampSlope(const SynthesisOptions &options,
                                     double gap) {
  if (options.mlpSlope > 0)
    return options.mlpSlope;
  // docs/exactness.md (3.1): a ramp of width gap / 2 centred between the
  // values.
  return 2.0 / gap;
}
