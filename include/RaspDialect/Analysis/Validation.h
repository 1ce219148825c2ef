//===- Validation.h - What cannot be compiled faithfully --------*- C++ -*-===//
//
// Static validation of a RASP program against what the compiled transformer
// can compute. Errors mark constructs that cannot be compiled (Tracr's
// `validating.py` rules); warnings mark constructs whose compiled form is
// faithful only for some inputs (a categorical aggregate that may have to
// average different values). The rules are listed in docs/BasisInference.md.
//
//===----------------------------------------------------------------------===//

#ifndef RASPDIALECT_ANALYSIS_VALIDATION_H
#define RASPDIALECT_ANALYSIS_VALIDATION_H

#include "RaspDialect/Analysis/ValueSets.h"

#include <functional>

namespace mlir::rasp {

struct ValidationOptions {
  /// Also reject what Tracr cannot compile but this compiler can: constant
  /// SOps, non-linear sequence maps over numerical SOps, composite selectors
  /// and numerical aggregates of values other than 0 and 1.
  bool tracrStrict = false;
};

/// Reports, at each offending op, every construct of `program` that cannot be
/// compiled faithfully. `valuesOf` must know the value set of every SOp.
/// Fails if an error (not a warning) was reported.
LogicalResult validateProgram(ProgramOp program,
                              std::function<const ValueSet *(Value)> valuesOf,
                              const ValidationOptions &options);

} // namespace mlir::rasp

#endif // RASPDIALECT_ANALYSIS_VALIDATION_H
