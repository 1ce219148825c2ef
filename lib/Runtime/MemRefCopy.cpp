//===- MemRefCopy.cpp - Strided copies for compiled models ----------------===//
//
// An odometer over the outer dimensions; the innermost dimension is one
// memcpy when both sides are contiguous in it.
//
//===----------------------------------------------------------------------===//

#include "MemRefCopy.h"

#include <cstring>
#include <vector>

using namespace mlir::rasp::runtime::detail;

namespace {
/// The fields of a ranked descriptor.
struct View {
  View(const UnrankedDescriptor &memref, int64_t elementSize)
      : fields(static_cast<const int64_t *>(memref.descriptor)),
        rank(memref.rank) {
    base = reinterpret_cast<char *>(fields[1]) + fields[2] * elementSize;
  }
  int64_t size(int64_t d) const { return fields[3 + d]; }
  int64_t stride(int64_t d) const { return fields[3 + rank + d]; }

  const int64_t *fields;
  int64_t rank;
  char *base;
};
} // namespace

void mlir::rasp::runtime::detail::copyStrided(int64_t elementSize,
                                              UnrankedDescriptor *source,
                                              UnrankedDescriptor *target) {
  View from(*source, elementSize), to(*target, elementSize);
  int64_t rank = source->rank;
  if (rank == 0) {
    std::memcpy(to.base, from.base, elementSize);
    return;
  }
  for (int64_t d = 0; d < rank; ++d)
    if (from.size(d) == 0)
      return;
  int64_t inner = rank - 1, count = from.size(inner);
  bool contiguous = from.stride(inner) == 1 && to.stride(inner) == 1;
  std::vector<int64_t> index(rank, 0);
  while (true) {
    int64_t fromOffset = 0, toOffset = 0;
    for (int64_t d = 0; d < inner; ++d) {
      fromOffset += index[d] * from.stride(d);
      toOffset += index[d] * to.stride(d);
    }
    char *src = from.base + fromOffset * elementSize;
    char *dst = to.base + toOffset * elementSize;
    if (contiguous) {
      std::memmove(dst, src, count * elementSize);
    } else {
      for (int64_t i = 0; i < count; ++i)
        std::memcpy(dst + i * to.stride(inner) * elementSize,
                    src + i * from.stride(inner) * elementSize, elementSize);
    }
    // The next index of the outer dimensions, last fastest.
    int64_t d = inner - 1;
    for (; d >= 0; --d) {
      if (++index[d] < from.size(d))
        break;
      index[d] = 0;
    }
    if (d < 0)
      return;
  }
}
