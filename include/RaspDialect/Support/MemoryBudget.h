//===- MemoryBudget.h - The one memory budget of a process ------*- C++ -*-===//
//
// Every stage that allocates in proportion to the program or the input
// (value-set inference, synthesis and fusion, embedding tables, the
// compiled model's buffers, batches of inputs) estimates what it is about
// to allocate and checks the estimate against this budget first. Over the
// budget is a located error naming the stage, the estimate and how to
// raise it, never an abort or the kernel's OOM killer (docs/Limits.md).
//
// The budget is process-wide: memory is a property of the process, and a
// pass, the driver and the runtime must agree on it. Its default is half
// of the physical memory (or of a cgroup or address-space limit, if lower);
// the environment variable RASP_MEMORY_BUDGET and the tools' option
// --memory-budget replace it.
//
//===----------------------------------------------------------------------===//

#ifndef RASPDIALECT_SUPPORT_MEMORYBUDGET_H
#define RASPDIALECT_SUPPORT_MEMORYBUDGET_H

#include "mlir/IR/Location.h"
#include "mlir/Support/LLVM.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <initializer_list>
#include <string>

namespace mlir::rasp {

/// The environment variable that sets the budget (same syntax as the option).
inline constexpr const char *kMemoryBudgetEnvVar = "RASP_MEMORY_BUDGET";

class MemoryBudget {
public:
  /// The budget in bytes. Until `setLimit`, RASP_MEMORY_BUDGET if it parses,
  /// else `getDefaultLimit()`.
  static uint64_t getLimit();
  static void setLimit(uint64_t bytes);

  /// Half of `getAvailableMemory()`.
  static uint64_t getDefaultLimit();
  /// The physical memory, or the cgroup's memory limit or the address-space
  /// limit (ulimit -v) if lower.
  static uint64_t getAvailableMemory();

  /// Parses a size: a number with an optional unit K, M, G or T (powers of
  /// 1024, an optional trailing B or iB), a plain number meaning MiB, or a
  /// percentage of `getAvailableMemory()` ("25%"). Fails on anything else
  /// or on zero.
  static llvm::Expected<uint64_t> parse(llvm::StringRef text);

  /// Fails if `estimate` bytes exceed the budget: "<what> would need an
  /// estimated 3.1 GiB, over the memory budget of 1.0 GiB (raise it with
  /// --memory-budget=SIZE or RASP_MEMORY_BUDGET)".
  static llvm::Error check(uint64_t estimate, const llvm::Twine &what);
  /// The same check, emitted as an error at `loc`.
  static LogicalResult check(Location loc, uint64_t estimate,
                             const llvm::Twine &what);

  /// A byte count for messages: "512 bytes", "3.1 GiB".
  static std::string formatBytes(uint64_t bytes);
};

/// The product of `factors`, saturating at UINT64_MAX: an estimate that
/// overflows is over any budget.
uint64_t saturatingProduct(std::initializer_list<uint64_t> factors);
/// `a + b`, saturating at UINT64_MAX.
uint64_t saturatingSum(uint64_t a, uint64_t b);

/// Registers the command-line option --memory-budget=SIZE (as MLIR's
/// registerDefaultTimingManagerCLOptions does for timing).
void registerMemoryBudgetCLOptions();
/// Applies --memory-budget if given, else checks RASP_MEMORY_BUDGET. Fails
/// with a message naming the malformed one.
llvm::Error applyMemoryBudgetCLOptions();

} // namespace mlir::rasp

#endif // RASPDIALECT_SUPPORT_MEMORYBUDGET_H
