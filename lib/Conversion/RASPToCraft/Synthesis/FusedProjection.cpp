//===- FusedProjection.cpp - Projections of numerical features ------------===//
//
// docs/Fusion.md, "Several numerical inputs". Every step works on the
// group's points as flat index arrays, sorted once per question, and on
// dense output ids.
//
//===----------------------------------------------------------------------===//

#include "FusedProjection.h"
#include "FusedSynthesizer.h"

#include <cmath>
#include <limits>
#include <numeric>

using namespace mlir;
using namespace mlir::craft;
using namespace mlir::craft::synth;
using namespace mlir::craft::synth::fused;

namespace {
/// The numerical part of a group's table.
struct NumericalTable {
  const FusedFunction &fn;
  llvm::ArrayRef<uint32_t> outId;
  llvm::ArrayRef<int64_t> points;
  size_t m;

  int32_t index(int64_t p, size_t feature) const {
    return fn.points[p * fn.stride() + feature];
  }
  double reading(int64_t p, size_t feature) const {
    return fn.numerical[feature].readings[index(p, feature)];
  }
};

/// The blocks of one feature's readings: sorted distinct readings, merged
/// where float32 cannot separate them and the table does not need it (two
/// value indices with the same slice, the list of (other numerical indices,
/// output) of their points, are interchangeable). Only their number, span
/// and smallest gap matter.
struct Blocks {
  size_t count = 0;
  double range = 0, gap = std::numeric_limits<double>::infinity();
};

Blocks blocksOf(const NumericalTable &t, size_t f) {
  // The points by (index of f, other indices, output): each index's slice
  // is a contiguous range, in canonical order.
  std::vector<int64_t> byIndex(t.points.begin(), t.points.end());
  std::vector<size_t> features = {f};
  std::vector<int64_t> sizes;
  for (size_t i = 0; i < t.m; ++i) {
    sizes.push_back(static_cast<int64_t>(t.fn.numerical[i].readings.size()));
    if (i != f)
      features.push_back(i);
  }
  uint64_t outputs = t.outId.empty() ? 1 : *llvm::max_element(t.outId) + 1;
  sortPoints(t.fn, features, sizes, t.outId.data(), outputs, byIndex);
  // Distinct (others, output) entries of each index: [begin, end) ranges.
  struct Slice {
    int32_t index;
    size_t begin, end;
  };
  std::vector<Slice> slices;
  std::vector<int64_t> entries;
  auto sameEntry = [&](int64_t a, int64_t b) {
    for (size_t i = 0; i < t.m; ++i)
      if (i != f && t.index(a, i) != t.index(b, i))
        return false;
    return t.outId[a] == t.outId[b];
  };
  for (int64_t p : byIndex) {
    int32_t v = t.index(p, f);
    if (slices.empty() || slices.back().index != v)
      slices.push_back({v, entries.size(), entries.size()});
    else if (sameEntry(entries.back(), p))
      continue;
    entries.push_back(p);
    slices.back().end = entries.size();
  }
  auto sameSlice = [&](const Slice &a, const Slice &b) {
    if (a.end - a.begin != b.end - b.begin)
      return false;
    for (size_t i = 0; i < a.end - a.begin; ++i)
      if (!sameEntry(entries[a.begin + i], entries[b.begin + i]))
        return false;
    return true;
  };
  const std::vector<double> &readings = t.fn.numerical[f].readings;
  llvm::sort(slices, [&](const Slice &a, const Slice &b) {
    return std::make_pair(readings[a.index], a.index) <
           std::make_pair(readings[b.index], b.index);
  });
  Blocks b;
  double lo = 0, hi = 0, first = 0;
  const Slice *blockFirst = nullptr;
  for (const Slice &s : slices) {
    double r = readings[s.index];
    if (blockFirst) {
      double scale = std::max({1.0, std::abs(r), std::abs(hi)});
      if (r - hi <= std::ldexp(scale, -30) && sameSlice(s, *blockFirst)) {
        hi = r;
        continue;
      }
      b.gap = std::min(b.gap, r - hi);
    } else {
      first = r;
    }
    ++b.count;
    lo = hi = r;
    blockFirst = &s;
  }
  (void)lo;
  if (b.count)
    b.range = hi - first;
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

/// The runs of the points along z = sum c_i x_i; `z` receives the points
/// in increasing z.
std::vector<Run> runsAlong(const NumericalTable &t, llvm::ArrayRef<double> c,
                           std::vector<std::pair<double, int64_t>> &z) {
  z.clear();
  z.reserve(t.points.size());
  for (int64_t p : t.points) {
    double v = 0;
    for (size_t i = 0; i < t.m; ++i)
      v += c[i] * t.reading(p, i);
    z.push_back({v, p});
  }
  llvm::sort(z);
  std::vector<Run> runs;
  for (auto [v, p] : z) {
    if (!runs.empty() && t.outId[runs.back().pointHi] == t.outId[p]) {
      runs.back().zhi = v;
      runs.back().pointHi = p;
      continue;
    }
    runs.push_back({v, v, p, p, &t.fn.outputs[p]});
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
    const FusedFunction &fn, llvm::ArrayRef<uint32_t> outId,
    llvm::ArrayRef<int64_t> points) {
  NumericalTable t{fn, outId, points, fn.numerical.size()};
  if (t.m == 1) {
    Projection p;
    p.coefficients = {1.0};
    p.runs = runsAlong(t, p.coefficients, p.byZ);
    return {std::move(p)};
  }
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
    // Two orders giving the same coefficients give the same projection.
    if (llvm::any_of(found, [&](const auto &f) {
          return f.second.coefficients == p.coefficients;
        }))
      continue;
    p.runs = runsAlong(t, p.coefficients, p.byZ);
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
