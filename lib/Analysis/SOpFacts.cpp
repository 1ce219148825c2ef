//===- SOpFacts.cpp - Input-independent facts about SOps ------------------===//
//
// Whether an SOp holds distinct values at distinct positions, the same value
// at every position, or possibly None; and the evaluation of an SOp as an
// elementwise function of another. Used by the selector proofs.
//
//===----------------------------------------------------------------------===//

#include "SelectorFactsImpl.h"

#include <cmath>
#include <unordered_set>

using namespace mlir;
using namespace mlir::rasp;
using namespace mlir::rasp::detail;

namespace {
struct PyValueHash {
  size_t operator()(const PyValue &v) const { return hash_value(v); }
};
} // namespace

bool mlir::rasp::detail::allDistinct(llvm::ArrayRef<PyValue> values) {
  std::unordered_set<PyValue, PyValueHash> seen;
  for (const PyValue &v : values)
    if (v.isNone() || !seen.insert(v).second)
      return false;
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
    result =
        isa<AnyValueType, NoneType>(type) ||
        llvm::any_of(op->getOperands(), [&](Value v) { return mayBeNone(v); });
  }
  noneable[sop] = result;
  return result;
}
