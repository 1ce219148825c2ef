//===- StageTiming.h - Wall and CPU time of timing scopes -------*- C++ -*-===//
//
// A TimingManager that records, for every scope nested under its root (the
// stages of a compile and, through PassManager::enableTiming, every pass),
// the wall time and the CPU time of the process. MLIR's DefaultTimingManager
// reports wall time only; on a machine shared with other builds the CPU time
// is the steadier number.
//
//===----------------------------------------------------------------------===//

#ifndef RASP_BENCH_STAGETIMING_H
#define RASP_BENCH_STAGETIMING_H

#include "mlir/Support/Timing.h"
#include "llvm/ADT/StringRef.h"

#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace mlir::rasp::bench {

/// Seconds of the monotonic wall clock.
double wallSeconds();
/// CPU seconds (user + system) of the whole process, all threads.
double processCPUSeconds();
/// Peak resident set size of the process so far, in KiB (getrusage).
long peakRSSKiB();
/// Current resident set size of the process, in KiB (/proc/self/statm).
long currentRSSKiB();

/// Time spent in one scope, summed over every time it was started.
struct StageTime {
  /// Scope names from the root's child down, joined by '/': "parse",
  /// "compile to tensor IR/InferBasesPass".
  std::string path;
  double wall = 0;
  double cpu = 0;
};

/// Records nested timing scopes by name. Scopes with the same name under the
/// same parent accumulate. Not reusable: make one per measured compile.
class StageTimingManager : public mlir::TimingManager {
public:
  StageTimingManager();
  ~StageTimingManager() override;

  /// Every scope that was started, in the order it was first started
  /// (parents before their children).
  std::vector<StageTime> getStages() const;

protected:
  std::optional<void *> rootTimer() override;
  void startTimer(void *handle) override;
  void stopTimer(void *handle) override;
  void *nestTimer(void *handle, const void *id,
                  llvm::function_ref<std::string()> nameBuilder) override;

private:
  struct Node;
  std::unique_ptr<Node> root;
  /// Nodes in creation order (the root excluded).
  std::vector<Node *> order;
  std::mutex mutex;
};

} // namespace mlir::rasp::bench

#endif // RASP_BENCH_STAGETIMING_H
