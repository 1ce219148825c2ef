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
#include "RaspDialect/Conversion/RASPToCraft/Synthesis/NumericalMLP.h"
#include "RaspDialect/Conversion/RASPToCraft/Synthesis/Rectangles.h"

#include <array>
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

/// The width as the sum of the heads' widths, where their sum does not
/// decode at once: each head's width decoded to a one-hot (as the cut
/// does), then one MLP of clamp units adding their values
/// (synth::sumOfOneHotValues: the integer sum up to a rounding bound of
/// about 6 r N u; docs/Fusion.md). The SOp is then a
/// function of that numerical leaf, decoded by whichever MLP first needs
/// it, like an unfactorised width.
static FailureOr<FusedValue> summedWidth(Lowering &l, SelectorWidthOp op,
                                         ArrayRef<unsigned> leaves,
                                         const ValueSet &perHead,
                                         const ValueSet &widths,
                                         const std::string &label) {
  SmallVector<Value> onehots;
  for (unsigned leaf : leaves) {
    FailureOr<Value> w =
        buildFusedMLP(l, op, l.identity(leaf), &perHead, label + "_part");
    if (failed(w))
      return failure();
    if (l.errorOf(*w) >= 0.25)
      return op.emitOpError("cannot be lowered to craft: the one-hot of a "
                            "factorised width's head is off by ")
             << l.errorOf(*w) << ", more than the clamp units correct";
    onehots.push_back(*w);
  }
  std::vector<int64_t> readings;
  for (const PyValue &w : perHead)
    readings.push_back(w.getInt());
  std::vector<std::vector<int64_t>> values(onehots.size(), readings);
  onehots.push_back(l.one);
  Value sum = l.buildMLP(op.getLoc(), synth::sumOfOneHotValues(values), onehots,
                         l.spaceFor(l.uniqueLabel(label + "_sum"), nullptr));
  l.setError(sum, synth::sumOfOneHotValuesError(values));
  FusedValue value = l.identity(l.leafOf(sum, widths, /*numerical=*/true));
  // Decoded like an unfactorised width: a step per pair of adjacent widths.
  value.cost = 2.0 * static_cast<double>(widths.size());
  return value;
}

namespace {
/// Why a factorised width is used: its estimated size against the head over
/// K and Q, and whether the sum of the heads' widths decodes at once.
struct FactorisedChoice {
  double factorisedSize = 0, wholeSize = 0;
  bool atOnce = false;
};
} // namespace

/// Whether to factorise, from the models' sizes in weights (dense blocks).
/// Unfactorised: the head over K and Q (`|K| |Q|`) and, for each of K and Q
/// not yet materialised, its MLP (`|K|` units reading `a` and `b` and
/// writing `K`). Factorised: per rectangle a head over the one-hots of `a`
/// and `b`, then either one decoder of the sum (at once; about
/// `4 (N + 1)^2`) or, where the dry run refuses that, the sum of the
/// heads' decoded widths (summedWidth). Decoded at once, the factorised width
/// is used where its heads come an attention layer earlier (as before) or, at
/// the same depth, where it is at least four times smaller (over exact
/// operands, checked by the caller). The summed width
/// takes two MLP layers after the heads instead of one: it is used only
/// where the heads come an attention layer earlier (so it ends at most one
/// layer later than the unfactorised width) and it is at least four times
/// smaller (the rule of docs/exactness.md, 7.4, for exact widths).
static std::optional<FactorisedChoice>
chooseFactorised(Lowering &l, Value keys, Value queries,
                 std::array<Value, 4> operands, size_t rects, size_t widths,
                 bool earlier, llvm::function_ref<bool()> decodesAtOnce) {
  auto size = [&](Value v) {
    return static_cast<double>(l.info(v).values.size());
  };
  FactorisedChoice c;
  c.wholeSize = size(keys) * size(queries);
  for (auto [v, a, b] : {std::make_tuple(keys, operands[0], operands[1]),
                         std::make_tuple(queries, operands[2], operands[3])}) {
    if (!l.info(v).space)
      c.wholeSize += size(v) * (size(a) + size(b) + size(v));
    if (keys == queries)
      break;
  }
  double n = static_cast<double>(l.synthesis.maxSeqLen) + 1;
  double r = static_cast<double>(rects);
  double heads = r * (size(operands[2]) + size(operands[3]) + 2) *
                 (size(operands[0]) + size(operands[1]) + 2);
  double atOnce = heads + 4.0 * n * n;
  // The summed width: a decoder per head (2 (N + 1) units between one input
  // and N + 1 outputs), the sum (two clamp units per entry of the r
  // one-hots, one output) and its decoder (2 |W| units, |W| outputs).
  double w = static_cast<double>(widths);
  double cut = heads + r * 2.0 * n * (n + 3) + 2.0 * r * n * (r * n + 2) +
               2.0 * w * (w + 3);
  bool atOnceSmaller = 4.0 * atOnce <= c.wholeSize;
  if (!earlier && !atOnceSmaller)
    return std::nullopt;
  c.atOnce = decodesAtOnce();
  c.factorisedSize = c.atOnce ? atOnce : cut;
  if (c.atOnce ? earlier || atOnceSmaller : earlier && 4.0 * cut <= c.wholeSize)
    return c;
  return std::nullopt;
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

/// Whether factorising can pay off: std::nullopt where the heads would come
/// after a head reading K and Q, or at the same depth over operands that
/// are not exact materialised subspaces, or where the relation's table is
/// too large; else whether the heads come an attention layer earlier (at
/// the same depth, chooseFactorised judges the sizes).
static std::optional<bool> paysOff(Lowering &l, const FactorisedSelect &m) {
  int64_t factorised = -1, whole = -1;
  for (Value v : {m.ak, m.bk, m.aq, m.bq})
    factorised = std::max(factorised, depthAfterMaterialising(l, v));
  for (Value v : {m.keys, m.queries})
    whole = std::max(whole, depthAfterMaterialising(l, v));
  int64_t factorisedSlot =
      craft::placement::slotAfter(craft::SublayerKind::Attention, factorised);
  int64_t wholeSlot =
      craft::placement::slotAfter(craft::SublayerKind::Attention, whole);
  if (factorisedSlot > wholeSlot)
    return std::nullopt;
  bool earlier = factorisedSlot < wholeSlot;
  // At equal depth the sum must decode at once, or the cut would add a
  // layer: only over exact materialised operands, where the dry run (exact
  // operands) is what materialisation will synthesise.
  if (!earlier &&
      llvm::any_of(std::array<Value, 4>{m.ak, m.bk, m.aq, m.bq}, [&](Value v) {
        Value space = l.info(v).space;
        return !space || l.isNoisy(space);
      }))
    return std::nullopt;
  // The relation's table; beyond max-table-entries only while no larger
  // than the table of the head over K and Q it replaces.
  const ValueSet &vak = l.info(m.ak).values, &vbk = l.info(m.bk).values;
  const ValueSet &vaq = l.info(m.aq).values, &vbq = l.info(m.bq).values;
  double entries =
      static_cast<double>(vak.size()) * vbk.size() * vaq.size() * vbq.size();
  if (entries > static_cast<double>(l.options.maxTableEntries) &&
      entries > static_cast<double>(l.info(m.keys).values.size()) *
                    static_cast<double>(l.info(m.queries).values.size()))
    return std::nullopt;
  return earlier;
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

/// With fusion remarks: why the width is factorised.
static void remarkChoice(Lowering &l, SelectorWidthOp op, size_t rects,
                         const FactorisedChoice &choice, bool earlier) {
  if (!l.options.encodingRemarks && !l.options.fusionRemarks)
    return;
  emitRemark(op.getLoc())
      << "selector width factorised into " << rects
      << " rectangle heads over the one-hots of its operands' operands: "
      << "about " << static_cast<int64_t>(choice.factorisedSize)
      << " weights instead of " << static_cast<int64_t>(choice.wholeSize)
      << " for a head over the keys and queries; "
      << (choice.atOnce ? "the sum of the heads' widths is decoded at once"
                        : "the dry run refused to decode the sum at once: "
                          "each head's width is decoded, then their sum "
                          "through clamp units (two MLP layers after the "
                          "heads)")
      << (earlier ? "; the heads come an attention layer earlier"
                  : "; the heads come in the same layer");
}

FailureOr<bool> mlir::rasp::lowering::lowerFactorisedWidth(
    Lowering &l, SelectorWidthOp op, const ValueSet &widths, bool numerical,
    const std::string &label) {
  FailureOr<std::optional<FactorisedSelect>> match =
      matchFactorisedSelect(l, op);
  if (failed(match))
    return failure();
  if (!*match)
    return false;
  const FactorisedSelect &m = **match;
  std::optional<bool> earlier = paysOff(l, m);
  if (!earlier)
    return false;
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
  std::optional<FactorisedChoice> choice =
      chooseFactorised(l, m.keys, m.queries, {m.ak, m.bk, m.aq, m.bq},
                       rects.size(), widths.size(), *earlier, [&] {
                         return tuples && decoderFits(l, *tuples, rects.size(),
                                                      maxWidth, widths, cost);
                       });
  if (!choice)
    return false;
  remarkChoice(l, op, rects.size(), *choice, *earlier);

  FailureOr<SmallVector<unsigned, 4>> leaves =
      emitRectangleHeads(l, op, m, rects, label);
  if (failed(leaves))
    return failure();
  SOpInfo info{Value(), widths, numerical, std::nullopt, label};
  if (!choice->atOnce) {
    FailureOr<FusedValue> sum =
        summedWidth(l, op, *leaves, headWidths(l), widths, label);
    if (failed(sum))
      return failure();
    info.fused = std::move(*sum);
    l.define(op.getResult(), std::move(info));
    return true;
  }
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

  // If the sum cannot be decoded at once after all: each head's width
  // first, then a lookup of their sum.
  FusionDecision decision;
  decision.leaves = value.leaves;
  decision.points = static_cast<double>(value.numPoints());
  decision.unfusedUnits = cost;
  decision.fallback = Fallback::WidthParts;
  l.plan.record(op, std::move(decision));
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
