//===- FusedBounds.cpp - Error analysis of fused MLPs ---------------------===//
//
// Pre-activation ranges, rounding allowances, input noise and the output
// error bound of a fused MLP, and its assembly into weight matrices.
// Derivations: docs/exactness.md, section 6.
//
//===----------------------------------------------------------------------===//

#include "FusedSynthesizer.h"

#include <cmath>
#include <map>
#include <numeric>

using namespace mlir;
using namespace mlir::craft;
using namespace mlir::craft::synth;
using namespace mlir::craft::synth::fused;

//===----------------------------------------------------------------------===//
// Pre-activations and allowances
//===----------------------------------------------------------------------===//

double Synthesizer::maxPreOnDomain(const Unit &u) const {
  // Linear in the readings; every combination of readings counts as
  // reachable, which only makes the bound larger.
  double pre = u.oneWeight;
  for (size_t i = 0; i < m; ++i) {
    const NumericalFeature &f = fn.numerical[i];
    double err = f.absError + f.relError * maxAbsReading[i];
    pre += std::max(u.lambda[i] * (minReading[i] - err),
                    u.lambda[i] * (maxReading[i] + err));
  }
  return pre;
}

double Synthesizer::maxPreAtBos(const Unit &u) const {
  double pre = u.oneWeight;
  for (size_t i = 0; i < m; ++i)
    pre += std::max(u.lambda[i] * fn.numerical[i].bosRange.first,
                    u.lambda[i] * fn.numerical[i].bosRange.second);
  return pre;
}

bool mlir::craft::synth::fused::isSmallInteger(double v) {
  return v == std::round(v) && std::abs(v) < (1 << 20);
}

bool Synthesizer::isIntegral(const Unit &u) const {
  // Integer weights on exact one-hots (lookups, products): every partial
  // sum is a small integer, exact in float32.
  bool integral = llvm::all_of(u.lambda, [](double l) { return l == 0; }) &&
                  isSmallInteger(u.oneWeight);
  for (auto [row, w] : u.catWeights)
    for (const CategoricalFeature &c : fn.categorical)
      if (row >= c.offset && row < c.offset + c.dim)
        integral = integral && isSmallInteger(w) && c.error == 0;
  return integral;
}

bool Synthesizer::allowanceDependsOnPoint(const Unit &u) const {
  for (size_t i = 0; i < m; ++i)
    if (u.lambda[i] != 0 && fn.numerical[i].form.size() == 1)
      return true;
  return false;
}

double Synthesizer::roundingAllowance(const Unit &u, int64_t point) const {
  if (isIntegral(u))
    return 0;
  return nonIntegralAllowance(u, point);
}

double Synthesizer::nonIntegralAllowance(const Unit &u, int64_t point) const {
  int64_t terms = 0;
  double absSum = 0;
  for (size_t i = 0; i < m; ++i) {
    if (u.lambda[i] == 0)
      continue;
    const NumericalFeature &f = fn.numerical[i];
    // A single-row form holds the reading itself (up to its error).
    if (point >= 0 && f.form.size() == 1) {
      double r = std::abs(reading(point, i));
      ++terms;
      absSum += std::abs(u.lambda[i]) * (r * (1 + f.relError) + f.absError);
      continue;
    }
    for (const FormTerm &t : f.form) {
      ++terms;
      absSum += std::abs(u.lambda[i] * t.coefficient) * t.maxAbs;
    }
  }
  // One-hot rows hold at most 1 plus their noise (below 1/4 when read).
  for (auto [row, w] : u.catWeights) {
    ++terms;
    absSum += std::abs(w) * 1.25;
  }
  ++terms;
  absSum += std::abs(u.oneWeight);
  return dotProductBound(terms, absSum);
}

double Synthesizer::numericalNoise(const Unit &u) const {
  double noise = 0;
  for (size_t i = 0; i < m; ++i) {
    const NumericalFeature &f = fn.numerical[i];
    noise +=
        std::abs(u.lambda[i]) * (f.absError + f.relError * maxAbsReading[i]);
  }
  return noise;
}

double Synthesizer::stepNoise(const Unit &u, int64_t below,
                              int64_t above) const {
  const NumericalFeature &f = fn.numerical[0];
  double r = std::max(std::abs(reading(below, 0)), std::abs(reading(above, 0)));
  return std::abs(u.lambda[0]) * (f.absError + f.relError * r);
}

//===----------------------------------------------------------------------===//
// Assembly and error bound
//===----------------------------------------------------------------------===//

MLPBlock Synthesizer::assemble(const Units &units) const {
  int64_t rows =
      std::accumulate(fn.inputDims.begin(), fn.inputDims.end(), int64_t(0));
  int64_t outDim =
      std::accumulate(fn.outputDims.begin(), fn.outputDims.end(), int64_t(0));
  // Weights are float32 numbers, so float32 and double evaluation run the
  // same model; the error bounds allow for the rounding.
  auto f32 = [](double v) {
    return static_cast<double>(static_cast<float>(v));
  };
  std::vector<Triplet> w1, w2;
  for (auto [index, u] : llvm::enumerate(units)) {
    int64_t c = static_cast<int64_t>(index);
    for (size_t i = 0; i < m; ++i)
      if (u.lambda[i] != 0)
        for (const FormTerm &t : fn.numerical[i].form)
          w1.push_back({t.row, c, f32(u.lambda[i] * t.coefficient)});
    for (auto [row, w] : u.catWeights)
      w1.push_back({row, c, f32(w)});
    if (u.oneWeight != 0)
      w1.push_back({fn.oneRow, c, f32(u.oneWeight)});
    if (u.bosWeight != 0)
      w1.push_back({fn.bosRow, c, f32(u.bosWeight)});
    for (auto [col, v] : u.out)
      w2.push_back({c, col, v});
  }
  MLPBlock block;
  block.inputDims = fn.inputDims;
  block.outputDims = fn.outputDims;
  int64_t hidden = units.size();
  block.w1 = Matrix::fromTriplets(rows, hidden, std::move(w1));
  block.w2 = Matrix::fromTriplets(hidden, outDim, std::move(w2));
  return block;
}

double Synthesizer::preActivation(const Unit &u,
                                  llvm::ArrayRef<double> readings,
                                  llvm::ArrayRef<int64_t> rows) const {
  // The bias as stored (float32), so the rounding of a pair's biases shows
  // in the difference of their pre-activations.
  double pre = static_cast<float>(u.oneWeight);
  for (size_t i = 0; i < m; ++i)
    if (u.lambda[i] != 0)
      pre += u.lambda[i] * readings[i];
  if (u.catWeights.empty())
    return pre;
  for (int64_t row : rows) {
    if (row < 0)
      continue;
    std::pair<int64_t, double> key{row, -INFINITY};
    auto it = llvm::lower_bound(u.catWeights, key);
    if (it != u.catWeights.end() && it->first == key.first)
      pre += it->second;
  }
  return pre;
}

double Synthesizer::pointwiseBound(const Units &units,
                                   llvm::ArrayRef<int64_t> points,
                                   const Layout *layout) const {
  // docs/exactness.md (6.3). At every point, with the units evaluated in
  // order (rows of W1 in increasing order, `one` after every feature row):
  // * the two units of a pair compute the same partial sum S before their
  //   biases, so their difference is b1 - b2 up to u (|pre1| + |pre2| +
  //   2 err(S)); b1 - b2 is the stored biases' difference, included
  //   exactly below;
  // * an unpaired unit is off its value by its rounding allowance and the
  //   input noise it passes on;
  // * the output column sums fl(w h) in unit order: each product and each
  //   partial sum rounds by at most u times its magnitude.
  // Margins keep off units exactly 0 and pairs both on or both off.
  const double u32 = std::ldexp(1.0, -24);
  int64_t outDim =
      std::accumulate(fn.outputDims.begin(), fn.outputDims.end(), int64_t(0));
  std::vector<double> passed;
  // Allowances that do not depend on the point, computed once (NaN: per
  // point).
  std::vector<double> allowance;
  allowance.reserve(units.size());
  for (const Unit &u : units)
    allowance.push_back(isIntegral(u) ? 0.0
                        : allowanceDependsOnPoint(u)
                            ? NAN
                            : nonIntegralAllowance(u, 0));
  auto allowanceAt = [&](uint32_t i, int64_t p) {
    return std::isnan(allowance[i]) ? nonIntegralAllowance(units[i], p)
                                    : allowance[i];
  };
  passed.reserve(units.size());
  for (const Unit &u : units) {
    double e = 0;
    if (!u.paired) {
      e = numericalNoise(u);
      for (auto [row, w] : u.catWeights)
        for (const CategoricalFeature &c : fn.categorical)
          if (row >= c.offset && row < c.offset + c.dim)
            e += std::abs(w) * c.error;
    }
    passed.push_back(e);
  }
  // A unit reading rows of a categorical feature is off unless the point's
  // value of that feature is among them (a closed gate, or a lookup of
  // other values): index the units by the rows of the feature they read
  // that opens them at the smallest share of its values (a table over
  // tokens and indices: by the index, a few candidates per point).
  int64_t rows =
      std::accumulate(fn.inputDims.begin(), fn.inputDims.end(), int64_t(0));
  std::vector<std::vector<uint32_t>> openedBy(rows);
  std::vector<uint32_t> always;
  auto featureOf = [&](int64_t row) -> int64_t {
    for (size_t j = 0; j < k; ++j)
      if (row >= fn.categorical[j].offset &&
          row < fn.categorical[j].offset + fn.categorical[j].dim)
        return j;
    return -1;
  };
  for (auto [index, u] : llvm::enumerate(units)) {
    if (layout)
      break;
    // Rows per feature (catWeights are sorted by row, features by offset).
    int64_t best = -1, bestRows = 0;
    for (size_t i = 0; i < u.catWeights.size();) {
      int64_t j = featureOf(u.catWeights[i].first);
      size_t end = i + 1;
      while (end < u.catWeights.size() &&
             featureOf(u.catWeights[end].first) == j)
        ++end;
      int64_t count = static_cast<int64_t>(end - i);
      // count / dim below bestRows / dim of best.
      if (j >= 0 && (best < 0 || count * fn.categorical[best].dim <
                                     bestRows * fn.categorical[j].dim)) {
        best = j;
        bestRows = count;
      }
      i = end;
    }
    if (best < 0) {
      always.push_back(index);
      continue;
    }
    for (auto [row, w] : u.catWeights)
      if (featureOf(row) == best)
        openedBy[row].push_back(index);
  }

  double worst = 0;
  std::vector<double> y(outDim, 0.0), err(outDim, 0.0), h(units.size(), 0.0),
      herr(units.size(), 0.0);
  std::vector<uint32_t> candidates;
  std::vector<int64_t> touched;
  // The point's readings and one-hot rows (-1: none), shared by its units.
  std::vector<double> readings(m);
  std::vector<int64_t> catRows(k);
  if (layout)
    for (size_t i = layout->begin; i < layout->end; ++i)
      always.push_back(i);
  for (int64_t p : points) {
    for (size_t i = 0; i < m; ++i)
      readings[i] = valueIndex(p, i) < 0 ? 0.0 : reading(p, i);
    for (size_t j = 0; j < k; ++j) {
      int32_t v = valueIndex(p, m + j);
      catRows[j] = v < 0 ? -1 : fn.categorical[j].offset + v;
    }
    candidates = always;
    bool opened = false;
    for (size_t j = 0; j < k && !layout; ++j)
      if (int32_t v = valueIndex(p, m + j); v >= 0) {
        const std::vector<uint32_t> &more =
            openedBy[fn.categorical[j].offset + v];
        llvm::append_range(candidates, more);
        opened |= !more.empty();
      }
    // Often in increasing order already (`always`, or one opened list).
    if (opened && !llvm::is_sorted(candidates))
      llvm::sort(candidates);
    for (uint32_t i : candidates) {
      h[i] = std::max(preActivation(units[i], readings, catRows), 0.0);
      herr[i] = 0;
    }
    for (uint32_t i : candidates) {
      if (h[i] == 0)
        continue;
      const Unit &u = units[i];
      if (!u.paired) {
        herr[i] = passed[i] + allowanceAt(i, p);
        continue;
      }
      // The first of a pair carries the pair's error; both are candidates
      // (they read the same rows).
      if (u.pairFirst) {
        double shared = allowanceAt(i, p);
        herr[i] = u32 * (h[i] + h[i + 1] + 2 * shared);
      }
    }
    for (uint32_t i : candidates) {
      if (h[i] == 0)
        continue;
      for (auto [col, w] : units[i].out) {
        double term = w * h[i];
        y[col] += term;
        err[col] += std::abs(w) * herr[i];
        // Exact small integers (lookups of exact one-hots) do not round.
        if (!(herr[i] == 0 && isSmallInteger(term) && isSmallInteger(y[col])))
          err[col] += u32 * ((std::abs(w) == 1 ? 0.0 : std::abs(term)) +
                             std::abs(y[col]));
        touched.push_back(col);
      }
    }
    for (auto [col, v] : fn.outputs[p]) {
      y[col] -= v;
      touched.push_back(col);
    }
    for (int64_t col : touched) {
      worst = std::max(worst, std::abs(y[col]) + err[col]);
    }
    for (int64_t col : touched)
      y[col] = err[col] = 0;
    touched.clear();
    for (uint32_t i : candidates)
      h[i] = herr[i] = 0;
  }
  return worst;
}

double Synthesizer::outputErrorBound(const Units &units,
                                     llvm::ArrayRef<Layout> layouts) const {
  if (m == 0) {
    std::vector<int64_t> points(fn.numPoints());
    std::iota(points.begin(), points.end(), 0);
    return pointwiseBound(units, points, nullptr);
  }
  // Units of other groups are exactly off at a group's points (their gates
  // are closed with margin), so each group is bounded on its own.
  double worst = 0;
  for (const Layout &layout : layouts)
    worst = std::max(worst,
                     layout.affine
                         ? pointwiseBound(units, layout.group->points, &layout)
                         : stepBound(units, layout));
  return worst;
}

namespace {
/// Maxima of a sequence over index ranges, after O(n log n) set-up.
class RangeMax {
public:
  explicit RangeMax(std::vector<double> values) {
    levels.push_back(std::move(values));
    for (size_t width = 1; 2 * width <= levels[0].size(); width *= 2) {
      const std::vector<double> &prev = levels.back();
      std::vector<double> next(prev.size() - width);
      for (size_t i = 0; i < next.size(); ++i)
        next[i] = std::max(prev[i], prev[i + width]);
      levels.push_back(std::move(next));
    }
  }
  /// The largest value in [begin, end), end > begin.
  double get(size_t begin, size_t end) const {
    size_t level = llvm::Log2_64(end - begin);
    return std::max(levels[level][begin],
                    levels[level][end - (size_t(1) << level)]);
  }

private:
  std::vector<std::vector<double>> levels;
};
} // namespace

double Synthesizer::stepBound(const Units &units, const Layout &layout) const {
  // docs/exactness.md (6.3), evaluated per output column c on the intervals
  // of z between the thresholds of the steps writing c. In an interval the
  // set of steps on is fixed. A step s on writes w = its output in c with
  // h1 = sign a z + b1 and h2 = sign a z + b2 (the float32 biases), and
  // adds at most
  //   |w| u (h1 + h2 + 2 A_s)                  the pair's error (6.3),
  //   u [|w| != 1] |w| (h1 + h2)              rounding of the products,
  //   u (|w| h1 + |w| |b1 - b2| + 2 Y)         rounding of the partial sums,
  // where A_s = gamma_s (a R + A0_s) is the rounding allowance of the
  // pair's shared sum (R = sum |c_i| (1 + relError_i) |x_i| over the
  // single-row features, the rest constant) and Y bounds the partial sum
  // before the pair: |base| plus |w' (b1' - b2')| of every step on. The
  // value itself is base + sum w (b1 - b2) over the steps on, against the
  // table's constant value in the interval. Everything is affine in z but
  // the R term, whose largest value over the interval's points is taken.
  const double u32 = std::ldexp(1.0, -24);
  const Group &group = *layout.group;
  llvm::ArrayRef<double> c = layout.coefficients;

  // The group's points along z (from the projection), and R at each.
  const std::vector<std::pair<double, int64_t>> &byZ = layout.byZ;
  std::vector<double> rs;
  rs.reserve(byZ.size());
  for (auto [z, p] : byZ) {
    double r = 0;
    for (size_t i = 0; i < m; ++i)
      if (c[i] != 0 && fn.numerical[i].form.size() == 1)
        r += std::abs(c[i]) * (1 + fn.numerical[i].relError) *
             std::abs(reading(p, i));
    rs.push_back(r);
  }
  RangeMax maxR(std::move(rs));
  auto firstAbove = [&](double t) {
    return static_cast<size_t>(
        llvm::lower_bound(byZ, std::make_pair(t, INT64_MIN)) - byZ.begin());
  };

  // The base: the context indicator's units, the same at every point of the
  // group (no numerical weights).
  std::map<int64_t, std::pair<double, double>> base; // column -> (y, err)
  {
    Layout indicator = layout;
    indicator.end = layout.baseEnd;
    for (size_t i = layout.begin; i < layout.baseEnd; ++i)
      for (auto [col, w] : units[i].out)
        base.try_emplace(col, 0.0, 0.0);
    if (layout.baseEnd > layout.begin)
      for (auto &[col, ye] : base) {
        // The indicator at one point, evaluated as every other unit is.
        int64_t p = group.points.front();
        std::vector<double> readings(m), h;
        std::vector<int64_t> catRows(k);
        for (size_t i = 0; i < m; ++i)
          readings[i] = reading(p, i);
        for (size_t j = 0; j < k; ++j) {
          int32_t v = valueIndex(p, m + j);
          catRows[j] = v < 0 ? -1 : fn.categorical[j].offset + v;
        }
        double y = 0, err = 0;
        for (size_t i = layout.begin; i < layout.baseEnd; ++i)
          h.push_back(
              std::max(preActivation(units[i], readings, catRows), 0.0));
        for (size_t i = layout.begin; i < layout.baseEnd; ++i) {
          const Unit &u = units[i];
          double hi = h[i - layout.begin];
          if (hi == 0)
            continue;
          double herr = 0;
          if (!u.paired) {
            herr = roundingAllowance(u, p);
            for (auto [row, w] : u.catWeights)
              for (const CategoricalFeature &f : fn.categorical)
                if (row >= f.offset && row < f.offset + f.dim)
                  herr += std::abs(w) * f.error;
          } else if (u.pairFirst) {
            herr = u32 *
                   (hi + h[i + 1 - layout.begin] + 2 * roundingAllowance(u, p));
          }
          for (auto [outCol, w] : u.out) {
            if (outCol != col)
              continue;
            double term = w * hi;
            y += term;
            err += std::abs(w) * herr;
            if (!(herr == 0 && isSmallInteger(term) && isSmallInteger(y)))
              err += u32 *
                     ((std::abs(w) == 1 ? 0.0 : std::abs(term)) + std::abs(y));
          }
        }
        ye = {y, err};
      }
  }

  // The steps writing each column.
  std::map<int64_t, std::vector<std::pair<const StepInfo *, double>>> writers;
  for (const StepInfo &s : layout.steps)
    for (auto [col, w] : units[s.unit].out)
      writers[col].push_back({&s, w});
  for (auto &[col, ye] : base)
    writers.try_emplace(col);

  // The group's context (every context of the group opens the same units).
  std::vector<double> zeros(m, 0.0);
  std::vector<int64_t> contextRows(k);
  for (size_t j = 0; j < k; ++j) {
    int32_t v = valueIndex(group.points.front(), m + j);
    contextRows[j] = v < 0 ? -1 : fn.categorical[j].offset + v;
  }
  auto value = [&](int64_t p, int64_t col) {
    for (auto [outCol, v] : fn.outputs[p])
      if (outCol == col)
        return v;
    return 0.0;
  };
  double worst = 0;
  for (auto &[col, steps] : writers) {
    auto [y0, e0] = base.count(col) ? base[col] : std::make_pair(0.0, 0.0);
    // Interval boundaries: the steps' thresholds in increasing z.
    llvm::sort(steps, [](const auto &x, const auto &y) {
      return x.first->t < y.first->t;
    });
    // Accumulators over the steps on: slope and intercept in z, the
    // coefficient of R, the count, sum |w d| and sum w d.
    double slope = 0, intercept = 0, rCoef = 0, absWD = 0, sumWD = 0;
    int64_t on = 0;
    auto toggle = [&](const StepInfo &s, double w, double dir) {
      const Unit &u1 = units[s.unit];
      // The pre-activations' constant parts in the group's context: the
      // float32 bias plus the open gate.
      double b1 = preActivation(u1, zeros, contextRows);
      double b2 = preActivation(units[s.unit + 1], zeros, contextRows);
      double d = b1 - b2, aw = std::abs(w);
      double q = aw == 1 ? 0.0 : 1.0;
      // The allowance of the pair's shared sum: terms and constant part as
      // nonIntegralAllowance counts them, the readings' part through R.
      int64_t terms = 1 + static_cast<int64_t>(u1.catWeights.size());
      double a0 = std::abs(u1.oneWeight);
      for (size_t i = 0; i < m; ++i) {
        if (u1.lambda[i] == 0)
          continue;
        const NumericalFeature &f = fn.numerical[i];
        if (f.form.size() == 1) {
          ++terms;
          a0 += std::abs(u1.lambda[i]) * f.absError;
          continue;
        }
        for (const FormTerm &t : f.form) {
          ++terms;
          a0 += std::abs(u1.lambda[i] * t.coefficient) * t.maxAbs;
        }
      }
      for (auto [row, cw] : u1.catWeights)
        a0 += std::abs(cw) * 1.25;
      double gamma = dotProductBound(terms, 1.0);
      double sa = s.sign * s.a;
      slope += dir * u32 * aw * sa * (3 + 2 * q);
      intercept += dir * (u32 * aw * (b1 + b2) + 2 * u32 * aw * gamma * a0 +
                          u32 * (q + 1) * aw * b1 + u32 * q * aw * b2 +
                          u32 * aw * std::abs(d));
      rCoef += dir * 2 * u32 * aw * gamma * s.a;
      absWD += dir * std::abs(w * d);
      sumWD += dir * w * d;
      on += dir > 0 ? 1 : -1;
    };
    // Leftmost interval: the steps active below their threshold are on.
    for (auto [s, w] : steps)
      if (s->sign < 0)
        toggle(*s, w, 1.0);
    size_t begin = 0;
    for (size_t k = 0; k <= steps.size(); ++k) {
      size_t end =
          k < steps.size() ? firstAbove(steps[k].first->t) : byZ.size();
      if (end > begin) {
        double zlo = byZ[begin].first, zhi = byZ[end - 1].first;
        double bound =
            e0 + std::max(slope * zlo, slope * zhi) + intercept +
            (rCoef > 0 ? rCoef * maxR.get(begin, end) : 0) +
            2 * u32 * static_cast<double>(on) * (std::abs(y0) + absWD);
        double deviation = std::abs(y0 + sumWD - value(byZ[begin].second, col));
        worst = std::max(worst, bound + deviation);
      }
      if (k == steps.size())
        break;
      // Past the threshold: a step active above it turns on, one active
      // below it turns off.
      auto [s, w] = steps[k];
      toggle(*s, w, s->sign > 0 ? 1.0 : -1.0);
      begin = std::max(begin, end);
    }
  }
  return worst;
}
