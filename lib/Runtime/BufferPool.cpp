//===- BufferPool.cpp - Allocation functions of compiled models ----------===//

#include "BufferPool.h"

#include <csetjmp>
#include <cstdio>
#include <cstdlib>
#include <unordered_map>
#include <vector>

using namespace mlir::rasp::runtime::detail;

namespace {
/// Every block starts with a header, padded so the payload keeps the
/// block's 64-byte alignment: its payload size and, while a guarded call
/// owns it, its links in that call's list of live blocks.
constexpr uint64_t kHeader = 64;
struct Header {
  uint64_t size;
  Header *prev, *next;
};
static_assert(sizeof(Header) <= kHeader);

/// Cached bytes per thread beyond which freed blocks go back to malloc.
constexpr uint64_t kMaxCachedBytes = uint64_t(1) << 30;

struct ThreadCache {
  std::unordered_map<uint64_t, std::vector<char *>> blocks;
  uint64_t cachedBytes = 0;
  ~ThreadCache() {
    for (auto &bucket : blocks)
      for (char *base : bucket.second)
        std::free(base);
  }
};
thread_local ThreadCache cache;

/// The guarded call running on this thread, if any.
struct Guard {
  std::jmp_buf env;
  /// Blocks allocated by the call and not freed yet (a circular list).
  Header live{0, &live, &live};
  uint64_t failedSize = 0;
  const char *failedCheck = nullptr;
};
thread_local Guard *guard = nullptr;

void unlink(Header *h) {
  if (!h->prev)
    return;
  h->prev->next = h->next;
  h->next->prev = h->prev;
  h->prev = h->next = nullptr;
}
} // namespace

void *mlir::rasp::runtime::detail::poolAllocate(uint64_t size) {
  // Sizes near 2^64 would wrap when rounded and padded.
  if (size > UINT64_MAX / 2) {
    if (guard) {
      guard->failedSize = size;
      std::longjmp(guard->env, 1);
    }
    return nullptr;
  }
  size = (size + kHeader - 1) / kHeader * kHeader;
  std::vector<char *> &bucket = cache.blocks[size];
  char *base;
  if (!bucket.empty()) {
    base = bucket.back();
    bucket.pop_back();
    cache.cachedBytes -= size;
  } else {
    base = static_cast<char *>(std::aligned_alloc(kHeader, size + kHeader));
    if (!base) {
      if (guard) {
        guard->failedSize = size;
        std::longjmp(guard->env, 1);
      }
      return nullptr;
    }
  }
  auto *header = reinterpret_cast<Header *>(base);
  header->size = size;
  header->prev = header->next = nullptr;
  if (guard) {
    header->next = guard->live.next;
    header->prev = &guard->live;
    guard->live.next->prev = header;
    guard->live.next = header;
  }
  return base + kHeader;
}

void mlir::rasp::runtime::detail::poolFree(void *block) {
  if (!block)
    return;
  char *base = static_cast<char *>(block) - kHeader;
  auto *header = reinterpret_cast<Header *>(base);
  unlink(header);
  uint64_t size = header->size;
  if (cache.cachedBytes + size > kMaxCachedBytes) {
    std::free(base);
    return;
  }
  cache.blocks[size].push_back(base);
  cache.cachedBytes += size;
}

void mlir::rasp::runtime::detail::checkFailed(const char *message) {
  if (guard) {
    guard->failedCheck = message;
    std::longjmp(guard->env, 1);
  }
  std::fprintf(stderr, "runtime check failed: %s\n", message);
  std::abort();
}

/// Runs the call; no object with a destructor lives in this frame across
/// setjmp, so the longjmp back to it skips nothing.
static bool runUntilFailure(Guard &g, void (*entry)(void **), void **args) {
  if (setjmp(g.env) != 0)
    return false;
  entry(args);
  return true;
}

CallOutcome mlir::rasp::runtime::detail::callGuarded(void (*entry)(void **),
                                                     void **args) {
  Guard g;
  Guard *outer = guard;
  guard = &g;
  bool returned = runUntilFailure(g, entry, args);
  guard = outer;
  // After a failure the blocks still live are the call's intermediates:
  // free them. After a return they are the result: keep them, untracked.
  while (g.live.next != &g.live) {
    Header *h = g.live.next;
    unlink(h);
    if (!returned)
      std::free(h);
  }
  return CallOutcome{returned, g.failedSize, g.failedCheck};
}
