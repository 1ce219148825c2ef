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
  int64_t budget = std::max<int64_t>(
      kMinFusedHidden, static_cast<int64_t>(l.options.fuseWidthFactor * cost));
  llvm::Expected<synth::FusedMLP> mlp =
      synth::synthesizeFused(fn, l.synthesis, budget);
  if (!mlp) {
    llvm::consumeError(mlp.takeError());
    return false;
  }
  // A decoder this noisy would need a clean copy before most consumers.
  return mlp->outputError < 0.01;
}

namespace {
/// selector_width(select(K, Q, pred)) with K = f(a_k, b_k) and
/// Q = g(a_q, b_q) sequence_maps of categorical, non-constant operands.
struct FactorisedSelect {
  Operation *select;
  Value keys, queries;
  SequenceMapOp kMap, qMap;
  Value ak, bk, aq, bq;
  std::function<llvm::Expected<bool>(const PyValue &, const PyValue &)> pred;
  /// For a select: its comparison (compared block by block, numerically).
  std::optional<Comparison> comparison;
};
} // namespace

/// The select and sequence_maps of `op` if it has the factorisable shape.
static FailureOr<std::optional<FactorisedSelect>>
matchFactorisedSelect(Lowering &l, SelectorWidthOp op) {
  FactorisedSelect m;
  m.select = op.getSelector().getDefiningOp();
  if (auto s = dyn_cast_or_null<SelectOp>(m.select)) {
    m.keys = s.getKeys();
    m.queries = s.getQueries();
    Comparison c = s.getPredicate();
    m.comparison = c;
    m.pred = [c](const PyValue &k, const PyValue &q) {
      return py::compare(c, k, q);
    };
  } else if (auto s = dyn_cast_or_null<SelectWhereOp>(m.select)) {
    m.keys = s.getKeys();
    m.queries = s.getQueries();
    FailureOr<ElementFunction> fn = ElementFunction::get(s.getBody());
    if (failed(fn))
      return failure();
    ElementFunction f = *fn;
    Location loc = s.getLoc();
    m.pred = [f, loc](const PyValue &k,
                      const PyValue &q) -> llvm::Expected<bool> {
      EvalError error{loc, ""};
      FailureOr<PyValue> r = f({k, q}, &error);
      if (failed(r))
        return llvm::createStringError(error.message);
      return py::truthy(*r);
    };
  } else {
    return std::optional<FactorisedSelect>();
  }
  m.kMap = m.keys.getDefiningOp<SequenceMapOp>();
  m.qMap = m.queries.getDefiningOp<SequenceMapOp>();
  if (!m.kMap || !m.qMap)
    return std::optional<FactorisedSelect>();
  m.ak = m.kMap.getLhs();
  m.bk = m.kMap.getRhs();
  m.aq = m.qMap.getLhs();
  m.bq = m.qMap.getRhs();
  if (m.ak == m.bk || m.aq == m.bq)
    return std::optional<FactorisedSelect>();
  for (Value v : {m.ak, m.bk, m.aq, m.bq}) {
    SOpInfo &info = l.info(v);
    if (info.numerical || info.constant || info.values.empty())
      return std::optional<FactorisedSelect>();
  }
  return std::optional<FactorisedSelect>(std::move(m));
}

/// Whether the heads would come a layer earlier than a head reading K and
/// Q, and the relation on value indices is small enough to tabulate.
static bool paysOff(Lowering &l, const FactorisedSelect &m) {
  int64_t factorised = -1, whole = -1;
  for (Value v : {m.ak, m.bk, m.aq, m.bq})
    factorised = std::max(factorised, depthAfterMaterialising(l, v));
  for (Value v : {m.keys, m.queries})
    whole = std::max(whole, depthAfterMaterialising(l, v));
  if (craft::placement::slotAfter(craft::SublayerKind::Attention, factorised) >=
      craft::placement::slotAfter(craft::SublayerKind::Attention, whole))
    return false;
  const ValueSet &vak = l.info(m.ak).values, &vbk = l.info(m.bk).values;
  const ValueSet &vaq = l.info(m.aq).values, &vbq = l.info(m.bq).values;
  return static_cast<double>(vak.size()) * vbk.size() * vaq.size() *
             vbq.size() <=
         static_cast<double>(l.options.maxTableEntries);
}

/// The table of a sequence_map over all pairs of its operands' values.
static FailureOr<std::vector<PyValue>> pairTable(Lowering &l, SequenceMapOp map,
                                                 const ValueSet &as,
                                                 const ValueSet &bs) {
  FailureOr<ElementFunction> f = ElementFunction::get(map.getBody());
  if (failed(f))
    return failure();
  std::vector<PyValue> t;
  for (const PyValue &a : as)
    for (const PyValue &b : bs) {
      FailureOr<PyValue> v = l.call(map, *f, {a, b});
      if (failed(v))
        return failure();
      t.push_back(*v);
    }
  return t;
}

/// The rectangles covering the relation on the operands' value indices
/// (at most max-selector-rectangles); std::nullopt where there are more,
/// or none.
static FailureOr<std::optional<std::vector<synth::Rectangle>>>
relationRectangles(Lowering &l, const FactorisedSelect &m) {
  const ValueSet &vak = l.info(m.ak).values, &vbk = l.info(m.bk).values;
  const ValueSet &vaq = l.info(m.aq).values, &vbq = l.info(m.bq).values;
  FailureOr<std::vector<PyValue>> kt = pairTable(l, m.kMap, vak, vbk);
  FailureOr<std::vector<PyValue>> qt = pairTable(l, m.qMap, vaq, vbq);
  if (failed(kt) || failed(qt))
    return failure();
  auto relation = [&](int64_t iak, int64_t ibk, int64_t iaq,
                      int64_t ibq) -> llvm::Expected<bool> {
    const PyValue &k = (*kt)[iak * vbk.size() + ibk];
    const PyValue &q = (*qt)[iaq * vbq.size() + ibq];
    // A None key or query is the zero vector: never selected.
    if (k.isNone() || q.isNone())
      return false;
    return m.pred(k, q);
  };
  auto sizes = synth::PairSizes{
      static_cast<int64_t>(vak.size()), static_cast<int64_t>(vbk.size()),
      static_cast<int64_t>(vaq.size()), static_cast<int64_t>(vbq.size())};
  std::optional<NumericTable> nk, nq;
  if (m.comparison) {
    nk = numericTable(*kt);
    nq = numericTable(*qt);
  }
  auto rectangles =
      nk && nq
          ? synth::factorRelationByBlocks(
                sizes,
                [&](int64_t iak, int64_t iaq, MutableArrayRef<uint8_t> bits) {
                  compareBlock(*m.comparison, *nk, *nq, iak, iaq, sizes, bits);
                  return llvm::Error::success();
                },
                l.options.maxSelectorRectangles)
          : synth::factorRelation(sizes, relation,
                                  l.options.maxSelectorRectangles);
  if (!rectangles)
    return l.fail(m.select, rectangles.takeError());
  if (!*rectangles || (*rectangles)->empty())
    return std::optional<std::vector<synth::Rectangle>>();
  return std::optional<std::vector<synth::Rectangle>>(std::move(**rectangles));
}

/// The widths one head counts: 0 .. max_seq_len.
static ValueSet headWidths(Lowering &l) {
  ValueSet perHead;
  for (int64_t w = 0; w <= l.synthesis.maxSeqLen; ++w)
    perHead.push_back(PyValue::integer(w));
  return perHead;
}

/// One head per rectangle, each writing 1/(w+1) of its width w: the leaves
/// of the fused width.
static FailureOr<SmallVector<unsigned, 4>>
emitRectangleHeads(Lowering &l, SelectorWidthOp op, const FactorisedSelect &m,
                   std::vector<synth::Rectangle> &rects,
                   const std::string &label) {
  SmallVector<Value> operands;
  for (Value v : {m.ak, m.bk, m.aq, m.bq}) {
    FailureOr<Value> space = l.materialize(v);
    if (failed(space))
      return failure();
    operands.push_back(*space);
  }
  ValueSet perHead = headWidths(l);
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
  SmallVector<unsigned, 4> leaves;
  for (synth::Rectangle &r : rects) {
    std::vector<synth::SelectorTerm> terms;
    if (needed(r.a, m.ak, m.aq))
      terms.push_back({2, 0, std::move(r.a)});
    if (needed(r.b, m.bk, m.bq))
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
    leaves.push_back(l.addLeaf(std::move(*leaf)));
  }
  return leaves;
}

FailureOr<bool> mlir::rasp::lowering::lowerFactorisedWidth(
    Lowering &l, SelectorWidthOp op, const ValueSet &widths, bool numerical,
    const std::string &label) {
  FailureOr<std::optional<FactorisedSelect>> match =
      matchFactorisedSelect(l, op);
  if (failed(match))
    return failure();
  if (!*match || !paysOff(l, **match))
    return false;
  const FactorisedSelect &m = **match;
  FailureOr<std::optional<std::vector<synth::Rectangle>>> rectangles =
      relationRectangles(l, m);
  if (failed(rectangles))
    return failure();
  if (!*rectangles)
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
  double cost = static_cast<double>(l.info(m.keys).values.size()) +
                (m.keys == m.queries ? 0.0 : l.info(m.queries).values.size()) +
                2.0 * widths.size() + 1;
  if (!tuples || !decoderFits(l, *tuples, rects.size(), maxWidth, widths, cost))
    return false;

  FailureOr<SmallVector<unsigned, 4>> leaves =
      emitRectangleHeads(l, op, m, rects, label);
  if (failed(leaves))
    return failure();
  FusedValue value;
  value.leaves = std::move(*leaves);
  for (const std::vector<int64_t> &t : *tuples) {
    int64_t sum = 0;
    for (int64_t w : t) {
      value.points.push_back(static_cast<int32_t>(w));
      sum += w;
    }
    value.outputs.push_back(PyValue::integer(sum));
  }
  value.cost = cost;

  // If the sum cannot be decoded at once: each head's width first.
  FusionDecision decision;
  decision.leaves = value.leaves;
  decision.points = static_cast<double>(value.numPoints());
  decision.unfusedUnits = cost;
  decision.fallback = Fallback::WidthParts;
  l.plan.record(op, std::move(decision));
  SOpInfo info{Value(), widths, numerical, std::nullopt, label};
  info.fused = std::move(value);
  l.define(op.getResult(), std::move(info));
  return true;
}

FailureOr<FusedValue> mlir::rasp::lowering::widthParts(Lowering &l,
                                                       SelectorWidthOp op) {
  const SOpInfo &info = l.info(op.getResult());
  FusedValue cut = *info.fused;
  std::string label = info.label;
  ValueSet perHead = headWidths(l);
  for (unsigned &leaf : cut.leaves) {
    FailureOr<Value> w =
        buildFusedMLP(l, op, l.identity(leaf), &perHead, label + "_part");
    if (failed(w))
      return failure();
    leaf = l.leafOf(*w, perHead, false);
  }
  return cut;
}
