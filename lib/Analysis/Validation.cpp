//===- Validation.cpp - What cannot be compiled faithfully ----------------===//
//
// Errors follow Tracr's `validating.py` (static rules, plus its basis
// inference and craft-graph checks); the one input-dependent rule of its
// dynamic validation (a categorical aggregate averaging different values)
// becomes a compile-time warning unless SelectorFacts proves it cannot happen.
//
//===----------------------------------------------------------------------===//

#include "RaspDialect/Analysis/Validation.h"
#include "RaspDialect/Analysis/SelectorFacts.h"

#include "llvm/ADT/TypeSwitch.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::rasp;

static bool isNumerical(Value sop) {
  return cast<SOpType>(sop.getType()).isNumerical();
}

namespace {
class Validator {
public:
  Validator(ProgramOp program, std::function<const ValueSet *(Value)> valuesOf,
            const ValidationOptions &options)
      : program(program), valuesOf(valuesOf), options(options),
        facts(valuesOf, program.getCausal()) {}

  LogicalResult run() {
    for (Operation &op : program.getBody().front())
      if (llvm::any_of(op.getResultTypes(),
                       [](Type t) { return isa<SOpType>(t); }) &&
          !valuesOf(op.getResult(0)))
        return op.emitOpError("has no value set: run --infer-bases before "
                              "--validate");
    for (Operation &op : program.getBody().front())
      check(&op);
    return success(!hadError);
  }

private:
  InFlightDiagnostic error(Operation *op) {
    hadError = true;
    return op->emitOpError();
  }

  /// Tracr-strict rules: what Tracr rejects although this compiler can
  /// compile it.
  InFlightDiagnostic strictError(Operation *op) {
    return error(op) << "is not supported by Tracr (tracr-strict): ";
  }

  static void noteDefinition(InFlightDiagnostic &diag, Value v,
                             llvm::StringRef what) {
    if (Operation *def = v.getDefiningOp())
      diag.attachNote(def->getLoc()) << what << " defined here";
  }

  void check(Operation *op) {
    if (op->getNumResults() == 1 && isa<SOpType>(op->getResult(0).getType()) &&
        isNumerical(op->getResult(0)))
      checkFloat32Range(op, *valuesOf(op->getResult(0)));
    llvm::TypeSwitch<Operation *>(op)
        .Case<TokensOp, IndicesOp>([&](auto o) {
          if (o.getType().isNumerical())
            error(o) << "must be categorical: every "
                     << (isa<TokensOp>(op) ? "token value" : "position")
                     << " is embedded as its own direction";
        })
        .Case<SelectOp, SelectWhereOp>([&](auto o) {
          checkSelectOperand(o, o.getKeys(), "keys");
          checkSelectOperand(o, o.getQueries(), "queries");
        })
        .Case([&](AggregateOp o) { checkAggregate(o); })
        .Case([&](SelectorWidthOp o) {
          checkSelectorIsSimple(o, o.getSelector());
        })
        .Case([&](SequenceMapOp o) {
          if (options.tracrStrict &&
              (isNumerical(o.getLhs()) || isNumerical(o.getRhs()) ||
               o.getType().isNumerical()))
            strictError(o) << "a non-linear sequence_map needs categorical "
                              "operands and result";
        })
        .Case([&](FullOp o) {
          if (options.tracrStrict)
            strictError(o) << "Tracr cannot compile a constant sop";
        });
  }

  /// A numerical SOp is one float32 component of the residual stream: a
  /// value float32 cannot hold (overflow, or underflow to a subnormal with
  /// too few digits) would come out wrong, not as an error.
  void checkFloat32Range(Operation *op, const ValueSet &values) {
    constexpr double largest = std::numeric_limits<float>::max();
    constexpr double smallest = std::numeric_limits<float>::min();
    for (const PyValue &v : values) {
      if (!v.isNumber())
        continue;
      double magnitude = std::abs(v.toDouble());
      if (magnitude <= largest && (magnitude >= smallest || magnitude == 0))
        continue;
      InFlightDiagnostic diag = error(op);
      diag << "can have the value " << v.repr();
      if (std::isfinite(v.toDouble()))
        diag << ", which float32 cannot represent (magnitudes from "
                "1.1754944e-38 to 3.4028235e+38, or 0)";
      else
        diag << ", which no weight can produce";
      diag << ": a numerical SOp is computed in float32";
      return;
    }
  }

  void checkSelectOperand(Operation *op, Value sop, llvm::StringRef role) {
    if (!isNumerical(sop))
      return;
    InFlightDiagnostic diag =
        error(op) << role
                  << " must be categorical: attention compares one "
                     "direction per value, a numerical sop has only one";
    noteDefinition(diag, sop, role);
  }

  /// Tracr compiles attention for `select`/`select_where` only.
  void checkSelectorIsSimple(Operation *op, Value selector) {
    if (!options.tracrStrict ||
        isa_and_nonnull<SelectOp, SelectWhereOp>(selector.getDefiningOp()))
      return;
    InFlightDiagnostic diag = strictError(op)
                              << "Tracr cannot compile composite selectors";
    noteDefinition(diag, selector, "selector");
  }

  void checkAggregate(AggregateOp op) {
    Value input = op.getInput();
    bool numerical = op.getType().isNumerical();
    if (isNumerical(input) != numerical) {
      error(op) << (numerical ? "numerical" : "categorical")
                << " aggregate of a "
                << (numerical ? "categorical" : "numerical")
                << " sop: the output encoding must match the input's "
                   "(convert the input with a map first)";
      return;
    }
    checkDefault(op, numerical);
    checkSelectorIsSimple(op, op.getSelector());
    const ValueSet &values = *valuesOf(input);
    if (numerical) {
      // Attention computes the mean of any numbers exactly (up to float
      // rounding), so only Tracr, whose basis inference lists 0/1 means
      // only, needs 0/1 inputs.
      if (options.tracrStrict && !llvm::all_of(values, [](const PyValue &v) {
            return v.equals(PyValue::integer(0)) ||
                   v.equals(PyValue::integer(1));
          }))
        strictError(op) << "a numerical aggregate may only average 0 and 1";
      return;
    }
    if (facts.selectsEqualValues(op.getSelector(), input))
      return;
    InFlightDiagnostic diag =
        op.emitWarning()
        << "categorical aggregate may have to average different values: "
           "where the selector picks "
           "several positions holding different values the compiled model "
           "outputs a mixture (the interpreter reports an error)";
    noteDefinition(diag, op.getSelector(), "selector");
  }

  void checkDefault(AggregateOp op, bool numerical) {
    std::optional<Attribute> attr = op.getDefaultValue();
    FailureOr<PyValue> def =
        attr ? fromAttr(*attr) : FailureOr<PyValue>(PyValue::none());
    if (failed(def))
      return; // the verifier rejects it
    if (!numerical && !def->isNone())
      error(op) << "categorical aggregate only supports None as default, got "
                << def->repr()
                << ": positions selecting nothing read the zero vector";
    if (numerical && !(def->isNumber() && def->equals(PyValue::integer(0))))
      error(op) << "numerical aggregate only supports 0 as default, got "
                << def->repr()
                << ": positions selecting nothing read the zero vector";
  }

  ProgramOp program;
  std::function<const ValueSet *(Value)> valuesOf;
  const ValidationOptions &options;
  SelectorFacts facts;
  bool hadError = false;
};
} // namespace

LogicalResult
mlir::rasp::validateProgram(ProgramOp program,
                            std::function<const ValueSet *(Value)> valuesOf,
                            const ValidationOptions &options) {
  return Validator(program, std::move(valuesOf), options).run();
}
