//===- NumericalMeans.cpp - Value set of a numerical aggregate ------------===//
//
// The means of every multiset of 1..N values drawn from a finite set, by a
// dynamic programme over reachable sums: S_1 = V, S_n = {s + v : s in S_{n-1},
// v in V}, means = {s / n : s in S_n}. The programme hands each mean with its
// count n to a sink: one set of all means (numericalMeans), or one set per
// count (numericalMeansByCount).
//
// Exactness: the interpreter computes `sum(xs) / len(xs)` (Tracr's `_mean`).
// Int sums are exact, so S_n is exact and each mean is one Python true
// division. Float sums are left-to-right double additions; every prefix of a
// sequence is itself a sequence, so S_n built with the same double additions
// is exactly the set of sums of all length-n sequences, in every order. The
// unit tests check both against brute-force enumeration.
//
//===----------------------------------------------------------------------===//

#include "RaspDialect/Analysis/ValueSets.h"

#include "llvm/ADT/DenseSet.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <iterator>
#include <type_traits>

using namespace mlir;
using namespace mlir::rasp;

static llvm::Error error(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

namespace {
/// Collects distinct means, failing once there are more than the cap.
class MeanSet {
public:
  explicit MeanSet(size_t maxValues) : maxValues(maxValues) {}

  /// Adds `mean`; false once the set exceeds the cap.
  bool insert(double mean) {
    if (std::isnan(mean)) {
      hasNaN = true;
      return true;
    }
    if (mean == 0.0)
      mean = 0.0; // -0.0 == 0.0 as a value
    uint64_t bits;
    std::memcpy(&bits, &mean, sizeof(bits));
    if (seen.insert(bits).second)
      means.push_back(mean);
    return means.size() + hasNaN <= maxValues;
  }

  ValueSet take() {
    ValueSet out;
    out.reserve(means.size() + hasNaN);
    for (double mean : means)
      out.push_back(PyValue::real(mean));
    if (hasNaN)
      out.push_back(PyValue::real(std::nan("")));
    canonicalizeValueSet(out);
    return out;
  }

private:
  size_t maxValues;
  llvm::DenseSet<uint64_t> seen;
  std::vector<double> means;
  bool hasNaN = false;
};
} // namespace

/// Receives the mean of `n` values; false once a set exceeds the cap.
using MeanSink = llvm::function_ref<bool(int64_t n, double mean)>;

static llvm::Error tooMany(size_t maxValues, int64_t n) {
  return error("more than " + llvm::Twine(maxValues) +
               " distinct means or sums (reached with " + llvm::Twine(n) +
               " selected values); raise 'max-values' to allow it");
}

/// The mean of `n` values summing to the int `sum`: Python `sum / n`, or the
/// value itself for one value.
static double intMean(int64_t sum, int64_t n) {
  if (n == 1)
    return static_cast<double>(sum);
  llvm::Expected<PyValue> mean = py::binary(
      BinaryKind::TrueDiv, PyValue::integer(sum), PyValue::integer(n));
  // n > 0, so true division cannot fail.
  return mean ? mean->getFloat() : (llvm::consumeError(mean.takeError()), 0.0);
}

/// dst |= src << shift, on little-endian word vectors.
static void orShifted(std::vector<uint64_t> &dst,
                      const std::vector<uint64_t> &src, uint64_t shift) {
  size_t words = shift / 64;
  unsigned bits = shift % 64;
  for (size_t i = 0; i < src.size(); ++i) {
    uint64_t w = src[i];
    if (!w)
      continue;
    if (i + words < dst.size())
      dst[i + words] |= w << bits;
    if (bits && i + words + 1 < dst.size())
      dst[i + words + 1] |= w >> (64 - bits);
  }
}

/// Largest bitset (in bits) the int programme may use: 8 MiB.
static constexpr uint64_t kMaxBitsetBits = uint64_t(1) << 26;

/// Int inputs whose sums span a small range: S_n as a bitset of offsets
/// s - n * lo, built by shifted ORs.
static llvm::Error intMeansBitset(llvm::ArrayRef<int64_t> vals,
                                  int64_t maxSeqLen, MeanSink sink,
                                  size_t maxValues) {
  int64_t lo = vals.front();
  uint64_t range = static_cast<uint64_t>(vals.back()) - lo;
  std::vector<uint64_t> prev(1, 1), cur; // S_0 = {0}
  for (int64_t n = 1; n <= maxSeqLen; ++n) {
    uint64_t bits = static_cast<uint64_t>(n) * range + 1;
    cur.assign((bits + 63) / 64, 0);
    for (int64_t v : vals)
      orShifted(cur, prev, static_cast<uint64_t>(v) - lo);
    for (size_t w = 0; w < cur.size(); ++w)
      for (uint64_t word = cur[w]; word; word &= word - 1) {
        uint64_t offset = w * 64 + __builtin_ctzll(word);
        int64_t sum = n * lo + static_cast<int64_t>(offset);
        if (!sink(n, intMean(sum, n)))
          return tooMany(maxValues, n);
      }
    std::swap(prev, cur);
  }
  return llvm::Error::success();
}

/// S_n = {s + v : s in S_{n-1}, v in V} for sorted S_{n-1}: since rounding is
/// monotone, each s + v list is sorted, so merging them keeps memory bounded
/// by the cap. Fails when S_n exceeds `maxValues`; NaN sums set `nanSum`.
template <typename T>
static bool nextSums(const std::vector<T> &prev, llvm::ArrayRef<T> vals,
                     std::vector<T> &cur, size_t maxValues, bool &nanSum) {
  std::vector<T> shifted, merged;
  cur.clear();
  for (T v : vals) {
    shifted.clear();
    for (T s : prev) {
      T sum = s + v; // ints: no overflow, checked by the caller
      if constexpr (std::is_floating_point_v<T>) {
        if (std::isnan(sum)) {
          nanSum = true;
          continue;
        }
        if (sum == 0)
          sum = 0; // -0.0 == 0.0 as a value
      }
      shifted.push_back(sum);
    }
    merged.clear();
    std::set_union(cur.begin(), cur.end(), shifted.begin(), shifted.end(),
                   std::back_inserter(merged));
    merged.erase(std::unique(merged.begin(), merged.end()), merged.end());
    std::swap(cur, merged);
    if (cur.size() > maxValues)
      return false;
  }
  return true;
}

/// Inputs whose sums are sparse in their range, and floats: S_n as a sorted
/// vector.
template <typename T>
static llvm::Error sparseMeans(llvm::ArrayRef<T> vals, int64_t maxSeqLen,
                               MeanSink sink, size_t maxValues) {
  std::vector<T> prev(vals.begin(), vals.end()), cur;
  bool nanSum = false;
  for (int64_t n = 1; n <= maxSeqLen; ++n) {
    if (n > 1) {
      if (!nextSums(prev, vals, cur, maxValues, nanSum))
        return tooMany(maxValues, n);
      std::swap(prev, cur);
    }
    for (T sum : prev) {
      double mean;
      if constexpr (std::is_floating_point_v<T>)
        mean = n == 1 ? sum : sum / static_cast<double>(n);
      else
        mean = intMean(sum, n);
      if (!sink(n, mean))
        return tooMany(maxValues, n);
    }
    if (nanSum)
      sink(n, std::nan(""));
  }
  return llvm::Error::success();
}

/// Runs the programme over `inputs`, handing every mean to `sink`.
static llvm::Error forEachMean(llvm::ArrayRef<PyValue> inputs,
                               int64_t maxSeqLen, size_t maxValues,
                               MeanSink sink) {
  bool anyFloat = false;
  std::vector<int64_t> ints;
  std::vector<double> floats;
  bool inputNaN = false;
  for (const PyValue &v : inputs) {
    if (v.isNone())
      continue;
    if (!v.isNumber())
      return error("cannot average the non-numeric value " + v.repr());
    anyFloat |= v.isFloat();
    if (v.isFloat() && std::isnan(v.getFloat()))
      inputNaN = true;
    else
      floats.push_back(v.toDouble());
    if (!v.isFloat())
      ints.push_back(v.getInt());
  }
  if (maxSeqLen < 1 || (floats.empty() && !inputNaN))
    return llvm::Error::success();
  if (anyFloat) {
    // Means of sequences holding a NaN are NaN.
    if (inputNaN)
      for (int64_t n = 1; n <= maxSeqLen; ++n)
        sink(n, std::nan(""));
    llvm::sort(floats);
    floats.erase(std::unique(floats.begin(), floats.end()), floats.end());
    if (floats.empty())
      return llvm::Error::success();
    return sparseMeans<double>(floats, maxSeqLen, sink, maxValues);
  }

  llvm::sort(ints);
  ints.erase(std::unique(ints.begin(), ints.end()), ints.end());
  __int128 lo = ints.front(), hi = ints.back();
  __int128 limit = static_cast<__int128>(INT64_MAX);
  if (hi * maxSeqLen > limit || lo * maxSeqLen < -limit - 1)
    return error("the sum of " + llvm::Twine(maxSeqLen) +
                 " selected values may overflow a 64-bit int");
  // The bitset pays off when the values are dense in their range.
  __int128 range = hi - lo;
  if (range * maxSeqLen + 1 <= static_cast<__int128>(kMaxBitsetBits) &&
      range <= 64 * static_cast<__int128>(ints.size()))
    return intMeansBitset(ints, maxSeqLen, sink, maxValues);
  return sparseMeans<int64_t>(ints, maxSeqLen, sink, maxValues);
}

llvm::Expected<ValueSet>
mlir::rasp::numericalMeans(llvm::ArrayRef<PyValue> inputs, int64_t maxSeqLen,
                           size_t maxValues) {
  MeanSet means(maxValues);
  if (llvm::Error err =
          forEachMean(inputs, maxSeqLen, maxValues,
                      [&](int64_t, double mean) { return means.insert(mean); }))
    return std::move(err);
  return means.take();
}

llvm::Expected<std::vector<ValueSet>>
mlir::rasp::numericalMeansByCount(llvm::ArrayRef<PyValue> inputs,
                                  int64_t maxSeqLen, size_t maxValues) {
  std::vector<MeanSet> means(std::max<int64_t>(maxSeqLen, 0),
                             MeanSet(maxValues));
  if (llvm::Error err = forEachMean(
          inputs, maxSeqLen, maxValues,
          [&](int64_t n, double mean) { return means[n - 1].insert(mean); }))
    return std::move(err);
  std::vector<ValueSet> out;
  out.reserve(means.size());
  for (MeanSet &set : means)
    out.push_back(set.take());
  return out;
}
