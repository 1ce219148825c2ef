//===- MemoryEstimate.h - What a call of a model allocates ------*- C++ -*-===//
//
// The buffers a call of a model function (the calling convention,
// Runtime.h) allocates grow with the batch size B and the number of
// positions P: residual rows are B*P x width, attention scores B x P x P.
// The estimate reads every allocation of the tensor IR (`tensor.empty`,
// `bufferization.alloc_tensor`, the result) as a polynomial in B and P,
// from the sizes the function derives from its arguments' shapes, counts
// each twice (bufferization may copy a buffer once) and sums them: about
// what is live at once, as if nothing were freed early (sort, vocabulary
// 20, length 50: 0.9 MB per row estimated, 0.94 MB per row measured). The
// driver checks it against the memory budget before a batch runs and splits
// batches to fit (docs/Limits.md).
//
//===----------------------------------------------------------------------===//

#ifndef RASPDIALECT_RUNTIME_MEMORYESTIMATE_H
#define RASPDIALECT_RUNTIME_MEMORYESTIMATE_H

#include "mlir/Support/LLVM.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"

#include <cstdint>

namespace mlir {
class Operation;
} // namespace mlir

namespace mlir::rasp::runtime {

/// Bytes allocated by one call, sum of `bytes * B^batchPower *
/// P^positionPower`.
class ActivationEstimate {
public:
  struct Term {
    unsigned batchPower = 0, positionPower = 0;
    uint64_t bytes = 0;
  };

  /// The estimate of the model function `func` (a `func.func` in the model
  /// calling convention). Sizes it cannot trace to the arguments' shapes
  /// count as B*P each (the largest one-dimensional size of a call).
  static ActivationEstimate get(Operation *func);

  /// The estimated bytes of a call on `batch` rows of `positions`,
  /// saturating at UINT64_MAX.
  uint64_t evaluate(int64_t batch, int64_t positions) const;

  llvm::ArrayRef<Term> getTerms() const { return terms; }

private:
  void add(unsigned batchPower, unsigned positionPower, uint64_t bytes);
  llvm::SmallVector<Term> terms;
};

} // namespace mlir::rasp::runtime

#endif // RASPDIALECT_RUNTIME_MEMORYESTIMATE_H
