//===- BufferPool.h - Allocation functions of compiled models ---*- C++ -*-===//
//
// The JIT-compiled code allocates its buffers through these functions
// (finalize-memref-to-llvm with generic allocation functions). A forward
// pass allocates the same sizes on every call; plain malloc maps large
// blocks fresh each time and page-faults them in, which costs more than the
// arithmetic for small models and serialises threads on the kernel's
// address-space lock. The pool keeps freed blocks per thread for reuse.
//
//===----------------------------------------------------------------------===//

#ifndef RASPDIALECT_LIB_RUNTIME_BUFFERPOOL_H
#define RASPDIALECT_LIB_RUNTIME_BUFFERPOOL_H

#include <cstdint>

namespace mlir::rasp::runtime::detail {

/// Returns a 64-byte aligned block of at least `size` bytes.
void *poolAllocate(uint64_t size);
/// Returns a block from poolAllocate to the calling thread's cache.
void poolFree(void *block);

} // namespace mlir::rasp::runtime::detail

#endif // RASPDIALECT_LIB_RUNTIME_BUFFERPOOL_H
