//===- PreparedProgram.h - A program ready for interpretation ---*- C++ -*-===//
//
// Private to the Interpreter library: the flat list of steps the interpreter
// runs, one per SOp or selector op, with element functions compiled once.
//
//===----------------------------------------------------------------------===//

#ifndef LIB_INTERPRETER_PREPAREDPROGRAM_H
#define LIB_INTERPRETER_PREPAREDPROGRAM_H

#include "RaspDialect/Interpreter/Interpreter.h"
#include "RaspDialect/Semantics/ElementFunction.h"

#include "llvm/ADT/DenseMap.h"

#include <optional>

namespace mlir::rasp::detail {

enum class StepKind {
  Tokens,
  Indices,
  Full,
  Map,
  SequenceMap,
  LinearSequenceMap,
  Aggregate,
  SelectorWidth,
  Select,
  SelectWhere,
  SelectorAnd,
  SelectorOr,
  SelectorNot,
};

/// One SOp or selector op. Operands and the result are slots: indices into
/// the trace's SOp values or selections, according to their type.
struct Step {
  StepKind kind;
  Operation *op = nullptr;
  unsigned result = 0;
  llvm::SmallVector<unsigned, 2> operands;
  /// Steps defining the operands, to find what the output depends on.
  llvm::SmallVector<unsigned, 2> operandSteps;
  /// Body of map, sequence_map and select_where.
  std::optional<ElementFunction> function;
  /// Fill of full; default of aggregate (None when absent).
  PyValue constant;
  /// Coefficients of linear_sequence_map.
  PyValue lhsCoeff, rhsCoeff;
  Comparison predicate = Comparison::True;
  /// Value type of tokens; whether an aggregate is numerical.
  Type valueType;
  bool numerical = false;
  bool producesSelector = false;
};

struct PreparedProgram {
  ProgramOp program;
  Value output;
  std::vector<Step> steps;
  /// The step order restricted to what `output` depends on.
  std::vector<unsigned> outputCone;
  llvm::DenseMap<Value, unsigned> slots;
  unsigned numSOps = 0;
  unsigned numSelections = 0;
};

/// Runs steps on one input, filling a trace.
class Evaluator {
public:
  Evaluator(llvm::ArrayRef<PyValue> tokens, bool causal, Trace &trace,
            InterpretError *error);

  LogicalResult run(const Step &step);

private:
  LogicalResult fail(Location loc, const llvm::Twine &message);
  /// Reports an element-function failure at the body op that failed (or at
  /// `step` when the failure has no location of its own).
  LogicalResult failInBody(const Step &step, const EvalError &evalError,
                           llvm::ArrayRef<PyValue> args,
                           const llvm::Twine &where);

  LogicalResult evalTokens(const Step &step);
  LogicalResult evalMap(const Step &step);
  LogicalResult evalSequenceMap(const Step &step);
  LogicalResult evalLinearSequenceMap(const Step &step);
  LogicalResult evalAggregate(const Step &step);
  LogicalResult evalNumericalMean(const Step &step, unsigned query,
                                  llvm::ArrayRef<unsigned> keys,
                                  llvm::ArrayRef<PyValue> values,
                                  PyValue &result);
  LogicalResult evalCategoricalValue(const Step &step, unsigned query,
                                     llvm::ArrayRef<unsigned> keys,
                                     llvm::ArrayRef<PyValue> values,
                                     PyValue &result);
  LogicalResult evalSelect(const Step &step);
  LogicalResult evalSelectWhere(const Step &step);
  void evalSelectorCombination(const Step &step);

  std::vector<PyValue> &sop(unsigned slot) { return trace.sops[slot]; }
  Selection &selection(unsigned slot) { return trace.selections[slot]; }

  llvm::ArrayRef<PyValue> tokens;
  unsigned length;
  bool causal;
  Trace &trace;
  InterpretError *error;
};

} // namespace mlir::rasp::detail

#endif // LIB_INTERPRETER_PREPAREDPROGRAM_H
