//===- Cache.cpp - Object code kept between runs --------------------------===//
//
// One file per entry, `<hex digest of key and kind>.entry`:
//
//   "RASPOBJ1"        magic, 8 bytes
//   entry digest      32 bytes: BLAKE3 of (key, kind), as in the file name
//   payload size      8 bytes, little endian
//   payload digest    32 bytes: BLAKE3 of the payload
//   payload
//
// A file whose size, magic, entry digest or payload digest does not match is
// rejected (and removed): a truncated write, a corrupt disk block, or an
// entry of another key copied into place is never handed out. Entries are
// written to a temporary file in the same directory and renamed into place
// (rename is atomic), so readers see a whole old entry or a whole new one;
// two processes storing the same entry write the same bytes. The last use of
// an entry is its modification time, which eviction orders by.
//
//===----------------------------------------------------------------------===//

#include "RaspDialect/Runtime/Cache.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/BLAKE3.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <chrono>
#include <vector>

using namespace mlir::rasp::runtime;

static constexpr llvm::StringLiteral kMagic = "RASPOBJ1";
static constexpr size_t kDigestSize = 32;
static constexpr size_t kHeaderSize = 8 + kDigestSize + 8 + kDigestSize;
static constexpr llvm::StringLiteral kEntrySuffix = ".entry";
static constexpr llvm::StringLiteral kTempPrefix = ".tmp-";

std::string mlir::rasp::runtime::getDefaultCacheDirectory() {
  llvm::SmallString<256> path;
  if (std::optional<std::string> xdg =
          llvm::sys::Process::GetEnv("XDG_CACHE_HOME");
      xdg && !xdg->empty()) {
    path = *xdg;
  } else if (std::optional<std::string> home =
                 llvm::sys::Process::GetEnv("HOME");
             home && !home->empty()) {
    path = *home;
    llvm::sys::path::append(path, ".cache");
  } else {
    return "";
  }
  llvm::sys::path::append(path, "rasp-compiler");
  return std::string(path);
}

bool mlir::rasp::runtime::isCacheDisabledByEnvironment() {
  std::optional<std::string> value = llvm::sys::Process::GetEnv(kNoCacheEnv);
  return value && !value->empty() && *value != "0";
}

std::unique_ptr<ObjectCache> ObjectCache::open(const CacheOptions &options) {
  if (!options.enabled || isCacheDisabledByEnvironment())
    return nullptr;
  uint64_t maxBytes = options.maxBytes;
  if (std::optional<std::string> bound =
          llvm::sys::Process::GetEnv(kCacheMaxBytesEnv))
    (void)llvm::StringRef(*bound).getAsInteger(10, maxBytes);
  std::string root = options.directory.empty() ? getDefaultCacheDirectory()
                                               : options.directory;
  if (root.empty())
    return nullptr;
  llvm::SmallString<256> directory(root);
  llvm::sys::path::append(directory, "objects");
  return std::make_unique<ObjectCache>(std::string(directory), maxBytes);
}

ObjectCache::ObjectCache(std::string directory, uint64_t maxBytes)
    : directory(std::move(directory)), maxBytes(maxBytes) {}

using Digest = std::array<uint8_t, kDigestSize>;

static Digest entryDigest(const ObjectCache::Key &key, llvm::StringRef kind) {
  llvm::BLAKE3 hash;
  hash.update(key);
  hash.update(kind);
  return hash.final();
}

std::string ObjectCache::getEntryPath(const Key &key,
                                      llvm::StringRef kind) const {
  llvm::SmallString<256> path(directory);
  llvm::sys::path::append(path, llvm::toHex(entryDigest(key, kind),
                                            /*LowerCase=*/true) +
                                    kEntrySuffix);
  return std::string(path);
}

static llvm::ArrayRef<uint8_t> bytes(llvm::StringRef s) {
  return llvm::ArrayRef<uint8_t>(reinterpret_cast<const uint8_t *>(s.data()),
                                 s.size());
}

std::unique_ptr<llvm::MemoryBuffer> ObjectCache::lookup(const Key &key,
                                                        llvm::StringRef kind) {
  std::string path = getEntryPath(key, kind);
  // Read, not mapped: the file must not change under the checks below.
  auto file = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                          /*RequiresNullTerminator=*/false,
                                          /*IsVolatile=*/true);
  if (!file) {
    ++misses;
    return nullptr;
  }
  llvm::StringRef contents = (*file)->getBuffer();
  Digest expected = entryDigest(key, kind);
  bool valid = contents.size() >= kHeaderSize && contents.starts_with(kMagic);
  if (valid) {
    llvm::StringRef stored = contents.substr(8, kDigestSize);
    uint64_t size =
        llvm::support::endian::read64le(contents.data() + 8 + kDigestSize);
    llvm::StringRef digest = contents.substr(8 + kDigestSize + 8, kDigestSize);
    llvm::StringRef payload = contents.substr(kHeaderSize);
    valid = bytes(stored) == llvm::ArrayRef<uint8_t>(expected) &&
            size == payload.size() &&
            bytes(digest) ==
                llvm::ArrayRef<uint8_t>(llvm::BLAKE3::hash(bytes(payload)));
  }
  if (!valid) {
    ++rejected;
    (void)llvm::sys::fs::remove(path);
    return nullptr;
  }
  ++hits;
  // Recently used now; a read-only cache keeps the old time.
  int fd;
  if (!llvm::sys::fs::openFileForReadWrite(
          path, fd, llvm::sys::fs::CD_OpenExisting, llvm::sys::fs::OF_None)) {
    (void)llvm::sys::fs::setLastAccessAndModificationTime(
        fd, std::chrono::system_clock::now());
    llvm::sys::Process::SafelyCloseFileDescriptor(fd);
  }
  return llvm::MemoryBuffer::getMemBufferCopy(contents.substr(kHeaderSize),
                                              path);
}

bool ObjectCache::store(const Key &key, llvm::StringRef kind,
                        llvm::StringRef data) {
  auto fail = [&] {
    ++failedStores;
    return false;
  };
  // An entry beyond the bound would be evicted at once.
  if (data.size() + kHeaderSize > maxBytes)
    return fail();
  if (llvm::sys::fs::create_directories(directory))
    return fail();
  llvm::SmallString<256> model(directory);
  llvm::sys::path::append(model, kTempPrefix + "%%%%%%%%%%%%%%%%");
  int fd;
  llvm::SmallString<256> temp;
  if (llvm::sys::fs::createUniqueFile(model, fd, temp))
    return fail();
  {
    llvm::raw_fd_ostream os(fd, /*shouldClose=*/true);
    Digest entry = entryDigest(key, kind);
    char size[8];
    llvm::support::endian::write64le(size, data.size());
    os << kMagic;
    os.write(reinterpret_cast<const char *>(entry.data()), entry.size());
    os.write(size, sizeof(size));
    Digest digest = llvm::BLAKE3::hash(bytes(data));
    os.write(reinterpret_cast<const char *>(digest.data()), digest.size());
    os << data;
    os.close();
    // A full disk or a file size limit: nothing is renamed into place.
    if (os.has_error()) {
      os.clear_error();
      (void)llvm::sys::fs::remove(temp);
      return fail();
    }
  }
  if (llvm::sys::fs::rename(temp, getEntryPath(key, kind))) {
    (void)llvm::sys::fs::remove(temp);
    return fail();
  }
  ++stores;
  evict();
  return true;
}

void ObjectCache::evict() {
  struct Entry {
    std::string path;
    uint64_t size;
    llvm::sys::TimePoint<> used;
  };
  std::vector<Entry> entries;
  uint64_t total = 0;
  auto now = std::chrono::system_clock::now();
  std::error_code ec;
  for (llvm::sys::fs::directory_iterator it(directory, ec), end;
       it != end && !ec; it.increment(ec)) {
    llvm::sys::fs::file_status status;
    if (llvm::sys::fs::status(it->path(), status))
      continue;
    llvm::StringRef name = llvm::sys::path::filename(it->path());
    // A temporary file of a writer that died; live writers are quick.
    if (name.starts_with(kTempPrefix)) {
      if (now - status.getLastModificationTime() > std::chrono::hours(1))
        (void)llvm::sys::fs::remove(it->path());
      continue;
    }
    if (!name.ends_with(kEntrySuffix))
      continue;
    entries.push_back(
        {it->path(), status.getSize(), status.getLastModificationTime()});
    total += status.getSize();
  }
  if (total <= maxBytes)
    return;
  llvm::sort(entries,
             [](const Entry &a, const Entry &b) { return a.used < b.used; });
  for (const Entry &entry : entries) {
    if (total <= maxBytes)
      break;
    // Another process may have evicted it first.
    if (!llvm::sys::fs::remove(entry.path, /*IgnoreNonExisting=*/false))
      ++evictions;
    total -= entry.size;
  }
}

ObjectCache::Statistics ObjectCache::getStatistics() const {
  Statistics s;
  s.hits = hits;
  s.misses = misses;
  s.rejected = rejected;
  s.stores = stores;
  s.failedStores = failedStores;
  s.evictions = evictions;
  return s;
}
