//===- FactorisedWidth.cpp - Selector widths counted by rectangles --------===//
//
// selector_width(select(K, Q, pred)) with K = f(a_k, b_k) and Q = g(a_q, b_q)
// sequence_maps: instead of an MLP computing K and Q before the head, one
// head per rectangle A_i x B_i of the relation (synth::factorRelation), each
// the conjunction of a table over (a_q, a_k) and one over (b_q, b_k), in the
// same attention sublayer. The rectangles are disjoint and cover the
// relation, so the width is the sum of the heads' widths, which the fused
// MLP decodes from their attention outputs (docs/Fusion.md, "Factorised
// selector widths").
//
//===----------------------------------------------------------------------===//

#include "Lowering.h"

#include "RaspDialect/Conversion/RASPToCraft/Synthesis/CategoricalMLP.h"
#include "RaspDialect/Conversion/RASPToCraft/Synthesis/FusedMLP.h"
#include "RaspDialect/Conversion/RASPToCraft/Synthesis/Rectangles.h"

#include <cmath>
#include <functional>
#include <optional>
#include <set>

using namespace mlir;
using namespace mlir::rasp;
using namespace mlir::rasp::lowering;
namespace synth = mlir::craft::synth;

/// The sublayer `sop` is in once materialised.
static int64_t depthAfterMaterialising(Lowering &l, Value sop) {
  SOpInfo &info = l.info(sop);
  if (info.space)
    return l.depthOf(info.space);
  if (info.constant || !info.fused)
    return -1;
  return craft::placement::slotAfter(craft::SublayerKind::MLP,
                                     l.depthOf(*info.fused));
}

/// Every tuple of per-head widths 0..maxWidth whose sum is a width of the
/// selector; std::nullopt beyond `maxPoints`.
static std::optional<std::vector<std::vector<int64_t>>>
widthTuples(size_t heads, int64_t maxWidth, const std::set<int64_t> &sums,
            int64_t maxPoints) {
  std::vector<std::vector<int64_t>> out;
  std::vector<int64_t> tuple;
  int64_t largest = sums.empty() ? -1 : *sums.rbegin();
  std::function<bool(int64_t)> rec = [&](int64_t sum) {
    if (tuple.size() == heads) {
      if (sums.count(sum)) {
        if (static_cast<int64_t>(out.size()) >= maxPoints)
          return false;
        out.push_back(tuple);
      }
      return true;
    }
    for (int64_t w = 0; w <= maxWidth && sum + w <= largest; ++w) {
      tuple.push_back(w);
      bool ok = rec(sum + w);
      tuple.pop_back();
      if (!ok)
        return false;
    }
    return true;
  };
  if (!rec(0))
    return std::nullopt;
  return out;
}

namespace {
/// A table of keys or queries as doubles, when every value is None or a
/// number a double holds exactly: then Python's comparisons of the values
/// are those of the doubles.
struct NumericTable {
  std::vector<double> values;
  std::vector<uint8_t> none;
};
} // namespace

static std::optional<NumericTable>
numericTable(const std::vector<PyValue> &table) {
  NumericTable t;
  constexpr int64_t exact = int64_t(1) << 53;
  for (const PyValue &v : table) {
    double d = 0;
    if (v.isBool()) {
      d = v.getBool() ? 1.0 : 0.0;
    } else if (v.isInt()) {
      if (v.getInt() > exact || v.getInt() < -exact)
        return std::nullopt;
      d = static_cast<double>(v.getInt());
    } else if (v.isFloat()) {
      if (std::isnan(v.getFloat()))
        return std::nullopt;
      d = v.getFloat();
    } else if (!v.isNone()) {
      return std::nullopt;
    }
    t.values.push_back(d);
    t.none.push_back(v.isNone());
  }
  return t;
}

template <typename Pred>
static void compareBlockWith(const NumericTable &k, const NumericTable &q,
                             int64_t ak, int64_t aq, synth::PairSizes n,
                             MutableArrayRef<uint8_t> bits, Pred pred) {
  const double *kv = &k.values[ak * n.bk], *qv = &q.values[aq * n.bq];
  const uint8_t *kn = &k.none[ak * n.bk], *qn = &q.none[aq * n.bq];
  for (int64_t bq = 0; bq < n.bq; ++bq) {
    // A None key or query is the zero vector: never selected.
    if (qn[bq])
      continue;
    uint8_t *row = &bits[bq * n.bk];
    for (int64_t bk = 0; bk < n.bk; ++bk)
      row[bk] = !kn[bk] && pred(kv[bk], qv[bq]);
  }
}

/// The relation `pred(key, query)` of one (a_k, a_q) block on numbers.
static void compareBlock(Comparison c, const NumericTable &k,
                         const NumericTable &q, int64_t ak, int64_t aq,
                         synth::PairSizes n, MutableArrayRef<uint8_t> bits) {
  auto with = [&](auto pred) { compareBlockWith(k, q, ak, aq, n, bits, pred); };
  switch (c) {
  case Comparison::Eq:
    return with([](double x, double y) { return x == y; });
  case Comparison::Neq:
    return with([](double x, double y) { return x != y; });
  case Comparison::Lt:
    return with([](double x, double y) { return x < y; });
  case Comparison::Leq:
    return with([](double x, double y) { return x <= y; });
  case Comparison::Gt:
    return with([](double x, double y) { return x > y; });
  case Comparison::Geq:
    return with([](double x, double y) { return x >= y; });
  case Comparison::True:
    return with([](double, double) { return true; });
  case Comparison::False:
    return with([](double, double) { return false; });
  }
}

/// Whether the MLP decoding the sum of the heads' widths (as a one-hot over
/// `widths`) fits the budget, with the attention outputs' errors of exact
/// operands.
static bool decoderFits(Lowering &l,
                        const std::vector<std::vector<int64_t>> &tuples,
                        size_t heads, int64_t maxWidth, const ValueSet &widths,
                        double cost) {
  int64_t budget = std::max<int64_t>(
      kMinFusedHidden, static_cast<int64_t>(l.options.fuseWidthFactor * cost));
  // The synthesis projects the readings 1 / (w + 1) lexicographically (in
  // some order of the heads; distinct for widths below 2^15, so no two
  // merge); points sharing all but the last head's width then lie next to
  // each other with distinct sums, so every projection has at least
  // tuples - prefixes + 1 runs and takes a pair of units per step between
  // them. Beyond the budget, the synthesis would refuse it: skip it.
  if (maxWidth < (int64_t(1) << 15)) {
    double prefixes = std::pow(static_cast<double>(maxWidth + 1),
                               static_cast<double>(heads) - 1);
    double points = static_cast<double>(tuples.size());
    if (2 * (points - std::min(points, prefixes)) > static_cast<double>(budget))
      return false;
  }
  synth::FusedFunction fn;
  for (size_t h = 0; h < heads; ++h) {
    fn.inputDims.push_back(1);
    synth::NumericalFeature f;
    f.form = {{static_cast<int64_t>(h), 1.0, 1.0}};
    for (int64_t w = 0; w <= maxWidth; ++w)
      f.readings.push_back(1.0 / static_cast<double>(w + 1));
    f.relError = std::ldexp(1.0, -23);
    f.bosRange = {0.0, 1.0};
    fn.numerical.push_back(std::move(f));
  }
  fn.inputDims.append({1, 1});
  fn.oneRow = heads;
  fn.bosRow = heads + 1;
  for (const std::vector<int64_t> &t : tuples) {
    int64_t sum = 0;
    for (int64_t w : t) {
      fn.points.push_back(static_cast<int32_t>(w));
      sum += w;
    }
    fn.outputs.push_back(
        {{synth::indexIn(widths, PyValue::integer(sum)), 1.0}});
  }
  fn.outputDims = {static_cast<int64_t>(widths.size())};
  llvm::Expected<synth::FusedMLP> mlp =
      synth::synthesizeFused(fn, l.synthesis, budget);
  if (!mlp) {
    llvm::consumeError(mlp.takeError());
    return false;
  }
  // A decoder this noisy would need a clean copy before most consumers.
  return mlp->outputError < 0.01;
}

FailureOr<bool> mlir::rasp::lowering::lowerFactorisedWidth(
    Lowering &l, SelectorWidthOp op, const ValueSet &widths, bool numerical,
    const std::string &label) {
  // select(K, Q, pred) or select_where(K, Q) of two sequence_maps.
  Operation *select = op.getSelector().getDefiningOp();
  Value keys, queries;
  std::function<llvm::Expected<bool>(const PyValue &, const PyValue &)> pred;
  std::optional<Comparison> comparison;
  if (auto s = dyn_cast_or_null<SelectOp>(select)) {
    keys = s.getKeys();
    queries = s.getQueries();
    Comparison c = s.getPredicate();
    comparison = c;
    pred = [c](const PyValue &k, const PyValue &q) {
      return py::compare(c, k, q);
    };
  } else if (auto s = dyn_cast_or_null<SelectWhereOp>(select)) {
    keys = s.getKeys();
    queries = s.getQueries();
    FailureOr<ElementFunction> fn = ElementFunction::get(s.getBody());
    if (failed(fn))
      return failure();
    ElementFunction f = *fn;
    Location loc = s.getLoc();
    pred = [f, loc](const PyValue &k,
                    const PyValue &q) -> llvm::Expected<bool> {
      EvalError error{loc, ""};
      FailureOr<PyValue> r = f({k, q}, &error);
      if (failed(r))
        return llvm::createStringError(error.message);
      return py::truthy(*r);
    };
  } else {
    return false;
  }
  auto kMap = keys.getDefiningOp<SequenceMapOp>();
  auto qMap = queries.getDefiningOp<SequenceMapOp>();
  if (!kMap || !qMap)
    return false;
  Value ak = kMap.getLhs(), bk = kMap.getRhs();
  Value aq = qMap.getLhs(), bq = qMap.getRhs();
  if (ak == bk || aq == bq)
    return false;
  for (Value v : {ak, bk, aq, bq}) {
    SOpInfo &info = l.info(v);
    if (info.numerical || info.constant || info.values.empty())
      return false;
  }
  // Only worth it where the heads come a layer earlier than a head reading
  // K and Q.
  int64_t factorised = -1, whole = -1;
  for (Value v : {ak, bk, aq, bq})
    factorised = std::max(factorised, depthAfterMaterialising(l, v));
  for (Value v : {keys, queries})
    whole = std::max(whole, depthAfterMaterialising(l, v));
  if (craft::placement::slotAfter(craft::SublayerKind::Attention, factorised) >=
      craft::placement::slotAfter(craft::SublayerKind::Attention, whole))
    return false;

  // The relation on value indices.
  const ValueSet &vak = l.info(ak).values, &vbk = l.info(bk).values;
  const ValueSet &vaq = l.info(aq).values, &vbq = l.info(bq).values;
  if (static_cast<double>(vak.size()) * vbk.size() * vaq.size() * vbq.size() >
      static_cast<double>(l.options.maxTableEntries))
    return false;
  FailureOr<ElementFunction> fk = ElementFunction::get(kMap.getBody());
  FailureOr<ElementFunction> fq = ElementFunction::get(qMap.getBody());
  if (failed(fk) || failed(fq))
    return failure();
  auto table = [&](SequenceMapOp map, const ElementFunction &f,
                   const ValueSet &as,
                   const ValueSet &bs) -> FailureOr<std::vector<PyValue>> {
    std::vector<PyValue> t;
    for (const PyValue &a : as)
      for (const PyValue &b : bs) {
        FailureOr<PyValue> v = l.call(map, f, {a, b});
        if (failed(v))
          return failure();
        t.push_back(*v);
      }
    return t;
  };
  FailureOr<std::vector<PyValue>> kt = table(kMap, *fk, vak, vbk);
  FailureOr<std::vector<PyValue>> qt = table(qMap, *fq, vaq, vbq);
  if (failed(kt) || failed(qt))
    return failure();
  auto relation = [&](int64_t iak, int64_t ibk, int64_t iaq,
                      int64_t ibq) -> llvm::Expected<bool> {
    const PyValue &k = (*kt)[iak * vbk.size() + ibk];
    const PyValue &q = (*qt)[iaq * vbq.size() + ibq];
    // A None key or query is the zero vector: never selected.
    if (k.isNone() || q.isNone())
      return false;
    return pred(k, q);
  };
  auto sizes = synth::PairSizes{
      static_cast<int64_t>(vak.size()), static_cast<int64_t>(vbk.size()),
      static_cast<int64_t>(vaq.size()), static_cast<int64_t>(vbq.size())};
  std::optional<NumericTable> nk, nq;
  if (comparison) {
    nk = numericTable(*kt);
    nq = numericTable(*qt);
  }
  auto rectangles =
      nk && nq
          ? synth::factorRelationByBlocks(
                sizes,
                [&](int64_t iak, int64_t iaq, MutableArrayRef<uint8_t> bits) {
                  compareBlock(*comparison, *nk, *nq, iak, iaq, sizes, bits);
                  return llvm::Error::success();
                },
                l.options.maxSelectorRectangles)
          : synth::factorRelation(sizes, relation,
                                  l.options.maxSelectorRectangles);
  if (!rectangles)
    return l.fail(select, rectangles.takeError());
  if (!*rectangles || (*rectangles)->empty())
    return false;
  std::vector<synth::Rectangle> rects = std::move(**rectangles);

  // The decoder of the sum, against the unfactorised MLPs: K's (and Q's)
  // product and one width decoder.
  int64_t maxWidth = l.synthesis.maxSeqLen;
  std::set<int64_t> sums;
  for (const PyValue &w : widths)
    if (w.isInt())
      sums.insert(w.getInt());
  std::optional<std::vector<std::vector<int64_t>>> tuples =
      widthTuples(rects.size(), maxWidth, sums, l.options.maxFusedDomain);
  double cost = static_cast<double>(l.info(keys).values.size()) +
                (keys == queries ? 0.0 : l.info(queries).values.size()) +
                2.0 * widths.size() + 1;
  if (!tuples || !decoderFits(l, *tuples, rects.size(), maxWidth, widths, cost))
    return false;

  // One head per rectangle.
  SmallVector<Value> operands;
  for (Value v : {ak, bk, aq, bq}) {
    FailureOr<Value> space = l.materialize(v);
    if (failed(space))
      return failure();
    operands.push_back(*space);
  }
  ValueSet perHead;
  for (int64_t w = 0; w <= maxWidth; ++w)
    perHead.push_back(PyValue::integer(w));
  FusedValue value;
  // A table that holds everywhere constrains nothing, unless its operands
  // can be None (the zero vector, never selected).
  auto mayBeNone = [&](Value v) {
    SOpInfo &info = l.info(v);
    return info.fused &&
           llvm::any_of(info.fused->outputs,
                        [](const PyValue &x) { return x.isNone(); });
  };
  auto needed = [&](const craft::Matrix &t, Value key, Value query) {
    return t.getNumNonZeros() != t.getRows() * t.getCols() || mayBeNone(key) ||
           mayBeNone(query);
  };
  for (synth::Rectangle &r : rects) {
    std::vector<synth::SelectorTerm> terms;
    if (needed(r.a, ak, aq))
      terms.push_back({2, 0, std::move(r.a)});
    if (needed(r.b, bk, bq))
      terms.push_back({3, 1, std::move(r.b)});
    FailureOr<LoweredSelector> head = lowerSelectorTerms(
        l, op, terms, operands, synth::HeadKind::SelectorWidth,
        craft::Matrix::fromTriplets(1, 1, {{0, 0, 1.0}}));
    if (failed(head))
      return failure();
    Value attention =
        craft::buildAttentionHead(
            l.builder, op.getLoc(), head->block, head->queries, head->keys,
            {l.bos}, l.spaceFor(l.uniqueLabel(label + "_sw_attn"), nullptr))
            .getResult();
    FailureOr<Leaf> leaf =
        widthLeaf(op, attention, perHead, head->logitError, head->block.scale);
    if (failed(leaf))
      return failure();
    value.leaves.push_back(l.addLeaf(std::move(*leaf)));
  }
  for (const std::vector<int64_t> &t : *tuples) {
    int64_t sum = 0;
    for (int64_t w : t) {
      value.points.push_back(static_cast<int32_t>(w));
      sum += w;
    }
    value.outputs.push_back(PyValue::integer(sum));
  }
  value.cost = cost;

  SOpInfo info{Value(), widths, numerical, std::nullopt, label};
  info.fused = value;
  // If the sum cannot be decoded at once: each head's width first.
  info.cut = [&l, op, value, perHead, label]() -> FailureOr<FusedValue> {
    FusedValue cut = value;
    for (unsigned &leaf : cut.leaves) {
      FailureOr<Value> w =
          buildFusedMLP(l, op, l.identity(leaf), &perHead, label + "_part");
      if (failed(w))
        return failure();
      leaf = l.leafOf(*w, perHead, false);
    }
    return cut;
  };
  l.define(op.getResult(), std::move(info));
  return true;
}
