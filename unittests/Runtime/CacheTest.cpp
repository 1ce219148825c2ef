//===- CacheTest.cpp - The persistent compilation cache -------------------===//
//
// ObjectCache on its own (round trip, rejected entries, eviction, failed
// writes, threads) and through CompiledModel::compile (hits give the same
// results, a corrupt entry is compiled again and rewritten).
//
//===----------------------------------------------------------------------===//

#include "TestModel.h"

#include "RaspDialect/Runtime/Cache.h"
#include "RaspDialect/Runtime/Passes.h"
#include "RaspDialect/Runtime/Runtime.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include "gtest/gtest.h"

#include <thread>

using namespace mlir;
using namespace mlir::rasp::runtime;
using namespace mlir::rasp::runtime::testing;

namespace {

/// A fresh directory, removed at the end.
class TempDir {
public:
  TempDir() {
    llvm::SmallString<128> dir;
    EXPECT_FALSE(llvm::sys::fs::createUniqueDirectory("rasp-cache-test", dir));
    path = std::string(dir);
  }
  ~TempDir() { (void)llvm::sys::fs::remove_directories(path); }
  std::string path;
};

ObjectCache::Key keyOf(uint8_t seed) {
  ObjectCache::Key key{};
  key.fill(seed);
  return key;
}

std::string readFile(const std::string &path) {
  auto buffer = llvm::MemoryBuffer::getFile(path);
  return buffer ? (*buffer)->getBuffer().str() : std::string();
}

void writeFile(const std::string &path, llvm::StringRef contents) {
  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec);
  ASSERT_FALSE(ec);
  os << contents;
}

std::string lookup(ObjectCache &cache, const ObjectCache::Key &key,
                   llvm::StringRef kind) {
  std::unique_ptr<llvm::MemoryBuffer> data = cache.lookup(key, kind);
  return data ? data->getBuffer().str() : std::string("<miss>");
}

TEST(ObjectCacheTest, StoresAndFindsEntries) {
  TempDir dir;
  ObjectCache cache(dir.path, 1 << 20);
  EXPECT_EQ(lookup(cache, keyOf(1), "O1"), "<miss>");
  ASSERT_TRUE(cache.store(keyOf(1), "O1", "object one"));
  ASSERT_TRUE(cache.store(keyOf(1), "O3", "object three"));
  EXPECT_EQ(lookup(cache, keyOf(1), "O1"), "object one");
  EXPECT_EQ(lookup(cache, keyOf(1), "O3"), "object three");
  EXPECT_EQ(lookup(cache, keyOf(2), "O1"), "<miss>");
  // Storing again replaces the entry.
  ASSERT_TRUE(cache.store(keyOf(1), "O1", "object one, again"));
  EXPECT_EQ(lookup(cache, keyOf(1), "O1"), "object one, again");
  ObjectCache::Statistics stats = cache.getStatistics();
  EXPECT_EQ(stats.hits, 3);
  EXPECT_EQ(stats.misses, 2);
  EXPECT_EQ(stats.stores, 3);
}

TEST(ObjectCacheTest, RejectsTruncatedCorruptAndForeignEntries) {
  TempDir dir;
  ObjectCache cache(dir.path, 1 << 20);
  std::string data(1000, 'x');
  for (size_t i = 0; i < data.size(); ++i)
    data[i] = static_cast<char>(i * 7);
  auto fresh = [&](uint8_t seed) {
    EXPECT_TRUE(cache.store(keyOf(seed), "O1", data));
    return cache.getEntryPath(keyOf(seed), "O1");
  };

  // Truncated: the last bytes of the payload missing.
  std::string path = fresh(1);
  std::string whole = readFile(path);
  writeFile(path, llvm::StringRef(whole).drop_back(10));
  EXPECT_EQ(lookup(cache, keyOf(1), "O1"), "<miss>");
  EXPECT_FALSE(llvm::sys::fs::exists(path)) << "a rejected entry is removed";

  // Cut inside the header.
  path = fresh(2);
  writeFile(path, llvm::StringRef(readFile(path)).take_front(20));
  EXPECT_EQ(lookup(cache, keyOf(2), "O1"), "<miss>");

  // One flipped bit in the payload.
  path = fresh(3);
  whole = readFile(path);
  whole[whole.size() - 100] ^= 1;
  writeFile(path, whole);
  EXPECT_EQ(lookup(cache, keyOf(3), "O1"), "<miss>");

  // A valid entry of another key copied into place.
  std::string other = fresh(4);
  path = fresh(5);
  ASSERT_FALSE(llvm::sys::fs::copy_file(other, path));
  EXPECT_EQ(lookup(cache, keyOf(5), "O1"), "<miss>");
  EXPECT_EQ(lookup(cache, keyOf(4), "O1"), data);

  // Not an entry at all.
  path = fresh(6);
  writeFile(path, "\x7f"
                  "ELF not a cache entry, but an object file");
  EXPECT_EQ(lookup(cache, keyOf(6), "O1"), "<miss>");

  EXPECT_EQ(cache.getStatistics().rejected, 5);
  // Stored again, the entries are found.
  fresh(1);
  EXPECT_EQ(lookup(cache, keyOf(1), "O1"), data);
}

TEST(ObjectCacheTest, EvictsLeastRecentlyUsedBeyondTheBound) {
  TempDir dir;
  std::string data(400, 'd');
  // Room for two entries of 400 bytes and their headers, not three.
  ObjectCache cache(dir.path, 1100);
  ASSERT_TRUE(cache.store(keyOf(1), "O1", data));
  ASSERT_TRUE(cache.store(keyOf(2), "O1", data));
  // Entry 1 is used now: entry 2 is the least recently used. Modification
  // times have a resolution; make the use clearly later.
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(lookup(cache, keyOf(1), "O1"), data);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ASSERT_TRUE(cache.store(keyOf(3), "O1", data));
  EXPECT_EQ(lookup(cache, keyOf(2), "O1"), "<miss>");
  EXPECT_EQ(lookup(cache, keyOf(1), "O1"), data);
  EXPECT_EQ(lookup(cache, keyOf(3), "O1"), data);
  EXPECT_EQ(cache.getStatistics().evictions, 1);
  // An entry larger than the bound is not written at all.
  EXPECT_FALSE(cache.store(keyOf(4), "O1", std::string(2000, 'e')));
  EXPECT_EQ(lookup(cache, keyOf(4), "O1"), "<miss>");
  EXPECT_EQ(lookup(cache, keyOf(1), "O1"), data);
}

TEST(ObjectCacheTest, FailedWritesChangeNothing) {
  TempDir dir;
  // The cache directory cannot be created: a file is in the way.
  std::string file = dir.path + "/not-a-directory";
  writeFile(file, "x");
  ObjectCache blocked(file + "/objects", 1 << 20);
  EXPECT_FALSE(blocked.store(keyOf(1), "O1", "data"));
  EXPECT_EQ(lookup(blocked, keyOf(1), "O1"), "<miss>");
  EXPECT_EQ(blocked.getStatistics().failedStores, 1);
  // Nothing but the file in the directory: no temporary file left.
  std::error_code ec;
  int entries = 0;
  for (llvm::sys::fs::directory_iterator it(dir.path, ec), end;
       it != end && !ec; it.increment(ec))
    ++entries;
  EXPECT_EQ(entries, 1);
}

TEST(ObjectCacheTest, ConcurrentWritersAndReaders) {
  TempDir dir;
  // Eight threads with their own cache objects (as processes would have)
  // store and look up the same entry and an entry of their own; every hit
  // is whole and right.
  auto dataOf = [](int i) { return std::string(5000 + i, char('a' + i)); };
  std::vector<std::thread> threads;
  std::atomic<int> wrong{0};
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&, t] {
      ObjectCache cache(dir.path, 1 << 20);
      for (int round = 0; round < 50; ++round) {
        (void)cache.store(keyOf(100), "O1", dataOf(100));
        (void)cache.store(keyOf(t), "O1", dataOf(t));
        for (int k : {100, t, (t + 1) % 8}) {
          std::string got = lookup(cache, keyOf(k), "O1");
          if (got != "<miss>" && got != dataOf(k))
            ++wrong;
        }
      }
    });
  for (std::thread &thread : threads)
    thread.join();
  EXPECT_EQ(wrong, 0);
  ObjectCache cache(dir.path, 1 << 20);
  for (int k : {0, 1, 2, 3, 4, 5, 6, 7, 100})
    EXPECT_EQ(lookup(cache, keyOf(k), "O1"), dataOf(k));
}

TEST(ObjectCacheTest, DirectoryFromOptionsAndEnvironment) {
  CacheOptions options;
  options.directory = "/some/where";
  std::unique_ptr<ObjectCache> cache = ObjectCache::open(options);
  ASSERT_TRUE(cache);
  EXPECT_EQ(cache->getDirectory(), "/some/where/objects");
  options.enabled = false;
  EXPECT_FALSE(ObjectCache::open(options));
}

class CompiledModelCacheTest : public ::testing::Test {
protected:
  CompiledModelCacheTest() {
    DialectRegistry registry;
    registerRuntimeDialects(registry);
    context.appendDialectRegistry(registry);
  }

  /// Compiles the test model with the cache in `dir`; runs a batch. With
  /// `tierUp`, the model is compiled at level 1 and its level-3 tier is
  /// compiled before the batch runs. `optLevel` receives the level of the
  /// code that ran.
  std::vector<float> compileAndRun(const std::string &dir, bool *hit,
                                   bool tierUp = false,
                                   unsigned *optLevel = nullptr) {
    TestModelShape shape;
    shape.causal = true;
    TestModel model(shape, 5);
    OwningOpRef<ModuleOp> module =
        parseSourceString<ModuleOp>(model.toMLIR(false), &context);
    EXPECT_TRUE(module);
    model.attachWeights(*module);
    CompileOptions options;
    options.cache.directory = dir;
    if (tierUp) {
      options.optimizeMinWork = int64_t(1) << 40;
      options.tierUpWork = int64_t(1) << 40;
    }
    CompileStats stats;
    auto compiled = CompiledModel::compile(*module, options, &stats);
    EXPECT_TRUE(succeeded(compiled));
    *hit = stats.cacheHit;
    if (tierUp)
      EXPECT_FALSE(static_cast<bool>((*compiled)->optimizeNow()));
    if (optLevel)
      *optLevel = (*compiled)->getOptLevel();
    std::vector<int32_t> tokens = {0, 1, 2, 3, 0, 3, 2, 0};
    std::vector<int32_t> lengths = {4, 3};
    std::vector<float> out(2 * 4 * (*compiled)->getOutputWidth());
    EXPECT_FALSE(
        static_cast<bool>((*compiled)->run({2, 4, tokens, lengths}, out)));
    return out;
  }

  MLIRContext context;
};

TEST_F(CompiledModelCacheTest,
       HitsGiveTheSameResultsAndCorruptEntriesAreRecompiled) {
  TempDir dir;
  bool hit = true;
  std::vector<float> compiled = compileAndRun(dir.path, &hit);
  EXPECT_FALSE(hit);
  EXPECT_EQ(compileAndRun(dir.path, &hit), compiled);
  EXPECT_TRUE(hit);

  // Every entry corrupted (the last byte of each object flipped): compiled
  // again, same results, and the entries are whole again.
  std::error_code ec;
  std::vector<std::string> entries;
  for (llvm::sys::fs::directory_iterator it(dir.path + "/objects", ec), end;
       it != end && !ec; it.increment(ec))
    entries.push_back(it->path());
  ASSERT_FALSE(entries.empty());
  for (const std::string &path : entries) {
    std::string contents = readFile(path);
    contents.back() ^= 0x40;
    writeFile(path, contents);
  }
  EXPECT_EQ(compileAndRun(dir.path, &hit), compiled);
  EXPECT_FALSE(hit);
  EXPECT_EQ(compileAndRun(dir.path, &hit), compiled);
  EXPECT_TRUE(hit);
}

TEST_F(CompiledModelCacheTest, ATierUpIsLoadedAtTheTopLevelNextTime) {
  TempDir dir;
  bool hit = true;
  unsigned level = 0;
  // Compiled at level 1, tiered up to level 3; both objects are stored.
  std::vector<float> first =
      compileAndRun(dir.path, &hit, /*tierUp=*/true, &level);
  EXPECT_FALSE(hit);
  EXPECT_EQ(level, 3u);
  // The next process starts with the level-3 code from the cache.
  level = 0;
  std::vector<float> second =
      compileAndRun(dir.path, &hit, /*tierUp=*/false, &level);
  EXPECT_TRUE(hit);
  EXPECT_EQ(level, 3u);
  EXPECT_EQ(second, first);
}

} // namespace
