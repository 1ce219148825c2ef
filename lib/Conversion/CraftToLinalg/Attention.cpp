//===- Attention.cpp - Attention heads on residual slices -----------------===//
//
// Per head, on B x N x N scores:
//
//   q = x[query slices] * W_Q           (M x dk; W_QK factorised per block)
//   k = x[key slices]                   (M x dk; W_K is the identity)
//   s[b, i, j] = sum_c q[b, i, c] * k[b, j, c]
//              + for each lookup block: q_val * k_val * W[q_arg, k_arg]
//   s = j < length[b] (and j <= i if causal) ? scale * s : -inf
//   p = softmax_j(s)                    (max, exp, sum, divide generics)
//   x[output] += p * (x[value slices] * W_OV)
//
// Key 0 (BOS) is always visible, so no row is all -inf, and exp(-inf) = 0
// makes padded keys contribute exactly nothing: a row of a padded batch gives
// the same result as when run alone.
//
//===----------------------------------------------------------------------===//

#include "ModelBuilder.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <limits>

using namespace mlir;
using namespace mlir::rasp;
using namespace mlir::rasp::detail;
using craft::AssembledHead;
using craft::ResidualRange;

using utils::IteratorType;

namespace {
/// Builds one head: generics over (b, i, j) or (b, i, j, c) on B x N x N
/// scores.
class HeadBuilder {
public:
  HeadBuilder(ModelBuilder &b, const AssembledHead &head)
      : b(b), builder(b.getBuilder()), ctx(builder.getContext()), head(head) {}

  Value build(Value x);

private:
  Location loc() const { return b.getLoc(); }
  AffineMap map(unsigned numDims, ArrayRef<unsigned> dims) {
    SmallVector<AffineExpr> exprs;
    for (unsigned d : dims)
      exprs.push_back(getAffineDimExpr(d, ctx));
    return AffineMap::get(numDims, 0, exprs, ctx);
  }
  Value generic(Type type, ValueRange ins, ValueRange outs,
                ArrayRef<AffineMap> maps, ArrayRef<IteratorType> iterators,
                function_ref<void(OpBuilder &, Location, ValueRange)> body) {
    return linalg::GenericOp::create(builder, loc(), type, ins, outs, maps,
                                     iterators, body)
        .getResult(0);
  }
  /// B x N x N scores, and B x N row values, filled with `value`.
  Value scoresFilled(float value) {
    Value n = b.getPositions();
    return b.filled(
        {ShapedType::kDynamic, ShapedType::kDynamic, ShapedType::kDynamic},
        {b.getBatch(), n, n}, value);
  }
  Value rowFilled(float value) {
    return b.filled({ShapedType::kDynamic, ShapedType::kDynamic},
                    {b.getBatch(), b.getPositions()}, value);
  }

  Value denseScores(ArrayRef<AssembledHead::QKBlock> blocks, Value x,
                    Value scores);
  Value lookupScores(const AssembledHead::QKBlock &block, unsigned index,
                     Value x, Value scores);
  std::pair<Value, Value> argmax(Value slice);
  Value mask(Value scores);
  Value softmax(Value scores);

  ModelBuilder &b;
  OpBuilder &builder;
  MLIRContext *ctx;
  const AssembledHead &head;
};
} // namespace

/// s[b, i, j] += sum_c q[b, i, c] * k[b, j, c] for the blocks multiplied as
/// W_Q * W_K^T.
Value HeadBuilder::denseScores(ArrayRef<AssembledHead::QKBlock> blocks, Value x,
                               Value scores) {
  craft::QKFactors factors = craft::factoriseQK(blocks);
  int64_t dk = factors.getKeyDim();
  Value q = b.project(x, factors.query, Value(), b.weightName("wq"));
  Value k;
  if (factors.keys.size() == 1) {
    k = b.columns(x, factors.keys.front());
  } else {
    // The key space concatenates several slices: copy them side by side.
    k = tensor::EmptyOp::create(builder, loc(),
                                ArrayRef<int64_t>{ShapedType::kDynamic, dk},
                                b.f32(), ValueRange{b.getRows()});
    int64_t column = 0;
    for (const ResidualRange &range : factors.keys) {
      k = b.insertColumns(k, b.columns(x, range), {column, range.dim});
      column += range.dim;
    }
  }
  Value q3 = b.splitRows(q), k3 = b.splitRows(k);
  return generic(scores.getType(), {q3, k3}, {scores},
                 {map(4, {0, 1, 3}), map(4, {0, 2, 3}), map(4, {0, 1, 2})},
                 {IteratorType::parallel, IteratorType::parallel,
                  IteratorType::parallel, IteratorType::reduction},
                 [](OpBuilder &nb, Location l, ValueRange args) {
                   Value product =
                       arith::MulFOp::create(nb, l, args[0], args[1]);
                   Value sum = arith::AddFOp::create(nb, l, args[2], product);
                   linalg::YieldOp::create(nb, l, sum);
                 });
}

/// The first direction holding the largest positive entry of each row of
/// `slice` (M x d) and that entry: (0, 0) for a zero row.
std::pair<Value, Value> HeadBuilder::argmax(Value slice) {
  auto indexType =
      RankedTensorType::get({ShapedType::kDynamic}, builder.getI32Type());
  Value emptyIndex =
      tensor::EmptyOp::create(builder, loc(), indexType.getShape(),
                              builder.getI32Type(), ValueRange{b.getRows()});
  Value zeroIndex =
      arith::ConstantOp::create(builder, loc(), builder.getI32IntegerAttr(0));
  Value initIndex =
      linalg::FillOp::create(builder, loc(), zeroIndex, emptyIndex)
          .getResult(0);
  Value initValue = b.filled({ShapedType::kDynamic}, {b.getRows()}, 0.0f);
  auto op = linalg::GenericOp::create(
      builder, loc(), TypeRange{initIndex.getType(), initValue.getType()},
      ValueRange{slice}, ValueRange{initIndex, initValue},
      ArrayRef<AffineMap>{map(2, {0, 1}), map(2, {0}), map(2, {0})},
      ArrayRef<IteratorType>{IteratorType::parallel, IteratorType::reduction},
      [](OpBuilder &nb, Location l, ValueRange args) {
        Value direction = arith::IndexCastOp::create(
            nb, l, nb.getI32Type(), linalg::IndexOp::create(nb, l, 1));
        Value larger = arith::CmpFOp::create(nb, l, arith::CmpFPredicate::OGT,
                                             args[0], args[2]);
        Value index =
            arith::SelectOp::create(nb, l, larger, direction, args[1]);
        Value value = arith::SelectOp::create(nb, l, larger, args[0], args[2]);
        linalg::YieldOp::create(nb, l, ValueRange{index, value});
      });
  return {op.getResult(0), op.getResult(1)};
}

/// s[b, i, j] += q_val * k_val * W[q_arg, k_arg]: exact for one-hot (or zero)
/// query and key subspaces, where the dense product has a single non-zero
/// term. 0/1 tables are read as packed bits.
Value HeadBuilder::lookupScores(const AssembledHead::QKBlock &block,
                                unsigned index, Value x, Value scores) {
  const craft::Matrix &w = *block.weights;
  int64_t numRows = w.getRows(), cols = w.getCols();
  std::string name = b.weightName("lookup" + std::to_string(index));
  bool bits = w.isZeroOne();
  Value table;
  if (bits) {
    int64_t wordsPerRow = craft::Matrix::wordsPerRow(cols);
    std::vector<int64_t> words(numRows * wordsPerRow, 0);
    if (w.getKind() == craft::Matrix::Kind::Bits)
      llvm::copy(w.getBitWords(), words.begin());
    else
      w.forEachNonZero([&](int64_t r, int64_t c, double) {
        words[r * wordsPerRow + c / 64] |= int64_t(uint64_t(1) << (c % 64));
      });
    table = b.weights(words, {numRows, wordsPerRow}, name);
  } else {
    std::vector<float> data(numRows * cols, 0.0f);
    w.forEachNonZero([&](int64_t r, int64_t c, double v) {
      data[r * cols + c] = static_cast<float>(v);
    });
    table = b.weights(data, {numRows, cols}, name);
  }

  auto [queryIndex, queryValue] = argmax(b.columns(x, block.query));
  auto [keyIndex, keyValue] = argmax(b.columns(x, block.key));
  auto split = [&](Value v) { return b.splitRows(v); };
  AffineMap query = map(3, {0, 1}), key = map(3, {0, 2}),
            out = map(3, {0, 1, 2});
  return generic(
      scores.getType(),
      {split(queryIndex), split(queryValue), split(keyIndex), split(keyValue)},
      {scores}, {query, query, key, key, out},
      {IteratorType::parallel, IteratorType::parallel, IteratorType::parallel},
      [&](OpBuilder &nb, Location l, ValueRange args) {
        Type indexType = nb.getIndexType();
        Value row = arith::IndexCastOp::create(nb, l, indexType, args[0]);
        Value column = arith::IndexCastOp::create(nb, l, indexType, args[2]);
        Value weight;
        if (bits) {
          Value six = arith::ConstantIndexOp::create(nb, l, 6);
          Value word = tensor::ExtractOp::create(
              nb, l, table,
              ValueRange{row, arith::ShRUIOp::create(nb, l, column, six)});
          Value shift =
              arith::IndexCastOp::create(nb, l, nb.getI64Type(), column);
          Value mask63 =
              arith::ConstantOp::create(nb, l, nb.getI64IntegerAttr(63));
          Value one = arith::ConstantOp::create(nb, l, nb.getI64IntegerAttr(1));
          Value shifted = arith::ShRUIOp::create(
              nb, l, word, arith::AndIOp::create(nb, l, shift, mask63));
          Value bit = arith::AndIOp::create(nb, l, shifted, one);
          weight = arith::UIToFPOp::create(nb, l, nb.getF32Type(), bit);
        } else {
          weight =
              tensor::ExtractOp::create(nb, l, table, ValueRange{row, column});
        }
        Value both = arith::MulFOp::create(nb, l, args[1], args[3]);
        Value term = arith::MulFOp::create(nb, l, both, weight);
        Value sum = arith::AddFOp::create(nb, l, args[4], term);
        linalg::YieldOp::create(nb, l, sum);
      });
}

/// scale * s where key j is a real position (and j <= i if causal), else
/// -inf.
Value HeadBuilder::mask(Value scores) {
  Value scale = b.f32Constant(static_cast<float>(head.scale));
  Value minusInf = b.f32Constant(-std::numeric_limits<float>::infinity());
  bool causal = head.causal;
  return generic(
      scores.getType(), {scores, b.getLengths()}, {scores},
      {map(3, {0, 1, 2}), map(3, {0}), map(3, {0, 1, 2})},
      {IteratorType::parallel, IteratorType::parallel, IteratorType::parallel},
      [&](OpBuilder &nb, Location l, ValueRange args) {
        Value i = linalg::IndexOp::create(nb, l, 1);
        Value j = linalg::IndexOp::create(nb, l, 2);
        Value length =
            arith::IndexCastOp::create(nb, l, nb.getIndexType(), args[1]);
        Value keep =
            arith::CmpIOp::create(nb, l, arith::CmpIPredicate::ult, j, length);
        if (causal) {
          Value past =
              arith::CmpIOp::create(nb, l, arith::CmpIPredicate::ule, j, i);
          keep = arith::AndIOp::create(nb, l, keep, past);
        }
        Value scaled = arith::MulFOp::create(nb, l, args[0], scale);
        Value result = arith::SelectOp::create(nb, l, keep, scaled, minusInf);
        linalg::YieldOp::create(nb, l, result);
      });
}

/// softmax over j, as explicit generics (upstream mlir-opt cannot lower
/// linalg.softmax without a transform script).
Value HeadBuilder::softmax(Value scores) {
  SmallVector<IteratorType> rowwise = {
      IteratorType::parallel, IteratorType::parallel, IteratorType::reduction};
  SmallVector<IteratorType> elementwise(3, IteratorType::parallel);
  AffineMap all = map(3, {0, 1, 2}), row = map(3, {0, 1});
  Value lowest = rowFilled(-std::numeric_limits<float>::infinity());
  Value max = generic(
      lowest.getType(), {scores}, {lowest}, {all, row}, rowwise,
      [](OpBuilder &nb, Location l, ValueRange args) {
        linalg::YieldOp::create(
            nb, l,
            arith::MaximumFOp::create(nb, l, args[0], args[1]).getResult());
      });
  Value exp =
      generic(scores.getType(), {scores, max}, {scores}, {all, row, all},
              elementwise, [](OpBuilder &nb, Location l, ValueRange args) {
                Value shifted = arith::SubFOp::create(nb, l, args[0], args[1]);
                linalg::YieldOp::create(
                    nb, l, math::ExpOp::create(nb, l, shifted).getResult());
              });
  Value zeros = rowFilled(0.0f);
  Value sum = generic(
      zeros.getType(), {exp}, {zeros}, {all, row}, rowwise,
      [](OpBuilder &nb, Location l, ValueRange args) {
        linalg::YieldOp::create(
            nb, l, arith::AddFOp::create(nb, l, args[0], args[1]).getResult());
      });
  return generic(
      scores.getType(), {exp, sum}, {exp}, {all, row, all}, elementwise,
      [](OpBuilder &nb, Location l, ValueRange args) {
        linalg::YieldOp::create(
            nb, l, arith::DivFOp::create(nb, l, args[0], args[1]).getResult());
      });
}

Value HeadBuilder::build(Value x) {
  const CraftToLinalgOptions &options = b.getOptions();
  SmallVector<AssembledHead::QKBlock> dense;
  SmallVector<const AssembledHead::QKBlock *> lookups;
  for (const AssembledHead::QKBlock &block : head.qk) {
    int64_t entries = block.weights->getRows() * block.weights->getCols();
    if (options.lookupMinElements > 0 && entries >= options.lookupMinElements &&
        block.querySpace.isCategorical() && block.keySpace.isCategorical())
      lookups.push_back(&block);
    else
      dense.push_back(block);
  }
  Value scores = scoresFilled(0.0f);
  if (!dense.empty())
    scores = denseScores(dense, x, scores);
  for (auto [i, block] : llvm::enumerate(lookups))
    scores = lookupScores(*block, i, x, scores);
  Value probs = softmax(mask(scores));

  int64_t dout = head.output.dim;
  Value v = b.project(x, head.value, Value(), b.weightName("wov"));
  Value mixedInit = b.filled({ShapedType::kDynamic, ShapedType::kDynamic, dout},
                             {b.getBatch(), b.getPositions()}, 0.0f);
  Value mixed = linalg::BatchMatmulOp::create(builder, loc(),
                                              ValueRange{probs, b.splitRows(v)},
                                              ValueRange{mixedInit})
                    .getResult(0);
  return b.addToColumns(x, head.output, b.joinRows(mixed));
}

Value mlir::rasp::detail::buildAttentionHead(ModelBuilder &b, Value x,
                                             const AssembledHead &head) {
  if (head.output.dim == 0)
    return x;
  return HeadBuilder(b, head).build(x);
}
