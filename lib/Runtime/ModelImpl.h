//===- ModelImpl.h - State of a compiled model ------------------*- C++ -*-===//
//
// Shared by CompiledModel.cpp (compilation) and Execution.cpp (running
// batches).
//
//===----------------------------------------------------------------------===//

#ifndef RASPDIALECT_LIB_RUNTIME_MODELIMPL_H
#define RASPDIALECT_LIB_RUNTIME_MODELIMPL_H

#include "ObjectLoader.h"
#include "RaspDialect/Runtime/Runtime.h"

#include "mlir/IR/BuiltinTypes.h"
#include "llvm/Support/ThreadPool.h"

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace mlir::rasp::runtime {
namespace detail {

/// A ranked memref descriptor laid out as {base, aligned, offset,
/// sizes[rank], strides[rank]}, all 64-bit words on x86-64.
class Descriptor {
public:
  Descriptor(const void *data, ArrayRef<int64_t> sizes,
             ArrayRef<int64_t> strides)
      : words(3 + 2 * sizes.size()) {
    words[0] = words[1] = reinterpret_cast<intptr_t>(data);
    words[2] = 0;
    llvm::copy(sizes, words.begin() + 3);
    llvm::copy(strides, words.begin() + 3 + sizes.size());
  }
  /// A contiguous row-major descriptor.
  static Descriptor rowMajor(const void *data, ArrayRef<int64_t> sizes) {
    SmallVector<int64_t> strides(sizes.size(), 1);
    for (int i = static_cast<int>(sizes.size()) - 2; i >= 0; --i)
      strides[i] = strides[i + 1] * sizes[i + 1];
    return Descriptor(data, sizes, strides);
  }
  void *get() { return words.data(); }

private:
  SmallVector<int64_t, 9> words;
};

/// The descriptor the compiled code fills in for the rank-3 result.
struct ResultDescriptor {
  float *base;
  float *data;
  int64_t offset;
  int64_t sizes[3];
  int64_t strides[3];
};

} // namespace detail

struct CompiledModel::Impl {
  ~Impl();

  /// The linked object code of every tier compiled so far (kept while the
  /// model lives: another thread may still run an older one); `entry` is
  /// the packed entry wrapper of the latest.
  std::vector<detail::LoadedObject> code;
  std::atomic<void (*)(void **)> entry{nullptr};
  /// Tier-up (CompileOptions::tierUpWork): the model's LLVM IR, compiled
  /// again at level 3 once it has done that much work.
  std::string bitcode, packedName;
  int64_t workPerPosition = 0, tierUpWork = 0;
  std::atomic<int64_t> workDone{0};
  std::atomic<bool> tierUpStarted{false};
  std::thread tierUpThread;
  std::mutex codeMutex;
  /// Called with the level-3 object when the tier-up produced it (stores it
  /// in the compilation cache).
  std::function<void(llvm::MemoryBufferRef)> onTopTier;
  /// Descriptors of the outlined weights, in argument order.
  std::vector<detail::Descriptor> weights;
  int64_t outputWidth = 0, numTokenIds = 0, maxPositions = 0;
  /// Static batch / positions sizes of the signature, or kDynamic.
  int64_t staticBatch = ShapedType::kDynamic;
  int64_t staticPositions = ShapedType::kDynamic;
  unsigned numThreads = 1;
  std::unique_ptr<llvm::StdThreadPool> pool;
  std::mutex poolMutex;

  llvm::Error validate(const TokenBatch &batch, size_t outputSize) const;
  /// Adds the work of `positions` positions; starts the tier-up in the
  /// background when it reaches tierUpWork.
  void noteWork(int64_t positions);
  /// Compiles the level-3 tier now, if there is one to compile.
  llvm::Error compileTopTier();
  /// Runs rows [begin, end) of `batch` and copies their outputs.
  llvm::Error runRows(const TokenBatch &batch, int64_t begin, int64_t end,
                      float *output) const;
  llvm::StdThreadPool &getPool();
};

} // namespace mlir::rasp::runtime

#endif // RASPDIALECT_LIB_RUNTIME_MODELIMPL_H
