//===- ModelBuilder.cpp - Building the tensor IR of a model ---------------===//

#include "ModelBuilder.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/SymbolTable.h"
#include "llvm/ADT/StringExtras.h"

#include <algorithm>
#include <numeric>

using namespace mlir;
using namespace mlir::rasp;
using namespace mlir::rasp::detail;
using craft::Matrix;

ModelBuilder::ModelBuilder(func::FuncOp func,
                           const craft::AssembledModel &model,
                           const CraftToLinalgOptions &options)
    : func(func), builder(func.getContext()), entry(&func.getBody().front()),
      loc(func.getLoc()), model(model), options(options),
      main(builder, entry, loc, options) {
  builder.setInsertionPointToStart(entry);
  tokens = entry->getArgument(0);
  lengths = entry->getArgument(1);
  batch =
      options.batchSize > 0
          ? indexConstant(options.batchSize)
          : getValueOrCreateConstantIndexOp(builder, loc, main.size(tokens, 0));
  positions =
      getValueOrCreateConstantIndexOp(builder, loc, main.size(tokens, 1));
  rows = arith::MulIOp::create(builder, loc, batch, positions);
}

Value ModelBuilder::f32Constant(float value) { return main.f32Constant(value); }

Value ModelBuilder::indexConstant(int64_t value) { return main.index(value); }

Value ModelBuilder::boolConstant(bool value) {
  return main.constant(builder.getBoolAttr(value));
}

/// Resource keys print as bare identifiers: keep [A-Za-z0-9_].
static std::string resourceKey(const std::string &name) {
  std::string key = name;
  for (char &c : key)
    if (!llvm::isAlnum(c))
      c = '_';
  return key;
}

Value ModelBuilder::constant(ShapedType type, ArrayRef<char> bytes,
                             Attribute dense, const std::string &name) {
  Attribute value = dense;
  if (options.resourceMinElements > 0 &&
      type.getNumElements() >= options.resourceMinElements) {
    size_t align = type.getElementTypeBitWidth() / 8;
    value = DenseResourceElementsAttr::get(
        type, resourceKey(name),
        HeapAsmResourceBlob::allocateAndCopyWithAlign(bytes, align));
  }
  return arith::ConstantOp::create(builder, loc, cast<TypedAttr>(value));
}

template <typename T>
static ArrayRef<char> bytesOf(ArrayRef<T> data) {
  return ArrayRef<char>(reinterpret_cast<const char *>(data.data()),
                        data.size() * sizeof(T));
}

template <typename T>
static Value
weightsOf(ModelBuilder &b, ArrayRef<T> data, ArrayRef<int64_t> shape,
          Type element, const CraftToLinalgOptions &options,
          function_ref<Value(ShapedType, ArrayRef<char>, Attribute)> make) {
  auto type = RankedTensorType::get(shape, element);
  bool large = options.resourceMinElements > 0 &&
               type.getNumElements() >= options.resourceMinElements;
  return make(type, bytesOf(data),
              large ? Attribute() : DenseElementsAttr::get(type, data));
}

Value ModelBuilder::weights(ArrayRef<float> data, ArrayRef<int64_t> shape,
                            const std::string &name) {
  return weightsOf<float>(*this, data, shape, f32(), options,
                          [&](ShapedType t, ArrayRef<char> bytes, Attribute d) {
                            return constant(t, bytes, d, name);
                          });
}

Value ModelBuilder::weights(ArrayRef<int32_t> data, ArrayRef<int64_t> shape,
                            const std::string &name) {
  return weightsOf<int32_t>(
      *this, data, shape, builder.getI32Type(), options,
      [&](ShapedType t, ArrayRef<char> bytes, Attribute d) {
        return constant(t, bytes, d, name);
      });
}

Value ModelBuilder::weights(ArrayRef<int64_t> data, ArrayRef<int64_t> shape,
                            const std::string &name) {
  return weightsOf<int64_t>(
      *this, data, shape, builder.getI64Type(), options,
      [&](ShapedType t, ArrayRef<char> bytes, Attribute d) {
        return constant(t, bytes, d, name);
      });
}

/// The weights of `rows` of `w` (in that order) in the cheaper form: the
/// gather form visits, per output column, its non-zero rows (padded to the
/// largest count), worth it when that is much less than all rows. Only exact
/// zeros are skipped and the remaining terms are added in row order, as in
/// the dense product.
Product ModelBuilder::weightsFor(const Matrix &w, ArrayRef<int64_t> rowsOf,
                                 const std::string &name) {
  Product p;
  int64_t numRows = rowsOf.size(), cols = w.getCols();
  p.inDim = numRows;
  p.outDim = cols;
  int64_t slots = -1;
  if (options.sparseMinElements > 0 &&
      numRows * cols >= options.sparseMinElements && numRows > 0 && cols > 0) {
    std::vector<int64_t> perColumn(cols, 0);
    for (int64_t r : rowsOf)
      w.forEachInRow(r, [&](int64_t c, double) { ++perColumn[c]; });
    int64_t most = *std::max_element(perColumn.begin(), perColumn.end());
    if (static_cast<double>(most) * options.sparseGatherCost <
        static_cast<double>(numRows))
      slots = std::max<int64_t>(most, 1);
  }
  if (slots < 0) {
    std::vector<float> data(numRows * cols, 0.0f);
    for (int64_t i = 0; i < numRows; ++i)
      w.forEachInRow(rowsOf[i], [&](int64_t c, double v) {
        data[i * cols + c] = static_cast<float>(v);
      });
    p.dense = weights(data, {numRows, cols}, name);
    return p;
  }
  std::vector<int32_t> index(cols * slots, 0);
  std::vector<float> value(cols * slots, 0.0f);
  std::vector<int64_t> used(cols, 0);
  for (int64_t i = 0; i < numRows; ++i)
    w.forEachInRow(rowsOf[i], [&](int64_t c, double v) {
      int64_t slot = c * slots + used[c]++;
      index[slot] = static_cast<int32_t>(i);
      value[slot] = static_cast<float>(v);
    });
  p.index = weights(index, {cols, slots}, name + "_rows");
  p.values = weights(value, {cols, slots}, name + "_values");
  return p;
}

Product ModelBuilder::product(const craft::Projection &projection,
                              const std::string &name) {
  std::vector<int32_t> cols;
  std::vector<int64_t> rowsOf;
  for (const craft::Projection::Segment &s : projection.segments)
    for (int64_t i = 0; i < s.range.dim; ++i) {
      cols.push_back(static_cast<int32_t>(s.range.offset + i));
      rowsOf.push_back(s.row + i);
    }
  Product p;
  if (projection.weights) {
    p = weightsFor(*projection.weights, rowsOf, name);
  } else {
    p.inDim = cols.size();
    p.dense = weights(std::vector<float>(), {p.inDim, 0}, name);
  }
  p.cols = weights(cols, {static_cast<int64_t>(cols.size())}, name + "_cols");
  return p;
}

Product ModelBuilder::product(const Matrix &w, int64_t row, int64_t numRows,
                              const std::string &name) {
  std::vector<int64_t> rowsOf(numRows);
  std::iota(rowsOf.begin(), rowsOf.end(), row);
  return weightsFor(w, rowsOf, name);
}

bool ModelBuilder::specialize(ArrayRef<const Product *> products) const {
  if (options.specializeMinElements <= 0)
    return false;
  return llvm::any_of(products, [&](const Product *p) {
    return !p->isGather() &&
           p->inDim * p->outDim >= options.specializeMinElements;
  });
}

/// `type` with every dimension dynamic (tensors); other types unchanged.
static Type generalize(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  if (!tensor)
    return type;
  SmallVector<int64_t> shape(tensor.getRank(), ShapedType::kDynamic);
  return RankedTensorType::get(shape, tensor.getElementType());
}

SmallVector<Value> ModelBuilder::call(StringRef kind, ValueRange args,
                                      TypeRange resultTypes, bool specialized,
                                      BodyFn body) {
  SmallVector<Type> inputs, results;
  for (Value arg : args)
    inputs.push_back(specialized ? arg.getType() : generalize(arg.getType()));
  for (Type type : resultTypes)
    results.push_back(specialized ? type : generalize(type));
  auto type = builder.getFunctionType(inputs, results);

  std::string key = kind.str();
  llvm::raw_string_ostream(key) << type;
  func::FuncOp &callee = functions[key];
  if (!callee) {
    // Component functions follow the model functions, in order of first
    // use (renamed on a clash).
    callee = func::FuncOp::create(loc, ("__rasp_" + kind).str(), type);
    callee.setPrivate();
    SymbolTable(func->getParentOfType<ModuleOp>()).insert(callee);
    OpBuilder fb(func.getContext());
    Block *block = callee.addEntryBlock();
    fb.setInsertionPointToStart(block);
    TensorBuilder t(fb, block, loc, options);
    SmallVector<Value> values = body(t, block->getArguments());
    func::ReturnOp::create(fb, loc, values);
  }

  SmallVector<Value> operands;
  for (auto [arg, input] : llvm::zip(args, inputs)) {
    // The result of an earlier call, cast back: pass it uncast.
    if (auto cast = arg.getDefiningOp<tensor::CastOp>())
      if (cast.getSource().getType() == input)
        arg = cast.getSource();
    operands.push_back(
        arg.getType() == input
            ? arg
            : tensor::CastOp::create(builder, loc, input, arg).getResult());
  }
  auto op = func::CallOp::create(builder, loc, callee, operands);
  SmallVector<Value> out;
  for (auto [result, type] : llvm::zip(op.getResults(), resultTypes))
    out.push_back(
        result.getType() == type
            ? Value(result)
            : tensor::CastOp::create(builder, loc, type, result).getResult());
  return out;
}
