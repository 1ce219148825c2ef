//===- CraftToLinalg.h - Layered craft models to tensor IR ------*- C++ -*-===//
//
// The C++ entry point of `--convert-craft-to-linalg`: a `craft.model` becomes
// one `func.func` in the model calling convention of the JIT runtime
// (docs/runtime.md), built from upstream func/linalg/tensor/arith/math ops
// only. docs/CraftToLinalg.md describes the generated code.
//
//===----------------------------------------------------------------------===//

#ifndef RASPDIALECT_CONVERSION_CRAFTTOLINALG_CRAFTTOLINALG_H
#define RASPDIALECT_CONVERSION_CRAFTTOLINALG_CRAFTTOLINALG_H

#include "RaspDialect/Dialect/Craft/Analysis/Assembly.h"
#include "RaspDialect/Dialect/Craft/IR/CraftModel.h"
#include "RaspDialect/Support/CallingConvention.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>

namespace mlir::rasp {

/// How weights are stored and multiplied.
struct CraftToLinalgOptions {
  /// Weight tensors with at least this many elements are `dense_resource`
  /// blobs (no uniquing of large attributes); smaller ones dense literals.
  int64_t resourceMinElements = 1 << 16;
  /// Weight matrices with at least this many entries are multiplied in
  /// gather form (per output column, its non-zero rows) when that costs less
  /// than the dense product; 0 disables.
  int64_t sparseMinElements = 1 << 16;
  /// Cost of one gathered multiply-add relative to one dense one: the gather
  /// form of a matrix with `rows` rows is used when (most non-zeros of a
  /// column) x cost < rows.
  double sparseGatherCost = 4.0;
  /// W_QK blocks between two categorical subspaces with at least this many
  /// entries are looked up at the argmax directions of query and key instead
  /// of multiplied; 0 disables.
  int64_t lookupMinElements = 1 << 16;
  /// A head or MLP with a dense weight matrix of at least this many entries
  /// gets a function with static shapes of its own (the runtime's
  /// register-blocked matmul kernels need them); smaller components of the
  /// same kind share one function with dynamic shapes. 0: always shared.
  int64_t specializeMinElements = 1024;
  /// A static batch size for the function's signature; 0: dynamic.
  int64_t batchSize = 0;
  /// Splits of the rows into batch x positions are tensor.expand_shape ops
  /// with explicit output shapes, except where both sizes are dynamic and
  /// this is set: MLIR 22 lowers those only as tensor.reshape
  /// (docs/CraftToLinalg.md).
  bool reshapeDynamicSplits = true;
};

/// Whether a W_QK block is looked up at the argmax directions of its
/// one-hot query and key instead of multiplied (the one place that decides).
bool isLookupBlock(const craft::AssembledHead::QKBlock &block,
                   const CraftToLinalgOptions &options);

/// Builds the function of `model` right after it, named like the model.
/// Emits errors and fails if the model cannot be assembled.
FailureOr<func::FuncOp>
convertModelToLinalg(craft::ModelOp model, const CraftToLinalgOptions &options);

} // namespace mlir::rasp

#endif // RASPDIALECT_CONVERSION_CRAFTTOLINALG_CRAFTTOLINALG_H
