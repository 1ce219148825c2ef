//===- FusedProjection.cpp - Projections of numerical features ------------===//
//
// docs/Fusion.md, "Several numerical inputs".
//
//===----------------------------------------------------------------------===//

#include "FusedProjection.h"

#include <cmath>
#include <limits>
#include <map>
#include <numeric>

using namespace mlir;
using namespace mlir::craft;
using namespace mlir::craft::synth;
using namespace mlir::craft::synth::fused;

namespace {
/// The numerical part of a group's table.
struct NumericalTable {
  const FusedFunction &fn;
  llvm::ArrayRef<int64_t> points;
  size_t m;

  int32_t index(int64_t p, size_t feature) const {
    return fn.points[p * fn.stride() + feature];
  }
  double reading(int64_t p, size_t feature) const {
    return fn.numerical[feature].readings[index(p, feature)];
  }
};

/// For each value index of `feature` used by the points, the sorted list of
/// (other numerical indices, output) pairs: two indices with the same slice
/// are interchangeable.
std::map<int32_t, std::vector<std::pair<std::vector<int32_t>, SparseVector>>>
slices(const NumericalTable &t, size_t feature) {
  std::map<int32_t, std::vector<std::pair<std::vector<int32_t>, SparseVector>>>
      out;
  for (int64_t p : t.points) {
    std::vector<int32_t> rest;
    for (size_t i = 0; i < t.m; ++i)
      if (i != feature)
        rest.push_back(t.index(p, i));
    out[t.index(p, feature)].push_back({rest, t.fn.outputs[p]});
  }
  for (auto &[index, slice] : out) {
    llvm::sort(slice,
               [](const auto &a, const auto &b) { return a.first < b.first; });
    slice.erase(std::unique(slice.begin(), slice.end()), slice.end());
  }
  return out;
}

/// The blocks of one feature's readings: sorted distinct readings, merged
/// where float32 cannot separate them and the table does not need it. Only
/// their number, span and smallest gap matter.
struct Blocks {
  size_t count = 0;
  double range = 0, gap = std::numeric_limits<double>::infinity();
};

Blocks blocksOf(const NumericalTable &t, size_t f) {
  auto sl = slices(t, f);
  std::vector<std::pair<double, int32_t>> values;
  for (auto &[index, slice] : sl)
    values.push_back({t.fn.numerical[f].readings[index], index});
  llvm::sort(values);
  std::vector<std::pair<double, double>> blocks; // [lo, hi]
  int32_t blockFirst = -1;
  for (auto [r, index] : values) {
    bool merge = false;
    if (!blocks.empty()) {
      double prev = blocks.back().second;
      double scale = std::max({1.0, std::abs(r), std::abs(prev)});
      merge = r - prev <= std::ldexp(scale, -30) && sl[index] == sl[blockFirst];
    }
    if (merge) {
      blocks.back().second = r;
    } else {
      blocks.push_back({r, r});
      blockFirst = index;
    }
  }
  Blocks b;
  b.count = blocks.size();
  if (!blocks.empty())
    b.range = blocks.back().second - blocks.front().first;
  for (size_t i = 1; i < blocks.size(); ++i)
    b.gap = std::min(b.gap, blocks[i].first - blocks[i - 1].second);
  return b;
}

/// Lexicographic coefficients for `order` (most significant first), from
/// each feature's blocks.
std::vector<double> lexicographic(const NumericalTable &t,
                                  llvm::ArrayRef<size_t> order,
                                  llvm::ArrayRef<Blocks> blocks) {
  std::vector<double> c(t.m, 0.0);
  double spanBelow = 0, gapBelow = std::numeric_limits<double>::infinity();
  for (size_t level = order.size(); level-- > 0;) {
    size_t f = order[level];
    const Blocks &b = blocks[f];
    if (b.count < 2) {
      c[f] = 0;
      continue;
    }
    if (std::isinf(gapBelow)) {
      // The least significant varying feature: z is the reading itself.
      c[f] = 1;
      gapBelow = b.gap;
      spanBelow = b.range;
      continue;
    }
    // Blocks of f are then at least gapBelow apart beyond the span of the
    // less significant features.
    c[f] = (spanBelow + gapBelow) / b.gap;
    spanBelow += c[f] * b.range;
  }
  return c;
}

/// The runs of the points along z = sum c_i x_i.
std::vector<Run> runsAlong(const NumericalTable &t, llvm::ArrayRef<double> c) {
  std::vector<std::pair<double, int64_t>> z;
  for (int64_t p : t.points) {
    double v = 0;
    for (size_t i = 0; i < t.m; ++i)
      v += c[i] * t.reading(p, i);
    z.push_back({v, p});
  }
  llvm::sort(z);
  std::vector<Run> runs;
  for (auto [v, p] : z) {
    const SparseVector &out = t.fn.outputs[p];
    if (!runs.empty() && runs.back().out == out) {
      runs.back().zhi = v;
      runs.back().pointHi = p;
      continue;
    }
    runs.push_back({v, v, p, p, out});
  }
  return runs;
}

/// Smallest gap between runs relative to the largest |z|: larger is safer.
double resolution(const std::vector<Run> &runs) {
  double gap = std::numeric_limits<double>::infinity(), zmax = 0;
  for (size_t r = 0; r < runs.size(); ++r) {
    zmax = std::max({zmax, std::abs(runs[r].zlo), std::abs(runs[r].zhi)});
    if (r)
      gap = std::min(gap, runs[r].zlo - runs[r - 1].zhi);
  }
  return runs.size() < 2 ? INFINITY : gap / std::max(zmax, 1e-300);
}
} // namespace

std::vector<Projection> mlir::craft::synth::fused::candidateProjections(
    const FusedFunction &fn, llvm::ArrayRef<int64_t> points) {
  NumericalTable t{fn, points, fn.numerical.size()};
  std::vector<size_t> order(t.m);
  std::iota(order.begin(), order.end(), 0);
  std::vector<std::vector<size_t>> orders;
  if (t.m <= 4) {
    do
      orders.push_back(order);
    while (std::next_permutation(order.begin(), order.end()));
  } else {
    orders.push_back(order);
    orders.push_back(std::vector<size_t>(order.rbegin(), order.rend()));
  }
  // A feature's blocks are the same in every order.
  std::vector<Blocks> blocks;
  for (size_t f = 0; f < t.m; ++f)
    blocks.push_back(blocksOf(t, f));
  std::vector<std::pair<std::pair<size_t, double>, Projection>> found;
  for (const std::vector<size_t> &o : orders) {
    Projection p;
    p.coefficients = lexicographic(t, o, blocks);
    p.runs = runsAlong(t, p.coefficients);
    // Two orders giving the same coefficients give the same projection.
    if (llvm::any_of(found, [&](const auto &f) {
          return f.second.coefficients == p.coefficients;
        }))
      continue;
    found.push_back({{p.runs.size(), -resolution(p.runs)}, std::move(p)});
  }
  std::stable_sort(
      found.begin(), found.end(),
      [](const auto &a, const auto &b) { return a.first < b.first; });
  std::vector<Projection> out;
  for (auto &f : found)
    out.push_back(std::move(f.second));
  return out;
}
