//===- BufferPool.cpp - Allocation functions of compiled models ----------===//

#include "BufferPool.h"

#include <cstdlib>
#include <unordered_map>
#include <vector>

using namespace mlir::rasp::runtime::detail;

namespace {
/// Every block starts with a header holding its payload size, padded so the
/// payload keeps the block's 64-byte alignment.
constexpr uint64_t kHeader = 64;
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
} // namespace

void *mlir::rasp::runtime::detail::poolAllocate(uint64_t size) {
  size = (size + kHeader - 1) / kHeader * kHeader;
  std::vector<char *> &bucket = cache.blocks[size];
  char *base;
  if (!bucket.empty()) {
    base = bucket.back();
    bucket.pop_back();
    cache.cachedBytes -= size;
  } else {
    base = static_cast<char *>(std::aligned_alloc(kHeader, size + kHeader));
    if (!base)
      return nullptr;
    *reinterpret_cast<uint64_t *>(base) = size;
  }
  return base + kHeader;
}

void mlir::rasp::runtime::detail::poolFree(void *block) {
  if (!block)
    return;
  char *base = static_cast<char *>(block) - kHeader;
  uint64_t size = *reinterpret_cast<uint64_t *>(base);
  if (cache.cachedBytes + size > kMaxCachedBytes) {
    std::free(base);
    return;
  }
  cache.blocks[size].push_back(base);
  cache.cachedBytes += size;
}
