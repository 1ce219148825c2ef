//===- IndexArithmetic.cpp - Selectors that compare position arithmetic ---===//
//
// An SOp of `indices` alone is tabulated over the N positions by evaluating
// its element functions; a selector between two such SOps is then a
// relation between positions, checked pair by pair (N^2 evaluations, as
// many as the categorical table the lowering would otherwise build) against
// "i_k == m i_q + d". The check is exact: every position holds its table
// value, so the relation is the selector on every input.
//
//===----------------------------------------------------------------------===//

#include "RaspDialect/Analysis/IndexArithmetic.h"

#include "RaspDialect/Semantics/ElementFunction.h"

#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/TypeSwitch.h"

#include <array>
#include <cmath>
#include <map>

using namespace mlir;
using namespace mlir::rasp;

/// An element function, or nothing (without a diagnostic: the lowering
/// reports unsupported bodies itself).
static std::optional<ElementFunction> functionOf(Region &body) {
  ScopedDiagnosticHandler quiet(body.getContext(),
                                [](Diagnostic &) { return success(); });
  FailureOr<ElementFunction> fn = ElementFunction::get(body);
  if (failed(fn))
    return std::nullopt;
  return *fn;
}

IndexArithmetic::IndexArithmetic(ProgramOp program, int64_t maxSeqLen)
    : n(maxSeqLen) {
  program.getBody().walk([&](Operation *op) {
    if (isa<SelectOp, SelectWhereOp>(op))
      analyse(op);
  });
}

const std::vector<PyValue> *IndexArithmetic::tableOf(Value sop) {
  auto [it, inserted] = tables.try_emplace(sop);
  if (!inserted)
    return it->second ? &*it->second : nullptr;
  std::optional<std::vector<PyValue>> table;
  Operation *def = sop.getDefiningOp();
  auto apply = [&](Region &body, ArrayRef<const std::vector<PyValue> *> args) {
    std::optional<ElementFunction> fn = functionOf(body);
    if (!fn || llvm::is_contained(args, nullptr))
      return;
    std::vector<PyValue> out;
    SmallVector<PyValue, 2> argv(args.size());
    for (int64_t i = 0; i < n; ++i) {
      for (auto [k, arg] : llvm::enumerate(args))
        argv[k] = (*arg)[i];
      FailureOr<PyValue> v = (*fn)(argv);
      if (failed(v))
        return;
      out.push_back(*v);
    }
    table = std::move(out);
  };
  llvm::TypeSwitch<Operation *>(def)
      .Case<IndicesOp>([&](IndicesOp) {
        table.emplace();
        for (int64_t i = 0; i < n; ++i)
          table->push_back(PyValue::integer(i));
      })
      .Case<FullOp>([&](FullOp full) {
        if (FailureOr<PyValue> v = fromAttr(full.getFill()); succeeded(v))
          table = std::vector<PyValue>(n, *v);
      })
      .Case<MapOp>(
          [&](MapOp map) { apply(map.getBody(), {tableOf(map.getInput())}); })
      .Case<SequenceMapOp>([&](SequenceMapOp seq) {
        apply(seq.getBody(), {tableOf(seq.getLhs()), tableOf(seq.getRhs())});
      })
      .Default([](Operation *) {});
  // Recursion may have rehashed the map.
  auto &slot = tables[sop];
  slot = std::move(table);
  return slot ? &*slot : nullptr;
}

void IndexArithmetic::analyse(Operation *select) {
  Value result = select->getResult(0);
  Value keys = select->getOperand(0), queries = select->getOperand(1);
  // Only heads read the selector directly: inside selector_and/or/not it is
  // one factor of a table.
  bool headsOnly = !result.use_empty() &&
                   llvm::all_of(result.getUsers(), [](Operation *user) {
                     return isa<AggregateOp, SelectorWidthOp>(user);
                   });
  if (!headsOnly || n < 1)
    return;
  const std::vector<PyValue> *k = tableOf(keys);
  const std::vector<PyValue> *q = tableOf(queries);
  if (!k || !q) {
    if (auto eq = dyn_cast<SelectOp>(select);
        eq && eq.getPredicate() == Comparison::Eq)
      analyseAffine(eq);
    return;
  }

  std::function<FailureOr<bool>(const PyValue &, const PyValue &)> pred;
  if (auto cmp = dyn_cast<SelectOp>(select)) {
    Comparison c = cmp.getPredicate();
    pred = [c](const PyValue &key, const PyValue &query) -> FailureOr<bool> {
      llvm::Expected<bool> r = py::compare(c, key, query);
      if (!r) {
        llvm::consumeError(r.takeError());
        return failure();
      }
      return *r;
    };
  } else {
    std::optional<ElementFunction> fn =
        functionOf(cast<SelectWhereOp>(select).getBody());
    if (!fn)
      return;
    pred = [fn](const PyValue &key, const PyValue &query) -> FailureOr<bool> {
      PyValue args[] = {key, query};
      FailureOr<PyValue> r = (*fn)(args);
      if (failed(r))
        return failure();
      return py::truthy(*r);
    };
  }

  // The relation, one selected key per query at most.
  std::vector<int64_t> selected(n, -1);
  for (int64_t iq = 0; iq < n; ++iq)
    for (int64_t ik = 0; ik < n; ++ik) {
      FailureOr<bool> r = pred((*k)[ik], (*q)[iq]);
      if (failed(r))
        return;
      if (!*r)
        continue;
      if (selected[iq] >= 0)
        return; // Several keys: not a function of the query's position.
      selected[iq] = ik;
    }

  // The line through the selected pairs: two of them fix m and d; a single
  // pair is tried with the slopes 1, 0 and -1.
  SmallVector<std::pair<int64_t, int64_t>> candidates;
  int64_t first = -1;
  for (int64_t iq = 0; iq < n; ++iq) {
    if (selected[iq] < 0)
      continue;
    if (first < 0) {
      first = iq;
      continue;
    }
    int64_t dk = selected[iq] - selected[first], dq = iq - first;
    if (dk % dq)
      return;
    int64_t m = dk / dq;
    candidates.push_back({m, selected[first] - m * first});
    break;
  }
  if (first < 0)
    return; // Selects nothing: the table is empty anyway.
  if (candidates.empty())
    for (int64_t m : {1, 0, -1})
      candidates.push_back({m, selected[first] - m * first});
  for (auto [m, d] : candidates) {
    bool fits = true;
    for (int64_t iq = 0; iq < n && fits; ++iq) {
      int64_t ik = m * iq + d;
      fits = selected[iq] == (ik >= 0 && ik < n ? ik : -1);
    }
    if (!fits)
      continue;
    IndexSelectorPlan plan;
    plan.slope = m;
    plan.offset = d;
    // Categorical: a |query values| x |key values| table. Quadratic: W_QK
    // over (i, i^2, one, bos) on both sides, and the two position features
    // in the embedding.
    auto distinct = [](const std::vector<PyValue> &t) {
      std::vector<std::string> reprs;
      for (const PyValue &v : t)
        reprs.push_back(v.typeName().str() + v.repr());
      llvm::sort(reprs);
      return static_cast<int64_t>(std::unique(reprs.begin(), reprs.end()) -
                                  reprs.begin());
    };
    int64_t queryValues = distinct(*q), keyValues = distinct(*k);
    plan.categoricalCost = queryValues * keyValues;
    // The two features are residual directions the table does not need:
    // each is counted as the query and key rows it replaces, so that short
    // models (the library's, N <= 10) keep their tables and widths.
    plan.quadraticCost = 16 + 2 * n + 2 * (queryValues + keyValues);
    // docs/exactness.md (7.2): every partial sum of the score is a
    // half-integer of magnitude at most (N + |m| N + |d|)^2 + d^2 + 2.
    double span = static_cast<double>(n) * (1 + std::abs(m)) + std::abs(d);
    double bound = span * span + static_cast<double>(d) * d + 2;
    if (bound >= kMaxExactScore) {
      plan.reason = "the quadratic score would reach " +
                    std::to_string(static_cast<int64_t>(bound)) +
                    ", beyond what float32 computes exactly (2^22)";
    } else if (plan.quadraticCost >= plan.categoricalCost) {
      plan.reason = "the categorical table (" +
                    std::to_string(plan.categoricalCost) +
                    " entries) is not larger than the quadratic head (" +
                    std::to_string(plan.quadraticCost) + ")";
    } else {
      plan.quadratic = true;
      plan.reason = std::to_string(plan.quadraticCost) +
                    " weights instead of a table of " +
                    std::to_string(plan.categoricalCost) + " entries";
    }
    plans[result] = std::move(plan);
    return;
  }
}

//===----------------------------------------------------------------------===//
// Affine positions of a selector width (docs/exactness.md, 7.4)
//===----------------------------------------------------------------------===//

std::optional<AffinePosition> IndexArithmetic::formOf(Value sop) {
  if (auto it = forms.find(sop); it != forms.end())
    return it->second;
  std::optional<AffinePosition> form = computeForm(sop);
  // Recursion may have rehashed the map.
  forms[sop] = form;
  return form;
}

/// Fits `r(w, i) == A w + B i + C` over every width value w (or w = 0 if
/// there is no width) and position i < n, from three points, then checks it
/// on all of them.
static std::optional<AffinePosition>
fitForm(Value width, ArrayRef<int64_t> widths, int64_t n,
        llvm::function_ref<std::optional<int64_t>(int64_t, int64_t)> r) {
  SmallVector<int64_t, 1> none = {0};
  ArrayRef<int64_t> ws = width ? widths : ArrayRef<int64_t>(none);
  if (ws.empty() || n < 1)
    return std::nullopt;
  std::optional<int64_t> c0 = r(ws[0], 0);
  if (!c0)
    return std::nullopt;
  AffinePosition form;
  if (n > 1) {
    std::optional<int64_t> c1 = r(ws[0], 1);
    if (!c1)
      return std::nullopt;
    form.indexCoeff = *c1 - *c0;
  }
  if (ws.size() > 1) {
    std::optional<int64_t> c1 = r(ws[1], 0);
    if (!c1 || (*c1 - *c0) % (ws[1] - ws[0]))
      return std::nullopt;
    form.widthCoeff = (*c1 - *c0) / (ws[1] - ws[0]);
  }
  form.constant = *c0 - form.widthCoeff * ws[0];
  form.lo = INT64_MAX;
  form.hi = INT64_MIN;
  for (int64_t w : ws)
    for (int64_t i = 0; i < n; ++i) {
      int64_t expected =
          form.widthCoeff * w + form.indexCoeff * i + form.constant;
      std::optional<int64_t> v = r(w, i);
      if (!v || *v != expected)
        return std::nullopt;
      form.lo = std::min(form.lo, expected);
      form.hi = std::max(form.hi, expected);
    }
  if (form.widthCoeff != 0) {
    form.width = width;
    form.widths.assign(widths.begin(), widths.end());
  }
  return form;
}

static int64_t valueAt(const AffinePosition &f, int64_t w, int64_t i) {
  return f.widthCoeff * w + f.indexCoeff * i + f.constant;
}

/// An int result of `fn`, or nothing (bools and floats are not positions).
static std::optional<int64_t> callInt(const ElementFunction &fn,
                                      ArrayRef<PyValue> args) {
  FailureOr<PyValue> v = fn(args);
  if (failed(v) || !v->isInt())
    return std::nullopt;
  return v->getInt();
}

std::optional<AffinePosition> IndexArithmetic::computeForm(Value sop) {
  Operation *def = sop.getDefiningOp();
  if (!def)
    return std::nullopt;
  if (isa<IndicesOp>(def)) {
    AffinePosition form;
    form.indexCoeff = 1;
    form.hi = n - 1;
    return form;
  }
  if (auto full = dyn_cast<FullOp>(def)) {
    FailureOr<PyValue> v = fromAttr(full.getFill());
    if (failed(v) || !v->isInt())
      return std::nullopt;
    AffinePosition form;
    form.constant = form.lo = form.hi = v->getInt();
    return form;
  }
  if (auto width = dyn_cast<SelectorWidthOp>(def)) {
    Attribute attr = def->getAttr(RASPDialect::getValuesAttrName());
    FailureOr<ValueSet> values =
        attr ? fromArrayAttr(attr) : FailureOr<ValueSet>(failure());
    if (failed(values))
      return std::nullopt;
    AffinePosition form;
    for (const PyValue &v : *values) {
      if (v.isNone())
        continue;
      if (!v.isInt() || v.getInt() < 0)
        return std::nullopt;
      form.widths.push_back(v.getInt());
    }
    llvm::sort(form.widths);
    form.widths.erase(std::unique(form.widths.begin(), form.widths.end()),
                      form.widths.end());
    if (form.widths.empty())
      return std::nullopt;
    form.width = sop;
    form.widthCoeff = 1;
    form.lo = form.widths.front();
    form.hi = form.widths.back();
    return form;
  }
  // A map or sequence_map of affine positions that reads at most one width.
  SmallVector<AffinePosition, 2> args;
  Region *body = nullptr;
  if (auto map = dyn_cast<MapOp>(def)) {
    body = &map.getBody();
    if (std::optional<AffinePosition> f = formOf(map.getInput()))
      args.push_back(*f);
  } else if (auto seq = dyn_cast<SequenceMapOp>(def)) {
    body = &seq.getBody();
    std::optional<AffinePosition> l = formOf(seq.getLhs());
    std::optional<AffinePosition> r = formOf(seq.getRhs());
    if (l && r) {
      args.push_back(*l);
      args.push_back(*r);
    }
  }
  if (!body || args.empty())
    return std::nullopt;
  Value width;
  std::vector<int64_t> widths;
  for (const AffinePosition &a : args) {
    if (!a.width)
      continue;
    if (width && width != a.width)
      return std::nullopt;
    width = a.width;
    widths = a.widths;
  }
  if (!width)
    return std::nullopt; // Functions of indices alone are tabulated.
  std::optional<ElementFunction> fn = functionOf(*body);
  if (!fn)
    return std::nullopt;
  // The function is called once per distinct argument tuple.
  std::map<std::pair<int64_t, int64_t>, std::optional<int64_t>> memo;
  auto r = [&](int64_t w, int64_t i) -> std::optional<int64_t> {
    int64_t x = valueAt(args[0], w, i);
    int64_t y = args.size() > 1 ? valueAt(args[1], w, i) : 0;
    auto [it, inserted] = memo.try_emplace({x, y});
    if (inserted) {
      SmallVector<PyValue, 2> argv = {PyValue::integer(x)};
      if (args.size() > 1)
        argv.push_back(PyValue::integer(y));
      it->second = callInt(*fn, argv);
    }
    return it->second;
  };
  return fitForm(width, widths, n, r);
}

void IndexArithmetic::analyseAffine(SelectOp select) {
  std::optional<AffinePosition> k = formOf(select.getKeys());
  std::optional<AffinePosition> q = formOf(select.getQueries());
  if (!k || !q || (!k->width && !q->width))
    return;
  IndexSelectorPlan plan;
  // A side that reads a width is its exact numerical value x (7.4); the
  // others are the position feature i with the side's coefficients.
  auto coeff = [](const AffinePosition &f) {
    return f.width ? 1 : f.indexCoeff;
  };
  auto constant = [](const AffinePosition &f) {
    return f.width ? 0 : f.constant;
  };
  auto magnitude = [&](const AffinePosition &f) {
    return f.width ? std::max(std::abs(f.lo), std::abs(f.hi)) : n - 1;
  };
  plan.a = coeff(*k);
  plan.b = -coeff(*q);
  plan.c = constant(*k) - constant(*q);
  // Categorical: the table over both value sets and, for a side that mixes
  // the width with positions, the table of its (w, i) pairs. Quadratic: the
  // clean copy of the width's one-hot (two clamp units per value), x and
  // x^2 (a unit per value, and one more per value for the product with i),
  // the head, and the residual directions as in 7.3.
  auto values = [](const AffinePosition &f) { return f.hi - f.lo + 1; };
  int64_t kv = values(*k), qv = values(*q);
  plan.categoricalCost = kv * qv;
  plan.quadraticCost = 16 + 2 * (kv + qv);
  for (const AffinePosition *f : {&*k, &*q}) {
    if (!f->width)
      continue;
    int64_t widths = f->widths.size();
    if (f->indexCoeff != 0)
      plan.categoricalCost += widths * n;
    plan.quadraticCost +=
        6 * widths + (f->indexCoeff != 0 ? 4 * widths + 4 : 0);
  }
  plan.keyForm = std::move(*k);
  plan.queryForm = std::move(*q);
  // 7.2 with the sides' magnitudes in place of N.
  double span =
      static_cast<double>(std::abs(plan.a)) * magnitude(*plan.keyForm) +
      static_cast<double>(std::abs(plan.b)) * magnitude(*plan.queryForm) +
      std::abs(plan.c);
  double bound = span * span + static_cast<double>(plan.c) * plan.c + 2;
  // Without a side that mixes the width with positions there is no (w, i)
  // table to save: the categorical head reads one-hots the model holds
  // anyway, and the exact width would only add layers (sort's target_pos).
  bool mixes = llvm::any_of(
      std::array{&*plan.keyForm, &*plan.queryForm},
      [](const AffinePosition *f) { return f->width && f->indexCoeff != 0; });
  if (!mixes) {
    plan.reason = "no side mixes the width with positions, so there is no "
                  "table of (width, position) pairs to save and the exact "
                  "width features would only add layers";
  } else if (bound >= kMaxExactScore) {
    plan.reason = "the quadratic score would reach " +
                  std::to_string(static_cast<int64_t>(bound)) +
                  ", beyond what float32 computes exactly (2^22)";
  } else if (4 * plan.quadraticCost >= plan.categoricalCost) {
    // The exact width takes up to two more MLP layers than the table.
    plan.reason = "the categorical tables (" +
                  std::to_string(plan.categoricalCost) +
                  " entries) are not 4 times larger than the quadratic "
                  "head and its exact width features (" +
                  std::to_string(plan.quadraticCost) +
                  "), which take up to two more layers";
  } else {
    plan.quadratic = true;
    plan.reason = std::to_string(plan.quadraticCost) +
                  " weights for the head and its exact width features "
                  "instead of tables of " +
                  std::to_string(plan.categoricalCost) + " entries";
  }
  plans[select.getResult()] = std::move(plan);
}
