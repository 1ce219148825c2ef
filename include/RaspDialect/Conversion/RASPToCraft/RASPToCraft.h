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

  /// Model-size optimisations (docs/Fusion.md), all on by default.
  /// Elementwise SOps become functions of the attention outputs and
  /// embeddings they depend on, and one MLP computes each SOp that must be
  /// in the residual stream from those directly.
  bool fuseMLPs = true;
  /// A fused MLP may have up to this many times the hidden units of the
  /// unfused MLPs it replaces (and at least kMinFusedHidden).
  double fuseWidthFactor = 4.0;
  /// Largest table (reachable input combinations) of a fused MLP.
  int64_t maxFusedDomain = int64_t(1) << 16;
  /// A selector width over a pair of SOps (a select on a sequence_map of
  /// two SOps) counts the pairs in rectangles, one head each, instead of
  /// computing the sequence_map first.
  bool factorSelectors = true;
  /// Most heads a factorised selector width may use.
  int64_t maxSelectorRectangles = 4;
  /// MLPs that read only the tokens (or only the positions) are written by
  /// the token (position) embedding instead.
  bool foldEmbeddings = true;
};

/// The smallest hidden width a fused MLP may always use.
constexpr int64_t kMinFusedHidden = 64;

/// Builds the craft program of `program` right after it. Emits diagnostics
/// at the offending ops and returns failure if some SOp cannot be lowered;
/// `program` itself is left in place.
FailureOr<craft::ProgramOp> lowerToCraft(ProgramOp program,
                                         const LowerToCraftOptions &options);

} // namespace mlir::rasp

#endif // RASPDIALECT_CONVERSION_RASPTOCRAFT_RASPTOCRAFT_H
