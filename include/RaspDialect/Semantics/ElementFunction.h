//===- ElementFunction.h - Evaluation of element functions ------*- C++ -*-===//
//
// The one evaluator of RASP element functions: the bodies of `rasp.map`,
// `rasp.sequence_map` and `rasp.select_where`. The interpreter, basis
// inference and weight synthesis all call it, so the compiled model and the
// reference semantics cannot drift apart.
//
// Ops in a body have Python semantics on PyValues: `arith` integer ops trap
// on 64-bit overflow, `arith.divf` and `arith.floordivsi` trap on a zero
// divisor, `scf.if` evaluates only the taken branch.
//
//===----------------------------------------------------------------------===//

#ifndef RASPDIALECT_SEMANTICS_ELEMENTFUNCTION_H
#define RASPDIALECT_SEMANTICS_ELEMENTFUNCTION_H

#include "RaspDialect/Semantics/PyValue.h"

#include "mlir/IR/Location.h"
#include "mlir/IR/Region.h"

#include <memory>

namespace mlir::rasp {

/// Where and why an element function failed.
struct EvalError {
  Location loc;
  std::string message;
};

/// An element function body prepared for repeated evaluation. Cheap to copy.
class ElementFunction {
public:
  /// Prepares the single-block `body`, which must end in `rasp.yield`.
  /// Emits an error at the first op the evaluator does not support.
  static FailureOr<ElementFunction> get(Region &body);

  unsigned getNumArguments() const;

  /// Evaluates the function on `args`, which are first coerced to the block
  /// argument types. On failure, fills `error` if given.
  FailureOr<PyValue> operator()(llvm::ArrayRef<PyValue> args,
                                EvalError *error = nullptr) const;

  struct Impl;

private:
  explicit ElementFunction(std::shared_ptr<const Impl> impl)
      : impl(std::move(impl)) {}
  std::shared_ptr<const Impl> impl;
};

/// Returns the failure's text in the form used by every diagnostic that
/// reports an evaluation error: "<message> (evaluating on <args>)".
std::string describeEvalFailure(const EvalError &error,
                                llvm::ArrayRef<PyValue> args);

} // namespace mlir::rasp

#endif // RASPDIALECT_SEMANTICS_ELEMENTFUNCTION_H
