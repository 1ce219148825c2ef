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
// A failed run-time check of untrusted IR returns the same way.
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

/// Called by the code of a failed run-time check (`cf.assert` of
/// --rasp-insert-runtime-checks) with its message: returns to `callGuarded`
/// like a failed allocation. Outside a guarded call it prints and aborts.
[[noreturn]] void checkFailed(const char *message);

/// How a guarded call ended.
struct CallOutcome {
  bool returned = true;
  /// The size of the allocation that failed, if one did.
  uint64_t failedAllocation = 0;
  /// The message of the run-time check that failed, or null. It lives in
  /// the model's code.
  const char *failedCheck = nullptr;
};

/// Calls `entry(args)` on this thread. If an allocation or a run-time check
/// fails, the blocks the call had allocated are freed and the outcome says
/// which.
CallOutcome callGuarded(void (*entry)(void **), void **args);

} // namespace mlir::rasp::runtime::detail

#endif // RASPDIALECT_LIB_RUNTIME_BUFFERPOOL_H
