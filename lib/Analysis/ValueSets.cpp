//===- ValueSets.cpp - Basis inference: the value set of every SOp --------===//
//
// One pass over the program block in order (SSA order is a topological
// order), computing each SOp's set from its operands' sets. Element functions
// are evaluated through ElementFunction, the one evaluator.
//
//===----------------------------------------------------------------------===//

#include "RaspDialect/Analysis/ValueSets.h"
#include "RaspDialect/Analysis/SelectorFacts.h"
#include "RaspDialect/Semantics/ElementFunction.h"
#include "RaspDialect/Support/MemoryBudget.h"

#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/TypeSwitch.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <iterator>
#include <unordered_set>

using namespace mlir;
using namespace mlir::rasp;

namespace {
struct PyValueHash {
  size_t operator()(const PyValue &v) const { return hash_value(v); }
};

/// Accumulates a value set with Python set semantics, up to a cap. None is
/// dropped: it is the absence of a value, not a member of any set.
class SetBuilder {
public:
  explicit SetBuilder(size_t maxValues) : maxValues(maxValues) {}

  /// Adds `v`; false once the set exceeds the cap.
  bool insert(PyValue v) {
    if (!v.isNone())
      values.insert(std::move(v));
    return values.size() <= maxValues;
  }

  ValueSet take() {
    ValueSet out(values.begin(), values.end());
    canonicalizeValueSet(out);
    return out;
  }

private:
  size_t maxValues;
  std::unordered_set<PyValue, PyValueHash> values;
};
} // namespace

namespace mlir::rasp {
/// Computes the sets of one program into a ValueSetAnalysis.
class ValueSetInferrer {
public:
  ValueSetInferrer(ProgramOp program, ValueSetAnalysis &result,
                   size_t maxValues)
      : program(program), result(result), maxValues(maxValues),
        facts([this](Value v) { return this->result.lookup(v); },
              program.getCausal()) {}

  LogicalResult run() {
    bool ok = true;
    for (Operation &op : program.getBody().front()) {
      // Skip ops whose operands failed: their errors are already reported.
      if (llvm::any_of(op.getOperands(), [&](Value v) {
            return isa<SOpType>(v.getType()) && !result.lookup(v);
          })) {
        ok = false;
        continue;
      }
      if (failed(visit(&op)))
        ok = false;
    }
    return success(ok);
  }

private:
  const ValueSet &setOf(Value v) { return *result.lookup(v); }

  LogicalResult define(Operation *op, FailureOr<ValueSet> set) {
    if (failed(set))
      return failure();
    result.sets[op->getResult(0)] = std::move(*set);
    return success();
  }

  InFlightDiagnostic tooManyValues(Operation *op) {
    InFlightDiagnostic diag =
        op->emitOpError("has more than ")
        << maxValues
        << " possible values; raise 'max-values' of --infer-bases to allow it";
    noteReaders(diag, op);
    return diag;
  }

  /// Names the ops that read the value set `op` could not enumerate: each
  /// of them is why it is needed (a table, a comparison, or the set of a
  /// consumer built from it).
  static void noteReaders(InFlightDiagnostic &diag, Operation *op) {
    llvm::SmallPtrSet<Operation *, 4> seen;
    for (Operation *user : op->getUsers())
      if (seen.insert(user).second)
        diag.attachNote(user->getLoc())
            << "its value set is needed by this '" << user->getName() << "'";
  }

  /// Reports a failed evaluation of `op`'s element function on `args`.
  LogicalResult evalFailure(Operation *op, const EvalError &error,
                            llvm::ArrayRef<PyValue> args) {
    InFlightDiagnostic diag = op->emitOpError("cannot be evaluated on a "
                                              "value it can receive: ")
                              << describeEvalFailure(error, args);
    if (!isa<UnknownLoc>(error.loc) && error.loc != op->getLoc())
      diag.attachNote(error.loc) << "evaluation failed here";
    return diag;
  }

  LogicalResult visit(Operation *op) {
    return llvm::TypeSwitch<Operation *, LogicalResult>(op)
        .Case([&](TokensOp o) { return define(o, tokens(o)); })
        .Case([&](IndicesOp o) {
          return define(o, range(o, 0, maxSeqLen() - 1));
        })
        .Case([&](SelectorWidthOp o) {
          return define(o, range(o, 0, maxSeqLen()));
        })
        .Case([&](FullOp o) { return define(o, full(o)); })
        .Case([&](MapOp o) { return define(o, map(o)); })
        .Case([&](SequenceMapOp o) { return define(o, sequenceMap(o)); })
        .Case([&](LinearSequenceMapOp o) {
          return define(o, linearSequenceMap(o));
        })
        .Case([&](AggregateOp o) { return define(o, aggregate(o)); })
        .Case([&](SelectOp o) { return select(o); })
        .Case([&](SelectWhereOp o) { return selectWhere(o); })
        .Case<SelectorAndOp, SelectorOrOp, SelectorNotOp, OutputOp>(
            [](auto) { return success(); })
        .Default([&](Operation *other) -> LogicalResult {
          if (llvm::any_of(other->getResultTypes(),
                           [](Type t) { return isa<SOpType>(t); }))
            return other->emitOpError("is not a RASP operation basis "
                                      "inference knows");
          return success();
        });
  }

  int64_t maxSeqLen() const { return result.maxSeqLen; }

  FailureOr<ValueSet> tokens(TokensOp op) {
    Type type = op.getType().getValueType();
    SetBuilder out(maxValues);
    for (const PyValue &item : result.vocab) {
      llvm::Expected<PyValue> v = coerceToType(item, type);
      if (!v) {
        llvm::consumeError(v.takeError());
        return op.emitOpError("vocabulary item ")
               << item.repr() << " does not fit the tokens value type " << type;
      }
      if (!out.insert(*v))
        return tooManyValues(op);
    }
    return out.take();
  }

  FailureOr<ValueSet> range(Operation *op, int64_t first, int64_t last) {
    // One value per position: estimated and checked before it is built.
    uint64_t count = static_cast<uint64_t>(last - first + 1);
    if (failed(MemoryBudget::check(
            op->getLoc(), saturatingProduct({count, sizeof(PyValue)}),
            "the value set of " + op->getName().getStringRef() + " (" +
                llvm::Twine(count) + " values)")))
      return failure();
    if (count > maxValues)
      return tooManyValues(op);
    ValueSet out;
    out.reserve(count);
    for (int64_t i = first; i <= last; ++i)
      out.push_back(PyValue::integer(i));
    return out;
  }

  FailureOr<ValueSet> full(FullOp op) {
    FailureOr<PyValue> fill = fromAttr(op.getFill());
    if (failed(fill))
      return op.emitOpError("fill ") << op.getFill() << " is not a value";
    SetBuilder out(maxValues);
    out.insert(*fill);
    return out.take();
  }

  FailureOr<ValueSet> map(MapOp op) {
    FailureOr<ElementFunction> fn = ElementFunction::get(op.getBody());
    if (failed(fn))
      return failure();
    SetBuilder out(maxValues);
    for (const PyValue &x : setOf(op.getInput())) {
      EvalError error{op.getLoc(), ""};
      FailureOr<PyValue> y = (*fn)({x}, &error);
      if (failed(y))
        return evalFailure(op, error, {x});
      if (!out.insert(std::move(*y)))
        return tooManyValues(op);
    }
    return out.take();
  }

  FailureOr<ValueSet> sequenceMap(SequenceMapOp op) {
    FailureOr<ElementFunction> fn = ElementFunction::get(op.getBody());
    if (failed(fn))
      return failure();
    // Values with equal keys give equal results against every value of the
    // other operand (ElementFunction::keyOf): one evaluation per pair of
    // key classes, not per pair of values.
    const ValueSet &xs = setOf(op.getLhs()), &ys = setOf(op.getRhs());
    bool narrow = fn->hasNarrowKeys(0) || fn->hasNarrowKeys(1);
    KeyClasses cx = narrow ? classifyByKey(*fn, 0, xs) : KeyClasses();
    KeyClasses cy = narrow ? classifyByKey(*fn, 1, ys) : KeyClasses();
    auto representatives = [&](const ValueSet &values, const KeyClasses &c) {
      std::vector<const PyValue *> out;
      if (!narrow)
        for (const PyValue &v : values)
          out.push_back(&v);
      for (uint32_t i : c.representatives)
        out.push_back(&values[i]);
      return out;
    };
    SetBuilder out(maxValues);
    for (const PyValue *x : representatives(xs, cx))
      for (const PyValue *y : representatives(ys, cy)) {
        EvalError error{op.getLoc(), ""};
        PyValue args[] = {*x, *y};
        FailureOr<PyValue> r = (*fn)(args, &error);
        if (failed(r))
          return evalFailure(op, error, args);
        if (!out.insert(std::move(*r)))
          return tooManyValues(op);
      }
    return out.take();
  }

  FailureOr<ValueSet> linearSequenceMap(LinearSequenceMapOp op) {
    if (std::optional<FailureOr<ValueSet>> shared = sharedSelectorSums(op))
      return std::move(*shared);
    if (std::optional<FailureOr<ValueSet>> fast = linearSums(op))
      return std::move(*fast);
    SetBuilder out(maxValues);
    for (const PyValue &x : setOf(op.getLhs()))
      for (const PyValue &y : setOf(op.getRhs())) {
        llvm::Expected<PyValue> r = evaluateLinearSequenceMap(op, x, y);
        if (!r)
          return evalFailure(op, {op.getLoc(), llvm::toString(r.takeError())},
                             {x, y});
        if (!out.insert(std::move(*r)))
          return tooManyValues(op);
      }
    return out.take();
  }

  /// `a x + b y` over operands whose values are all finite floats or ints
  /// that doubles hold exactly, computed as Python does (two products, then
  /// one sum, each rounded once) on doubles: deduplicated by their bits
  /// instead of hashed one PyValue at a time. std::nullopt where
  /// the general path is needed.
  std::optional<FailureOr<ValueSet>> linearSums(LinearSequenceMapOp op) {
    std::optional<std::vector<double>> xs = exactDoubles(setOf(op.getLhs()));
    std::optional<std::vector<double>> ys = exactDoubles(setOf(op.getRhs()));
    if (!xs || !ys)
      return std::nullopt;
    LinearSums sums(op, maxValues);
    if (!sums.add(*xs, *ys))
      return sums.failure(*this);
    return sums.take();
  }

  /// The doubles of a set of finite floats and ints that doubles hold
  /// exactly, or std::nullopt.
  static std::optional<std::vector<double>> exactDoubles(const ValueSet &set) {
    std::vector<double> out;
    out.reserve(set.size());
    constexpr int64_t exact = int64_t(1) << 53;
    for (const PyValue &v : set) {
      if (v.isFloat() && std::isfinite(v.getFloat()))
        out.push_back(v.getFloat());
      else if ((v.isInt() || v.isBool()) && v.getInt() <= exact &&
               v.getInt() >= -exact)
        out.push_back(static_cast<double>(v.getInt()));
      else
        return std::nullopt;
    }
    return out;
  }

  /// The distinct values of `a x + b y` over any number of (xs, ys) blocks,
  /// deduplicated by their bits as they are produced (0.0 and -0.0 as one).
  class LinearSums {
  public:
    LinearSums(LinearSequenceMapOp op, size_t maxValues)
        : op(op), maxValues(maxValues), a(op.getLhsCoeff().convertToDouble()),
          b(op.getRhsCoeff().convertToDouble()) {}

    /// Adds every `a x + b y`; false when a sum is not finite (`tooMany`
    /// unset) or the set exceeds the cap (`tooMany` set).
    bool add(llvm::ArrayRef<double> xs, llvm::ArrayRef<double> ys) {
      std::vector<double> by;
      by.reserve(ys.size());
      for (double y : ys)
        by.push_back(b * y);
      for (double x : xs) {
        double ax = a * x;
        for (double y : by) {
          double sum = ax + y;
          if (!std::isfinite(sum))
            return false;
          // The sign of the first zero produced is kept, as a Python set
          // keeps the first of 0.0 and -0.0.
          if (sum == 0) {
            if (!zeroSign)
              zeroSign = std::signbit(sum);
            sum = 0.0;
          }
          uint64_t bits;
          std::memcpy(&bits, &sum, sizeof(bits));
          if (!seen.insert(bits).second)
            continue;
          sums.push_back(sum);
          if (sums.size() > maxValues) {
            tooMany = true;
            return false;
          }
        }
      }
      return true;
    }

    /// The result of a failed `add`: std::nullopt (the general path) for a
    /// sum that is not finite, the cap's error otherwise.
    std::optional<FailureOr<ValueSet>> failure(ValueSetInferrer &inferrer) {
      if (!tooMany)
        return std::nullopt;
      return FailureOr<ValueSet>(inferrer.tooManyValues(op));
    }

    std::optional<FailureOr<ValueSet>> take() {
      llvm::sort(sums);
      ValueSet out;
      out.reserve(sums.size());
      for (double sum : sums)
        out.push_back(
            PyValue::real(sum == 0 && zeroSign && *zeroSign ? -0.0 : sum));
      return FailureOr<ValueSet>(std::move(out));
    }

  private:
    LinearSequenceMapOp op;
    size_t maxValues;
    double a, b;
    std::optional<bool> zeroSign;
    llvm::DenseSet<uint64_t> seen;
    std::vector<double> sums;
    bool tooMany = false;
  };

  /// Two numerical aggregates over one selector select equally many keys
  /// at every position, so `a mean(u) + b mean(v)` only combines means of
  /// equally many values (and the two defaults where the selector selects
  /// nothing): N sets of pairs of means of n values, about N^3 sums where
  /// the operands' sets give N^4 (`pair_balance`). std::nullopt where this
  /// does not apply or the general path is needed.
  std::optional<FailureOr<ValueSet>>
  sharedSelectorSums(LinearSequenceMapOp op) {
    auto lhs = op.getLhs().getDefiningOp<AggregateOp>();
    auto rhs = op.getRhs().getDefiningOp<AggregateOp>();
    if (!lhs || !rhs || lhs == rhs || lhs.getSelector() != rhs.getSelector() ||
        !lhs.getType().isNumerical() || !rhs.getType().isNumerical())
      return std::nullopt;
    llvm::Expected<std::vector<ValueSet>> xs =
        numericalMeansByCount(setOf(lhs.getInput()), maxSeqLen(), maxValues);
    llvm::Expected<std::vector<ValueSet>> ys =
        numericalMeansByCount(setOf(rhs.getInput()), maxSeqLen(), maxValues);
    if (!xs || !ys) {
      llvm::consumeError(xs.takeError());
      llvm::consumeError(ys.takeError());
      return std::nullopt;
    }
    LinearSums sums(op, maxValues);
    for (auto [x, y] : llvm::zip_equal(*xs, *ys)) {
      std::optional<std::vector<double>> dx = exactDoubles(x);
      std::optional<std::vector<double>> dy = exactDoubles(y);
      if (!dx || !dy)
        return std::nullopt;
      if (!sums.add(*dx, *dy))
        return sums.failure(*this);
    }
    if (!facts.alwaysSelectsSome(lhs.getSelector())) {
      // Where nothing is selected both are their defaults; a None (or no)
      // default makes the combination None, which adds nothing.
      std::optional<PyValue> dx = defaultOf(lhs), dy = defaultOf(rhs);
      auto finite = [](const std::optional<PyValue> &d) {
        return d && d->isNumber() && std::isfinite(d->toDouble());
      };
      if ((dx && !dx->isNone() && !finite(dx)) ||
          (dy && !dy->isNone() && !finite(dy)))
        return std::nullopt;
      if (finite(dx) && finite(dy) &&
          !sums.add({dx->toDouble()}, {dy->toDouble()}))
        return sums.failure(*this);
    }
    return sums.take();
  }

  /// The default of an aggregate, std::nullopt if it has none or it is not
  /// a value.
  static std::optional<PyValue> defaultOf(AggregateOp op) {
    std::optional<Attribute> attr = op.getDefaultValue();
    if (!attr)
      return std::nullopt;
    FailureOr<PyValue> v = fromAttr(*attr);
    if (failed(v))
      return std::nullopt;
    return *v;
  }

  FailureOr<ValueSet> aggregate(AggregateOp op) {
    const ValueSet &input = setOf(op.getInput());
    std::optional<PyValue> def;
    if (std::optional<Attribute> attr = op.getDefaultValue()) {
      FailureOr<PyValue> v = fromAttr(*attr);
      if (failed(v))
        return op.emitOpError("default ") << *attr << " is not a value";
      def = *v;
    }
    SetBuilder out(maxValues);
    if (op.getType().isCategorical()) {
      // Only a value of the input can be moved.
      for (const PyValue &v : input)
        if (!out.insert(v))
          return tooManyValues(op);
    } else {
      llvm::Expected<ValueSet> means =
          numericalMeans(input, maxSeqLen(), maxValues);
      if (!means) {
        std::string message = llvm::toString(means.takeError());
        InFlightDiagnostic diag =
            op.emitOpError("value set cannot be computed: ") << message;
        // Past the cap, name who needs the enumeration.
        if (llvm::StringRef(message).starts_with("more than"))
          noteReaders(diag, op);
        return diag;
      }
      for (PyValue &mean : *means)
        if (!out.insert(std::move(mean)))
          return tooManyValues(op);
      if (def && def->isNumber())
        def = PyValue::real(def->toDouble());
    }
    // The default occurs where the selector may select nothing; a None
    // default adds nothing.
    if (def && !facts.alwaysSelectsSome(op.getSelector()) && !out.insert(*def))
      return tooManyValues(op);
    return out.take();
  }

  /// Built-in comparisons fail only on unorderable operands: an ordering of
  /// values of different kinds, numbers, strings and tuples (None never
  /// occurs in a value set). Tuples of unorderable items fail when compared
  /// (lowering and the interpreter report it).
  LogicalResult select(SelectOp op) {
    Comparison pred = op.getPredicate();
    if (pred == Comparison::Eq || pred == Comparison::Neq ||
        pred == Comparison::True || pred == Comparison::False)
      return success();
    enum { Number, Str, Tuple };
    auto kindOf = [](const PyValue &v) {
      return v.isStr() ? Str : v.isTuple() ? Tuple : Number;
    };
    auto firstOf = [&](const ValueSet &set, int kind) -> const PyValue * {
      for (const PyValue &v : set)
        if (kindOf(v) == kind)
          return &v;
      return nullptr;
    };
    const ValueSet &keys = setOf(op.getKeys());
    const ValueSet &queries = setOf(op.getQueries());
    for (auto [keyKind, queryKind] :
         {std::pair(Number, Str), std::pair(Str, Number),
          std::pair(Number, Tuple), std::pair(Tuple, Number),
          std::pair(Str, Tuple), std::pair(Tuple, Str)}) {
      const PyValue *key = firstOf(keys, keyKind);
      const PyValue *query = firstOf(queries, queryKind);
      if (!key || !query)
        continue;
      llvm::Expected<bool> r = py::compare(pred, *key, *query);
      if (r)
        continue;
      return evalFailure(op, {op.getLoc(), llvm::toString(r.takeError())},
                         {*key, *query});
    }
    return success();
  }

  LogicalResult selectWhere(SelectWhereOp op) {
    FailureOr<ElementFunction> fn = ElementFunction::get(op.getBody());
    if (failed(fn))
      return failure();
    for (const PyValue &k : setOf(op.getKeys()))
      for (const PyValue &q : setOf(op.getQueries())) {
        EvalError error{op.getLoc(), ""};
        PyValue args[] = {k, q};
        if (failed((*fn)(args, &error)))
          return evalFailure(op, error, args);
      }
    return success();
  }

  ProgramOp program;
  ValueSetAnalysis &result;
  size_t maxValues;
  SelectorFacts facts;
};
} // namespace mlir::rasp

/// Reads the vocabulary attribute of `program`.
static FailureOr<ValueSet> vocabOf(ProgramOp program) {
  std::optional<ArrayAttr> attr = program.getVocab();
  if (!attr)
    return program.emitOpError("has no vocabulary: set the 'vocab' attribute "
                               "or pass 'vocab' to --infer-bases");
  FailureOr<ValueSet> vocab = fromArrayAttr(*attr);
  if (failed(vocab))
    return program.emitOpError("vocabulary ") << *attr
                                              << " is not a list of "
                                                 "values";
  return vocab;
}

FailureOr<ValueSetAnalysis>
ValueSetAnalysis::compute(ProgramOp program, const ValueSetOptions &options) {
  ValueSetAnalysis analysis;
  if (options.vocab) {
    analysis.vocab = *options.vocab;
  } else {
    FailureOr<ValueSet> vocab = vocabOf(program);
    if (failed(vocab))
      return failure();
    analysis.vocab = std::move(*vocab);
  }
  if (options.maxSeqLen) {
    analysis.maxSeqLen = *options.maxSeqLen;
  } else if (std::optional<uint64_t> n = program.getMaxSeqLen()) {
    analysis.maxSeqLen = static_cast<int64_t>(*n);
  } else {
    return program.emitOpError(
        "has no maximum sequence length: set the 'max_seq_len' attribute or "
        "pass 'max-seq-len' to --infer-bases");
  }
  if (analysis.maxSeqLen < 1)
    return program.emitOpError("maximum sequence length must be at least 1, "
                               "got ")
           << analysis.maxSeqLen;
  if (analysis.vocab.empty())
    return program.emitOpError("vocabulary must not be empty");
  for (const PyValue &item : analysis.vocab)
    if (item.isNone())
      return program.emitOpError("vocabulary must not contain None");

  ValueSetInferrer inferrer(program, analysis, options.maxValues);
  if (failed(inferrer.run()))
    return failure();
  return analysis;
}

llvm::Expected<PyValue>
mlir::rasp::evaluateLinearSequenceMap(LinearSequenceMapOp op, const PyValue &x,
                                      const PyValue &y) {
  // Tracr's `fst_fac * x + snd_fac * y`.
  return py::linearCombination(
      PyValue::real(op.getLhsCoeff().convertToDouble()), x,
      PyValue::real(op.getRhsCoeff().convertToDouble()), y);
}

const ValueSet *ValueSetAnalysis::lookup(Value sop) const {
  auto it = sets.find(sop);
  return it == sets.end() ? nullptr : &it->second;
}
