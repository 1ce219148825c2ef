//===- TupleIds.h - Dense ids of fixed-width integer tuples -----*- C++ -*-===//
//
// Fusion looks up rows of value indices (a point of a table without one
// column, a combination of argument classes) once per point. TupleIds
// interns such rows into dense ids 0, 1, ...: the rows are stored flat, a
// DenseMap from the row's hash finds the first row with that hash and a
// chain links rows whose hashes collide. No row is allocated on its own,
// and a caller keeps per-row data in a vector indexed by the id.
//
//===----------------------------------------------------------------------===//

#ifndef RASPDIALECT_LIB_CONVERSION_RASPTOCRAFT_TUPLEIDS_H
#define RASPDIALECT_LIB_CONVERSION_RASPTOCRAFT_TUPLEIDS_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/Hashing.h"

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

namespace mlir::rasp::lowering {

/// Dense ids of int32 rows of one width, in order of first insertion.
class TupleIds {
public:
  explicit TupleIds(size_t width) : width(width) {}

  /// The id of `row` (of the width given at construction), and whether it
  /// is new.
  std::pair<int32_t, bool> insert(llvm::ArrayRef<int32_t> row) {
    assert(row.size() == width && "row of another width");
    uint64_t hash = llvm::hash_combine_range(row.begin(), row.end());
    auto [it, inserted] = firstByHash.try_emplace(hash, size());
    if (!inserted) {
      int32_t id = it->second;
      for (;;) {
        if (std::equal(row.begin(), row.end(), rowAt(id)))
          return {id, false};
        if (next[id] < 0)
          break;
        id = next[id];
      }
      // A new row whose hash collides: chained after the last one.
      next[id] = size();
    }
    int32_t id = size();
    rows.insert(rows.end(), row.begin(), row.end());
    next.push_back(-1);
    return {id, true};
  }

  /// The number of distinct rows.
  int32_t size() const { return static_cast<int32_t>(next.size()); }

private:
  const int32_t *rowAt(int32_t id) const { return rows.data() + id * width; }

  size_t width;
  std::vector<int32_t> rows;
  /// The next row with the same hash, -1 for the last.
  std::vector<int32_t> next;
  llvm::DenseMap<uint64_t, int32_t> firstByHash;
};

} // namespace mlir::rasp::lowering

#endif // RASPDIALECT_LIB_CONVERSION_RASPTOCRAFT_TUPLEIDS_H
