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

#include "llvm/ADT/TypeSwitch.h"

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
    return op->emitOpError("has more than ")
           << maxValues
           << " possible values; raise 'max-values' of --infer-bases to "
              "allow it";
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
    SetBuilder out(maxValues);
    for (const PyValue &x : setOf(op.getLhs()))
      for (const PyValue &y : setOf(op.getRhs())) {
        EvalError error{op.getLoc(), ""};
        PyValue args[] = {x, y};
        FailureOr<PyValue> r = (*fn)(args, &error);
        if (failed(r))
          return evalFailure(op, error, args);
        if (!out.insert(std::move(*r)))
          return tooManyValues(op);
      }
    return out.take();
  }

  FailureOr<ValueSet> linearSequenceMap(LinearSequenceMapOp op) {
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
      if (!means)
        return op.emitOpError("value set cannot be computed: ")
               << llvm::toString(means.takeError());
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
