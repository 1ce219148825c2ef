//===- ModelImpl.h - State of a compiled model ------------------*- C++ -*-===//
//
// Shared by CompiledModel.cpp (compilation, the only file that sees the
// ExecutionEngine) and Execution.cpp (running batches).
//
//===----------------------------------------------------------------------===//

#ifndef RASPDIALECT_LIB_RUNTIME_MODELIMPL_H
#define RASPDIALECT_LIB_RUNTIME_MODELIMPL_H

#include "RaspDialect/Runtime/Runtime.h"

#include "mlir/IR/BuiltinTypes.h"
#include "llvm/Support/ThreadPool.h"

#include <memory>
#include <mutex>
#include <vector>

namespace mlir {
class ExecutionEngine;
} // namespace mlir

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

  std::unique_ptr<ExecutionEngine> engine;
  void (*entry)(void **) = nullptr;
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
  /// Runs rows [begin, end) of `batch` and copies their outputs.
  llvm::Error runRows(const TokenBatch &batch, int64_t begin, int64_t end,
                      float *output) const;
  llvm::StdThreadPool &getPool();
};

} // namespace mlir::rasp::runtime

#endif // RASPDIALECT_LIB_RUNTIME_MODELIMPL_H
