//===- FusedSynthesizer.h - The fused-MLP synthesiser -----------*- C++ -*-===//
//
// Private to the fused-MLP synthesis: the state of one synthesis, shared by
// the construction of the units (FusedMLP.cpp) and their error analysis
// (FusedBounds.cpp).
//
//===----------------------------------------------------------------------===//

#ifndef RASPDIALECT_LIB_CONVERSION_RASPTOCRAFT_SYNTHESIS_FUSEDSYNTHESIZER_H
#define RASPDIALECT_LIB_CONVERSION_RASPTOCRAFT_SYNTHESIS_FUSEDSYNTHESIZER_H

#include "FusedProjection.h"

namespace mlir::craft::synth::fused {

/// The gate of a group: for each categorical feature, the value indices that
/// open it (empty: the feature is not gated).
using GateSets = std::vector<std::vector<int32_t>>;

/// A hidden unit, in the features' terms. Its pre-activation at a point is
/// sum_i lambda[i] * reading_i + the `catWeights` of the point's one-hot
/// rows + oneWeight (+ bosWeight at BOS).
struct Unit {
  llvm::SmallVector<double, 2> lambda;
  /// (row, weight) on categorical rows, sorted by row.
  llvm::SmallVector<std::pair<int64_t, double>, 2> catWeights;
  double oneWeight = 0, bosWeight = 0;
  SparseVector out;
  /// Half of a pair with identical input weights whose difference is used
  /// (a step or a clamp): input noise cancels while both are on or off.
  /// The first of a pair comes right before the second.
  bool paired = false, pairFirst = false;

  Unit() = default;
  Unit(const Unit &) = default;
  Unit &operator=(const Unit &) = default;
  // Moved, not copied, when a vector of units grows.
  Unit(Unit &&) noexcept = default;
  Unit &operator=(Unit &&) noexcept = default;
};

using Units = std::vector<Unit>;

/// Contexts sharing a numerical sub-function: their gate and the points of
/// one of them, one per distinct numerical input (the other contexts have
/// the same numerical inputs and outputs).
struct Group {
  GateSets gates;
  std::vector<int64_t> points;
};

/// A step of a group: the pair of units `unit`, `unit + 1` with slope
/// `sign * a` along the group's projection, on where `sign * (z - t) > 0`.
struct StepInfo {
  size_t unit;
  double t, sign, a;
};

/// Where the units of one group of a numerical fused MLP are, for the error
/// analysis: [begin, baseEnd) the context indicator of the base output,
/// then the steps (or the two units of an affine output).
struct Layout {
  const Group *group;
  bool affine = false;
  size_t begin = 0, baseEnd = 0, end = 0;
  std::vector<double> coefficients;
  std::vector<StepInfo> steps;
  /// The group's points in increasing z (steps only).
  std::vector<std::pair<double, int64_t>> byZ;
};

class Synthesizer {
public:
  Synthesizer(const FusedFunction &fn, const SynthesisOptions &options,
              int64_t maxHidden, bool pointwise)
      : fn(fn), options(options), maxHidden(maxHidden), pointwise(pointwise),
        m(fn.numerical.size()), k(fn.categorical.size()) {}

  llvm::Expected<FusedMLP> run();

private:
  int32_t valueIndex(int64_t point, size_t feature) const {
    return fn.points[point * fn.stride() + feature];
  }
  double reading(int64_t point, size_t feature) const {
    return fn.numerical[feature].readings[valueIndex(point, feature)];
  }
  Unit newUnit() const {
    Unit u;
    u.lambda.assign(m, 0.0);
    return u;
  }

  /// Checks the table; sorts the points and interns the outputs.
  llvm::Error checkTable();
  std::vector<Group> buildGroups() const;

  int64_t numGated(const GateSets &gates) const;
  /// The largest deviation of a gate's sums from 0 or 1.
  double gateNoise(const GateSets &gates) const;
  /// Puts weight `b` on every gate row and -b per gate on `one`.
  void addGate(Unit &u, const GateSets &gates, double b) const;
  /// Units writing `out` exactly in the group's context and 0 elsewhere.
  llvm::Error contextIndicator(const GateSets &gates, const SparseVector &out,
                               Units &units) const;
  /// The gate weight of `u`: one more than its largest pre-activation on
  /// the domain and at BOS, so a closed gate keeps it below -1.
  double gateWeight(const Unit &u) const;
  /// Gates `u` with weight `b`, or switches it off at BOS if `gates` is
  /// empty. Returns the noise the gate adds to the pre-activation.
  llvm::Expected<double> gateOrSwitchOff(Unit &u, const GateSets &gates,
                                         double b) const;

  llvm::Error lookupUnits(const std::vector<Group> &groups, Units &units) const;
  llvm::Error groupUnits(const Group &group, Units &units,
                         std::vector<Layout> &layouts) const;
  llvm::Error affineUnits(const Group &group, double alpha, double beta,
                          Units &units, std::vector<Layout> &layouts) const;
  llvm::Error stepUnits(const Group &group, const Projection &projection,
                        Units &units, std::vector<Layout> &layouts) const;

  /// Largest pre-activation of the numerical part of `u` (readings and
  /// `one`) over every point, and at BOS.
  double maxPreOnDomain(const Unit &u) const;
  double maxPreAtBos(const Unit &u) const;
  /// Rounding allowance of a unit's pre-activation (weights and sum) at
  /// `point`, or anywhere for -1.
  double roundingAllowance(const Unit &u, int64_t point = -1) const;
  /// Whether `u` has integer weights on exact one-hots only (allowance 0).
  bool isIntegral(const Unit &u) const;
  /// Whether the allowance of `u` at a point depends on the point.
  bool allowanceDependsOnPoint(const Unit &u) const;
  /// The allowance of a unit that is not integral.
  double nonIntegralAllowance(const Unit &u, int64_t point) const;
  /// Largest noise of the numerical part of the pre-activation.
  double numericalNoise(const Unit &u) const;
  /// With one numerical feature: the noise of a step unit's pre-activation
  /// that its margin must absorb, from the readings of the points right
  /// below and above its ramp (relative errors grow no faster than the
  /// distance to the ramp, docs/exactness.md 6.2).
  double stepNoise(const Unit &u, int64_t below, int64_t above) const;

  /// The pre-activation of `u` at a point with these feature readings and
  /// one-hot rows (-1: none), with the stored bias.
  double preActivation(const Unit &u, llvm::ArrayRef<double> readings,
                       llvm::ArrayRef<int64_t> rows) const;
  MLPBlock assemble(const Units &units) const;
  /// docs/exactness.md (6.3): the largest deviation of an output entry
  /// from the table at any point. Lookups (no numerical feature) and affine
  /// groups are evaluated point by point; groups of steps analytically
  /// along their projection.
  double outputErrorBound(const Units &units,
                          llvm::ArrayRef<Layout> layouts) const;
  /// The bound at `points`, evaluating the units that can be on there:
  /// those of `layout` if given, else every unit the points' categorical
  /// values open.
  double pointwiseBound(const Units &units, llvm::ArrayRef<int64_t> points,
                        const Layout *layout) const;
  /// The bound over the points of a group of steps: per output column, the
  /// steps writing it split the projection into intervals with a fixed set
  /// of units on, where the bound is affine in z plus a term in the
  /// readings' magnitude; its largest value is at the interval's ends.
  double stepBound(const Units &units, const Layout &layout) const;

  const FusedFunction &fn;
  const SynthesisOptions &options;
  int64_t maxHidden;
  bool pointwise;
  size_t m, k;
  /// Per numerical feature: smallest and largest reading, and the largest
  /// magnitude, over every point.
  std::vector<double> minReading, maxReading, maxAbsReading;
  /// Dense id of each point's output (equal outputs, equal ids).
  std::vector<uint32_t> outId;
  /// The points sorted by (categorical values, numerical values).
  std::vector<int64_t> order;
};
/// Sorts `points` by their value indices of `features` in that order, then
/// by `tail[p]` (if given; values below `tailSize`), then by point: through
/// one 64-bit key per point where the indices fit (feature i takes values
/// -1 .. sizes[i] - 1), else by comparing indices.
void sortPoints(const FusedFunction &fn, llvm::ArrayRef<size_t> features,
                llvm::ArrayRef<int64_t> sizes, const uint32_t *tail,
                uint64_t tailSize, std::vector<int64_t> &points);

/// True for an integer small enough that float32 sums of a few of them are
/// exact.
bool isSmallInteger(double v);

} // namespace mlir::craft::synth::fused

#endif // RASPDIALECT_LIB_CONVERSION_RASPTOCRAFT_SYNTHESIS_FUSEDSYNTHESIZER_H
