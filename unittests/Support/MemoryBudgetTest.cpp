//===- MemoryBudgetTest.cpp - The process-wide memory budget --------------===//

#include "RaspDialect/Support/MemoryBudget.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"

#include "gtest/gtest.h"

using namespace mlir;
using namespace mlir::rasp;

namespace {

uint64_t parsed(llvm::StringRef text) {
  llvm::Expected<uint64_t> bytes = MemoryBudget::parse(text);
  if (!bytes) {
    llvm::consumeError(bytes.takeError());
    return 0;
  }
  return *bytes;
}

TEST(MemoryBudgetTest, ParsesSizes) {
  EXPECT_EQ(parsed("512M"), uint64_t(512) << 20);
  EXPECT_EQ(parsed("4G"), uint64_t(4) << 30);
  EXPECT_EQ(parsed("4GiB"), uint64_t(4) << 30);
  EXPECT_EQ(parsed("4gb"), uint64_t(4) << 30);
  EXPECT_EQ(parsed("64k"), uint64_t(64) << 10);
  EXPECT_EQ(parsed("1.5G"), uint64_t(3) << 29);
  EXPECT_EQ(parsed("1000"), uint64_t(1000) << 20);
  EXPECT_EQ(parsed("4096B"), uint64_t(4096));
  EXPECT_EQ(parsed("100%"), MemoryBudget::getAvailableMemory());
  EXPECT_EQ(parsed("1e30T"), UINT64_MAX);
}

TEST(MemoryBudgetTest, RefusesMalformedSizes) {
  for (const char *text :
       {"", "0", "-1G", "G", "12X", "abc", "0%", "150%", "nan", "1 2G"})
    EXPECT_EQ(parsed(text), 0u) << text;
}

TEST(MemoryBudgetTest, DefaultIsHalfTheAvailableMemory) {
  EXPECT_EQ(MemoryBudget::getDefaultLimit(),
            MemoryBudget::getAvailableMemory() / 2);
  EXPECT_GT(MemoryBudget::getDefaultLimit(), 0u);
}

TEST(MemoryBudgetTest, ChecksEstimates) {
  uint64_t saved = MemoryBudget::getLimit();
  MemoryBudget::setLimit(uint64_t(1) << 30);
  EXPECT_FALSE(llvm::errorToBool(MemoryBudget::check(1 << 30, "fits")));
  llvm::Error over = MemoryBudget::check((uint64_t(3) << 30) + 1, "stage X");
  ASSERT_TRUE(bool(over));
  EXPECT_EQ(
      llvm::toString(std::move(over)),
      "stage X would need an estimated 3.0 GiB, over the memory budget of "
      "1.0 GiB (raise it with --memory-budget=SIZE or "
      "RASP_MEMORY_BUDGET)");

  MLIRContext context;
  std::string message;
  ScopedDiagnosticHandler handler(&context, [&](Diagnostic &diag) {
    message = diag.str();
    return success();
  });
  Location loc = FileLineColLoc::get(&context, "p.rasp", 3, 4);
  EXPECT_TRUE(succeeded(MemoryBudget::check(loc, 1024, "small")));
  EXPECT_TRUE(message.empty());
  EXPECT_TRUE(failed(MemoryBudget::check(loc, UINT64_MAX, "huge")));
  EXPECT_EQ(message, "huge would need an estimated more than 16 EiB, over the "
                     "memory budget of 1.0 GiB (raise it with "
                     "--memory-budget=SIZE or RASP_MEMORY_BUDGET)");
  MemoryBudget::setLimit(saved);
}

TEST(MemoryBudgetTest, SaturatingArithmetic) {
  EXPECT_EQ(saturatingProduct({2, 3, 4}), 24u);
  EXPECT_EQ(saturatingProduct({uint64_t(1) << 40, uint64_t(1) << 40}),
            UINT64_MAX);
  EXPECT_EQ(saturatingSum(UINT64_MAX - 1, 5), UINT64_MAX);
}

TEST(MemoryBudgetTest, FormatsBytes) {
  EXPECT_EQ(MemoryBudget::formatBytes(512), "512 bytes");
  EXPECT_EQ(MemoryBudget::formatBytes(1536), "1.5 KiB");
  EXPECT_EQ(MemoryBudget::formatBytes(uint64_t(5) << 30), "5.0 GiB");
}

} // namespace
