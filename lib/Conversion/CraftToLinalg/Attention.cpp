//===- Attention.cpp - Attention heads
//--------------------------------------===//
//
// A head is one call of a head function (one per kind of weights, shared by
// all heads of that kind), after one call per W_QK lookup block:
//
//   s = lookups (s[b, i, j] += q_val * k_val * W[q_arg, k_arg]) or zeros
//   q = x[query cols] * W_Q             (W_QK factorised, dense blocks)
//   k = x[key cols]                     (W_K is the identity)
//   s[b, i, j] += sum_c q[b, i, c] * k[b, j, c]
//   logits = j < length[b] (and j <= i if causal) ? scale * s : -inf
//   pattern = softmax_j(logits)         (max, exp, sum, divide generics)
//   x[output] += pattern * (x[value cols] * W_OV)
//
// The head function returns the logits and the pattern too (what
// `rasp-run --trace` shows). Key 0 (BOS) is always visible, so no row is all
// -inf, and exp(-inf) = 0 makes padded keys contribute exactly nothing: a row
// of a padded batch gives the same result as when run alone.
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

using utils::IteratorType;

bool mlir::rasp::isLookupBlock(const AssembledHead::QKBlock &block,
                               const CraftToLinalgOptions &options) {
  int64_t entries = block.weights->getRows() * block.weights->getCols();
  return options.lookupMinElements > 0 &&
         entries >= options.lookupMinElements &&
         block.querySpace.isCategorical() && block.keySpace.isCategorical();
}

namespace {
/// How a W_QK lookup table is stored: f32 entries, packed bits, or (a 0/1
/// table with at most one 1 per row, as equality selectors give) the column
/// of each row's 1, so that the table grows with its rows, not rows x cols.
enum class LookupForm { F32, Bits, Match };

/// Generics over (b, i, j) or (b, i, j, c) on B x N x N scores.
class HeadOps {
public:
  HeadOps(TensorBuilder &t)
      : t(t), b(t.getBuilder()), ctx(b.getContext()), loc(t.getLoc()) {}

  AffineMap map(unsigned numDims, ArrayRef<unsigned> dims) {
    SmallVector<AffineExpr> exprs;
    for (unsigned d : dims)
      exprs.push_back(getAffineDimExpr(d, ctx));
    return AffineMap::get(numDims, 0, exprs, ctx);
  }
  Value generic(Type type, ValueRange ins, ValueRange outs,
                ArrayRef<AffineMap> maps, ArrayRef<IteratorType> iterators,
                function_ref<void(OpBuilder &, Location, ValueRange)> body) {
    return linalg::GenericOp::create(b, loc, type, ins, outs, maps, iterators,
                                     body)
        .getResult(0);
  }
  /// B x N x N, and B x N, filled with `value`.
  Value scoresFilled(Value batch, Value positions, float value) {
    return t.filled({batch, positions, positions}, value);
  }
  Value rowFilled(Value batch, Value positions, float value) {
    return t.filled({batch, positions}, value);
  }

  Value denseScores(Value q3, Value k3, Value scores);
  std::pair<Value, Value> argmax(Value slice);
  Value lookupScores(Value x, Value scores, Value table, LookupForm form,
                     ValueRange ranges, Value batch, Value positions);
  Value mask(Value scores, Value lengths, Value scale, Value causal);
  Value softmax(Value logits);

private:
  TensorBuilder &t;
  OpBuilder &b;
  MLIRContext *ctx;
  Location loc;
};
} // namespace

/// s[b, i, j] += sum_c q[b, i, c] * k[b, j, c].
Value HeadOps::denseScores(Value q3, Value k3, Value scores) {
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
std::pair<Value, Value> HeadOps::argmax(Value slice) {
  OpFoldResult rows = t.size(slice, 0);
  Value emptyIndex = tensor::EmptyOp::create(b, loc, {rows}, b.getI32Type());
  Value zeroIndex = arith::ConstantOp::create(b, loc, b.getI32IntegerAttr(0));
  Value initIndex =
      linalg::FillOp::create(b, loc, zeroIndex, emptyIndex).getResult(0);
  Value initValue = t.filled({rows}, 0.0f);
  auto op = linalg::GenericOp::create(
      b, loc, TypeRange{initIndex.getType(), initValue.getType()},
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
/// term. `ranges` are the query offset and size, then the key's. 0/1 tables
/// are read as packed bits (rows x ceil(cols / 64) words) or, with at most
/// one 1 per row, as that 1's column per row (-1 for none).
Value HeadOps::lookupScores(Value x, Value scores, Value table, LookupForm form,
                            ValueRange ranges, Value batch, Value positions) {
  auto [queryIndex, queryValue] = argmax(t.columns(x, ranges[0], ranges[1]));
  auto [keyIndex, keyValue] = argmax(t.columns(x, ranges[2], ranges[3]));
  auto split = [&](Value v) { return t.splitRows(v, batch, positions); };
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
        if (form == LookupForm::Match) {
          // table[row] is the one key direction row `row` matches, or -1.
          Value match =
              tensor::ExtractOp::create(nb, l, table, ValueRange{row});
          Value key =
              arith::IndexCastOp::create(nb, l, nb.getI64Type(), column);
          Value hit = arith::CmpIOp::create(nb, l, arith::CmpIPredicate::eq,
                                            match, key);
          weight = arith::UIToFPOp::create(nb, l, nb.getF32Type(), hit);
        } else if (form == LookupForm::Bits) {
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
/// -inf. Written to a fresh tensor: the logits are a result of their own.
Value HeadOps::mask(Value scores, Value lengths, Value scale, Value causal) {
  Value minusInf = t.f32Constant(-std::numeric_limits<float>::infinity());
  Value init = tensor::EmptyOp::create(b, loc, t.sizes(scores), t.f32());
  return generic(
      scores.getType(), {scores, lengths}, {init},
      {map(3, {0, 1, 2}), map(3, {0}), map(3, {0, 1, 2})},
      {IteratorType::parallel, IteratorType::parallel, IteratorType::parallel},
      [&](OpBuilder &nb, Location l, ValueRange args) {
        Value i = linalg::IndexOp::create(nb, l, 1);
        Value j = linalg::IndexOp::create(nb, l, 2);
        Value length =
            arith::IndexCastOp::create(nb, l, nb.getIndexType(), args[1]);
        Value real =
            arith::CmpIOp::create(nb, l, arith::CmpIPredicate::ult, j, length);
        Value past =
            arith::CmpIOp::create(nb, l, arith::CmpIPredicate::ule, j, i);
        Value allowed = arith::SelectOp::create(nb, l, causal, past, real);
        Value keep = arith::AndIOp::create(nb, l, real, allowed);
        Value scaled = arith::MulFOp::create(nb, l, args[0], scale);
        Value result = arith::SelectOp::create(nb, l, keep, scaled, minusInf);
        linalg::YieldOp::create(nb, l, result);
      });
}

/// softmax over j, as explicit generics (upstream mlir-opt cannot lower
/// linalg.softmax without a transform script).
Value HeadOps::softmax(Value logits) {
  SmallVector<IteratorType> rowwise = {
      IteratorType::parallel, IteratorType::parallel, IteratorType::reduction};
  SmallVector<IteratorType> elementwise(3, IteratorType::parallel);
  AffineMap all = map(3, {0, 1, 2}), row = map(3, {0, 1});
  OpFoldResult batch = t.size(logits, 0), positions = t.size(logits, 1);
  Value lowest =
      t.filled({batch, positions}, -std::numeric_limits<float>::infinity());
  Value max = generic(
      lowest.getType(), {logits}, {lowest}, {all, row}, rowwise,
      [](OpBuilder &nb, Location l, ValueRange args) {
        linalg::YieldOp::create(
            nb, l,
            arith::MaximumFOp::create(nb, l, args[0], args[1]).getResult());
      });
  Value init = tensor::EmptyOp::create(b, loc, t.sizes(logits), t.f32());
  Value exp =
      generic(logits.getType(), {logits, max}, {init}, {all, row, all},
              elementwise, [](OpBuilder &nb, Location l, ValueRange args) {
                Value shifted = arith::SubFOp::create(nb, l, args[0], args[1]);
                linalg::YieldOp::create(
                    nb, l, math::ExpOp::create(nb, l, shifted).getResult());
              });
  Value zeros = t.filled({batch, positions}, 0.0f);
  Value sum = generic(
      zeros.getType(), {exp}, {zeros}, {all, row}, rowwise,
      [](OpBuilder &nb, Location l, ValueRange args) {
        linalg::YieldOp::create(
            nb, l, arith::AddFOp::create(nb, l, args[0], args[1]).getResult());
      });
  return generic(
      logits.getType(), {exp, sum}, {exp}, {all, row, all}, elementwise,
      [](OpBuilder &nb, Location l, ValueRange args) {
        linalg::YieldOp::create(
            nb, l, arith::DivFOp::create(nb, l, args[0], args[1]).getResult());
      });
}

/// W_QK lookup blocks: one call each, accumulating into the scores.
static Value buildLookups(ModelBuilder &b,
                          ArrayRef<const AssembledHead::QKBlock *> lookups,
                          Value x, Value scores) {
  for (auto [i, block] : llvm::enumerate(lookups)) {
    const craft::Matrix &w = *block->weights;
    int64_t numRows = w.getRows(), cols = w.getCols();
    std::string name = b.weightName("lookup" + std::to_string(i));
    LookupForm form = LookupForm::F32;
    std::vector<int64_t> match;
    if (w.isZeroOne()) {
      form = LookupForm::Match;
      match.assign(numRows, -1);
      w.forEachNonZero([&](int64_t r, int64_t c, double) {
        if (match[r] >= 0)
          form = LookupForm::Bits;
        match[r] = c;
      });
    }
    Value table;
    if (form == LookupForm::Match) {
      table = b.weights(match, {numRows}, name);
    } else if (form == LookupForm::Bits) {
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
    SmallVector<Value> args = {x,
                               scores,
                               table,
                               b.indexConstant(block->query.offset),
                               b.indexConstant(block->query.dim),
                               b.indexConstant(block->key.offset),
                               b.indexConstant(block->key.dim),
                               b.getBatch(),
                               b.getPositions()};
    StringRef function = form == LookupForm::Match  ? "lookup_match"
                         : form == LookupForm::Bits ? "lookup_bits"
                                                    : "lookup_f32";
    scores =
        b.call(function, args, {scores.getType()},
               /*specialized=*/false, [form](TensorBuilder &t, ValueRange a) {
                 HeadOps ops(t);
                 return SmallVector<Value>{ops.lookupScores(
                     a[0], a[1], a[2], form, a.slice(3, 4), a[7], a[8])};
               })[0];
  }
  return scores;
}

Value mlir::rasp::detail::buildAttentionHead(ModelBuilder &b, Value x,
                                             const AssembledHead &head,
                                             Value *logits, Value *pattern) {
  if (head.output.dim == 0 && !logits)
    return x;
  // The weight form of every W_QK block is decided here, once.
  SmallVector<AssembledHead::QKBlock> dense;
  SmallVector<const AssembledHead::QKBlock *> lookups;
  for (const AssembledHead::QKBlock &block : head.qk) {
    if (isLookupBlock(block, b.getOptions()))
      lookups.push_back(&block);
    else
      dense.push_back(block);
  }

  Value scores;
  if (!lookups.empty()) {
    Value n = b.getPositions();
    scores = buildLookups(b, lookups, x,
                          b.tensors().filled({b.getBatch(), n, n}, 0.0f));
  }
  std::optional<Product> query;
  Value keyCols;
  if (!dense.empty()) {
    craft::QKFactors factors = craft::factoriseQK(dense);
    query = b.product(factors.query, b.weightName("wq"));
    std::vector<int32_t> cols;
    for (const craft::ResidualRange &range : factors.keys)
      for (int64_t i = 0; i < range.dim; ++i)
        cols.push_back(static_cast<int32_t>(range.offset + i));
    keyCols = b.weights(cols, {static_cast<int64_t>(cols.size())},
                        b.weightName("wk_cols"));
  }
  Product value = b.product(head.value, b.weightName("wov"));

  // Arguments: x, lengths, B, N, [scores], [q cols, W_Q, k cols],
  // v cols, W_OV, output offset, scale, causal.
  SmallVector<Value> args = {x, b.getLengths(), b.getBatch(), b.getPositions()};
  if (scores)
    args.push_back(scores);
  if (query) {
    args.push_back(query->cols);
    llvm::append_range(args, query->weights());
    args.push_back(keyCols);
  }
  args.push_back(value.cols);
  llvm::append_range(args, value.weights());
  args.push_back(b.indexConstant(head.output.offset));
  args.push_back(b.f32Constant(static_cast<float>(head.scale)));
  args.push_back(b.boolConstant(head.causal));

  std::string kind = "head_q" + (query ? query->formName().str() : "none") +
                     "_v" + value.formName().str() + (scores ? "_lookup" : "");
  SmallVector<const Product *> products = {&value};
  if (query)
    products.push_back(&*query);
  auto scoresType = RankedTensorType::get(
      {ShapedType::kDynamic, ShapedType::kDynamic, ShapedType::kDynamic},
      b.f32());
  bool hasScores = static_cast<bool>(scores), hasQuery = query.has_value();
  bool queryGather = query && query->isGather();
  bool valueGather = value.isGather();
  SmallVector<Value> results = b.call(
      kind, args, {x.getType(), scoresType, scoresType}, b.specialize(products),
      [&](TensorBuilder &t, ValueRange a) {
        HeadOps ops(t);
        Value hx = a[0], lengths = a[1], batch = a[2], positions = a[3];
        unsigned next = 4;
        Value s =
            hasScores ? a[next++] : ops.scoresFilled(batch, positions, 0.0f);
        if (hasQuery) {
          Value qcols = a[next++];
          ValueRange wq = a.slice(next, queryGather ? 2 : 1);
          next += wq.size();
          Value kcols = a[next++];
          Value q =
              applyProduct(t, t.gatherColumns(hx, qcols), queryGather, wq);
          Value k = t.gatherColumns(hx, kcols);
          s = ops.denseScores(t.splitRows(q, batch, positions),
                              t.splitRows(k, batch, positions), s);
        }
        Value vcols = a[next++];
        ValueRange wov = a.slice(next, valueGather ? 2 : 1);
        next += wov.size();
        Value offset = a[next++], scale = a[next++], causal = a[next++];
        Value headLogits = ops.mask(s, lengths, scale, causal);
        Value headPattern = ops.softmax(headLogits);
        Value v = applyProduct(t, t.gatherColumns(hx, vcols), valueGather, wov);
        Value v3 = t.splitRows(v, batch, positions);
        Value mixedInit = t.filled({batch, positions, t.size(v3, 2)}, 0.0f);
        Value mixed = linalg::BatchMatmulOp::create(t.getBuilder(), t.getLoc(),
                                                    ValueRange{headPattern, v3},
                                                    ValueRange{mixedInit})
                          .getResult(0);
        Value updated = t.addColumns(hx, t.joinRows(mixed), offset);
        return SmallVector<Value>{updated, headLogits, headPattern};
      });
  if (logits)
    *logits = results[1];
  if (pattern)
    *pattern = results[2];
  return results[0];
}
