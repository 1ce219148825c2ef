//===- Cache.h - Object code kept between runs ------------------*- C++ -*-===//
//
// The persistent compilation cache of CompiledModel::compile (docs/runtime.md,
// section 3): object files keyed by a hash of the model after weight
// outlining, the compile options, the host CPU and features and the
// compiler's version, in $XDG_CACHE_HOME/rasp-compiler (default
// ~/.cache/rasp-compiler). Entries are written atomically (a temporary file
// renamed into place), carry their key and a digest of their contents (a
// truncated, corrupt or foreign entry is removed and never loaded), and are
// evicted least recently used first beyond a size bound. Several processes
// may use one cache at once.
//
//===----------------------------------------------------------------------===//

#ifndef RASPDIALECT_RUNTIME_CACHE_H
#define RASPDIALECT_RUNTIME_CACHE_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/MemoryBuffer.h"

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

namespace mlir::rasp::runtime {

/// Environment variable that turns the cache off for every client (any
/// value but empty or "0").
inline constexpr llvm::StringLiteral kNoCacheEnv = "RASP_NO_CACHE";

/// Environment variable that replaces CacheOptions::maxBytes (bytes).
inline constexpr llvm::StringLiteral kCacheMaxBytesEnv = "RASP_CACHE_MAX_BYTES";

/// Where and how much object code is kept.
struct CacheOptions {
  bool enabled = true;
  /// Empty: getDefaultCacheDirectory().
  std::string directory;
  /// Entries beyond this total size are evicted, least recently used first.
  uint64_t maxBytes = uint64_t(256) << 20;
};

/// $XDG_CACHE_HOME/rasp-compiler, or $HOME/.cache/rasp-compiler; empty if
/// neither variable is set.
std::string getDefaultCacheDirectory();

/// Whether kNoCacheEnv turns the cache off.
bool isCacheDisabledByEnvironment();

class ObjectCache {
public:
  /// A 256-bit BLAKE3 digest of everything the cached data depends on.
  using Key = std::array<uint8_t, 32>;

  /// The cache `options` describe, or null if it is off (options or
  /// environment) or has no directory.
  static std::unique_ptr<ObjectCache> open(const CacheOptions &options);

  ObjectCache(std::string directory, uint64_t maxBytes);

  /// The directory entries live in (`objects` inside the cache directory).
  const std::string &getDirectory() const { return directory; }
  /// The file of entry (key, kind).
  std::string getEntryPath(const Key &key, llvm::StringRef kind) const;

  /// The data stored under (key, kind), or null if there is none or the
  /// entry is truncated, corrupt or foreign (then it is removed). A hit
  /// marks the entry as recently used.
  std::unique_ptr<llvm::MemoryBuffer> lookup(const Key &key,
                                             llvm::StringRef kind);
  /// Stores `data` under (key, kind) atomically and evicts old entries
  /// beyond the size bound. Returns false, changing nothing, if the entry
  /// cannot be written (read-only or full disk, no directory).
  bool store(const Key &key, llvm::StringRef kind, llvm::StringRef data);

  struct Statistics {
    int64_t hits = 0, misses = 0, rejected = 0, stores = 0, failedStores = 0,
            evictions = 0;
  };
  Statistics getStatistics() const;

private:
  void evict();

  std::string directory;
  uint64_t maxBytes;
  std::atomic<int64_t> hits{0}, misses{0}, rejected{0}, stores{0},
      failedStores{0}, evictions{0};
};

} // namespace mlir::rasp::runtime

#endif // RASPDIALECT_RUNTIME_CACHE_H
