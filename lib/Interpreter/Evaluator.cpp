//===- Evaluator.cpp - Semantics of RASP ops on one input -----------------===//
//
// Each op's semantics follows Tracr's DefaultRASPEvaluator (tracr/rasp/rasp.py)
// and CausalEvaluator (tracr/rasp/causal_eval.py).
//
//===----------------------------------------------------------------------===//

#include "PreparedProgram.h"

#include "llvm/ADT/SmallString.h"

using namespace mlir;
using namespace mlir::rasp;
using namespace mlir::rasp::detail;

Evaluator::Evaluator(llvm::ArrayRef<PyValue> tokens, bool causal, Trace &trace,
                     InterpretError *error)
    : tokens(tokens), length(tokens.size()), causal(causal), trace(trace),
      error(error) {}

LogicalResult Evaluator::fail(Location loc, const llvm::Twine &message) {
  if (error) {
    error->loc = loc;
    error->message = message.str();
  }
  return failure();
}

LogicalResult Evaluator::failInBody(const Step &step,
                                    const EvalError &evalError,
                                    llvm::ArrayRef<PyValue> args,
                                    const llvm::Twine &where) {
  Location loc = evalError.loc;
  if (isa<UnknownLoc>(loc))
    loc = step.op->getLoc();
  return fail(loc, where + ": " + describeEvalFailure(evalError, args));
}

LogicalResult Evaluator::run(const Step &step) {
  switch (step.kind) {
  case StepKind::Tokens:
    return evalTokens(step);
  case StepKind::Indices: {
    std::vector<PyValue> &out = sop(step.result);
    out.clear();
    for (unsigned i = 0; i < length; ++i)
      out.push_back(PyValue::integer(i));
    return success();
  }
  case StepKind::Full:
    sop(step.result).assign(length, step.constant);
    return success();
  case StepKind::Map:
    return evalMap(step);
  case StepKind::SequenceMap:
    return evalSequenceMap(step);
  case StepKind::LinearSequenceMap:
    return evalLinearSequenceMap(step);
  case StepKind::Aggregate:
    return evalAggregate(step);
  case StepKind::SelectorWidth: {
    const Selection &sel = selection(step.operands[0]);
    std::vector<PyValue> &out = sop(step.result);
    out.clear();
    for (unsigned q = 0; q < length; ++q)
      out.push_back(PyValue::integer(sel.countSelected(q)));
    return success();
  }
  case StepKind::Select:
    return evalSelect(step);
  case StepKind::SelectWhere:
    return evalSelectWhere(step);
  case StepKind::SelectorAnd:
  case StepKind::SelectorOr:
  case StepKind::SelectorNot:
    evalSelectorCombination(step);
    return success();
  }
  llvm_unreachable("unknown step kind");
}

//===----------------------------------------------------------------------===//
// SOps
//===----------------------------------------------------------------------===//

LogicalResult Evaluator::evalTokens(const Step &step) {
  std::vector<PyValue> &out = sop(step.result);
  out.clear();
  for (auto [i, token] : llvm::enumerate(tokens)) {
    llvm::Expected<PyValue> value = coerceToType(token, step.valueType);
    if (!value)
      return fail(step.op->getLoc(), "token at position " + llvm::Twine(i) +
                                         ": " +
                                         llvm::toString(value.takeError()));
    out.push_back(std::move(*value));
  }
  return success();
}

LogicalResult Evaluator::evalMap(const Step &step) {
  const std::vector<PyValue> &in = sop(step.operands[0]);
  std::vector<PyValue> out(length);
  for (unsigned i = 0; i < length; ++i) {
    // Tracr: a None input gives None without calling the function.
    if (in[i].isNone())
      continue;
    EvalError evalError{step.op->getLoc(), ""};
    FailureOr<PyValue> value = (*step.function)(in[i], &evalError);
    if (failed(value))
      return failInBody(step, evalError, in[i],
                        "evaluation failed at position " + llvm::Twine(i));
    out[i] = std::move(*value);
  }
  sop(step.result) = std::move(out);
  return success();
}

LogicalResult Evaluator::evalSequenceMap(const Step &step) {
  const std::vector<PyValue> &lhs = sop(step.operands[0]);
  const std::vector<PyValue> &rhs = sop(step.operands[1]);
  std::vector<PyValue> out(length);
  for (unsigned i = 0; i < length; ++i) {
    if (lhs[i].isNone() || rhs[i].isNone())
      continue;
    PyValue args[] = {lhs[i], rhs[i]};
    EvalError evalError{step.op->getLoc(), ""};
    FailureOr<PyValue> value = (*step.function)(args, &evalError);
    if (failed(value))
      return failInBody(step, evalError, args,
                        "evaluation failed at position " + llvm::Twine(i));
    out[i] = std::move(*value);
  }
  sop(step.result) = std::move(out);
  return success();
}

LogicalResult Evaluator::evalLinearSequenceMap(const Step &step) {
  const std::vector<PyValue> &lhs = sop(step.operands[0]);
  const std::vector<PyValue> &rhs = sop(step.operands[1]);
  std::vector<PyValue> out(length);
  for (unsigned i = 0; i < length; ++i) {
    if (lhs[i].isNone() || rhs[i].isNone())
      continue;
    llvm::Expected<PyValue> sum =
        py::linearCombination(step.lhsCoeff, lhs[i], step.rhsCoeff, rhs[i]);
    if (!sum)
      return fail(step.op->getLoc(),
                  "evaluation failed at position " + llvm::Twine(i) + ": " +
                      llvm::toString(sum.takeError()) + " (evaluating on " +
                      lhs[i].repr() + ", " + rhs[i].repr() + ")");
    out[i] = std::move(*sum);
  }
  sop(step.result) = std::move(out);
  return success();
}

LogicalResult Evaluator::evalAggregate(const Step &step) {
  const Selection &sel = selection(step.operands[0]);
  const std::vector<PyValue> &values = sop(step.operands[1]);
  std::vector<PyValue> out(length);
  llvm::SmallVector<unsigned> keys;
  for (unsigned q = 0; q < length; ++q) {
    keys.clear();
    for (unsigned k = 0; k < length; ++k)
      if (sel.get(q, k))
        keys.push_back(k);
    if (keys.empty())
      out[q] = step.constant;
    else if (keys.size() == 1)
      // Tracr's _mean returns a single selected value itself, whatever its
      // type (a numerical aggregate of bools can yield True).
      out[q] = values[keys.front()];
    else if (failed(step.numerical
                        ? evalNumericalMean(step, q, keys, values, out[q])
                        : evalCategoricalValue(step, q, keys, values, out[q])))
      return failure();
  }
  sop(step.result) = std::move(out);
  return success();
}

LogicalResult Evaluator::evalNumericalMean(const Step &step, unsigned query,
                                           llvm::ArrayRef<unsigned> keys,
                                           llvm::ArrayRef<PyValue> values,
                                           PyValue &result) {
  // Python's sum(xs) / len(xs), starting from the int 0.
  PyValue sum = PyValue::integer(0);
  for (unsigned k : keys) {
    if (!values[k].isNumber())
      return fail(step.op->getLoc(),
                  "numerical aggregate at query position " +
                      llvm::Twine(query) + " cannot average the value " +
                      values[k].repr() + " selected at key position " +
                      llvm::Twine(k));
    llvm::Expected<PyValue> next = py::binary(BinaryKind::Add, sum, values[k]);
    if (!next)
      return fail(step.op->getLoc(), "numerical aggregate at query position " +
                                         llvm::Twine(query) + ": " +
                                         llvm::toString(next.takeError()));
    sum = std::move(*next);
  }
  llvm::Expected<PyValue> mean = py::binary(
      BinaryKind::TrueDiv, sum, PyValue::integer(int64_t(keys.size())));
  if (!mean)
    return fail(step.op->getLoc(), "numerical aggregate at query position " +
                                       llvm::Twine(query) + ": " +
                                       llvm::toString(mean.takeError()));
  result = std::move(*mean);
  return success();
}

LogicalResult Evaluator::evalCategoricalValue(const Step &step, unsigned query,
                                              llvm::ArrayRef<unsigned> keys,
                                              llvm::ArrayRef<PyValue> values,
                                              PyValue &result) {
  const PyValue &first = values[keys.front()];
  bool allEqual =
      llvm::all_of(keys, [&](unsigned k) { return values[k].equals(first); });
  if (allEqual) {
    result = first;
    return success();
  }
  // Deviation from Tracr, which would average: a categorical model cannot
  // represent a mix of values. Name each distinct value with its first key.
  llvm::SmallString<128> listing;
  llvm::SmallVector<const PyValue *> seen;
  for (unsigned k : keys) {
    if (llvm::any_of(seen,
                     [&](const PyValue *v) { return v->equals(values[k]); }))
      continue;
    seen.push_back(&values[k]);
    if (!listing.empty())
      listing += ", ";
    listing += values[k].repr();
    listing += " at key position ";
    listing += std::to_string(k);
  }
  return fail(step.op->getLoc(), "categorical aggregate at query position " +
                                     llvm::Twine(query) +
                                     " selects differing values: " + listing);
}

//===----------------------------------------------------------------------===//
// Selectors
//===----------------------------------------------------------------------===//

/// Tracr's CausalEvaluator masks every selector (composites included) to the
/// lower triangle: a query sees only keys at or before it.
static void applyCausalMask(Selection &sel) {
  for (unsigned q = 0; q < sel.size(); ++q)
    for (unsigned k = q + 1; k < sel.size(); ++k)
      sel.set(q, k, false);
}

LogicalResult Evaluator::evalSelect(const Step &step) {
  const std::vector<PyValue> &keys = sop(step.operands[0]);
  const std::vector<PyValue> &queries = sop(step.operands[1]);
  Selection sel(length);
  for (unsigned q = 0; q < length; ++q) {
    for (unsigned k = 0; k < length; ++k) {
      llvm::Expected<bool> selected =
          py::compare(step.predicate, keys[k], queries[q]);
      if (!selected)
        return fail(step.op->getLoc(),
                    "evaluation failed at query position " + llvm::Twine(q) +
                        ", key position " + llvm::Twine(k) + ": " +
                        llvm::toString(selected.takeError()));
      sel.set(q, k, *selected);
    }
  }
  if (causal)
    applyCausalMask(sel);
  selection(step.result) = std::move(sel);
  return success();
}

LogicalResult Evaluator::evalSelectWhere(const Step &step) {
  const std::vector<PyValue> &keys = sop(step.operands[0]);
  const std::vector<PyValue> &queries = sop(step.operands[1]);
  Selection sel(length);
  for (unsigned q = 0; q < length; ++q) {
    for (unsigned k = 0; k < length; ++k) {
      // The predicate is applied as predicate(key, query).
      PyValue args[] = {keys[k], queries[q]};
      EvalError evalError{step.op->getLoc(), ""};
      FailureOr<PyValue> selected = (*step.function)(args, &evalError);
      if (failed(selected))
        return failInBody(step, evalError, args,
                          "evaluation failed at query position " +
                              llvm::Twine(q) + ", key position " +
                              llvm::Twine(k));
      sel.set(q, k, py::truthy(*selected));
    }
  }
  if (causal)
    applyCausalMask(sel);
  selection(step.result) = std::move(sel);
  return success();
}

void Evaluator::evalSelectorCombination(const Step &step) {
  const Selection &lhs = selection(step.operands[0]);
  Selection sel(length);
  for (unsigned q = 0; q < length; ++q) {
    for (unsigned k = 0; k < length; ++k) {
      bool a = lhs.get(q, k);
      switch (step.kind) {
      case StepKind::SelectorAnd:
        sel.set(q, k, a && selection(step.operands[1]).get(q, k));
        break;
      case StepKind::SelectorOr:
        sel.set(q, k, a || selection(step.operands[1]).get(q, k));
        break;
      default:
        sel.set(q, k, !a);
        break;
      }
    }
  }
  if (causal)
    applyCausalMask(sel);
  selection(step.result) = std::move(sel);
}
