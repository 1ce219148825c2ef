//===- CompiledModel.cpp - JIT compilation and batched execution ---------===//
//
// The only file that includes the ExecutionEngine. The model is called
// through the packed wrapper of its C interface,
//   _mlir__mlir_ciface_<name>(void **args),
// args = {&result, &tokens, &lengths, &weight0, ...}, each pointing to a
// pointer to a memref descriptor. The result buffer is malloc'ed by the
// compiled code (from the buffer pool) and freed here after copying it out.
//
//===----------------------------------------------------------------------===//

#include "RaspDialect/Runtime/Runtime.h"

#include "BufferPool.h"
#include "RaspDialect/Runtime/Lowering.h"

#include "mlir/ExecutionEngine/CRunnerUtils.h"
#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/SymbolTable.h"
#include "llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/ThreadPool.h"
#include "llvm/Target/TargetMachine.h"

#include <chrono>
#include <cstdlib>
#include <mutex>
#include <thread>

using namespace mlir;
using namespace mlir::rasp::runtime;

namespace {
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

using Seconds = std::chrono::duration<double>;
double secondsSince(std::chrono::steady_clock::time_point start) {
  return Seconds(std::chrono::steady_clock::now() - start).count();
}
} // namespace

struct CompiledModel::Impl {
  std::unique_ptr<ExecutionEngine> engine;
  void (*entry)(void **) = nullptr;
  /// Descriptors of the outlined weights, in argument order.
  std::vector<Descriptor> weights;
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

//===----------------------------------------------------------------------===//
// Compilation
//===----------------------------------------------------------------------===//

/// Finds the model function: the named one, or the only public definition.
static func::FuncOp findEntry(ModuleOp module, StringRef name) {
  if (!name.empty()) {
    auto func = module.lookupSymbol<func::FuncOp>(name);
    if (!func || func.isExternal())
      emitError(module.getLoc(), "no function named '") << name << "'";
    return func && !func.isExternal() ? func : func::FuncOp();
  }
  func::FuncOp found;
  for (auto func : module.getOps<func::FuncOp>()) {
    if (func.isExternal() || !func.isPublic())
      continue;
    if (found) {
      emitError(module.getLoc(), "more than one public function; name the "
                                 "model function");
      return {};
    }
    found = func;
  }
  if (!found)
    emitError(module.getLoc(), "no public function to run");
  return found;
}

static bool isTensorOf(Type type, unsigned rank, Type element) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  return tensor && tensor.getRank() == rank &&
         tensor.getElementType() == element;
}

static FailureOr<int64_t> getPositiveAttr(func::FuncOp func, StringRef name) {
  auto attr = func->getAttrOfType<IntegerAttr>(name);
  if (!attr || attr.getInt() <= 0)
    return func.emitError("model function needs a positive integer '")
           << name << "' attribute";
  return attr.getInt();
}

/// Checks the signature against the calling convention and records the
/// sizes `run` validates against.
static LogicalResult checkSignature(func::FuncOp func,
                                    CompiledModel::Impl &impl) {
  Builder b(func.getContext());
  FunctionType type = func.getFunctionType();
  if (type.getNumInputs() != 2 || type.getNumResults() != 1 ||
      !isTensorOf(type.getInput(0), 2, b.getI32Type()) ||
      !isTensorOf(type.getInput(1), 1, b.getI32Type()) ||
      !isTensorOf(type.getResult(0), 3, b.getF32Type()))
    return func.emitError("model function must have type (tensor<BxPxi32>, "
                          "tensor<Bxi32>) -> tensor<BxPxWxf32>, got ")
           << type;
  auto tokens = cast<RankedTensorType>(type.getInput(0));
  auto lengths = cast<RankedTensorType>(type.getInput(1));
  auto result = cast<RankedTensorType>(type.getResult(0));
  if (result.isDynamicDim(2))
    return func.emitError("model output width must be static");
  impl.staticBatch = tokens.getDimSize(0);
  impl.staticPositions = tokens.getDimSize(1);
  if (lengths.getDimSize(0) != impl.staticBatch)
    return func.emitError("model token and length batch sizes differ");
  impl.outputWidth = result.getDimSize(2);
  FailureOr<int64_t> numTokenIds = getPositiveAttr(func, kNumTokenIdsAttr);
  if (failed(numTokenIds))
    return failure();
  FailureOr<int64_t> maxPositions = getPositiveAttr(func, kMaxPositionsAttr);
  if (failed(maxPositions))
    return failure();
  impl.numTokenIds = *numTokenIds;
  impl.maxPositions = *maxPositions;
  return success();
}

/// LLVM's default pipeline at `optLevel`, without loop unrolling: most
/// loops have small static trip counts, and unrolling them fully made basic
/// blocks so large that instruction scheduling dominated the JIT time
/// (8-layer width-40 model: 5.0 -> 2.1 CPU seconds) for no measurable
/// speedup; the matmul kernels are unrolled in MLIR already.
static void optimize(llvm::Module &module, unsigned optLevel,
                     llvm::TargetMachine *target) {
  if (optLevel == 0)
    return;
  llvm::LoopAnalysisManager loops;
  llvm::FunctionAnalysisManager functions;
  llvm::CGSCCAnalysisManager sccs;
  llvm::ModuleAnalysisManager modules;
  llvm::PipelineTuningOptions tuning;
  tuning.LoopUnrolling = false;
  tuning.LoopVectorization = tuning.SLPVectorization = optLevel > 1;
  llvm::PassBuilder builder(target, tuning);
  builder.registerModuleAnalyses(modules);
  builder.registerCGSCCAnalyses(sccs);
  builder.registerFunctionAnalyses(functions);
  builder.registerLoopAnalyses(loops);
  builder.crossRegisterProxies(loops, functions, sccs, modules);
  llvm::OptimizationLevel level = optLevel == 1   ? llvm::OptimizationLevel::O1
                                  : optLevel == 2 ? llvm::OptimizationLevel::O2
                                                  : llvm::OptimizationLevel::O3;
  builder.buildPerModuleDefaultPipeline(level).run(module, modules);
}

static llvm::Expected<std::unique_ptr<ExecutionEngine>>
createEngine(ModuleOp module, unsigned optLevel) {
  static std::once_flag initialized;
  std::call_once(initialized, [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
  });
  auto builder = llvm::orc::JITTargetMachineBuilder::detectHost();
  if (!builder)
    return builder.takeError();
  // The vectoriser needs the host's target machine to pick vector widths.
  auto machine = builder->createTargetMachine();
  if (!machine)
    return machine.takeError();
  std::shared_ptr<llvm::TargetMachine> target = std::move(*machine);
  std::function<llvm::Error(llvm::Module *)> transformer =
      [optLevel, target](llvm::Module *module) {
        optimize(*module, optLevel, target.get());
        return llvm::Error::success();
      };
  ExecutionEngineOptions options;
  options.transformer = transformer;
  options.jitCodeGenOptLevel = optLevel >= 3 ? llvm::CodeGenOptLevel::Aggressive
                               : optLevel == 0 ? llvm::CodeGenOptLevel::None
                                               : llvm::CodeGenOptLevel::Default;
  options.enableGDBNotificationListener = false;
  options.enablePerfNotificationListener = false;
  auto engine = ExecutionEngine::create(module, options);
  if (!engine)
    return engine.takeError();
  // Buffers come from the pool; copies between strided buffers (e.g. of an
  // output slice) call memrefCopy from the linked C runner utils.
  (*engine)->registerSymbols([](llvm::orc::MangleAndInterner interner) {
    llvm::orc::SymbolMap symbols;
    auto add = [&](StringRef name, auto *function) {
      symbols[interner(name)] = {llvm::orc::ExecutorAddr::fromPtr(function),
                                 llvm::JITSymbolFlags::Exported};
    };
    add("memrefCopy", &memrefCopy);
    add("_mlir_memref_to_llvm_alloc",
        &mlir::rasp::runtime::detail::poolAllocate);
    add("_mlir_memref_to_llvm_free", &mlir::rasp::runtime::detail::poolFree);
    return symbols;
  });
  return engine;
}

FailureOr<std::unique_ptr<CompiledModel>>
CompiledModel::compile(ModuleOp module, const CompileOptions &options,
                       CompileStats *stats) {
  auto start = std::chrono::steady_clock::now();
  MLIRContext *ctx = module.getContext();
  DialectRegistry registry;
  registerRuntimeDialects(registry);
  ctx->appendDialectRegistry(registry);

  OwningOpRef<ModuleOp> clone(module.clone());
  func::FuncOp func = findEntry(*clone, options.entryPoint);
  auto impl = std::make_unique<Impl>();
  if (!func || failed(checkSignature(func, *impl)))
    return failure();
  std::string name = func.getSymName().str();

  SmallVector<ElementsAttr> weights =
      outlineWeights(func, options.weightArgumentMinElements);
  int64_t weightBytes = 0;
  for (ElementsAttr weight : weights) {
    auto type = cast<ShapedType>(weight.getType());
    ArrayRef<char> data = getWeightData(weight);
    weightBytes += data.size();
    impl->weights.push_back(Descriptor::rowMajor(data.data(), type.getShape()));
  }
  func->setAttr("llvm.emit_c_interface", UnitAttr::get(ctx));

  LoweringOptions lowering;
  lowering.vectorizeMatmuls = options.vectorizeMatmuls;
  lowering.approximateMath = options.approximateMath;
  if (failed(lowerToLLVMDialect(*clone, lowering)))
    return failure();
  if (options.dumpLLVMDialect)
    clone->print(llvm::errs());
  double loweringSeconds = secondsSince(start);

  start = std::chrono::steady_clock::now();
  auto engine = createEngine(*clone, options.optLevel);
  if (!engine)
    return emitError(module.getLoc(), "JIT compilation failed: ")
           << llvm::toString(engine.takeError());
  impl->engine = std::move(*engine);
  auto entry = impl->engine->lookupPacked("_mlir_ciface_" + name);
  if (!entry)
    return emitError(module.getLoc(), "JIT lookup failed: ")
           << llvm::toString(entry.takeError());
  impl->engine->initialize();
  impl->entry = *entry;
  impl->numThreads = std::max(1u, std::thread::hardware_concurrency());
  if (stats) {
    stats->loweringSeconds = loweringSeconds;
    stats->jitSeconds = secondsSince(start);
    stats->numWeightArguments = weights.size();
    stats->weightArgumentBytes = weightBytes;
  }
  return std::unique_ptr<CompiledModel>(new CompiledModel(std::move(impl)));
}

CompiledModel::CompiledModel(std::unique_ptr<Impl> impl)
    : impl(std::move(impl)) {}
CompiledModel::~CompiledModel() = default;

int64_t CompiledModel::getOutputWidth() const { return impl->outputWidth; }
int64_t CompiledModel::getNumTokenIds() const { return impl->numTokenIds; }
int64_t CompiledModel::getMaxPositions() const { return impl->maxPositions; }
unsigned CompiledModel::getNumThreads() const { return impl->numThreads; }

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
  entry(args.data());

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
  mlir::rasp::runtime::detail::poolFree(result.base);
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
