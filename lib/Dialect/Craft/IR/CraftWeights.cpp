//===- CraftWeights.cpp - Reading craft weight matrices -------------------===//

#include "RaspDialect/Dialect/Craft/IR/CraftWeights.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"

using namespace mlir;
using namespace mlir::craft;

static bool isWeightElementType(Type type) {
  return type.isF64() || type.isF32() || type.isInteger(1);
}

LogicalResult
mlir::craft::verifyWeights(function_ref<InFlightDiagnostic()> emitError,
                           Attribute attr, StringRef name, int64_t rows,
                           int64_t cols) {
  auto elements = dyn_cast<ElementsAttr>(attr);
  if (!elements ||
      !isa<DenseElementsAttr, SparseElementsAttr, DenseResourceElementsAttr>(
          attr))
    return emitError() << name
                       << " must be a dense, sparse or dense_resource "
                          "elements attribute";
  auto type = dyn_cast<RankedTensorType>(elements.getShapedType());
  if (!type || type.getRank() != 2 || !type.hasStaticShape())
    return emitError() << name << " must be a static rank-2 tensor, got "
                       << elements.getShapedType();
  if (!isWeightElementType(type.getElementType()))
    return emitError() << name << " must have element type f64, f32 or i1, got "
                       << type.getElementType();
  if (type.getDimSize(0) != rows || type.getDimSize(1) != cols)
    return emitError() << name << " must have shape " << rows << "x" << cols
                       << ", got " << type.getDimSize(0) << "x"
                       << type.getDimSize(1);
  return success();
}

/// Visits a row-major array of `T`, skipping zeros.
template <typename T>
static void visitDense(llvm::ArrayRef<T> data, int64_t cols,
                       function_ref<void(int64_t, int64_t, double)> fn) {
  for (size_t i = 0, e = data.size(); i < e; ++i)
    if (data[i] != T(0))
      fn(static_cast<int64_t>(i) / cols, static_cast<int64_t>(i) % cols,
         static_cast<double>(data[i]));
}

/// Visits the values of a dense attribute read through `getValues<T>()`.
template <typename T>
static void visitValues(DenseElementsAttr dense, int64_t rows, int64_t cols,
                        function_ref<void(int64_t, int64_t, double)> fn) {
  if (dense.isSplat()) {
    double v = static_cast<double>(dense.getSplatValue<T>());
    if (v == 0)
      return;
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t c = 0; c < cols; ++c)
        fn(r, c, v);
    return;
  }
  int64_t i = 0;
  for (T v : dense.getValues<T>()) {
    if (v != T(0))
      fn(i / cols, i % cols, static_cast<double>(v));
    ++i;
  }
}

void mlir::craft::forEachNonZero(
    ElementsAttr weights, function_ref<void(int64_t, int64_t, double)> fn) {
  auto type = cast<ShapedType>(weights.getShapedType());
  int64_t rows = type.getDimSize(0), cols = type.getDimSize(1);
  Type elementType = type.getElementType();

  if (auto dense = dyn_cast<DenseElementsAttr>(weights)) {
    if (elementType.isF64())
      return visitValues<double>(dense, rows, cols, fn);
    if (elementType.isF32())
      return visitValues<float>(dense, rows, cols, fn);
    return visitValues<bool>(dense, rows, cols, fn);
  }

  if (auto sparse = dyn_cast<SparseElementsAttr>(weights)) {
    DenseIntElementsAttr indices = sparse.getIndices();
    std::vector<int64_t> flat(indices.getValues<int64_t>().begin(),
                              indices.getValues<int64_t>().end());
    DenseElementsAttr values = sparse.getValues();
    std::vector<double> vals;
    vals.reserve(flat.size() / 2);
    if (elementType.isF64())
      for (double v : values.getValues<double>())
        vals.push_back(v);
    else if (elementType.isF32())
      for (float v : values.getValues<float>())
        vals.push_back(v);
    else
      for (bool v : values.getValues<bool>())
        vals.push_back(v ? 1.0 : 0.0);
    // A splat value list repeats its one value.
    size_t n = flat.size() / 2;
    for (size_t i = 0; i < n; ++i) {
      double v = vals.size() == 1 ? vals[0] : vals[i];
      if (v != 0)
        fn(flat[2 * i], flat[2 * i + 1], v);
    }
    return;
  }

  if (auto f64 = dyn_cast<DenseF64ResourceElementsAttr>(weights)) {
    if (std::optional<ArrayRef<double>> data = f64.tryGetAsArrayRef())
      visitDense(*data, cols, fn);
    return;
  }
  if (auto f32 = dyn_cast<DenseF32ResourceElementsAttr>(weights)) {
    if (std::optional<ArrayRef<float>> data = f32.tryGetAsArrayRef())
      visitDense(*data, cols, fn);
    return;
  }
  if (auto i1 = dyn_cast<DenseBoolResourceElementsAttr>(weights)) {
    if (std::optional<ArrayRef<bool>> data = i1.tryGetAsArrayRef())
      visitDense(*data, cols, fn);
    return;
  }
}

std::vector<double> mlir::craft::toDenseMatrix(ElementsAttr weights) {
  auto type = cast<ShapedType>(weights.getShapedType());
  int64_t cols = type.getDimSize(1);
  std::vector<double> dense(type.getNumElements(), 0.0);
  forEachNonZero(weights, [&](int64_t r, int64_t c, double v) {
    dense[r * cols + c] = v;
  });
  return dense;
}
