//===- NumericalMLP.cpp - MLPs on numerical inputs ------------------------===//
//
// Derivations: docs/exactness.md, section 3.
//
//===----------------------------------------------------------------------===//

#include "RaspDialect/Conversion/RASPToCraft/Synthesis/NumericalMLP.h"
#include "RaspDialect/Conversion/RASPToCraft/Synthesis/CategoricalMLP.h"
#include "RaspDialect/Conversion/RASPToCraft/Synthesis/FusedMLP.h"

#include <cmath>

using namespace mlir;
using namespace mlir::craft;
using namespace mlir::craft::synth;
using rasp::PyValue;
using rasp::ValueSet;

SparseVector mlir::craft::synth::addSparse(const SparseVector &a,
                                           const SparseVector &b, double sign) {
  SparseVector out;
  size_t i = 0, j = 0;
  while (i < a.size() || j < b.size()) {
    if (j == b.size() || (i < a.size() && a[i].first < b[j].first)) {
      out.push_back(a[i++]);
    } else if (i == a.size() || b[j].first < a[i].first) {
      out.push_back({b[j].first, sign * b[j].second});
      ++j;
    } else {
      double v = a[i].second + sign * b[j].second;
      if (v != 0)
        out.push_back({a[i].first, v});
      ++i;
      ++j;
    }
  }
  return out;
}

namespace {
/// A hidden unit ReLU(wx * x + wone * one + wbos * bos) and its output row.
struct Unit {
  double wx, wone;
  SparseVector out;
};
} // namespace

/// Builds the MLP [x, one, bos] -> outDim from `units`, adding to every unit
/// the bos weight that keeps it off at BOS for x in `bosRange`.
static MLPBlock buildUnits(llvm::ArrayRef<Unit> units, int64_t outDim,
                           std::pair<double, double> bosRange) {
  std::vector<Triplet> w1, w2;
  for (auto [index, unit] : llvm::enumerate(units)) {
    int64_t u = static_cast<int64_t>(index);
    if (unit.wx != 0)
      w1.push_back({0, u, unit.wx});
    if (unit.wone != 0)
      w1.push_back({1, u, unit.wone});
    // docs/exactness.md (1.2): the largest pre-activation at BOS, lowered to
    // at most -1 so the unit is off with margin.
    double maxAtBos = unit.wone + std::max(unit.wx * bosRange.first,
                                           unit.wx * bosRange.second);
    if (maxAtBos > -1)
      w1.push_back({2, u, -(maxAtBos + 1)});
    for (auto [col, value] : unit.out)
      w2.push_back({u, col, value});
  }
  int64_t hidden = units.size();
  MLPBlock block;
  block.inputDims = {1, 1, 1};
  block.outputDims = {outDim};
  block.w1 = Matrix::fromTriplets(3, hidden, std::move(w1));
  block.w2 = Matrix::fromTriplets(hidden, outDim, std::move(w2));
  return block;
}

/// `v` rounded to the nearest float32.
static double toFloat32(double v) { return static_cast<float>(v); }

llvm::Expected<MLPBlock> mlir::craft::synth::discretise(
    llvm::ArrayRef<double> xs, llvm::ArrayRef<SparseVector> outputs,
    int64_t outDim, std::pair<double, double> bosRange,
    const SynthesisOptions &options) {
  size_t n = xs.size();
  std::vector<Unit> steps;
  SparseVector base = n ? outputs[0] : SparseVector();
  for (size_t k = 1; k < n; ++k) {
    if (outputs[k] == outputs[k - 1])
      continue;
    SparseVector delta = addSparse(outputs[k], outputs[k - 1], -1.0);
    double gap = xs[k] - xs[k - 1];
    // docs/exactness.md (3.3): float32 must resolve the two values.
    double magnitude = std::max(std::abs(xs[k - 1]), std::abs(xs[k]));
    if (gap < std::ldexp(magnitude, -20))
      return llvm::createStringError(
          "the values " + PyValue::real(xs[k - 1]).repr() + " and " +
          PyValue::real(xs[k]).repr() +
          " must map to different outputs but are too close to be told "
          "apart in float32");
    double t = xs[k - 1] + gap / 2;
    // Weights are float32 numbers, so float32 and double evaluation use the
    // same model. Rounding changes the ramp width by a factor 1 +- 2^-24
    // and moves it by at most 2^-24 |t| <= gap / 32 (section 3.3).
    double a = toFloat32(rampSlope(options, gap));
    // step(x) = ReLU(a(x - t) + 1/2) - ReLU(a(x - t) - 1/2) is 0 for
    // x <= t - 1/(2a) and 1 for x >= t + 1/(2a). Its units are active above
    // the ramp; the mirrored step 1 - step(x) has units active below it.
    // Use the side with the smaller largest activation (section 3.2).
    bool down = (t - xs.front()) < (xs.back() - t);
    SparseVector minusDelta = addSparse({}, delta, -1.0);
    if (!down) {
      steps.push_back({a, toFloat32(-a * t + 0.5), delta});
      steps.push_back({a, toFloat32(-a * t - 0.5), minusDelta});
    } else {
      steps.push_back({-a, toFloat32(a * t + 0.5), minusDelta});
      steps.push_back({-a, toFloat32(a * t - 0.5), delta});
      base = addSparse(base, delta, 1.0);
    }
  }
  std::vector<Unit> units;
  if (!base.empty())
    units.push_back({0.0, 1.0, base});
  units.insert(units.end(), steps.begin(), steps.end());
  return buildUnits(units, outDim, bosRange);
}

llvm::Expected<std::vector<double>>
mlir::craft::synth::numericValues(const ValueSet &set) {
  std::vector<double> xs;
  for (const PyValue &v : set) {
    if (!v.isNumber() || !std::isfinite(v.toDouble()))
      return llvm::createStringError("numerical SOp takes the value " +
                                     v.repr() +
                                     ", which is not a finite number");
    xs.push_back(v.toDouble());
  }
  return xs;
}

std::optional<std::pair<double, double>>
mlir::craft::synth::fitAffine(llvm::ArrayRef<double> xs,
                              llvm::ArrayRef<double> ys) {
  if (xs.size() < 2 || xs.size() != ys.size())
    return std::nullopt;
  double alpha = (ys.back() - ys.front()) / (xs.back() - xs.front());
  double beta = ys.front() - alpha * xs.front();
  // Negated so that a NaN anywhere refuses.
  for (size_t k = 0; k < xs.size(); ++k)
    if (!(std::abs(alpha * xs[k] + beta - ys[k]) <=
          1e-12 * std::max(1.0, std::abs(ys[k]))))
      return std::nullopt;
  return std::make_pair(alpha, beta);
}

llvm::Expected<MLPBlock>
mlir::craft::synth::mapNumericalToNumerical(const ValueSet &inputs,
                                            llvm::ArrayRef<PyValue> outputs,
                                            const SynthesisOptions &options) {
  llvm::Expected<std::vector<double>> xs = numericValues(inputs);
  if (!xs)
    return xs.takeError();
  std::vector<double> ys;
  for (size_t i = 0; i < inputs.size(); ++i) {
    llvm::Expected<double> y = toNumber(
        outputs[i], [&] { return "the value for input " + inputs[i].repr(); });
    if (!y)
      return y.takeError();
    ys.push_back(*y);
  }
  if (auto affine = fitAffine(*xs, ys)) {
    auto [alpha, beta] = *affine;
    // alpha * x + beta, exact for every x, not only the value set.
    std::vector<Unit> units;
    if (beta != 0)
      units.push_back({0.0, 1.0, {{0, beta}}});
    if (alpha != 0) {
      units.push_back({1.0, 0.0, {{0, alpha}}});
      units.push_back({-1.0, 0.0, {{0, -alpha}}});
    }
    return buildUnits(units, 1, {0.0, 0.0});
  }
  std::vector<SparseVector> outs;
  for (double y : ys)
    outs.push_back(y == 0 ? SparseVector() : SparseVector{{0, y}});
  return discretise(*xs, outs, 1, {0.0, 0.0}, options);
}

llvm::Expected<MLPBlock> mlir::craft::synth::mapNumericalToCategorical(
    const ValueSet &inputs, llvm::ArrayRef<PyValue> outputs,
    const ValueSet &outputSpace, const SynthesisOptions &options) {
  llvm::Expected<std::vector<double>> xs = numericValues(inputs);
  if (!xs)
    return xs.takeError();
  std::vector<SparseVector> outs;
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (outputs[i].isNone()) {
      outs.push_back({});
      continue;
    }
    int64_t o = indexIn(outputSpace, outputs[i]);
    if (o < 0)
      return llvm::createStringError(
          "the function yields " + outputs[i].repr() + " for input " +
          inputs[i].repr() + ", which is not in the output value set");
    outs.push_back({{o, 1.0}});
  }
  return discretise(*xs, outs, outputSpace.size(), {0.0, 0.0}, options);
}

MLPBlock mlir::craft::synth::linearSequenceMap(double lhsCoeff,
                                               double rhsCoeff) {
  std::vector<Triplet> w1, w2;
  int64_t u = 0;
  for (auto [row, coeff] : {std::pair<int64_t, double>{0, lhsCoeff},
                            std::pair<int64_t, double>{1, rhsCoeff}}) {
    if (coeff == 0)
      continue;
    w1.push_back({row, u, 1.0});
    w2.push_back({u++, 0, coeff});
    w1.push_back({row, u, -1.0});
    w2.push_back({u++, 0, -coeff});
  }
  MLPBlock block;
  block.inputDims = {1, 1};
  block.outputDims = {1};
  block.w1 = Matrix::fromTriplets(2, u, std::move(w1));
  block.w2 = Matrix::fromTriplets(u, 1, std::move(w2));
  return block;
}

MLPBlock mlir::craft::synth::linearMap(double coeff) {
  MLPBlock block = linearSequenceMap(coeff, 0.0);
  std::vector<Triplet> w1;
  block.w1.forEachNonZero([&](int64_t r, int64_t c, double v) {
    w1.push_back({r, c, v});
  });
  block.inputDims = {1};
  block.w1 = Matrix::fromTriplets(1, block.w1.getCols(), std::move(w1));
  return block;
}

llvm::Expected<MLPBlock>
mlir::craft::synth::selectorWidthDecoder(const ValueSet &widths,
                                         const ValueSet *outputSpace,
                                         const SynthesisOptions &options) {
  // Inputs 1/(w+1) in increasing order are the widths in decreasing order.
  std::vector<double> xs;
  std::vector<SparseVector> outs;
  for (auto it = widths.rbegin(); it != widths.rend(); ++it) {
    if (!it->isInt() && !it->isBool())
      return llvm::createStringError("selector width value " + it->repr() +
                                     " is not an integer");
    int64_t w = it->getInt();
    if (w < 0)
      return llvm::createStringError("selector width value " + it->repr() +
                                     " is negative");
    xs.push_back(1.0 / static_cast<double>(w + 1));
    if (!outputSpace) {
      outs.push_back(w == 0 ? SparseVector() : SparseVector{{0, double(w)}});
      continue;
    }
    int64_t o = indexIn(*outputSpace, *it);
    if (o < 0)
      return llvm::createStringError("selector width value " + it->repr() +
                                     " is not in the output value set");
    outs.push_back({{o, 1.0}});
  }
  return discretise(xs, outs, outputSpace ? outputSpace->size() : 1, {0.0, 1.0},
                    options);
}

MLPBlock mlir::craft::synth::exactAffineOfOneHot(
    llvm::ArrayRef<int64_t> widths, int64_t widthCoeff, int64_t indexCoeff,
    int64_t constant, int64_t maxSeqLen, bool square) {
  std::vector<Triplet> w1, w2;
  int64_t units = 0, dim = widths.size();
  // Rows: the one-hot, then i, i^2 and one where they are read.
  int64_t iRow = dim, sqRow = dim + 1, oneRow = dim + 2;
  auto d = [](int64_t v) { return static_cast<double>(v); };
  for (auto [k, w] : llvm::enumerate(widths)) {
    int64_t row = static_cast<int64_t>(k);
    int64_t v = widthCoeff * w + constant;
    // v [x = w] (or v^2 [x = w]): ReLU(e) is e itself, 0 or 1.
    if (v != 0) {
      w1.push_back({row, units, 1.0});
      w2.push_back({units++, 0, d(square ? v * v : v)});
    }
    // The cross term 2 indexCoeff v i [x = w] = 2 indexCoeff v
    // ReLU(i + N e - N): i where e = 1, 0 where e = 0 (i < N).
    if (square && indexCoeff && v != 0) {
      w1.push_back({iRow, units, 1.0});
      w1.push_back({row, units, d(maxSeqLen)});
      w1.push_back({oneRow, units, -d(maxSeqLen)});
      w2.push_back({units++, 0, d(2 * indexCoeff * v)});
    }
  }
  if (indexCoeff) {
    // indexCoeff i, or indexCoeff^2 i^2 (both >= 0 everywhere, 0 at BOS).
    w1.push_back({square ? sqRow : iRow, units, 1.0});
    w2.push_back(
        {units++, 0, d(square ? indexCoeff * indexCoeff : indexCoeff)});
  }
  MLPBlock block;
  block.inputDims = {dim};
  if (indexCoeff) {
    block.inputDims.push_back(1);
    if (square)
      block.inputDims.append({1, 1});
  }
  block.outputDims = {1};
  int64_t rows = 0;
  for (int64_t dims : block.inputDims)
    rows += dims;
  block.w1 = Matrix::fromTriplets(rows, units, std::move(w1));
  block.w2 = Matrix::fromTriplets(units, 1, std::move(w2));
  return block;
}

MLPBlock mlir::craft::synth::sumOfOneHotValues(
    llvm::ArrayRef<std::vector<int64_t>> values) {
  std::vector<Triplet> w1, w2;
  MLPBlock block;
  int64_t rows = 0;
  for (const std::vector<int64_t> &onehot : values) {
    block.inputDims.push_back(static_cast<int64_t>(onehot.size()));
    rows += static_cast<int64_t>(onehot.size());
  }
  int64_t oneRow = rows, units = 0, row = 0;
  for (const std::vector<int64_t> &onehot : values)
    for (int64_t v : onehot) {
      // v ReLU(2e - 1/2) - v ReLU(2e - 3/2): exactly v [e = 1].
      if (v != 0)
        for (double offset : {-0.5, -1.5}) {
          w1.push_back({row, units, 2.0});
          w1.push_back({oneRow, units, offset});
          w2.push_back({units++, 0,
                        offset == -0.5 ? static_cast<double>(v)
                                       : -static_cast<double>(v)});
        }
      ++row;
    }
  block.inputDims.push_back(1);
  block.outputDims = {1};
  block.w1 = Matrix::fromTriplets(rows + 1, units, std::move(w1));
  block.w2 = Matrix::fromTriplets(units, 1, std::move(w2));
  return block;
}

double mlir::craft::synth::sumOfOneHotValuesError(
    llvm::ArrayRef<std::vector<int64_t>> values) {
  double absSum = 0;
  for (const std::vector<int64_t> &onehot : values) {
    int64_t largest = 0;
    for (int64_t v : onehot)
      largest = std::max<int64_t>(largest, std::abs(v));
    absSum += 3.0 * static_cast<double>(largest);
  }
  return dotProductBound(2 * static_cast<int64_t>(values.size()), absSum);
}
