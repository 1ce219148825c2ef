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

#ifndef RASPDIALECT_SUPPORT_TUPLEIDS_H
#define RASPDIALECT_SUPPORT_TUPLEIDS_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/Hashing.h"

#include <algorithm>
#include <cassert>
#include <cstdint>
#include <utility>
#include <vector>

namespace mlir::rasp {

/// The hash TupleIds files a row under.
struct TupleHash {
  uint64_t operator()(llvm::ArrayRef<int32_t> row) const {
    return llvm::hash_combine_range(row.begin(), row.end());
  }
};

/// Dense ids of int32 rows of one width, in order of first insertion.
/// `Hash` is a parameter so that tests can make every row collide.
template <typename Hash = TupleHash>
class TupleIds {
public:
  explicit TupleIds(size_t width) : width(width) {}

  /// The id of `row` (of the width given at construction), and whether it
  /// is new.
  std::pair<int32_t, bool> insert(llvm::ArrayRef<int32_t> row) {
    assert(row.size() == width && "row of another width");
    // The top bit cleared: DenseMap reserves ~0 and ~0 - 1 as keys.
    uint64_t hash = Hash()(row) & ~(uint64_t(1) << 63);
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

} // namespace mlir::rasp

#endif // RASPDIALECT_SUPPORT_TUPLEIDS_H
