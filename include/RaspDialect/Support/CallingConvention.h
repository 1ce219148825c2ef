//===- CallingConvention.h - Attributes of the model function ---*- C++ -*-===//
//
// The names of the attributes `--convert-craft-to-linalg` puts on the model
// function and that the runtime, the driver and embedders read. Header-only
// and free of dependencies, so that the conversion (which writes them) and
// the runtime (which reads them) share it without depending on each other.
// The calling convention itself is described in docs/runtime.md, section 1.
//
//===----------------------------------------------------------------------===//

#ifndef RASPDIALECT_SUPPORT_CALLINGCONVENTION_H
#define RASPDIALECT_SUPPORT_CALLINGCONVENTION_H

#include "llvm/ADT/StringRef.h"

namespace mlir::rasp {

/// The number V of valid token ids (i64): the vocabulary items in order,
/// then BOS (id V - 1).
inline constexpr llvm::StringLiteral kNumTokenIdsAttr = "rasp.num_token_ids";
/// The maximal number P of positions, BOS included (i64).
inline constexpr llvm::StringLiteral kMaxPositionsAttr = "rasp.max_positions";
/// The label of every residual direction, in column order (array of str).
inline constexpr llvm::StringLiteral kResidualLabelsAttr =
    "rasp.residual_labels";
/// The label of every token id (array of str).
inline constexpr llvm::StringLiteral kTokenLabelsAttr = "rasp.token_labels";
/// The label of every output column (array of str).
inline constexpr llvm::StringLiteral kOutputLabelsAttr = "rasp.output_labels";
/// How to decode the output: "categorical" (argmax over kOutputValuesAttr,
/// None where no entry reaches 1/2) or "numerical" (the single column).
inline constexpr llvm::StringLiteral kOutputEncodingAttr =
    "rasp.output_encoding";
/// The value of every output column of a categorical output.
inline constexpr llvm::StringLiteral kOutputValuesAttr = "rasp.output_values";

} // namespace mlir::rasp

#endif // RASPDIALECT_SUPPORT_CALLINGCONVENTION_H
