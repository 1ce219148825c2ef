//===- ModelBuilder.h - Building the tensor IR of a model -------*- C++ -*-===//
//
// Shared by the builders of each component family (Embedding.cpp,
// Attention.cpp, MLP.cpp, Readout.cpp): the dynamic sizes of the call, weight
// constants, matrix products on residual slices and residual updates.
//
// Shapes: B (batch) and N (positions) are dynamic, M = B * N rows of the
// residual stream `x : tensor<M x D x f32>`; widths are static.
//
//===----------------------------------------------------------------------===//

#ifndef LIB_CONVERSION_CRAFTTOLINALG_MODELBUILDER_H
#define LIB_CONVERSION_CRAFTTOLINALG_MODELBUILDER_H

#include "RaspDialect/Conversion/CraftToLinalg/CraftToLinalg.h"
#include "RaspDialect/Dialect/Craft/Analysis/Assembly.h"

#include "mlir/IR/Builders.h"
#include "llvm/ADT/DenseMap.h"

#include <string>

namespace mlir::rasp::detail {

class ModelBuilder {
public:
  /// Starts building at the beginning of `func`'s entry block, whose
  /// arguments are the token ids (B x N, i32) and the lengths (B, i32).
  ModelBuilder(func::FuncOp func, const craft::AssembledModel &model,
               const CraftToLinalgOptions &options);

  OpBuilder &getBuilder() { return builder; }
  const CraftToLinalgOptions &getOptions() const { return options; }
  const craft::AssembledModel &getModel() const { return model; }
  Value getTokens() const { return tokens; }
  Value getLengths() const { return lengths; }
  /// The sizes B (a constant with a static batch size), N and M = B * N
  /// (index).
  Value getBatch() const { return batch; }
  Value getPositions() const { return positions; }
  Value getRows() const { return rows; }

  /// Where the ops built next are attributed (a component's location).
  void setLoc(Location l) { loc = l; }
  Location getLoc() const { return loc; }

  Type f32() { return builder.getF32Type(); }
  Value f32Constant(float value);
  Value indexConstant(int64_t value);

  /// A weight tensor constant of `shape`: a dense literal, or a
  /// `dense_resource` blob named after `name` from
  /// `CraftToLinalgOptions::resourceMinElements` elements on.
  Value weights(ArrayRef<float> data, ArrayRef<int64_t> shape,
                const std::string &name);
  Value weights(ArrayRef<int32_t> data, ArrayRef<int64_t> shape,
                const std::string &name);
  Value weights(ArrayRef<int64_t> data, ArrayRef<int64_t> shape,
                const std::string &name);

  /// A tensor of `shape` (kDynamic entries take `dynamicSizes` in order)
  /// filled with `value`.
  Value filled(ArrayRef<int64_t> shape, ValueRange dynamicSizes, float value);
  /// An M x cols tensor filled with `value`.
  Value rowsFilled(int64_t cols, float value);

  /// acc + x * rows [row, row + numRows) of `w`, with x : M x numRows and
  /// acc : M x w.getCols() (zeros if null). Dense matmul or gather form.
  Value multiply(Value x, const craft::Matrix &w, int64_t row, int64_t numRows,
                 Value acc, const std::string &name);
  /// acc + the projection of the residual `x` (zeros if acc is null).
  Value project(Value x, const craft::Projection &projection, Value acc,
                const std::string &name);

  /// The columns `range` of `x` (M x D): M x range.dim.
  Value columns(Value x, craft::ResidualRange range);
  /// `into` (M x ...) with `value` (M x range.dim) in the columns `range`.
  Value insertColumns(Value into, Value value, craft::ResidualRange range);
  /// `x` with `update` (M x range.dim) added to the columns `range`.
  Value addToColumns(Value x, craft::ResidualRange range, Value update);

  /// M (x d) <-> B x N (x d). Rows are split with tensor.expand_shape and
  /// explicit output sizes, or with tensor.reshape where B and N are both
  /// dynamic and `reshapeDynamicSplits` is set: MLIR 22's
  /// expand-strided-metadata cannot split one dimension into two dynamic
  /// ones (docs/CraftToLinalg.md). The result has dynamic B and N, except
  /// that `staticBatch` keeps a static batch size in its type (the readout,
  /// whose type is the signature's).
  Value splitRows(Value x, bool staticBatch = false);
  Value joinRows(Value x);

  /// A name for weights of the component being built: `prefix` + `what`.
  void setWeightPrefix(std::string prefix) { weightPrefix = std::move(prefix); }
  std::string weightName(const std::string &what) const {
    return weightPrefix + what;
  }

private:
  Value scalar(TypedAttr value);
  Value constant(ShapedType type, ArrayRef<char> bytes, Attribute dense,
                 const std::string &name);
  Value multiplyDense(Value x, const craft::Matrix &w, int64_t row,
                      int64_t numRows, Value acc, const std::string &name);
  Value multiplyGather(Value x, const craft::Matrix &w, int64_t row,
                       int64_t numRows, int64_t slots, Value acc,
                       const std::string &name);

  OpBuilder builder;
  Block *entry;
  Location loc;
  const craft::AssembledModel &model;
  const CraftToLinalgOptions &options;
  Value tokens, lengths, batch, positions, rows;
  std::string weightPrefix;
  llvm::DenseMap<Attribute, Value> scalars;
  Operation *lastScalar = nullptr;
};

/// The component families. Each returns the updated residual stream.
Value buildEmbedding(ModelBuilder &b);
Value buildAttentionHead(ModelBuilder &b, Value x,
                         const craft::AssembledHead &head);
Value buildMLP(ModelBuilder &b, Value x, const craft::AssembledMLP &mlp);
/// Returns the output tensor (B x N x W) and sets the readout attributes of
/// the function.
Value buildReadout(ModelBuilder &b, Value x, func::FuncOp func);

} // namespace mlir::rasp::detail

#endif // LIB_CONVERSION_CRAFTTOLINALG_MODELBUILDER_H
