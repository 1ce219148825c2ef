//===- RASPToCraft.h - Lowering rasp programs to craft ----------*- C++ -*-===//
//
// The C++ entry point of `--lower-to-craft`, for drivers that build their own
// pipelines.
//
//===----------------------------------------------------------------------===//

#ifndef RASPDIALECT_CONVERSION_RASPTOCRAFT_RASPTOCRAFT_H
#define RASPDIALECT_CONVERSION_RASPTOCRAFT_RASPTOCRAFT_H

#include "RaspDialect/Conversion/RASPToCraft/Synthesis/Exactness.h"
#include "RaspDialect/Dialect/Craft/IR/CraftOps.h"
#include "RaspDialect/Dialect/RASP/IR/RASPOps.h"

namespace mlir::rasp {

/// Options of the lowering beyond the synthesis constants.
struct LowerToCraftOptions {
  /// Fixed softmax scale / ramp slope (0: derive). maxSeqLen and causal are
  /// taken from the program.
  double softmaxScale = 0;
  double mlpSlope = 0;
  /// Largest table over value tuples a composite selector may need.
  int64_t maxTableEntries = int64_t(1) << 26;
};

/// Builds the craft program of `program` right after it. Emits diagnostics
/// at the offending ops and returns failure if some SOp cannot be lowered;
/// `program` itself is left in place.
FailureOr<craft::ProgramOp> lowerToCraft(ProgramOp program,
                                         const LowerToCraftOptions &options);

} // namespace mlir::rasp

#endif // RASPDIALECT_CONVERSION_RASPTOCRAFT_RASPTOCRAFT_H
