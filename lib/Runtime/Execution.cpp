//===- Execution.cpp - Running batches on a compiled model ---------------===//
//
// Calls the compiled model through the packed wrapper of its C interface,
//   _mlir__mlir_ciface_<name>(void **args),
// args = {&result, &tokens, &lengths, &weight0, ...}, each pointing to a
// pointer to a memref descriptor. The result buffer comes from the buffer
// pool; it is copied into the caller's output and returned to the pool.
//
//===----------------------------------------------------------------------===//

#include "RaspDialect/Runtime/Runtime.h"

#include "BufferPool.h"
#include "ModelImpl.h"

#include "llvm/Support/FormatVariadic.h"

using namespace mlir;
using namespace mlir::rasp::runtime;
using namespace mlir::rasp::runtime::detail;

int64_t CompiledModel::getOutputWidth() const { return impl->outputWidth; }
int64_t CompiledModel::getNumTokenIds() const { return impl->numTokenIds; }
int64_t CompiledModel::getMaxPositions() const { return impl->maxPositions; }
unsigned CompiledModel::getNumThreads() const { return impl->numThreads; }

unsigned CompiledModel::getOptLevel() const {
  std::lock_guard<std::mutex> lock(impl->codeMutex);
  return impl->code.back().optLevel;
}

llvm::Error CompiledModel::optimizeNow() {
  std::thread running;
  {
    std::lock_guard<std::mutex> lock(impl->codeMutex);
    running = std::move(impl->tierUpThread);
  }
  if (running.joinable())
    running.join();
  if (impl->tierUpStarted.exchange(true))
    return llvm::Error::success();
  return impl->compileTopTier();
}

void CompiledModel::setNumThreads(unsigned numThreads) {
  std::lock_guard<std::mutex> lock(impl->poolMutex);
  impl->numThreads = std::max(1u, numThreads);
  impl->pool.reset();
}

//===----------------------------------------------------------------------===//
// Execution
//===----------------------------------------------------------------------===//

static llvm::Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

llvm::Error CompiledModel::Impl::validate(const TokenBatch &batch,
                                          size_t outputSize) const {
  int64_t rows = batch.batchSize, positions = batch.numPositions;
  if (rows < 0 || positions < 1 || positions > maxPositions)
    return makeError(llvm::formatv("positions {0} not in [1, {1}]", positions,
                                   maxPositions));
  if (!ShapedType::isDynamic(staticBatch) && rows != staticBatch)
    return makeError(llvm::formatv("model needs batch size {0}", staticBatch));
  if (!ShapedType::isDynamic(staticPositions) && positions != staticPositions)
    return makeError(
        llvm::formatv("model needs {0} positions", staticPositions));
  if (batch.tokenIds.size() != static_cast<size_t>(rows * positions) ||
      batch.lengths.size() != static_cast<size_t>(rows) ||
      outputSize != static_cast<size_t>(rows * positions * outputWidth))
    return makeError("buffer sizes do not match the batch shape");
  for (int64_t row = 0; row < rows; ++row) {
    int32_t length = batch.lengths[row];
    if (length < 1 || length > positions)
      return makeError(llvm::formatv("row {0}: length {1} not in [1, {2}]", row,
                                     length, positions));
    for (int64_t pos = 0; pos < positions; ++pos) {
      int32_t id = batch.tokenIds[row * positions + pos];
      if (id < 0 || id >= numTokenIds)
        return makeError(
            llvm::formatv("row {0} position {1}: token id {2} not in [0, {3})",
                          row, pos, id, numTokenIds));
    }
  }
  return llvm::Error::success();
}

llvm::Error CompiledModel::Impl::runRows(const TokenBatch &batch, int64_t begin,
                                         int64_t end, float *output) const {
  int64_t rows = end - begin, positions = batch.numPositions;
  Descriptor tokens = Descriptor::rowMajor(
      batch.tokenIds.data() + begin * positions, {rows, positions});
  Descriptor lengths =
      Descriptor::rowMajor(batch.lengths.data() + begin, {rows});
  ResultDescriptor result{};
  SmallVector<void *, 16> pointers{&result, tokens.get(), lengths.get()};
  // Descriptors are only read by the callee.
  for (const Descriptor &weight : weights)
    pointers.push_back(const_cast<Descriptor &>(weight).get());
  SmallVector<void *, 16> args;
  for (void *&pointer : pointers)
    args.push_back(&pointer);
  CallOutcome outcome =
      callGuarded(entry.load(std::memory_order_acquire), args.data());
  if (outcome.failedCheck)
    return makeError(llvm::formatv("rows {0} to {1}: runtime check failed: {2}",
                                   begin, end - 1, outcome.failedCheck));
  if (!outcome.returned)
    return makeError(llvm::formatv(
        "the compiled model could not allocate {0} bytes for rows {1} to {2} "
        "(out of memory; run fewer rows at once or free memory)",
        outcome.failedAllocation, begin, end - 1));

  bool shapeOk = result.sizes[0] == rows && result.sizes[1] == positions &&
                 result.sizes[2] == outputWidth;
  if (shapeOk) {
    float *out = output + begin * positions * outputWidth;
    for (int64_t b = 0; b < rows; ++b)
      for (int64_t p = 0; p < positions; ++p)
        for (int64_t w = 0; w < outputWidth; ++w)
          *out++ = result.data[result.offset + b * result.strides[0] +
                               p * result.strides[1] + w * result.strides[2]];
  }
  poolFree(result.base);
  if (!shapeOk)
    return makeError(
        llvm::formatv("model returned shape {0}x{1}x{2}, expected {3}x{4}x{5}",
                      result.sizes[0], result.sizes[1], result.sizes[2], rows,
                      positions, outputWidth));
  return llvm::Error::success();
}

llvm::StdThreadPool &CompiledModel::Impl::getPool() {
  std::lock_guard<std::mutex> lock(poolMutex);
  if (!pool)
    pool = std::make_unique<llvm::StdThreadPool>(
        llvm::hardware_concurrency(numThreads));
  return *pool;
}

llvm::Error CompiledModel::run(const TokenBatch &batch,
                               llvm::MutableArrayRef<float> output) const {
  if (llvm::Error error = impl->validate(batch, output.size()))
    return error;
  impl->noteWork(batch.batchSize * batch.numPositions);
  if (batch.batchSize == 0)
    return llvm::Error::success();
  // Static batch sizes cannot be split; otherwise one chunk per thread.
  int64_t chunks = ShapedType::isDynamic(impl->staticBatch)
                       ? std::min<int64_t>(impl->numThreads, batch.batchSize)
                       : 1;
  if (chunks == 1)
    return impl->runRows(batch, 0, batch.batchSize, output.data());

  llvm::StdThreadPool &pool = impl->getPool();
  llvm::ThreadPoolTaskGroup group(pool);
  std::mutex errorMutex;
  llvm::Error firstError = llvm::Error::success();
  auto runChunk = [&](int64_t chunk) {
    int64_t begin = batch.batchSize * chunk / chunks;
    int64_t end = batch.batchSize * (chunk + 1) / chunks;
    llvm::Error error = impl->runRows(batch, begin, end, output.data());
    std::lock_guard<std::mutex> lock(errorMutex);
    firstError = llvm::joinErrors(std::move(firstError), std::move(error));
  };
  for (int64_t chunk = 1; chunk < chunks; ++chunk)
    group.async([&runChunk, chunk] { runChunk(chunk); });
  runChunk(0);
  group.wait();
  return firstError;
}
