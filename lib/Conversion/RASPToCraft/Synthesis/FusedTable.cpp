//===- FusedTable.cpp - The table of a fused MLP, checked and grouped -----===//
//
// Sorts the points of a fused table once by (categorical values, numerical
// values): contexts are then contiguous, duplicate inputs adjacent and each
// context's numerical sub-table in canonical order. Outputs and sub-tables
// are interned as dense ids, so grouping compares integers, not tables.
//
//===----------------------------------------------------------------------===//

#include "FusedSynthesizer.h"

#include <cmath>
#include <cstring>
#include <numeric>
#include <unordered_map>

using namespace mlir;
using namespace mlir::craft;
using namespace mlir::craft::synth;
using namespace mlir::craft::synth::fused;

namespace {
/// Hash of a sparse output vector, consistent with its operator== (0.0 and
/// -0.0 hash alike).
struct SparseHash {
  size_t operator()(const SparseVector &v) const {
    llvm::hash_code h = llvm::hash_value(v.size());
    for (auto [col, value] : v) {
      double d = value == 0 ? 0.0 : value;
      uint64_t bits;
      std::memcpy(&bits, &d, sizeof(bits));
      h = llvm::hash_combine(h, col, bits);
    }
    return h;
  }
};

/// A sequence of int32 words (a sub-table or a gate key), hashed by value.
struct WordsHash {
  size_t operator()(const std::vector<int32_t> &w) const {
    return llvm::hash_combine_range(w.begin(), w.end());
  }
};
} // namespace

void mlir::craft::synth::fused::sortPoints(const FusedFunction &fn,
                                           llvm::ArrayRef<size_t> features,
                                           llvm::ArrayRef<int64_t> sizes,
                                           const uint32_t *tail,
                                           uint64_t tailSize,
                                           std::vector<int64_t> &points) {
  int64_t stride = fn.stride();
  const int32_t *base = fn.points.data();
  // Mixed radix, most significant first: fits if the product of the
  // radices does.
  std::vector<uint64_t> radix(features.size());
  uint64_t scale = tail ? std::max<uint64_t>(1, tailSize) : 1;
  bool fits = true;
  for (size_t i = features.size(); i-- > 0;) {
    radix[i] = scale;
    uint64_t count = static_cast<uint64_t>(sizes[features[i]]) + 1;
    if (scale > UINT64_MAX / count) {
      fits = false;
      break;
    }
    scale *= count;
  }
  if (fits) {
    std::vector<std::pair<uint64_t, int64_t>> keyed;
    keyed.reserve(points.size());
    for (int64_t p : points) {
      uint64_t key = tail ? tail[p] : 0;
      for (size_t i = 0; i < features.size(); ++i)
        key += radix[i] *
               static_cast<uint64_t>(base[p * stride + features[i]] + 1);
      keyed.push_back({key, p});
    }
    llvm::sort(keyed);
    for (size_t i = 0; i < points.size(); ++i)
      points[i] = keyed[i].second;
    return;
  }
  llvm::sort(points, [&](int64_t a, int64_t b) {
    for (size_t f : features) {
      int32_t x = base[a * stride + f], y = base[b * stride + f];
      if (x != y)
        return x < y;
    }
    if (tail && tail[a] != tail[b])
      return tail[a] < tail[b];
    return a < b;
  });
}

llvm::Error Synthesizer::checkTable() {
  int64_t n = fn.numPoints();
  int64_t stride = fn.stride();
  if (static_cast<int64_t>(fn.outputs.size()) != n)
    return llvm::createStringError(
        "fused table has " + std::to_string(fn.outputs.size()) +
        " outputs for " + std::to_string(n) + " points");
  if (stride && fn.points.size() % stride != 0)
    return llvm::createStringError(
        "fused table has a partial point (" + std::to_string(fn.points.size()) +
        " indices for " + std::to_string(stride) + " features)");
  // Every index in range, so the synthesis can read without checks.
  int64_t rows =
      std::accumulate(fn.inputDims.begin(), fn.inputDims.end(), int64_t(0));
  for (const CategoricalFeature &c : fn.categorical)
    if (c.offset < 0 || c.dim < 0 || c.offset + c.dim > rows)
      return llvm::createStringError(
          "a categorical feature's rows lie outside the MLP's input");
  std::vector<int64_t> sizes;
  for (size_t i = 0; i < m + k; ++i)
    sizes.push_back(i < m
                        ? static_cast<int64_t>(fn.numerical[i].readings.size())
                        : fn.categorical[i - m].dim);
  for (int64_t p = 0; p < n; ++p)
    for (size_t i = 0; i < m + k; ++i) {
      int32_t v = valueIndex(p, i);
      if (v >= sizes[i] || v < (i < m ? 0 : -1))
        return llvm::createStringError(
            "fused table point " + std::to_string(p) + " has value index " +
            std::to_string(v) + " for a feature with " +
            std::to_string(sizes[i]) + " values");
    }
  minReading.assign(m, INFINITY);
  maxReading.assign(m, -INFINITY);
  maxAbsReading.assign(m, 0.0);
  for (int64_t p = 0; p < n; ++p)
    for (size_t i = 0; i < m; ++i) {
      double r = reading(p, i);
      minReading[i] = std::min(minReading[i], r);
      maxReading[i] = std::max(maxReading[i], r);
      maxAbsReading[i] = std::max(maxAbsReading[i], std::abs(r));
    }

  // Outputs as dense ids.
  std::unordered_map<SparseVector, uint32_t, SparseHash> outputIds;
  outId.clear();
  outId.reserve(n);
  for (int64_t p = 0; p < n; ++p)
    outId.push_back(
        outputIds
            .try_emplace(fn.outputs[p], static_cast<uint32_t>(outputIds.size()))
            .first->second);

  // Points by (categorical values, numerical values).
  order.resize(n);
  std::iota(order.begin(), order.end(), 0);
  const int32_t *base = fn.points.data();
  std::vector<size_t> features;
  for (size_t j = 0; j < k; ++j)
    features.push_back(m + j);
  for (size_t i = 0; i < m; ++i)
    features.push_back(i);
  sortPoints(fn, features, sizes, nullptr, 0, order);
  auto sameRow = [&](int64_t a, int64_t b) {
    return std::equal(base + a * stride, base + (a + 1) * stride,
                      base + b * stride);
  };
  for (int64_t i = 1; i < n; ++i)
    if (sameRow(order[i - 1], order[i]) &&
        outId[order[i - 1]] != outId[order[i]])
      return llvm::createStringError(
          "the fused table gives two outputs for one input");
  for (int64_t p = 0; p < n; ++p) {
    bool none = false;
    for (size_t j = 0; j < k; ++j)
      none |= valueIndex(p, m + j) < 0;
    if (none && !fn.outputs[p].empty())
      return llvm::createStringError(
          "the fused function has a value where an input is None");
  }
  return llvm::Error::success();
}

std::vector<Group> Synthesizer::buildGroups() const {
  int64_t stride = fn.stride();
  const int32_t *base = fn.points.data();
  auto categoricalEqual = [&](int64_t a, int64_t b) {
    return std::equal(base + a * stride + m, base + (a + 1) * stride,
                      base + b * stride + m);
  };
  auto numericalEqual = [&](int64_t a, int64_t b) {
    return std::equal(base + a * stride, base + a * stride + m,
                      base + b * stride);
  };

  // One draft per context (a categorical tuple without None): its
  // sub-table id, its gates (one value per feature) and its points, one per
  // distinct numerical tuple, in canonical order.
  struct Draft {
    uint32_t table;
    GateSets gates;
    std::vector<int64_t> points;
  };
  std::unordered_map<std::vector<int32_t>, uint32_t, WordsHash> tableIds;
  std::vector<Draft> drafts;
  std::vector<bool> mayBeNone(k, false);
  std::vector<int32_t> words;
  for (size_t i = 0, n = order.size(); i < n;) {
    size_t end = i + 1;
    while (end < n && categoricalEqual(order[i], order[end]))
      ++end;
    bool none = false;
    for (size_t j = 0; j < k; ++j)
      if (valueIndex(order[i], m + j) < 0)
        none = mayBeNone[j] = true;
    if (!none) {
      Draft d;
      words.clear();
      for (size_t q = i; q < end; ++q) {
        int64_t p = order[q];
        if (q > i && numericalEqual(order[q - 1], p))
          continue;
        d.points.push_back(p);
        words.insert(words.end(), base + p * stride, base + p * stride + m);
        words.push_back(static_cast<int32_t>(outId[p]));
      }
      d.table =
          tableIds.try_emplace(words, static_cast<uint32_t>(tableIds.size()))
              .first->second;
      for (size_t j = 0; j < k; ++j)
        d.gates.push_back({valueIndex(order[i], m + j)});
      drafts.push_back(std::move(d));
    }
    i = end;
  }

  // Merge drafts with the same sub-table whose gates differ in one
  // coordinate only: the union is still a product of per-feature sets,
  // which one gate tests.
  for (size_t coord = 0; coord < k; ++coord) {
    std::unordered_map<std::vector<int32_t>, size_t, WordsHash> byRest;
    std::vector<Draft> merged;
    for (Draft &d : drafts) {
      words.assign(1, static_cast<int32_t>(d.table));
      for (size_t j = 0; j < k; ++j) {
        if (j == coord)
          continue;
        words.push_back(static_cast<int32_t>(d.gates[j].size()));
        llvm::append_range(words, d.gates[j]);
      }
      auto [it, inserted] = byRest.try_emplace(words, merged.size());
      if (inserted) {
        merged.push_back(std::move(d));
        continue;
      }
      Draft &into = merged[it->second];
      llvm::append_range(into.gates[coord], d.gates[coord]);
      llvm::sort(into.gates[coord]);
    }
    drafts = std::move(merged);
  }

  // A gate that every value of a never-None feature opens tests nothing.
  std::vector<Group> groups;
  for (Draft &d : drafts) {
    for (size_t j = 0; j < k; ++j)
      if (!mayBeNone[j] &&
          static_cast<int64_t>(d.gates[j].size()) == fn.categorical[j].dim)
        d.gates[j].clear();
    groups.push_back({std::move(d.gates), std::move(d.points)});
  }
  return groups;
}
