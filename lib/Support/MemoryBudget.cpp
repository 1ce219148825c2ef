//===- MemoryBudget.cpp - The one memory budget of a process --------------===//

#include "RaspDialect/Support/MemoryBudget.h"

#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/ManagedStatic.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/MemoryBuffer.h"

#include <atomic>
#include <cstdlib>
#include <sys/resource.h>
#include <unistd.h>

using namespace mlir;
using namespace mlir::rasp;

/// 0 until the first getLimit or setLimit.
static std::atomic<uint64_t> budgetBytes{0};

/// The first number in `path` (a cgroup limit file), if any.
static std::optional<uint64_t> readLimitFile(const char *path) {
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> file =
      llvm::MemoryBuffer::getFileAsStream(path);
  if (!file)
    return std::nullopt;
  uint64_t value;
  // "max" (cgroup v2) means no limit.
  if (llvm::StringRef((*file)->getBuffer()).trim().getAsInteger(10, value))
    return std::nullopt;
  return value;
}

uint64_t MemoryBudget::getAvailableMemory() {
  uint64_t memory = UINT64_MAX;
  long pages = sysconf(_SC_PHYS_PAGES), pageSize = sysconf(_SC_PAGESIZE);
  if (pages > 0 && pageSize > 0)
    memory = uint64_t(pages) * uint64_t(pageSize);
  for (const char *path : {"/sys/fs/cgroup/memory.max",
                           "/sys/fs/cgroup/memory/memory.limit_in_bytes"})
    if (std::optional<uint64_t> limit = readLimitFile(path))
      memory = std::min(memory, *limit);
  struct rlimit limit;
  if (getrlimit(RLIMIT_AS, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY)
    memory = std::min<uint64_t>(memory, limit.rlim_cur);
  // Nothing known: assume a small machine rather than none.
  return memory == UINT64_MAX ? uint64_t(4) << 30 : memory;
}

uint64_t MemoryBudget::getDefaultLimit() {
  return std::max<uint64_t>(getAvailableMemory() / 2, 1);
}

uint64_t MemoryBudget::getLimit() {
  uint64_t limit = budgetBytes.load(std::memory_order_relaxed);
  if (limit)
    return limit;
  limit = getDefaultLimit();
  if (const char *env = std::getenv(kMemoryBudgetEnvVar)) {
    llvm::Expected<uint64_t> parsed = parse(env);
    if (parsed)
      limit = *parsed;
    else
      // The tools report a malformed value (applyMemoryBudgetCLOptions);
      // a library keeps the default.
      llvm::consumeError(parsed.takeError());
  }
  uint64_t expected = 0;
  budgetBytes.compare_exchange_strong(expected, limit);
  return budgetBytes.load(std::memory_order_relaxed);
}

void MemoryBudget::setLimit(uint64_t bytes) {
  budgetBytes.store(std::max<uint64_t>(bytes, 1), std::memory_order_relaxed);
}

llvm::Expected<uint64_t> MemoryBudget::parse(llvm::StringRef text) {
  auto malformed = [&] {
    return llvm::createStringError(
        "malformed memory size '" + text +
        "' (expected e.g. 512M, 4G, 25% or a number of MiB)");
  };
  llvm::StringRef rest = text.trim();
  if (rest.consume_back("%")) {
    double percent;
    if (rest.getAsDouble(percent) || !(percent > 0) || percent > 100)
      return malformed();
    return std::max<uint64_t>(
        static_cast<uint64_t>(getAvailableMemory() * (percent / 100.0)), 1);
  }
  // Accept "4G", "4GB", "4GiB" and "4g".
  if (!rest.consume_back_insensitive("ib"))
    rest.consume_back_insensitive("b");
  unsigned shift = 20;
  if (!rest.empty() && llvm::isAlpha(rest.back())) {
    switch (llvm::toLower(rest.back())) {
    case 'k':
      shift = 10;
      break;
    case 'm':
      shift = 20;
      break;
    case 'g':
      shift = 30;
      break;
    case 't':
      shift = 40;
      break;
    default:
      return malformed();
    }
    rest = rest.drop_back();
  } else if (text.trim().size() != rest.size()) {
    // "512B": bytes.
    shift = 0;
  }
  double number;
  if (rest.trim().getAsDouble(number) || !(number > 0))
    return malformed();
  double bytes = number * double(uint64_t(1) << shift);
  if (bytes < 1)
    return malformed();
  return bytes >= 1.8e19 ? UINT64_MAX : static_cast<uint64_t>(bytes);
}

std::string MemoryBudget::formatBytes(uint64_t bytes) {
  if (bytes == UINT64_MAX)
    return "more than 16 EiB";
  if (bytes < 1024)
    return llvm::formatv("{0} bytes", bytes).str();
  static const char *units[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  double value = double(bytes) / 1024;
  unsigned unit = 0;
  while (value >= 1024 && unit + 1 < std::size(units)) {
    value /= 1024;
    ++unit;
  }
  return llvm::formatv("{0:f1} {1}", value, units[unit]).str();
}

static std::string overBudgetMessage(uint64_t estimate,
                                     const llvm::Twine &what) {
  return (what + " would need an estimated " +
          MemoryBudget::formatBytes(estimate) + ", over the memory budget of " +
          MemoryBudget::formatBytes(MemoryBudget::getLimit()) +
          " (raise it with --memory-budget=SIZE or " + kMemoryBudgetEnvVar +
          ")")
      .str();
}

llvm::Error MemoryBudget::check(uint64_t estimate, const llvm::Twine &what) {
  if (estimate <= getLimit())
    return llvm::Error::success();
  return llvm::createStringError(overBudgetMessage(estimate, what));
}

LogicalResult MemoryBudget::check(Location loc, uint64_t estimate,
                                  const llvm::Twine &what) {
  if (estimate <= getLimit())
    return success();
  return emitError(loc, overBudgetMessage(estimate, what));
}

uint64_t
mlir::rasp::saturatingProduct(std::initializer_list<uint64_t> factors) {
  uint64_t product = 1;
  for (uint64_t factor : factors)
    product = llvm::SaturatingMultiply(product, factor);
  return product;
}

uint64_t mlir::rasp::saturatingSum(uint64_t a, uint64_t b) {
  return llvm::SaturatingAdd(a, b);
}

//===----------------------------------------------------------------------===//
// Command line
//===----------------------------------------------------------------------===//

namespace {
struct MemoryBudgetCLOptions {
  llvm::cl::opt<std::string> budget{
      "memory-budget",
      llvm::cl::desc("Memory the compiler and the compiled model may use: "
                     "e.g. 512M, 4G, 25% (of physical memory); default half "
                     "of physical memory, or RASP_MEMORY_BUDGET"),
      llvm::cl::value_desc("SIZE")};
};
} // namespace

static llvm::ManagedStatic<MemoryBudgetCLOptions> clOptions;

void mlir::rasp::registerMemoryBudgetCLOptions() { *clOptions; }

llvm::Error mlir::rasp::applyMemoryBudgetCLOptions() {
  if (clOptions.isConstructed() && clOptions->budget.getNumOccurrences()) {
    llvm::Expected<uint64_t> bytes = MemoryBudget::parse(clOptions->budget);
    if (!bytes)
      return llvm::createStringError("--memory-budget: " +
                                     llvm::toString(bytes.takeError()));
    MemoryBudget::setLimit(*bytes);
    return llvm::Error::success();
  }
  if (const char *env = std::getenv(kMemoryBudgetEnvVar)) {
    llvm::Expected<uint64_t> bytes = MemoryBudget::parse(env);
    if (!bytes)
      return llvm::createStringError(llvm::Twine(kMemoryBudgetEnvVar) + ": " +
                                     llvm::toString(bytes.takeError()));
    MemoryBudget::setLimit(*bytes);
  }
  return llvm::Error::success();
}
