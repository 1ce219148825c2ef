//===- SynthesisTestUtils.h - Synthesis test helpers ------------*- C++ -*-===//
//
// Builds per-position inputs for synthesised components and checks their
// outputs with the craft evaluator. Position 0 is BOS: `one` and `bos` are
// 1 there and every SOp subspace is 0.
//
//===----------------------------------------------------------------------===//

#ifndef RASPDIALECT_UNITTESTS_SYNTHESISTESTUTILS_H
#define RASPDIALECT_UNITTESTS_SYNTHESISTESTUTILS_H

#include "RaspDialect/Dialect/Craft/Evaluator/Evaluator.h"
#include "RaspDialect/Semantics/PyValue.h"

#include "gtest/gtest.h"

namespace mlir::craft::testing {

using rasp::PyValue;
using rasp::ValueSet;

inline ValueSet ints(int64_t lo, int64_t hi) {
  ValueSet s;
  for (int64_t i = lo; i <= hi; ++i)
    s.push_back(PyValue::integer(i));
  return s;
}

/// One-hot rows: `index[p]` < 0 leaves position p zero.
template <typename T>
Activation<T> oneHot(llvm::ArrayRef<int64_t> index, int64_t dim) {
  Activation<T> a(index.size(), dim);
  for (size_t p = 0; p < index.size(); ++p)
    if (index[p] >= 0)
      a.at(p, index[p]) = T(1);
  return a;
}

template <typename T>
Activation<T> numeric(llvm::ArrayRef<double> values) {
  Activation<T> a(values.size(), 1);
  for (size_t p = 0; p < values.size(); ++p)
    a.at(p, 0) = static_cast<T>(values[p]);
  return a;
}

/// The `one` direction: 1 everywhere.
template <typename T>
Activation<T> ones(int64_t n) {
  Activation<T> a(n, 1);
  for (int64_t p = 0; p < n; ++p)
    a.at(p, 0) = T(1);
  return a;
}

/// The `bos` direction: 1 at position 0.
template <typename T>
Activation<T> bos(int64_t n) {
  Activation<T> a(n, 1);
  a.at(0, 0) = T(1);
  return a;
}

/// Applies a single-output MLP.
template <typename T>
Activation<T> apply(const MLPBlock &block,
                    std::initializer_list<const Activation<T> *> inputs) {
  EXPECT_TRUE(block.isConsistent());
  return std::move(applyMLP<T>(block, inputs).front());
}

/// True if every entry of row `p` is exactly zero.
template <typename T>
bool rowIsZero(const Activation<T> &a, int64_t p) {
  for (int64_t i = 0; i < a.dim; ++i)
    if (a.at(p, i) != T(0))
      return false;
  return true;
}

/// The largest distance of a categorical row from the one-hot of `index`.
template <typename T>
double oneHotError(const Activation<T> &a, int64_t p, int64_t index) {
  double err = 0;
  for (int64_t i = 0; i < a.dim; ++i)
    err = std::max(err, std::abs(static_cast<double>(a.at(p, i)) -
                                 (i == index ? 1.0 : 0.0)));
  return err;
}

} // namespace mlir::craft::testing

#endif // RASPDIALECT_UNITTESTS_SYNTHESISTESTUTILS_H

namespace mlir::craft::testing {

/// Standard bound on the rounding error of a float32 dot product of n terms
/// whose absolute values sum to `absSum` (weights rounded to float32 too):
/// gamma_{n+1} * absSum with gamma_k = k u / (1 - k u), u = 2^-24.
inline double dotBound(int64_t n, double absSum) {
  double u = std::ldexp(1.0, -24), k = static_cast<double>(n + 1);
  return k * u / (1 - k * u) * absSum;
}

/// A bound on |float32 MLP output - exact MLP output| at the (float32
/// representable) input `x`, for every output component: the dot-product
/// bound of the first layer propagated through the ReLU and the second
/// layer, plus the dot-product bound of the second layer.
inline std::vector<double> mlpRoundingBound(const MLPBlock &block,
                                            llvm::ArrayRef<double> x) {
  int64_t hidden = block.getHiddenSize();
  std::vector<double> z(hidden, 0), zAbs(hidden, 0);
  std::vector<int64_t> zTerms(hidden, 0);
  block.w1.forEachNonZero([&](int64_t r, int64_t c, double w) {
    if (x[r] == 0)
      return;
    z[c] += x[r] * w;
    zAbs[c] += std::abs(x[r] * w);
    ++zTerms[c];
  });
  int64_t out = block.w2.getCols();
  std::vector<double> yAbs(out, 0), propagated(out, 0);
  std::vector<int64_t> yTerms(out, 0);
  block.w2.forEachNonZero([&](int64_t r, int64_t c, double w) {
    double hErr = dotBound(zTerms[r], zAbs[r]);
    double h = std::max(z[r], 0.0) + hErr;
    if (h == 0)
      return;
    yAbs[c] += std::abs(h * w);
    propagated[c] += std::abs(w) * hErr;
    ++yTerms[c];
  });
  std::vector<double> bound(out);
  for (int64_t c = 0; c < out; ++c)
    bound[c] = dotBound(yTerms[c], yAbs[c]) + propagated[c];
  return bound;
}

} // namespace mlir::craft::testing

namespace mlir::craft::testing {

/// The value of a synthesis result that the test expects to succeed.
template <typename T>
T unwrap(llvm::Expected<T> result) {
  if (!result) {
    ADD_FAILURE() << llvm::toString(result.takeError());
    return T();
  }
  return std::move(*result);
}

} // namespace mlir::craft::testing
