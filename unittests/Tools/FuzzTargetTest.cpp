//===- FuzzTargetTest.cpp - Fuzz targets read only their input ------------===//
//
// Each libFuzzer target (tools/rasp-*-fuzzer) must read only the bytes it is
// given: libFuzzer passes an exactly sized heap buffer with no terminator.
// The inputs here end flush against an inaccessible page, so a target that
// reads one byte past the end faults, every time, instead of reading
// whatever the heap holds there. rasp-mlir-fuzzer once parsed its input in
// place; MLIR's lexer looks for the NUL llvm::MemoryBuffer puts after a
// file, and ASan reported a heap-buffer-overflow only when the byte after
// the buffer happened not to be NUL (docs/Sanitizers.md). The targets are
// compiled into this test under other names (CMakeLists.txt), in every
// build.
//
//===----------------------------------------------------------------------===//

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/MemoryBuffer.h"

#include "gtest/gtest.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>

extern "C" int raspMLIRFuzzTarget(const uint8_t *data, size_t size);
extern "C" int raspImportFuzzTarget(const uint8_t *data, size_t size);
extern "C" int raspSafetensorsFuzzTarget(const uint8_t *data, size_t size);

namespace {

using FuzzTarget = int (*)(const uint8_t *, size_t);

/// A copy of some bytes that ends where an inaccessible page begins.
class GuardedBytes {
public:
  explicit GuardedBytes(llvm::StringRef bytes) {
    size_t page = sysconf(_SC_PAGESIZE);
    size_t dataPages = (bytes.size() + page - 1) / page;
    length = (dataPages + 1) * page;
    void *mapping = mmap(nullptr, length, PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mapping == MAP_FAILED)
      return;
    base = static_cast<uint8_t *>(mapping);
    uint8_t *guard = base + dataPages * page;
    if (mprotect(guard, page, PROT_NONE) != 0)
      return;
    data = guard - bytes.size();
    memcpy(data, bytes.data(), bytes.size());
    size = bytes.size();
  }
  ~GuardedBytes() {
    if (base)
      munmap(base, length);
  }
  GuardedBytes(const GuardedBytes &) = delete;
  GuardedBytes &operator=(const GuardedBytes &) = delete;

  uint8_t *data = nullptr;
  size_t size = 0;

private:
  uint8_t *base = nullptr;
  size_t length = 0;
};

std::string readSource(llvm::StringRef relativePath) {
  auto buffer = llvm::MemoryBuffer::getFile(std::string(RASP_SOURCE_DIR) + "/" +
                                            relativePath.str());
  EXPECT_TRUE(static_cast<bool>(buffer)) << relativePath.str();
  return buffer ? (*buffer)->getBuffer().str() : std::string();
}

/// Runs `target` on `bytes` in a child process; a read past the end kills
/// the child (SIGSEGV) and fails the expectation.
void expectReadsOnlyInput(FuzzTarget target, llvm::StringRef bytes) {
  GuardedBytes input(bytes);
  ASSERT_NE(input.data, nullptr) << "cannot map a guard page";
  EXPECT_EXIT(
      {
        target(input.data, input.size);
        std::_Exit(0);
      },
      testing::ExitedWithCode(0), "")
      << "input: " << bytes.take_front(80).str();
}

TEST(FuzzTargetTest, MLIRTargetReadsOnlyItsInput) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  // Each ends in the middle of a token the lexer would extend.
  for (llvm::StringRef text :
       {"", "module", "module {", "\"unterminated", "// a comment",
        "module attributes {a = \"x", "%0 = \"rasp.tokens\"() : () -> i"})
    expectReadsOnlyInput(raspMLIRFuzzTarget, text);
  // The input that ASan flagged in a fuzzing run, and a seed.
  expectReadsOnlyInput(
      raspMLIRFuzzTarget,
      readSource(
          "test/Tools/rasp-mlir-fuzzer/Inputs/unterminated-buffer.mlir"));
  expectReadsOnlyInput(raspMLIRFuzzTarget,
                       readSource("test/Dialect/RASP/ops.mlir"));
}

TEST(FuzzTargetTest, ImportTargetReadsOnlyItsInput) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  for (llvm::StringRef text : {"", "out", "out = tokens", "x = \"abc",
                               "# a comment", "out = map(lambda x: x + 1"})
    expectReadsOnlyInput(raspImportFuzzTarget, text);
  expectReadsOnlyInput(raspImportFuzzTarget,
                       readSource("examples/reverse.rasp"));
}

TEST(FuzzTargetTest, SafetensorsTargetReadsOnlyItsInput) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  std::string file = readSource(
      "test/Tools/rasp-safetensors-fuzzer/Inputs/corpus/weights.safetensors");
  for (size_t size : {size_t(0), size_t(4), size_t(8), size_t(12), file.size()})
    expectReadsOnlyInput(raspSafetensorsFuzzTarget,
                         llvm::StringRef(file).take_front(size));
}

} // namespace
