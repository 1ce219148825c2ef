//===- SelectorFacts.cpp - Input-independent facts about selectors --------===//
//
// A selector built from `select` / `select_where` and `selector_and/or/not`
// over one pair (keys, queries) is viewed as a single predicate on (key value,
// query value); proofs enumerate it over the value sets, which is exact
// because every position holds a value of its SOp's set.
//
//===----------------------------------------------------------------------===//

#include "SelectorFactsImpl.h"

using namespace mlir;
using namespace mlir::rasp;
using namespace mlir::rasp::detail;

std::optional<PredicateView> SelectorFacts::Impl::view(Value selector) {
  Operation *op = selector.getDefiningOp();
  if (auto select = dyn_cast_or_null<SelectOp>(op)) {
    Comparison pred = select.getPredicate();
    return PredicateView{
        select.getKeys(), select.getQueries(),
        [pred](const PyValue &k, const PyValue &q) -> FailureOr<bool> {
          llvm::Expected<bool> r = py::compare(pred, k, q);
          if (!r) {
            llvm::consumeError(r.takeError());
            return failure();
          }
          return *r;
        },
        pred == Comparison::Eq};
  }
  if (auto where = dyn_cast_or_null<SelectWhereOp>(op)) {
    std::optional<ElementFunction> fn = function(where);
    if (!fn)
      return std::nullopt;
    ElementFunction f = *fn;
    return PredicateView{
        where.getKeys(), where.getQueries(),
        [f](const PyValue &k, const PyValue &q) -> FailureOr<bool> {
          PyValue args[] = {k, q};
          FailureOr<PyValue> r = f(args);
          if (failed(r))
            return failure();
          return py::truthy(*r);
        }};
  }
  if (auto notOp = dyn_cast_or_null<SelectorNotOp>(op)) {
    std::optional<PredicateView> inner = view(notOp.getInput());
    if (!inner)
      return std::nullopt;
    auto eval = inner->eval;
    return PredicateView{
        inner->keys, inner->queries,
        [eval](const PyValue &k, const PyValue &q) -> FailureOr<bool> {
          FailureOr<bool> r = eval(k, q);
          return failed(r) ? r : FailureOr<bool>(!*r);
        }};
  }
  if (isa_and_nonnull<SelectorAndOp, SelectorOrOp>(op)) {
    std::optional<PredicateView> lhs = view(op->getOperand(0));
    std::optional<PredicateView> rhs = view(op->getOperand(1));
    if (!lhs || !rhs || lhs->keys != rhs->keys || lhs->queries != rhs->queries)
      return std::nullopt;
    bool isAnd = isa<SelectorAndOp>(op);
    auto l = lhs->eval, r = rhs->eval;
    return PredicateView{
        lhs->keys, lhs->queries,
        [l, r, isAnd](const PyValue &k, const PyValue &q) -> FailureOr<bool> {
          FailureOr<bool> a = l(k, q), b = r(k, q);
          if (failed(a) || failed(b))
            return failure();
          return isAnd ? (*a && *b) : (*a || *b);
        }};
  }
  return std::nullopt;
}

bool SelectorFacts::Impl::alwaysSelectsSome(Value selector) {
  Operation *op = selector.getDefiningOp();
  if (auto select = dyn_cast_or_null<SelectOp>(op))
    if (select.getPredicate() == Comparison::True)
      return true;
  if (auto orOp = dyn_cast_or_null<SelectorOrOp>(op))
    if (alwaysSelectsSome(orOp.getLhs()) || alwaysSelectsSome(orOp.getRhs()))
      return true;
  // Keys and queries are one SOp, never None, and the predicate is reflexive
  // on its values: the query position selects itself, which a causal mask
  // keeps.
  std::optional<PredicateView> v = view(selector);
  if (!v || v->keys != v->queries || !known(v->keys) || mayBeNone(v->keys))
    return false;
  const ValueSet &values = set(v->keys);
  if (values.size() > kMaxFactEvaluations)
    return false;
  for (const PyValue &x : values) {
    FailureOr<bool> r = v->eval(x, x);
    if (failed(r) || !*r)
      return false;
  }
  return true;
}

bool SelectorFacts::Impl::selectsAtMostOne(Value selector) {
  if (auto andOp = selector.getDefiningOp<SelectorAndOp>())
    if (selectsAtMostOne(andOp.getLhs()) || selectsAtMostOne(andOp.getRhs()))
      return true;
  // Injective keys hold distinct values, so at most one position holds a key
  // value the predicate accepts if it accepts at most one per query value.
  std::optional<PredicateView> v = view(selector);
  if (!v || !isPositionInjective(v->keys) || !known(v->queries))
    return false;
  if (v->pureEq)
    return true; // a deduplicated set holds at most one value equal to q
  const ValueSet &keys = set(v->keys), &queries = set(v->queries);
  if (keys.size() * queries.size() > kMaxFactEvaluations)
    return false;
  for (const PyValue &q : queries) {
    int count = 0;
    for (const PyValue &k : keys) {
      FailureOr<bool> r = v->eval(k, q);
      if (failed(r) || (*r && ++count > 1))
        return false;
    }
  }
  return true;
}

bool SelectorFacts::Impl::selectsEqualValues(Value selector, Value sop) {
  if (!known(sop))
    return false;
  // A None among the selected values is no better than two values.
  if ((set(sop).size() <= 1 && !mayBeNone(sop)) || selectsAtMostOne(selector))
    return true;
  if (auto andOp = selector.getDefiningOp<SelectorAndOp>())
    if (selectsEqualValues(andOp.getLhs(), sop) ||
        selectsEqualValues(andOp.getRhs(), sop))
      return true;
  // `sop` = g(keys): the selected keys' values must agree under g for every
  // query value. Dynamically typed keys are excluded: their value sets merge
  // equal values of different types (1 and 1.0) that g may tell apart.
  std::optional<PredicateView> v = view(selector);
  if (!v || !known(v->keys) || !known(v->queries))
    return false;
  llvm::DenseMap<Value, bool> functionMemo;
  if (!isStaticallyTyped(v->keys) || !isFunctionOf(sop, v->keys, functionMemo))
    return false;
  if (v->pureEq)
    return true; // selected keys all equal the query value
  const ValueSet &keys = set(v->keys), &queries = set(v->queries);
  if (keys.size() * (queries.size() + 1) > kMaxFactEvaluations)
    return false;
  ValueSet g;
  g.reserve(keys.size());
  for (const PyValue &k : keys) {
    llvm::DenseMap<Value, PyValue> memo;
    FailureOr<PyValue> value = evalAt(sop, v->keys, k, memo);
    if (failed(value))
      return false;
    g.push_back(*value);
  }
  for (const PyValue &q : queries) {
    const PyValue *first = nullptr;
    for (auto [k, gk] : llvm::zip(keys, g)) {
      FailureOr<bool> selected = v->eval(k, q);
      if (failed(selected))
        return false;
      if (!*selected)
        continue;
      if (!first)
        first = &gk;
      else if (!first->equals(gk))
        return false;
    }
  }
  return true;
}

//===----------------------------------------------------------------------===//
// SelectorFacts
//===----------------------------------------------------------------------===//

SelectorFacts::SelectorFacts(std::function<const ValueSet *(Value)> valuesOf,
                             bool causal)
    : impl(std::make_unique<Impl>()) {
  impl->valuesOf = std::move(valuesOf);
  impl->causal = causal;
}

SelectorFacts::~SelectorFacts() = default;
SelectorFacts::SelectorFacts(SelectorFacts &&) = default;

bool SelectorFacts::alwaysSelectsSome(Value selector) {
  return impl->alwaysSelectsSome(selector);
}

bool SelectorFacts::selectsAtMostOne(Value selector) {
  return impl->selectsAtMostOne(selector);
}

bool SelectorFacts::isPositionInjective(Value sop) {
  return impl->isPositionInjective(sop);
}

bool SelectorFacts::selectsEqualValues(Value selector, Value sop) {
  return impl->selectsEqualValues(selector, sop);
}
