//===- ModelBuilder.h - Building the tensor IR of a model -------*- C++ -*-===//
//
// The model function calls one private function per kind of component
// (attention head, W_QK lookup block, MLP, residual update), built on demand
// by `ModelBuilder::call`. Their tensor arguments have dynamic shapes, so
// every head (MLP, update) of the same kind calls the same function, whatever
// its widths and weights: the code grows with the number of kinds, not with
// layers and heads. A component whose dense weights reach
// `CraftToLinalgOptions::specializeMinElements` gets a function with static
// shapes of its own instead (the runtime's register-blocked matmul kernels
// need static weight shapes).
//
// Shapes: B (batch) and N (positions) are dynamic, M = B * N rows of the
// residual stream `x : tensor<M x D x f32>`.
//
//===----------------------------------------------------------------------===//

#ifndef LIB_CONVERSION_CRAFTTOLINALG_MODELBUILDER_H
#define LIB_CONVERSION_CRAFTTOLINALG_MODELBUILDER_H

#include "RaspDialect/Conversion/CraftToLinalg/CraftToLinalg.h"
#include "RaspDialect/Dialect/Craft/Analysis/Assembly.h"

#include "mlir/IR/Builders.h"
#include "llvm/ADT/StringMap.h"

#include <string>

namespace mlir::rasp::detail {

/// Ops on tensors with static or dynamic shapes alike (sizes are read from
/// the operands), used in the model function and in component functions.
class TensorBuilder {
public:
  /// Builds at `builder`'s insertion point, in a function whose entry block
  /// is `entry` (where constants go, each created once). The options choose
  /// how rows are split (splitRows).
  TensorBuilder(OpBuilder &builder, Block *entry, Location loc,
                const CraftToLinalgOptions &options)
      : b(builder), entry(entry), loc(loc), options(options) {}

  OpBuilder &getBuilder() { return b; }
  Location getLoc() const { return loc; }
  void setLoc(Location l) { loc = l; }
  Type f32() { return b.getF32Type(); }
  /// Scalar constants, created once at the start of the function.
  Value constant(TypedAttr value);
  Value index(int64_t value) { return constant(b.getIndexAttr(value)); }
  Value f32Constant(float value) { return constant(b.getF32FloatAttr(value)); }
  /// Size `dim` of the ranked tensor `t` (an attribute if static; a
  /// tensor.dim created once per value and dimension otherwise).
  OpFoldResult size(Value t, unsigned dim);
  SmallVector<OpFoldResult> sizes(Value t);

  /// A tensor of `sizes` filled with `value`.
  Value filled(ArrayRef<OpFoldResult> sizes, float value);
  /// x[:, cols[c]] for every entry c of `cols` (i32): M x K.
  Value gatherColumns(Value x, Value cols);
  /// a (M x K) * w (K x N), from zero.
  Value matmul(Value a, Value w);
  /// The gather form of a * W: out[m, c] = sum over slots s of
  /// a[m, index[c, s]] * values[c, s] (index, values: N x S).
  Value matmulGather(Value a, Value index, Value values);
  /// max(h, 0), in place.
  Value relu(Value h);
  /// Columns [offset, offset + size) of `x` (M x ...).
  Value columns(Value x, OpFoldResult offset, OpFoldResult size);
  /// `into` with `value` (M x w) in its columns [offset, offset + w).
  Value insertColumns(Value into, Value value, OpFoldResult offset);
  /// `x` with `update` (M x w) added to its columns [offset, offset + w).
  Value addColumns(Value x, Value update, OpFoldResult offset);
  /// M (x d) <-> B x N (x d). Rows are split with tensor.expand_shape and
  /// explicit output sizes, or with tensor.reshape where B and N are both
  /// dynamic and `reshapeDynamicSplits` is set: MLIR 22's
  /// expand-strided-metadata cannot split one dimension into two dynamic
  /// ones (docs/CraftToLinalg.md). With a static batch size B is that size
  /// (also inside component functions, whose B argument is then that
  /// constant). The result has dynamic B and N, except that `keepStaticBatch`
  /// keeps a static batch size in its type (the readout, whose type is the
  /// signature's).
  Value splitRows(Value x, Value batch, Value positions,
                  bool keepStaticBatch = false);
  Value joinRows(Value x);

private:
  OpBuilder &b;
  Block *entry;
  Location loc;
  const CraftToLinalgOptions &options;
  llvm::DenseMap<Attribute, Value> constants;
  Operation *lastConstant = nullptr;
  llvm::DenseMap<std::pair<Value, unsigned>, Value> dims;
};

/// A matrix product x[cols] * W in one of its forms (docs/CraftToLinalg.md):
/// the input columns as an i32 table, and the dense K x N weights or the
/// gather tables (N x S row indices and values).
struct Product {
  /// Null when the input is used whole.
  Value cols;
  Value dense, index, values;
  int64_t inDim = 0, outDim = 0;

  bool isGather() const { return static_cast<bool>(index); }
  /// The weight arguments of the form (one or two values).
  SmallVector<Value> weights() const {
    return isGather() ? SmallVector<Value>{index, values}
                      : SmallVector<Value>{dense};
  }
  /// "dense" or "gather".
  StringRef formName() const { return isGather() ? "gather" : "dense"; }
};

/// Applies a Product inside a component function, given the weight
/// arguments in the order of Product::weights.
Value applyProduct(TensorBuilder &t, Value input, bool gather,
                   ValueRange weights);

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
  /// The dynamic sizes B, N and M = B * N (index).
  Value getBatch() const { return batch; }
  Value getPositions() const { return positions; }
  Value getRows() const { return rows; }

  /// Where the ops built next are attributed (a component's location).
  void setLoc(Location l) { loc = l; }
  Location getLoc() const { return loc; }
  /// Ops in the model function at the current location.
  TensorBuilder &tensors() {
    main.setLoc(loc);
    return main;
  }

  Type f32() { return builder.getF32Type(); }
  Value f32Constant(float value);
  Value indexConstant(int64_t value);
  Value boolConstant(bool value);

  /// A weight tensor constant of `shape`: a dense literal, or a
  /// `dense_resource` blob named after `name` from
  /// `CraftToLinalgOptions::resourceMinElements` elements on.
  Value weights(ArrayRef<float> data, ArrayRef<int64_t> shape,
                const std::string &name);
  Value weights(ArrayRef<int32_t> data, ArrayRef<int64_t> shape,
                const std::string &name);
  Value weights(ArrayRef<int64_t> data, ArrayRef<int64_t> shape,
                const std::string &name);

  /// The residual columns a projection reads, concatenated in segment order,
  /// and its weights with the rows in the same order.
  Product product(const craft::Projection &projection, const std::string &name);
  /// Rows [row, row + numRows) of `w`, applied to a whole input.
  Product product(const craft::Matrix &w, int64_t row, int64_t numRows,
                  const std::string &name);

  /// Whether a component with these products gets a function with static
  /// shapes of its own.
  bool specialize(ArrayRef<const Product *> products) const;

  /// Calls the component function `kind` on `args`: the function with
  /// these argument types (all tensor dimensions dynamic unless
  /// `specialized`), created by `body` on first use. `body` receives the
  /// block arguments and returns the results, whose types must be
  /// `resultTypes` after the same generalisation. Returns the call's results
  /// cast back to `resultTypes`.
  using BodyFn =
      function_ref<SmallVector<Value>(TensorBuilder &, ValueRange args)>;
  SmallVector<Value> call(StringRef kind, ValueRange args,
                          TypeRange resultTypes, bool specialized, BodyFn body);

  /// A name for weights of the component being built: `prefix` + `what`.
  void setWeightPrefix(std::string prefix) { weightPrefix = std::move(prefix); }
  std::string weightName(const std::string &what) const {
    return weightPrefix + what;
  }

private:
  Value constant(ShapedType type, ArrayRef<char> bytes, Attribute dense,
                 const std::string &name);
  Product weightsFor(const craft::Matrix &w, ArrayRef<int64_t> rows,
                     const std::string &name);

  func::FuncOp func;
  OpBuilder builder;
  Block *entry;
  Location loc;
  const craft::AssembledModel &model;
  const CraftToLinalgOptions &options;
  Value tokens, lengths, batch, positions, rows;
  TensorBuilder main;
  std::string weightPrefix;
  /// Component functions by kind and argument types.
  llvm::StringMap<func::FuncOp> functions;
};

/// The component families. Each returns the updated residual stream.
Value buildEmbedding(ModelBuilder &b);
/// Also returns the head's logits and attention pattern (B x N x N) in
/// `logits` and `pattern` when not null; a head without output directions
/// changes nothing and has none.
Value buildAttentionHead(ModelBuilder &b, Value x,
                         const craft::AssembledHead &head,
                         Value *logits = nullptr, Value *pattern = nullptr);
Value buildMLP(ModelBuilder &b, Value x, const craft::AssembledMLP &mlp);
/// Returns the output tensor (B x N x W) and sets the readout attributes of
/// the function.
Value buildReadout(ModelBuilder &b, Value x, func::FuncOp func);

} // namespace mlir::rasp::detail

#endif // LIB_CONVERSION_CRAFTTOLINALG_MODELBUILDER_H
