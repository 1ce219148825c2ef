//===- MemRefCopy.h - Strided copies for compiled models --------*- C++ -*-===//
//
// The generated code copies between buffers of different layouts by calling
// `memrefCopy` (memref.copy lowered by finalize-memref-to-llvm). The runtime
// links its own implementation into every model, so that no executable needs
// MLIR's C runner utilities (which bring libMLIR.so and libLLVM.so along).
//
//===----------------------------------------------------------------------===//

#ifndef RASPDIALECT_LIB_RUNTIME_MEMREFCOPY_H
#define RASPDIALECT_LIB_RUNTIME_MEMREFCOPY_H

#include <cstdint>

namespace mlir::rasp::runtime::detail {

/// A memref of any rank as the lowered code passes it: the rank and a
/// pointer to the ranked descriptor {allocated, aligned, offset,
/// sizes[rank], strides[rank]} (64-bit fields).
struct UnrankedDescriptor {
  int64_t rank;
  void *descriptor;
};

/// Copies every element of `source` to the same index of `target` (same
/// rank and sizes; any strides); `elementSize` bytes each. The signature of
/// MLIR's `memrefCopy`.
void copyStrided(int64_t elementSize, UnrankedDescriptor *source,
                 UnrankedDescriptor *target);

} // namespace mlir::rasp::runtime::detail

#endif // RASPDIALECT_LIB_RUNTIME_MEMREFCOPY_H
