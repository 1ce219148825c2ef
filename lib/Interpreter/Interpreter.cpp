//===- Interpreter.cpp - Preparing and running RASP programs --------------===//

#include "PreparedProgram.h"

#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::rasp;
using namespace mlir::rasp::detail;

//===----------------------------------------------------------------------===//
// Selection and Trace
//===----------------------------------------------------------------------===//

unsigned Selection::countSelected(unsigned query) const {
  unsigned count = 0;
  for (unsigned key = 0; key < length; ++key)
    count += get(query, key);
  return count;
}

llvm::ArrayRef<PyValue> Trace::getValues(Value sop) const {
  auto it = program->slots.find(sop);
  if (it == program->slots.end() || !isa<SOpType>(sop.getType()))
    return {};
  return sops[it->second];
}

const Selection &Trace::getSelection(Value selector) const {
  static const Selection empty;
  auto it = program->slots.find(selector);
  if (it == program->slots.end() || !isa<SelectorType>(selector.getType()))
    return empty;
  return selections[it->second];
}

llvm::ArrayRef<PyValue> Trace::getOutput() const {
  return getValues(program->output);
}

//===----------------------------------------------------------------------===//
// Preparation
//===----------------------------------------------------------------------===//

/// Fills the op-specific fields of `step`; fails (with a diagnostic) on ops
/// the interpreter does not know.
static LogicalResult prepareStep(Operation *op, Step &step) {
  auto compileBody = [&](Region &body) -> LogicalResult {
    FailureOr<ElementFunction> fn = ElementFunction::get(body);
    if (failed(fn))
      return failure();
    step.function = std::move(*fn);
    return success();
  };
  return llvm::TypeSwitch<Operation *, LogicalResult>(op)
      .Case([&](TokensOp tokens) {
        step.kind = StepKind::Tokens;
        step.valueType = tokens.getType().getValueType();
        return success();
      })
      .Case([&](IndicesOp) {
        step.kind = StepKind::Indices;
        return success();
      })
      .Case([&](FullOp full) -> LogicalResult {
        step.kind = StepKind::Full;
        FailureOr<PyValue> fill = fromAttr(full.getFill());
        if (failed(fill))
          return full.emitOpError("fill value ")
                 << full.getFill() << " is not a RASP value";
        step.constant = *fill;
        return success();
      })
      .Case([&](MapOp map) {
        step.kind = StepKind::Map;
        return compileBody(map.getBody());
      })
      .Case([&](SequenceMapOp map) {
        step.kind = StepKind::SequenceMap;
        return compileBody(map.getBody());
      })
      .Case([&](LinearSequenceMapOp map) {
        step.kind = StepKind::LinearSequenceMap;
        step.lhsCoeff = PyValue::real(map.getLhsCoeff().convertToDouble());
        step.rhsCoeff = PyValue::real(map.getRhsCoeff().convertToDouble());
        return success();
      })
      .Case([&](AggregateOp aggregate) -> LogicalResult {
        step.kind = StepKind::Aggregate;
        step.numerical = aggregate.getType().isNumerical();
        if (std::optional<Attribute> def = aggregate.getDefaultValue()) {
          FailureOr<PyValue> value = fromAttr(*def);
          if (failed(value))
            return aggregate.emitOpError("default ")
                   << *def << " is not a RASP value";
          step.constant = *value;
        }
        return success();
      })
      .Case([&](SelectorWidthOp) {
        step.kind = StepKind::SelectorWidth;
        return success();
      })
      .Case([&](SelectOp select) {
        step.kind = StepKind::Select;
        step.predicate = select.getPredicate();
        return success();
      })
      .Case([&](SelectWhereOp select) {
        step.kind = StepKind::SelectWhere;
        return compileBody(select.getBody());
      })
      .Case([&](SelectorAndOp) {
        step.kind = StepKind::SelectorAnd;
        return success();
      })
      .Case([&](SelectorOrOp) {
        step.kind = StepKind::SelectorOr;
        return success();
      })
      .Case([&](SelectorNotOp) {
        step.kind = StepKind::SelectorNot;
        return success();
      })
      .Default([](Operation *op) {
        return op->emitOpError("cannot be evaluated by the RASP interpreter");
      });
}

FailureOr<Interpreter> Interpreter::get(ProgramOp program, Value output) {
  auto prepared = std::make_shared<PreparedProgram>();
  prepared->program = program;
  prepared->output = output ? output : program.getOutput();
  if (!prepared->output)
    return program.emitOpError("has no output");

  llvm::DenseMap<Operation *, unsigned> stepOf;
  for (Operation &op : program.getBody().front()) {
    if (isa<OutputOp>(op))
      continue;
    Step step;
    step.op = &op;
    if (op.getNumResults() != 1 ||
        !isa<SOpType, SelectorType>(op.getResult(0).getType()))
      return op.emitOpError("cannot be evaluated by the RASP interpreter");
    if (failed(prepareStep(&op, step)))
      return failure();
    Value result = op.getResult(0);
    step.producesSelector = isa<SelectorType>(result.getType());
    step.result =
        step.producesSelector ? prepared->numSelections++ : prepared->numSOps++;
    prepared->slots[result] = step.result;
    for (Value operand : op.getOperands()) {
      // The verifier guarantees SSA dominance, so operands are known here.
      step.operands.push_back(prepared->slots.lookup(operand));
      step.operandSteps.push_back(stepOf.lookup(operand.getDefiningOp()));
    }
    stepOf[&op] = prepared->steps.size();
    prepared->steps.push_back(std::move(step));
  }

  Operation *outputOp = prepared->output.getDefiningOp();
  if (!outputOp || outputOp->getParentOp() != program ||
      !isa<SOpType>(prepared->output.getType()))
    return program.emitOpError("output must be an SOp defined in the program");

  // Tracr evaluates only the expression tree of the output: mark the steps
  // it reaches, walking backwards from the output.
  std::vector<bool> needed(prepared->steps.size(), false);
  needed[stepOf.lookup(outputOp)] = true;
  for (unsigned i = prepared->steps.size(); i-- > 0;)
    if (needed[i])
      for (unsigned operandStep : prepared->steps[i].operandSteps)
        needed[operandStep] = true;
  for (unsigned i = 0, e = prepared->steps.size(); i < e; ++i)
    if (needed[i])
      prepared->outputCone.push_back(i);

  return Interpreter(std::move(prepared));
}

ProgramOp Interpreter::getProgram() const { return impl->program; }

Value Interpreter::getOutput() const { return impl->output; }

//===----------------------------------------------------------------------===//
// Running
//===----------------------------------------------------------------------===//

LogicalResult Interpreter::evaluate(llvm::ArrayRef<PyValue> tokens, bool causal,
                                    bool everything, Trace &trace,
                                    InterpretError *error) const {
  trace.program = impl;
  trace.sops.assign(impl->numSOps, {});
  trace.selections.assign(impl->numSelections, {});
  Evaluator evaluator(tokens, causal, trace, error);
  if (everything) {
    for (const Step &step : impl->steps)
      if (failed(evaluator.run(step)))
        return failure();
    return success();
  }
  for (unsigned index : impl->outputCone)
    if (failed(evaluator.run(impl->steps[index])))
      return failure();
  return success();
}

FailureOr<std::vector<PyValue>> Interpreter::run(llvm::ArrayRef<PyValue> tokens,
                                                 bool causal,
                                                 InterpretError *error) const {
  Trace trace;
  if (failed(evaluate(tokens, causal, /*everything=*/false, trace, error)))
    return failure();
  return std::move(trace.sops[impl->slots.lookup(impl->output)]);
}

FailureOr<Trace> Interpreter::trace(llvm::ArrayRef<PyValue> tokens, bool causal,
                                    InterpretError *error) const {
  Trace trace;
  if (failed(evaluate(tokens, causal, /*everything=*/true, trace, error)))
    return failure();
  return trace;
}
