//===- FusedMLP.h - One MLP for a function of several inputs ----*- C++ -*-===//
//
// Weight synthesis for a chain of elementwise operations fused into a single
// MLP: a function of several *features* of the residual stream, given by its
// table on the reachable feature values. A feature is either categorical (a
// one-hot subspace) or numerical (a linear form of numerical directions, for
// example a selector width's attention output 1/(w+1) or a difference of two
// means). docs/Fusion.md describes the construction and docs/exactness.md
// (section 6) derives its constants:
//
// * points are grouped by their categorical values (the *context*); contexts
//   with the same numerical sub-function share units, switched on by a gate
//   (the sum of their one-hot directions, which is exactly 0 or 1);
// * within a context the numerical features are projected onto one line,
//   z = sum c_i x_i, with lexicographic coefficients that keep the points of
//   different classes apart, and the sub-function becomes a sum of exact
//   steps along z placed only where the output changes (section 3.1);
// * a gated unit gets the gate weight B on its context's directions and
//   -B per gate on `one`, with B one more than the unit's largest
//   pre-activation anywhere: outside its context it is exactly off.
//
// Every step is checked against the feature errors and float32 rounding, and
// the result carries a bound on its output's deviation, so consumers can
// decide whether they need a clean copy.
//
//===----------------------------------------------------------------------===//

#ifndef RASPDIALECT_CONVERSION_RASPTOCRAFT_SYNTHESIS_FUSEDMLP_H
#define RASPDIALECT_CONVERSION_RASPTOCRAFT_SYNTHESIS_FUSEDMLP_H

#include "RaspDialect/Conversion/RASPToCraft/Synthesis/Exactness.h"
#include "RaspDialect/Conversion/RASPToCraft/Synthesis/NumericalMLP.h"
#include "RaspDialect/Dialect/Craft/Evaluator/Blocks.h"

#include "llvm/Support/Error.h"

namespace mlir::craft::synth {

/// One term of a numerical feature: `coefficient * x[row]`, where the input
/// row never exceeds `maxAbs` in magnitude (for the rounding bounds).
struct FormTerm {
  int64_t row;
  double coefficient;
  double maxAbs;
};

/// A numerical feature: the linear form `sum of terms` of the MLP's input
/// rows, whose exact value at value index i is `readings[i]`.
struct NumericalFeature {
  llvm::SmallVector<FormTerm, 2> form;
  std::vector<double> readings;
  /// The residual holds the reading up to absError + relError * |reading|.
  double absError = 0, relError = 0;
  /// The range of the form at BOS.
  std::pair<double, double> bosRange = {0.0, 0.0};
};

/// A categorical feature: rows [offset, offset + dim) hold the one-hot of
/// the value index, the zero vector for None (index -1), each entry up to
/// `error` off.
struct CategoricalFeature {
  int64_t offset = 0, dim = 0;
  double error = 0;
};

/// A function of features, by its table on the reachable points.
struct FusedFunction {
  /// Dimensions of the MLP's operands; the features index their rows.
  llvm::SmallVector<int64_t> inputDims;
  /// Rows of the `one` and `bos` inputs.
  int64_t oneRow = 0, bosRow = 0;
  std::vector<NumericalFeature> numerical;
  std::vector<CategoricalFeature> categorical;
  /// Point p has the value indices `points[p * stride + i]`, stride =
  /// numerical.size() + categorical.size(): the numerical features first,
  /// then the categorical ones (-1: None).
  std::vector<int32_t> points;
  /// The output at each point (empty: the zero vector, None).
  std::vector<SparseVector> outputs;
  /// Dimension of each result.
  llvm::SmallVector<int64_t> outputDims;
  /// The output is one numerical direction (lookups may write any value).
  bool numericalOutput = false;

  int64_t stride() const { return numerical.size() + categorical.size(); }
  int64_t numPoints() const {
    return stride() ? static_cast<int64_t>(points.size()) / stride()
                    : static_cast<int64_t>(outputs.size());
  }
};

/// A synthesised block and a bound on how far each output entry can be from
/// the function's value, over every reachable point, in float32.
struct FusedMLP {
  MLPBlock block;
  double outputError = 0;
  /// With `pointwise`: the same bound evaluated at every point with every
  /// unit (never larger than outputError; for tests of the analysis).
  double pointwiseError = 0;
};

/// Synthesises the MLP. Fails if the table is not a function, if a point
/// with a None input has a non-None output, if the projection cannot
/// separate two points with different outputs given the feature errors and
/// float32 rounding, or if the block would exceed `maxHidden` units. The
/// output error is bounded analytically along each group's projection
/// (docs/exactness.md 6.3); `pointwise` also evaluates it at every point.
llvm::Expected<FusedMLP> synthesizeFused(const FusedFunction &fn,
                                         const SynthesisOptions &options,
                                         int64_t maxHidden,
                                         bool pointwise = false);

/// A bound on the float32 rounding error of a k-term dot product whose
/// terms have absolute values summing to `absSum` (weights rounded to
/// float32 included): gamma_{k+1} * absSum, gamma_k = k u / (1 - k u).
double dotProductBound(int64_t terms, double absSum);

} // namespace mlir::craft::synth

#endif // RASPDIALECT_CONVERSION_RASPTOCRAFT_SYNTHESIS_FUSEDMLP_H
