//===- FusedProjection.h - Projections of numerical features ----*- C++ -*-===//
//
// Private to the fused-MLP synthesis: the 1-D projection along which the
// numerical sub-function of one context becomes a sum of steps.
//
//===----------------------------------------------------------------------===//

#ifndef RASPDIALECT_LIB_CONVERSION_RASPTOCRAFT_SYNTHESIS_FUSEDPROJECTION_H
#define RASPDIALECT_LIB_CONVERSION_RASPTOCRAFT_SYNTHESIS_FUSEDPROJECTION_H

#include "RaspDialect/Conversion/RASPToCraft/Synthesis/FusedMLP.h"

namespace mlir::craft::synth::fused {

/// Consecutive points (in z order) with the same output.
struct Run {
  double zlo, zhi;
  /// The points at zlo and zhi.
  int64_t pointLo, pointHi;
  /// The run's output (in the table).
  const SparseVector *out;
};

/// z = sum_i coefficients[i] * reading_i, and the runs of the points along
/// it, in increasing z.
struct Projection {
  std::vector<double> coefficients;
  std::vector<Run> runs;
  /// The points in increasing z, with their z.
  std::vector<std::pair<double, int64_t>> byZ;
};

/// Candidate projections of the numerical features of `points`, best first
/// (fewest runs, then the widest smallest gap relative to |z|). With one
/// feature, the feature itself. With several, lexicographic coefficients for
/// each order of the features (all orders for up to four): the most
/// significant feature's blocks are separated by more than the span of the
/// less significant ones, so distinct tuples get distinct z. Readings of a
/// feature that float32 cannot tell apart (relative distance below 2^-30)
/// and that have the same slice of the table share a block, since no step
/// has to separate them.
std::vector<Projection> candidateProjections(const FusedFunction &fn,
                                             llvm::ArrayRef<uint32_t> outId,
                                             llvm::ArrayRef<int64_t> points);

} // namespace mlir::craft::synth::fused

#endif // RASPDIALECT_LIB_CONVERSION_RASPTOCRAFT_SYNTHESIS_FUSEDPROJECTION_H
