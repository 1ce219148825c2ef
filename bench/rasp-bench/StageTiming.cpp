//===- StageTiming.cpp - Wall and CPU time of nested timing scopes --------===//

#include "StageTiming.h"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <sys/resource.h>
#include <unistd.h>

using namespace mlir::rasp::bench;

double mlir::rasp::bench::wallSeconds() {
  return std::chrono::duration<double>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

double mlir::rasp::bench::processCPUSeconds() {
  timespec time;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time);
  return static_cast<double>(time.tv_sec) + time.tv_nsec * 1e-9;
}

long mlir::rasp::bench::peakRSSKiB() {
  rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  // The kernel updates its high-water mark lazily (per-thread RSS counters
  // are synchronised every few page faults), so it can lag the current RSS.
  return std::max<long>(usage.ru_maxrss, currentRSSKiB());
}

long mlir::rasp::bench::currentRSSKiB() {
  long pages = 0, resident = 0;
  if (FILE *statm = std::fopen("/proc/self/statm", "r")) {
    if (std::fscanf(statm, "%ld %ld", &pages, &resident) != 2)
      resident = 0;
    std::fclose(statm);
  }
  return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

struct StageTimingManager::Node {
  std::string name;
  Node *parent = nullptr;
  std::vector<std::unique_ptr<Node>> children;
  double wall = 0, cpu = 0;
  double wallStart = 0, cpuStart = 0;
};

StageTimingManager::StageTimingManager() : root(std::make_unique<Node>()) {}
StageTimingManager::~StageTimingManager() = default;

std::optional<void *> StageTimingManager::rootTimer() { return root.get(); }

// The clocks are read outside the lock so that waiting for it is not timed.
void StageTimingManager::startTimer(void *handle) {
  double cpu = processCPUSeconds();
  double wall = wallSeconds();
  std::lock_guard<std::mutex> lock(mutex);
  auto *node = static_cast<Node *>(handle);
  node->wallStart = wall;
  node->cpuStart = cpu;
}

void StageTimingManager::stopTimer(void *handle) {
  double wall = wallSeconds();
  double cpu = processCPUSeconds();
  std::lock_guard<std::mutex> lock(mutex);
  auto *node = static_cast<Node *>(handle);
  node->wall += wall - node->wallStart;
  node->cpu += cpu - node->cpuStart;
}

void *
StageTimingManager::nestTimer(void *handle, const void *,
                              llvm::function_ref<std::string()> nameBuilder) {
  // Keyed by name, not by id: a pass's id is the pass object, and the same
  // pass in a later pipeline must land in the same record.
  std::string name = nameBuilder();
  std::lock_guard<std::mutex> lock(mutex);
  auto *parent = static_cast<Node *>(handle);
  for (std::unique_ptr<Node> &child : parent->children)
    if (child->name == name)
      return child.get();
  parent->children.push_back(std::make_unique<Node>());
  Node *child = parent->children.back().get();
  child->name = std::move(name);
  child->parent = parent;
  order.push_back(child);
  return child;
}

std::vector<StageTime> StageTimingManager::getStages() const {
  std::vector<StageTime> stages;
  for (const Node *node : order) {
    std::string path = node->name;
    for (const Node *up = node->parent; up && up != root.get(); up = up->parent)
      path = up->name + "/" + path;
    stages.push_back({std::move(path), node->wall, node->cpu});
  }
  return stages;
}
