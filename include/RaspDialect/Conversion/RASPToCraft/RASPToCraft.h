//===- RASPToCraft.h - Lowering rasp programs to craft ----------*- C++ -*-===//
//
// The C++ entry point of `--lower-to-craft`, for drivers that build their own
// pipelines. Its options are the pass's (LowerToCraftPassOptions, declared
// once in Conversion/Passes.td).
//
//===----------------------------------------------------------------------===//

#ifndef RASPDIALECT_CONVERSION_RASPTOCRAFT_RASPTOCRAFT_H
#define RASPDIALECT_CONVERSION_RASPTOCRAFT_RASPTOCRAFT_H

#include "RaspDialect/Conversion/Passes.h"
#include "RaspDialect/Dialect/Craft/IR/CraftOps.h"
#include "RaspDialect/Dialect/RASP/IR/RASPOps.h"

namespace mlir::rasp {

/// The smallest hidden width a fused MLP may always use.
constexpr int64_t kMinFusedHidden = 64;

/// What the lowering did, for the pass's statistics.
struct LowerToCraftStats {
  /// Fused MLPs refused before synthesis because their estimated cost
  /// (table size, units x points) was too large, or by the synthesis, and
  /// computed from their operands' subspaces instead.
  int64_t fusionFallbacks = 0;
  /// Selectors compiled as quadratic forms over position features.
  int64_t quadraticSelectors = 0;
  /// Exact numerical values of affine positions of selector widths
  /// (docs/exactness.md, 7.4).
  int64_t exactWidthFeatures = 0;
};

/// Builds the craft program of `program` right after it. Emits diagnostics
/// at the offending ops and returns failure if some SOp cannot be lowered;
/// `program` itself is left in place. With `fold-embeddings`, MLPs of the
/// tokens (or positions) alone are placed as if the embedding wrote them;
/// `--fold-embeddings` then folds them.
FailureOr<craft::ProgramOp> lowerToCraft(ProgramOp program,
                                         const LowerToCraftPassOptions &options,
                                         LowerToCraftStats *stats = nullptr);

} // namespace mlir::rasp

#endif // RASPDIALECT_CONVERSION_RASPTOCRAFT_RASPTOCRAFT_H
