//===- Matrix.cpp - Weight matrices of craft components -------------------===//

#include "RaspDialect/Dialect/Craft/Evaluator/Matrix.h"
#include "RaspDialect/Dialect/Craft/IR/CraftWeights.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/bit.h"

#include <algorithm>

using namespace mlir;
using namespace mlir::craft;

Matrix::Matrix(int64_t rows, int64_t cols)
    : rows(rows), cols(cols), rowStart(rows + 1, 0) {}

Matrix Matrix::fromTriplets(int64_t rows, int64_t cols,
                            std::vector<Triplet> entries) {
  auto before = [](const Triplet &a, const Triplet &b) {
    return a.row != b.row ? a.row < b.row : a.col < b.col;
  };
  // Entries read from an attribute come in order already.
  if (!std::is_sorted(entries.begin(), entries.end(), before))
    std::stable_sort(entries.begin(), entries.end(), before);
  Matrix m(rows, cols);
  m.colIndex.reserve(entries.size());
  m.values.reserve(entries.size());
  size_t i = 0;
  for (int64_t r = 0; r < rows; ++r) {
    m.rowStart[r] = static_cast<int64_t>(m.colIndex.size());
    while (i < entries.size() && entries[i].row == r) {
      int64_t c = entries[i].col;
      double sum = 0;
      for (; i < entries.size() && entries[i].row == r && entries[i].col == c;
           ++i)
        sum += entries[i].value;
      if (sum != 0) {
        m.colIndex.push_back(c);
        m.values.push_back(sum);
      }
    }
  }
  m.rowStart[rows] = static_cast<int64_t>(m.colIndex.size());
  return m;
}

Matrix Matrix::fromBits(int64_t rows, int64_t cols,
                        std::vector<uint64_t> words) {
  Matrix m;
  m.rows = rows;
  m.cols = cols;
  m.kind = Kind::Bits;
  m.words = std::move(words);
  m.words.resize(rows * wordsPerRow(cols), 0);
  return m;
}

Matrix Matrix::fromPredicate(int64_t rows, int64_t cols,
                             llvm::function_ref<bool(int64_t, int64_t)> pred) {
  int64_t wpr = wordsPerRow(cols);
  std::vector<uint64_t> words(rows * wpr, 0);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c)
      if (pred(r, c))
        words[r * wpr + c / 64] |= uint64_t(1) << (c % 64);
  return fromBits(rows, cols, std::move(words));
}

/// `count` (1..64) bits of a bit-packed buffer from linear bit `start`
/// (bit i is bit i % 8 of byte i / 8).
static uint64_t readBits(ArrayRef<char> raw, int64_t start, int64_t count) {
  uint64_t value = 0;
  int64_t first = start / 8, shift = start % 8;
  int64_t last = (start + count - 1) / 8;
  for (int64_t b = first; b <= last; ++b) {
    uint64_t byte = static_cast<unsigned char>(raw[b]);
    int64_t at = (b - first) * 8 - shift;
    value |= at >= 0 ? byte << at : byte >> -at;
  }
  return count == 64 ? value : value & ((uint64_t(1) << count) - 1);
}

/// Sets the bits of `word` in a bit-packed buffer from linear bit `start`;
/// the buffer holds every set bit.
static void writeBits(std::vector<char> &raw, int64_t start, uint64_t word) {
  int64_t shift = start % 8;
  for (int64_t b = start / 8; word; ++b) {
    auto byte = static_cast<unsigned char>(raw[b]);
    byte |= static_cast<unsigned char>(word << shift);
    raw[b] = static_cast<char>(byte);
    word >>= 8 - shift;
    shift = 0;
  }
}

Matrix Matrix::fromElementsAttr(ElementsAttr attr) {
  auto type = cast<ShapedType>(attr.getShapedType());
  int64_t rows = type.getDimSize(0), cols = type.getDimSize(1);
  if (auto dense = dyn_cast<DenseElementsAttr>(attr);
      dense && type.getElementType().isInteger(1)) {
    // Bit-packed storage: linear bit i is bit i % 8 of byte i / 8.
    int64_t wpr = wordsPerRow(cols);
    std::vector<uint64_t> words(rows * wpr, 0);
    if (dense.isSplat()) {
      if (dense.getSplatValue<bool>())
        for (int64_t r = 0; r < rows; ++r)
          for (int64_t c = 0; c < cols; ++c)
            words[r * wpr + c / 64] |= uint64_t(1) << (c % 64);
    } else {
      // A row's bits start anywhere in a byte: read them 64 at a time.
      ArrayRef<char> raw = dense.getRawData();
      for (int64_t r = 0; r < rows; ++r)
        for (int64_t w = 0; w < wpr; ++w)
          words[r * wpr + w] = readBits(raw, r * cols + w * 64,
                                        std::min<int64_t>(64, cols - w * 64));
    }
    return fromBits(rows, cols, std::move(words));
  }
  std::vector<Triplet> entries;
  craft::forEachNonZero(attr, [&](int64_t r, int64_t c, double v) {
    entries.push_back({r, c, v});
  });
  return fromTriplets(rows, cols, std::move(entries));
}

int64_t Matrix::getNumNonZeros() const {
  if (kind == Kind::Sparse)
    return static_cast<int64_t>(values.size());
  int64_t n = 0;
  for (uint64_t w : words)
    n += llvm::popcount(w);
  return n;
}

bool Matrix::isZeroOne() const {
  return kind == Kind::Bits ||
         llvm::all_of(values, [](double v) { return v == 1.0; });
}

double Matrix::get(int64_t r, int64_t c) const {
  if (kind == Kind::Bits)
    return (words[r * wordsPerRow(cols) + c / 64] >> (c % 64)) & 1 ? 1.0 : 0.0;
  for (int64_t k = rowStart[r]; k < rowStart[r + 1]; ++k)
    if (colIndex[k] == c)
      return values[k];
  return 0.0;
}

void Matrix::forEachInRow(int64_t r,
                          llvm::function_ref<void(int64_t, double)> fn) const {
  if (kind == Kind::Sparse) {
    for (int64_t k = rowStart[r]; k < rowStart[r + 1]; ++k)
      fn(colIndex[k], values[k]);
    return;
  }
  int64_t wpr = wordsPerRow(cols);
  for (int64_t w = 0; w < wpr; ++w)
    for (uint64_t bits = words[r * wpr + w]; bits; bits &= bits - 1)
      fn(w * 64 + llvm::countr_zero(bits), 1.0);
}

std::vector<bool> Matrix::nonZeroRows() const {
  std::vector<bool> out(rows, false);
  int64_t wpr = wordsPerRow(cols);
  for (int64_t r = 0; r < rows; ++r) {
    if (kind == Kind::Sparse) {
      out[r] = rowStart[r + 1] > rowStart[r];
      continue;
    }
    for (int64_t w = 0; w < wpr && !out[r]; ++w)
      out[r] = words[r * wpr + w] != 0;
  }
  return out;
}

std::vector<bool> Matrix::nonZeroColumns() const {
  std::vector<bool> out(cols, false);
  if (kind == Kind::Sparse) {
    for (int64_t c : colIndex)
      out[c] = true;
    return out;
  }
  int64_t wpr = wordsPerRow(cols);
  std::vector<uint64_t> any(wpr, 0);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t w = 0; w < wpr; ++w)
      any[w] |= words[r * wpr + w];
  for (int64_t c = 0; c < cols; ++c)
    out[c] = (any[c / 64] >> (c % 64)) & 1;
  return out;
}

void Matrix::forEachNonZero(
    llvm::function_ref<void(int64_t, int64_t, double)> fn) const {
  for (int64_t r = 0; r < rows; ++r)
    forEachInRow(r, [&](int64_t c, double v) { fn(r, c, v); });
}

template <typename T>
void Matrix::accumulateRowTimes(const T *x, T *out) const {
  for (int64_t r = 0; r < rows; ++r) {
    T xr = x[r];
    if (xr == T(0))
      continue;
    if (kind == Kind::Sparse) {
      for (int64_t k = rowStart[r]; k < rowStart[r + 1]; ++k)
        out[colIndex[k]] += xr * static_cast<T>(values[k]);
      continue;
    }
    int64_t wpr = wordsPerRow(cols);
    for (int64_t w = 0; w < wpr; ++w)
      for (uint64_t bits = words[r * wpr + w]; bits; bits &= bits - 1)
        out[w * 64 + llvm::countr_zero(bits)] += xr;
  }
}

template void Matrix::accumulateRowTimes<float>(const float *, float *) const;
template void Matrix::accumulateRowTimes<double>(const double *,
                                                 double *) const;

//===----------------------------------------------------------------------===//
// Attribute form
//===----------------------------------------------------------------------===//

/// Matrices up to this many entries are printed densely for readability.
static constexpr int64_t kSmallMatrix = 1024;

ElementsAttr Matrix::toElementsAttr(MLIRContext *context) const {
  Builder b(context);
  int64_t size = rows * cols;
  int64_t nnz = getNumNonZeros();
  auto f64Type = RankedTensorType::get({rows, cols}, b.getF64Type());
  if (nnz == 0)
    return DenseElementsAttr::get(f64Type, 0.0);

  // Storage cost in bytes of each form.
  int64_t denseBytes = 8 * size, sparseBytes = 24 * nnz;
  int64_t bitBytes = isZeroOne() ? (size + 7) / 8 : INT64_MAX;

  if (size <= kSmallMatrix && kind == Kind::Bits) {
    std::vector<bool> bits(size);
    forEachNonZero(
        [&](int64_t r, int64_t c, double) { bits[r * cols + c] = true; });
    SmallVector<bool> flat(bits.begin(), bits.end());
    return DenseElementsAttr::get(
        RankedTensorType::get({rows, cols}, b.getI1Type()), ArrayRef(flat));
  }
  if (size <= kSmallMatrix ||
      (denseBytes <= sparseBytes && denseBytes <= bitBytes)) {
    std::vector<double> dense(size, 0.0);
    forEachNonZero(
        [&](int64_t r, int64_t c, double v) { dense[r * cols + c] = v; });
    return DenseElementsAttr::get(f64Type, ArrayRef<double>(dense));
  }
  if (bitBytes <= sparseBytes) {
    std::vector<char> raw((size + 7) / 8, 0);
    auto setBit = [&](int64_t i) {
      raw[i / 8] = static_cast<char>(static_cast<unsigned char>(raw[i / 8]) |
                                     (1u << (i % 8)));
    };
    if (kind == Kind::Bits) {
      // Word by word, without a call per non-zero.
      int64_t wpr = wordsPerRow(cols);
      for (int64_t r = 0; r < rows; ++r)
        for (int64_t w = 0; w < wpr; ++w)
          writeBits(raw, r * cols + w * 64, words[r * wpr + w]);
    } else {
      forEachNonZero(
          [&](int64_t r, int64_t c, double) { setBit(r * cols + c); });
    }
    // A one-byte buffer would be read as a splat; sizes here are larger.
    return DenseElementsAttr::getFromRawBuffer(
        RankedTensorType::get({rows, cols}, b.getI1Type()), raw);
  }
  std::vector<int64_t> indices;
  std::vector<double> vals;
  indices.reserve(2 * nnz);
  vals.reserve(nnz);
  forEachNonZero([&](int64_t r, int64_t c, double v) {
    indices.push_back(r);
    indices.push_back(c);
    vals.push_back(v);
  });
  auto indexType = RankedTensorType::get({nnz, 2}, b.getI64Type());
  auto valueType = RankedTensorType::get({nnz}, b.getF64Type());
  return SparseElementsAttr::get(
      f64Type, DenseElementsAttr::get(indexType, ArrayRef<int64_t>(indices)),
      DenseElementsAttr::get(valueType, ArrayRef<double>(vals)));
}
