//===- SelectorFacts.cpp - Input-independent facts about selectors --------===//
//
// A selector built from `select` / `select_where` and `selector_and/or/not`
// over one pair (keys, queries) is viewed as a single predicate on (key value,
// query value); proofs enumerate it over the value sets, which is exact
// because every position holds a value of its SOp's set.
//
//===----------------------------------------------------------------------===//

#include "RaspDialect/Analysis/SelectorFacts.h"

#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/DenseMap.h"

#include <cmath>
#include <unordered_set>

using namespace mlir;
using namespace mlir::rasp;

namespace {
/// A selector as one predicate over the values of `keys` and `queries`.
struct PredicateView {
  Value keys, queries;
  /// Whether a key holding `k` is selected for a query holding `q`; failure
  /// if the predicate cannot be evaluated.
  std::function<FailureOr<bool>(const PyValue &k, const PyValue &q)> eval;
  /// The selector is exactly `select(keys, queries, eq)`.
  bool pureEq = false;
};

struct PyValueHash {
  size_t operator()(const PyValue &v) const { return hash_value(v); }
};

/// True if no two of `values` are equal and none is None.
bool allDistinct(llvm::ArrayRef<PyValue> values) {
  std::unordered_set<PyValue, PyValueHash> seen;
  for (const PyValue &v : values)
    if (v.isNone() || !seen.insert(v).second)
      return false;
  return true;
}
} // namespace

struct SelectorFacts::Impl {
  std::function<const ValueSet *(Value)> valuesOf;
  bool causal;
  llvm::DenseMap<Operation *, std::optional<ElementFunction>> functions;
  llvm::DenseMap<Value, bool> injective, uniform, noneable;

  /// The value set of `v`; an empty set if unknown (nothing is then proved
  /// from it, as every proof needs a non-trivial enumeration or structure).
  const ValueSet &set(Value v) {
    static const ValueSet empty;
    const ValueSet *s = valuesOf(v);
    return s ? *s : empty;
  }

  bool known(Value v) { return valuesOf(v) != nullptr; }

  /// The evaluator of `op`'s body (cheap to copy), or nullopt if it has none
  /// we can run. Diagnostics are swallowed: basis inference reported them.
  std::optional<ElementFunction> function(Operation *op) {
    auto [it, inserted] = functions.try_emplace(op);
    if (inserted) {
      ScopedDiagnosticHandler silence(op->getContext(),
                                      [](Diagnostic &) { return success(); });
      FailureOr<ElementFunction> fn = ElementFunction::get(op->getRegion(0));
      if (succeeded(fn))
        it->second = *fn;
    }
    return it->second;
  }

  std::optional<PredicateView> view(Value selector);
  bool alwaysSelectsSome(Value selector);
  bool selectsAtMostOne(Value selector);
  bool isPositionInjective(Value sop);
  bool computeInjective(Value sop);
  bool isUniform(Value sop);
  bool mayBeNone(Value sop);
  FailureOr<ValueSet> evaluateOnAll(Operation *op, const ValueSet &lhs,
                                    const ValueSet *rhs);
  bool selectsEqualValues(Value selector, Value sop);
  bool isFunctionOf(Value sop, Value root, llvm::DenseMap<Value, bool> &memo);
  FailureOr<PyValue> evalAt(Value sop, Value root, const PyValue &rootValue,
                            llvm::DenseMap<Value, PyValue> &memo);
};

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

bool SelectorFacts::Impl::isPositionInjective(Value sop) {
  auto it = injective.find(sop);
  if (it != injective.end())
    return it->second;
  bool result = known(sop) && computeInjective(sop);
  injective[sop] = result;
  return result;
}

/// True if `v` holds statically typed values: its value set then lists every
/// value it can hold exactly (a dynamically typed set merges 1 and 1.0).
static bool isStaticallyTyped(Value v) {
  return !isa<AnyValueType>(cast<SOpType>(v.getType()).getValueType());
}

bool SelectorFacts::Impl::computeInjective(Value sop) {
  Operation *op = sop.getDefiningOp();
  if (isa_and_nonnull<IndicesOp>(op))
    return true;
  if (op && !llvm::all_of(op->getOperands(), [](Value v) {
        return !isa<SOpType>(v.getType()) || isStaticallyTyped(v);
      }))
    return false;
  if (auto map = dyn_cast_or_null<MapOp>(op)) {
    if (!isPositionInjective(map.getInput()))
      return false;
    FailureOr<ValueSet> results =
        evaluateOnAll(map, set(map.getInput()), nullptr);
    return succeeded(results) && allDistinct(*results);
  }
  if (isa_and_nonnull<SequenceMapOp, LinearSequenceMapOp>(op)) {
    Value lhs = op->getOperand(0), rhs = op->getOperand(1);
    bool injL = isPositionInjective(lhs), injR = isPositionInjective(rhs);
    if (!injL && !injR)
      return false;
    const ValueSet &xs = set(lhs), &ys = set(rhs);
    FailureOr<ValueSet> results = evaluateOnAll(op, xs, &ys);
    if (failed(results))
      return false;
    // Distinct (x, y) pairs give distinct results.
    if (allDistinct(*results))
      return true;
    // One operand is the same at every position: the function restricted to
    // each of its values must be injective in the other operand.
    auto distinctPer = [&](bool perY) {
      size_t outer = perY ? ys.size() : xs.size();
      size_t inner = perY ? xs.size() : ys.size();
      ValueSet group;
      for (size_t o = 0; o < outer; ++o) {
        group.clear();
        for (size_t in = 0; in < inner; ++in)
          group.push_back(
              (*results)[perY ? in * ys.size() + o : o * ys.size() + in]);
        if (!allDistinct(group))
          return false;
      }
      return true;
    };
    return (injL && isUniform(rhs) && distinctPer(/*perY=*/true)) ||
           (injR && isUniform(lhs) && distinctPer(/*perY=*/false));
  }
  // The number of keys strictly below (or above, or with <=, >=) a query in
  // a strict total order is its rank, distinct for distinct values. A causal
  // mask counts within a prefix only, which breaks this.
  if (auto width = dyn_cast_or_null<SelectorWidthOp>(op)) {
    auto select = width.getSelector().getDefiningOp<SelectOp>();
    if (causal || !select || select.getKeys() != select.getQueries())
      return false;
    Comparison pred = select.getPredicate();
    if (pred != Comparison::Lt && pred != Comparison::Leq &&
        pred != Comparison::Gt && pred != Comparison::Geq)
      return false;
    const ValueSet &keys = set(select.getKeys());
    bool allStr =
        llvm::all_of(keys, [](const PyValue &v) { return v.isStr(); });
    bool allNum = llvm::all_of(keys, [](const PyValue &v) {
      return v.isNumber() && !std::isnan(v.toDouble());
    });
    return (allStr || allNum) && isPositionInjective(select.getKeys());
  }
  return false;
}

/// `op`'s function on every input (pairs from lhs x rhs, row-major, for
/// two-operand ops); failure if an evaluation fails or the budget is spent.
FailureOr<ValueSet> SelectorFacts::Impl::evaluateOnAll(Operation *op,
                                                       const ValueSet &lhs,
                                                       const ValueSet *rhs) {
  size_t count = lhs.size() * (rhs ? rhs->size() : 1);
  if (count > kMaxFactEvaluations)
    return failure();
  ValueSet results;
  results.reserve(count);
  auto linear = dyn_cast<LinearSequenceMapOp>(op);
  std::optional<ElementFunction> fn;
  if (!linear)
    fn = function(op);
  if (!linear && !fn)
    return failure();
  for (const PyValue &x : lhs) {
    if (!rhs) {
      FailureOr<PyValue> r = (*fn)({x});
      if (failed(r))
        return failure();
      results.push_back(*r);
      continue;
    }
    for (const PyValue &y : *rhs) {
      if (linear) {
        llvm::Expected<PyValue> r = evaluateLinearSequenceMap(linear, x, y);
        if (!r) {
          llvm::consumeError(r.takeError());
          return failure();
        }
        results.push_back(*r);
        continue;
      }
      PyValue args[] = {x, y};
      FailureOr<PyValue> r = (*fn)(args);
      if (failed(r))
        return failure();
      results.push_back(*r);
    }
  }
  return results;
}

/// True if every position of `sop` holds the same value (for each input):
/// constants, the width of an all-true selector without causal masks, and
/// elementwise functions of such SOps.
bool SelectorFacts::Impl::isUniform(Value sop) {
  auto it = uniform.find(sop);
  if (it != uniform.end())
    return it->second;
  Operation *op = sop.getDefiningOp();
  bool result = false;
  if (isa_and_nonnull<FullOp>(op)) {
    result = true;
  } else if (auto width = dyn_cast_or_null<SelectorWidthOp>(op)) {
    auto select = width.getSelector().getDefiningOp<SelectOp>();
    result = !causal && select &&
             (select.getPredicate() == Comparison::True ||
              select.getPredicate() == Comparison::False);
  } else if (isa_and_nonnull<MapOp, SequenceMapOp, LinearSequenceMapOp>(op)) {
    result =
        llvm::all_of(op->getOperands(), [&](Value v) { return isUniform(v); });
  }
  uniform[sop] = result;
  return result;
}

/// True if `sop` is an elementwise function of `root` alone: built from
/// `root` and constants by maps and sequence maps.
bool SelectorFacts::Impl::isFunctionOf(Value sop, Value root,
                                       llvm::DenseMap<Value, bool> &memo) {
  if (sop == root)
    return true;
  auto it = memo.find(sop);
  if (it != memo.end())
    return it->second;
  Operation *op = sop.getDefiningOp();
  bool result = false;
  if (isa_and_nonnull<FullOp>(op))
    result = true;
  else if (isa_and_nonnull<MapOp, SequenceMapOp, LinearSequenceMapOp>(op))
    result = llvm::all_of(op->getOperands(), [&](Value operand) {
      return isFunctionOf(operand, root, memo);
    });
  memo[sop] = result;
  return result;
}

/// The value of `sop` at a position where `root` holds `rootValue`, for an
/// `sop` that isFunctionOf `root`.
FailureOr<PyValue>
SelectorFacts::Impl::evalAt(Value sop, Value root, const PyValue &rootValue,
                            llvm::DenseMap<Value, PyValue> &memo) {
  if (sop == root)
    return rootValue;
  auto it = memo.find(sop);
  if (it != memo.end())
    return it->second;
  Operation *op = sop.getDefiningOp();
  if (auto full = dyn_cast<FullOp>(op))
    return fromAttr(full.getFill());
  SmallVector<PyValue, 2> args;
  for (Value operand : op->getOperands()) {
    FailureOr<PyValue> v = evalAt(operand, root, rootValue, memo);
    if (failed(v))
      return failure();
    // A function of None is None, without running the body.
    if (v->isNone())
      return memo[sop] = PyValue::none();
    args.push_back(*v);
  }
  FailureOr<PyValue> result = failure();
  if (auto linear = dyn_cast<LinearSequenceMapOp>(op)) {
    llvm::Expected<PyValue> r =
        evaluateLinearSequenceMap(linear, args[0], args[1]);
    if (!r) {
      llvm::consumeError(r.takeError());
      return failure();
    }
    result = *r;
  } else if (std::optional<ElementFunction> fn = function(op)) {
    result = (*fn)(args);
  }
  if (succeeded(result))
    memo[sop] = *result;
  return result;
}

/// True unless `sop` is proved never to hold None: None comes from a
/// constant None, an aggregate with a None default that may select nothing,
/// or a function whose result type can hold None, and propagates through
/// functions.
bool SelectorFacts::Impl::mayBeNone(Value sop) {
  auto it = noneable.find(sop);
  if (it != noneable.end())
    return it->second;
  Operation *op = sop.getDefiningOp();
  bool result = true;
  if (isa_and_nonnull<TokensOp, IndicesOp, SelectorWidthOp>(op)) {
    result = false;
  } else if (auto full = dyn_cast_or_null<FullOp>(op)) {
    result = isa<UnitAttr>(full.getFill());
  } else if (auto aggregate = dyn_cast_or_null<AggregateOp>(op)) {
    std::optional<Attribute> def = aggregate.getDefaultValue();
    result = mayBeNone(aggregate.getInput()) ||
             ((!def || isa<UnitAttr>(*def)) &&
              !alwaysSelectsSome(aggregate.getSelector()));
  } else if (isa_and_nonnull<MapOp, SequenceMapOp, LinearSequenceMapOp>(op)) {
    Type type = cast<SOpType>(sop.getType()).getValueType();
    result = isa<AnyValueType, NoneType>(type) ||
             llvm::any_of(op->getOperands(),
                          [&](Value v) { return mayBeNone(v); });
  }
  noneable[sop] = result;
  return result;
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
