//===- BufferPool.h - Allocation functions of compiled models ---*- C++ -*-===//
//
// The JIT-compiled code allocates its buffers through these functions
// (finalize-memref-to-llvm with generic allocation functions). A forward
// pass allocates the same sizes on every call; plain malloc maps large
// blocks fresh each time and page-faults them in, which costs more than the
// arithmetic for small models and serialises threads on the kernel's
// address-space lock. The pool keeps freed blocks per thread for reuse.
//
// The generated code cannot handle a failed allocation: it would write
// through the null pointer. So calls run under `callGuarded`, and a failed
// allocation jumps back out of the generated code (which has no
// destructors to skip), frees what the call had allocated and reports it.
//
//===----------------------------------------------------------------------===//

#ifndef RASPDIALECT_LIB_RUNTIME_BUFFERPOOL_H
#define RASPDIALECT_LIB_RUNTIME_BUFFERPOOL_H

#include <cstdint>

namespace mlir::rasp::runtime::detail {

/// Returns a 64-byte aligned block of at least `size` bytes. Inside
/// `callGuarded`, a failure returns to it instead of returning null.
void *poolAllocate(uint64_t size);
/// Returns a block from poolAllocate to the calling thread's cache.
void poolFree(void *block);

/// Calls `entry(args)` on this thread. Returns 0 if it returned, else the
/// size of the allocation that failed; the blocks the call had allocated
/// are freed then.
uint64_t callGuarded(void (*entry)(void **), void **args);

} // namespace mlir::rasp::runtime::detail

#endif // RASPDIALECT_LIB_RUNTIME_BUFFERPOOL_H
