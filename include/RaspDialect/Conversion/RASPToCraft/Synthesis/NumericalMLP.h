//===- NumericalMLP.h - MLPs on numerical inputs ----------------*- C++ -*-===//
//
// Weight synthesis for MLPs that read a numerical direction: the
// discretising MLP for numerical `map`s (numerical or categorical output) and
// for decoding a selector width, the affine fast path, and linear
// combinations. docs/exactness.md, section 3, derives the constants.
//
//===----------------------------------------------------------------------===//

#ifndef RASPDIALECT_CONVERSION_RASPTOCRAFT_SYNTHESIS_NUMERICALMLP_H
#define RASPDIALECT_CONVERSION_RASPTOCRAFT_SYNTHESIS_NUMERICALMLP_H

#include "RaspDialect/Conversion/RASPToCraft/Synthesis/Exactness.h"
#include "RaspDialect/Dialect/Craft/Evaluator/Blocks.h"
#include "RaspDialect/Semantics/PyValue.h"

#include "llvm/Support/Error.h"

#include <optional>

namespace mlir::craft::synth {

/// A sparse output vector: (index, value) pairs sorted by index.
using SparseVector = llvm::SmallVector<std::pair<int64_t, double>, 1>;

/// a + sign * b for sparse vectors (entries that cancel are dropped).
SparseVector addSparse(const SparseVector &a, const SparseVector &b,
                       double sign);

/// The discretising MLP. The input x takes the sorted, distinct values `xs`;
/// at xs[k] the output must be `outputs[k]` (a vector of dimension `outDim`).
/// For every k where the output changes, two units form a step that is
/// exactly 0 below and 1 above the midpoint of (xs[k-1], xs[k]), with a ramp
/// of width rampSlope(gap) centred on it; each step is oriented so that its
/// units are active on the shorter side of the input range, which bounds the
/// activations and hence float32 rounding. A base unit carries the output at
/// the end of the range the down-steps start from.
///
/// At BOS (one = bos = 1) every unit is switched off by its `bos` weight
/// provided x lies in `bosRange` there: (0, 0) for a clean SOp. Fails if two
/// values with different outputs are too close for float32 to separate.
///
/// Operands: [x, one, bos].
llvm::Expected<MLPBlock> discretise(llvm::ArrayRef<double> xs,
                                    llvm::ArrayRef<SparseVector> outputs,
                                    int64_t outDim,
                                    std::pair<double, double> bosRange,
                                    const SynthesisOptions &options);

/// Numerical `map`: f given by `outputs[i]` = f(inputs[i]). Uses two units
/// and a base unit when f is affine on the value set, the discretising MLP
/// otherwise; negative outputs are kept (Tracr clips them, issue #24).
/// Operands: [x, one, bos].
llvm::Expected<MLPBlock>
mapNumericalToNumerical(const rasp::ValueSet &inputs,
                        llvm::ArrayRef<rasp::PyValue> outputs,
                        const SynthesisOptions &options);

/// Numerical input, categorical output over `outputSpace`; None outputs are
/// the zero vector. Operands: [x, one, bos].
llvm::Expected<MLPBlock> mapNumericalToCategorical(
    const rasp::ValueSet &inputs, llvm::ArrayRef<rasp::PyValue> outputs,
    const rasp::ValueSet &outputSpace, const SynthesisOptions &options);

/// `lhsCoeff * x + rhsCoeff * y` as ReLU(x), ReLU(-x), ReLU(y), ReLU(-y).
/// Operands: [x, y].
MLPBlock linearSequenceMap(double lhsCoeff, double rhsCoeff);

/// `coeff * x` as ReLU(x), ReLU(-x). Operands: [x].
MLPBlock linearMap(double coeff);

/// Decodes a selector width from its attention output 1 / (w + 1), for the
/// widths `widths` (sorted, non-negative). `outputSpace` (categorical
/// output) or a numerical output (`outputSpace` null). The attention output
/// is about 1 at BOS, so `bosRange` is (0, 1) there.
/// Operands: [attention output, one, bos].
llvm::Expected<MLPBlock> selectorWidthDecoder(const rasp::ValueSet &widths,
                                              const rasp::ValueSet *outputSpace,
                                              const SynthesisOptions &options);

/// The exact integer x = v_w + indexCoeff * i at a position holding width
/// w, with v_w = widthCoeff * w + constant, from an exact one-hot e over
/// `widths` (entries exactly 0 or 1: a clean copy) and the position
/// features i and i^2; or, if `square`, x^2 = v_w^2 + 2 indexCoeff v_w i +
/// indexCoeff^2 i^2, with the product v_w i [x = w] as ReLU(i + N e_w - N).
/// Every pre-activation, activation, product and partial sum is an integer
/// below 2^24 when |x| < 2^11, so the output is exact in float32 in any
/// summation order (docs/exactness.md, 7.4). 0 at BOS, where e, i and i^2
/// are 0. Operands: [one-hot] and, if indexCoeff != 0, [i] for x or
/// [i, i^2, one] for x^2.
MLPBlock exactAffineOfOneHot(llvm::ArrayRef<int64_t> widths, int64_t widthCoeff,
                             int64_t indexCoeff, int64_t constant,
                             int64_t maxSeqLen, bool square);

/// The sum of the values of several one-hots that deviate from their
/// one-hots by less than 1/4 per entry: `values[h][k]` is the integer
/// direction k of one-hot h stands for. Per entry e the clamp units
/// a = ReLU(2e - 1/2) and b = ReLU(2e - 3/2) with output weights +v and -v:
/// both exactly 0 for e <= 1/4, and for e in [3/4, 5/4] a in [1, 2] and
/// b in [0, 1] exact with a - b = 1 (docs/exactness.md, 7.4, the clean
/// copy). Only the 2 units of each one-hot's active entry are non-zero, so
/// the output is the integer sum up to sumOfOneHotValuesError. 0 at BOS,
/// where every entry is at most 1/4. Operands: the one-hots in order, then
/// one.
MLPBlock sumOfOneHotValues(llvm::ArrayRef<std::vector<int64_t>> values);

/// The rounding bound of sumOfOneHotValues: a dot product of 2 terms per
/// one-hot with absolute values at most 3 |v| (dotProductBound).
double sumOfOneHotValuesError(llvm::ArrayRef<std::vector<int64_t>> values);

/// `(alpha, beta)` with `ys[k] == alpha * xs[k] + beta` for every k, to
/// 1e-12 relative, fitted through the first and last points (`xs` distinct);
/// none for fewer than two points or a fit that is not finite.
std::optional<std::pair<double, double>> fitAffine(llvm::ArrayRef<double> xs,
                                                   llvm::ArrayRef<double> ys);

/// The numeric values of a numerical SOp's value set, in order; an error for
/// None, strings and non-finite numbers.
llvm::Expected<std::vector<double>> numericValues(const rasp::ValueSet &set);

} // namespace mlir::craft::synth

#endif // RASPDIALECT_CONVERSION_RASPTOCRAFT_SYNTHESIS_NUMERICALMLP_H
