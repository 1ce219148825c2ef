//===- Matrix.h - Weight matrices of craft components -----------*- C++ -*-===//
//
// The in-memory form of a craft weight matrix, used by weight synthesis and
// the craft evaluator. Two storage kinds cover every construction: a
// compressed sparse row matrix of doubles, and a bit matrix for large 0/1
// attention tables (10^4 x 10^4 for sort at vocabulary 100 and length 100).
//
//===----------------------------------------------------------------------===//

#ifndef RASPDIALECT_DIALECT_CRAFT_EVALUATOR_MATRIX_H
#define RASPDIALECT_DIALECT_CRAFT_EVALUATOR_MATRIX_H

#include "mlir/IR/BuiltinAttributeInterfaces.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/STLFunctionalExtras.h"

#include <cstdint>
#include <vector>

namespace mlir::craft {

/// One entry of a matrix under construction.
struct Triplet {
  int64_t row;
  int64_t col;
  double value;
};

/// An immutable rows x cols matrix.
class Matrix {
public:
  enum class Kind { Sparse, Bits };

  /// The zero matrix.
  Matrix(int64_t rows = 0, int64_t cols = 0);

  /// A sparse matrix from entries; duplicates are summed and zeros dropped.
  static Matrix fromTriplets(int64_t rows, int64_t cols,
                             std::vector<Triplet> entries);

  /// A 0/1 matrix whose entry (r, c) is `pred(r, c)`.
  static Matrix fromPredicate(int64_t rows, int64_t cols,
                              llvm::function_ref<bool(int64_t, int64_t)> pred);

  /// A 0/1 matrix from row-major packed bits: bit `c % 64` of word
  /// `r * wordsPerRow(cols) + c / 64` is entry (r, c).
  static Matrix fromBits(int64_t rows, int64_t cols,
                         std::vector<uint64_t> words);

  /// Reads any craft weight attribute (see CraftWeights.h).
  static Matrix fromElementsAttr(ElementsAttr attr);

  /// The attribute form chosen by size: dense f64 for small or dense
  /// matrices, bit-packed dense i1 for large 0/1 tables, sparse f64 for
  /// large sparse matrices.
  ElementsAttr toElementsAttr(MLIRContext *context) const;

  static int64_t wordsPerRow(int64_t cols) { return (cols + 63) / 64; }

  int64_t getRows() const { return rows; }
  int64_t getCols() const { return cols; }
  Kind getKind() const { return kind; }
  /// Number of non-zero entries.
  int64_t getNumNonZeros() const;
  /// True if every non-zero entry is 1.
  bool isZeroOne() const;

  /// The packed words of a Bits matrix (layout of `fromBits`); empty for a
  /// sparse one.
  llvm::ArrayRef<uint64_t> getBitWords() const { return words; }

  /// Entry (r, c); linear in the row length for sparse rows.
  double get(int64_t r, int64_t c) const;

  /// Calls `fn(col, value)` for every non-zero entry of row `r`, by column.
  void forEachInRow(int64_t r,
                    llvm::function_ref<void(int64_t, double)> fn) const;

  /// Whether each row (column) holds a non-zero entry; word-parallel for
  /// bit matrices.
  std::vector<bool> nonZeroRows() const;
  std::vector<bool> nonZeroColumns() const;

  /// Calls `fn(row, col, value)` for every non-zero entry, row by row.
  void
  forEachNonZero(llvm::function_ref<void(int64_t, int64_t, double)> fn) const;

  /// `out[c] += sum_r x[r] * M[r][c]` in precision `T`, visiting rows in
  /// increasing order and skipping zero inputs and entries.
  template <typename T>
  void accumulateRowTimes(const T *x, T *out) const;

private:
  int64_t rows = 0, cols = 0;
  Kind kind = Kind::Sparse;
  // Sparse: CSR.
  std::vector<int64_t> rowStart;
  std::vector<int64_t> colIndex;
  std::vector<double> values;
  // Bits: row-major packed words.
  std::vector<uint64_t> words;
};

extern template void Matrix::accumulateRowTimes<float>(const float *,
                                                       float *) const;
extern template void Matrix::accumulateRowTimes<double>(const double *,
                                                        double *) const;

} // namespace mlir::craft

#endif // RASPDIALECT_DIALECT_CRAFT_EVALUATOR_MATRIX_H
