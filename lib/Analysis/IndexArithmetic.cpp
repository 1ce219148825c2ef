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
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>

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
  if (!k || !q)
    return;

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
