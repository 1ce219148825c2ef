//===- CompiledModel.cpp - JIT compilation of a model --------------------===//
//
// Checks the calling convention, outlines the weights, lowers to LLVM,
// generates object code (CodeGen.cpp) and links it (ObjectLoader.cpp). The
// model is later called through the packed wrapper of its C interface,
// _mlir__mlir_ciface_<name>(void **args) (see Execution.cpp).
//
//===----------------------------------------------------------------------===//

#include "RaspDialect/Runtime/Runtime.h"

#include "BufferPool.h"
#include "ModelImpl.h"
#include "RaspDialect/Runtime/Passes.h"
#include "TableBounds.h"

#include "CodeGen.h"
#include "RaspDialect/Runtime/Cache.h"
#include "RuntimeSourceDigest.inc"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/Support/BLAKE3.h"
#include "llvm/Target/TargetMachine.h"

#include <chrono>
#include <thread>

using namespace mlir;
using namespace mlir::rasp::runtime;
using namespace mlir::rasp::runtime::detail;

static double secondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
      .count();
}

CompiledModel::Impl::~Impl() {
  std::thread running;
  {
    std::lock_guard<std::mutex> lock(codeMutex);
    running = std::move(tierUpThread);
  }
  if (running.joinable())
    running.join();
}

void CompiledModel::Impl::noteWork(int64_t positions) {
  if (bitcode.empty() || tierUpWork <= 0)
    return;
  int64_t work = positions * workPerPosition;
  if (workDone.fetch_add(work) + work < tierUpWork ||
      tierUpStarted.exchange(true))
    return;
  std::lock_guard<std::mutex> lock(codeMutex);
  // A failed tier-up leaves the working code in place.
  tierUpThread = std::thread([this] { llvm::consumeError(compileTopTier()); });
}

llvm::Error CompiledModel::Impl::compileTopTier() {
  if (bitcode.empty())
    return llvm::Error::success();
  auto host = detail::getHostTarget(3);
  if (!host)
    return host.takeError();
  auto object = detail::emitObjectFromBitcode(bitcode, 3, *host->machine);
  if (!object)
    return object.takeError();
  if (onTopTier)
    onTopTier((*object)->getMemBufferRef());
  auto loaded = detail::loadObject(std::move(*object), packedName);
  if (!loaded)
    return loaded.takeError();
  loaded->optLevel = 3;
  std::lock_guard<std::mutex> lock(codeMutex);
  code.push_back(std::move(*loaded));
  entry.store(code.back().entry, std::memory_order_release);
  return llvm::Error::success();
}

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
  // Inputs are validated against the attributes; the code does no bounds
  // checks, so the tables it indexes must hold what they promise.
  return checkTableBounds(func, impl.numTokenIds, impl.maxPositions);
}

/// Multiply-adds per sequence of full length, roughly: every weight element
/// is used once per position (lookup tables, once per pair of positions,
/// count less; attention scores are small beside the weights).
static int64_t estimateWork(func::FuncOp func, int64_t positions) {
  int64_t elements = 0;
  func->getParentOfType<ModuleOp>().walk([&](arith::ConstantOp op) {
    if (auto type = dyn_cast<ShapedType>(op.getType()))
      elements += type.getNumElements();
  });
  for (unsigned i = 0, e = func.getNumArguments(); i < e; ++i)
    if (auto weight = func.getArgAttrOfType<ElementsAttr>(i, kWeightAttr))
      elements += weight.getNumElements();
  return elements * positions;
}

unsigned mlir::rasp::runtime::chooseOptLevel(const CompileOptions &options,
                                             int64_t work) {
  if (options.optLevel >= 0)
    return std::min(options.optLevel, 3);
  return work >= options.optimizeMinWork ? 3 : 1;
}

/// Feeds what is printed to a hash.
namespace {
class HashStream : public llvm::raw_ostream {
public:
  explicit HashStream(llvm::BLAKE3 &hash) : hash(hash) { SetUnbuffered(); }

private:
  void write_impl(const char *data, size_t size) override {
    hash.update(llvm::StringRef(data, size));
    position += size;
  }
  uint64_t current_pos() const override { return position; }

  llvm::BLAKE3 &hash;
  uint64_t position = 0;
};
} // namespace

/// The cache key of a model: everything its object code depends on besides
/// the optimisation level and the lowering variant, which name the entry's
/// kind. Weights outlined to arguments are not part of it (their data is
/// bound at run time), nor are locations (not printed).
static ObjectCache::Key cacheKey(ModuleOp module, StringRef entry,
                                 const CompileOptions &options) {
  llvm::BLAKE3 hash;
  {
    HashStream os(hash);
    const mlir::rasp::runtime::detail::HostIdentity &host =
        mlir::rasp::runtime::detail::getHostIdentity();
    os << "rasp-compiler object cache 1\0" << LLVM_VERSION_STRING << '\0'
       << kRuntimeSourceDigest << '\0' << host.triple << '\0' << host.cpu
       << '\0' << host.features << '\0' << entry << '\0'
       << options.vectorizeMinWeightElements << '\0' << options.approximateMath
       << '\0' << options.runtimeChecks << '\0';
    module.print(os);
  }
  return hash.final();
}

/// The entry kind of code at `optLevel` from the lowering with or without
/// register-blocked kernels.
static std::string objectKind(unsigned optLevel, bool kernels) {
  return "O" + std::to_string(optLevel) + (kernels ? "-kernels" : "-plain");
}

FailureOr<std::unique_ptr<CompiledModel>>
CompiledModel::compile(ModuleOp module, const CompileOptions &options,
                       CompileStats *stats, TimingScope *timing) {
  auto start = std::chrono::steady_clock::now();
  TimingScope noTiming;
  TimingScope &parent = timing ? *timing : noTiming;
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
  impl->packedName = detail::getPackedName(name);
  impl->numThreads = std::max(1u, std::thread::hardware_concurrency());

  // The weights become arguments first: they are bound to the constants'
  // data, which must not reach the code.
  PassManager outline(ctx);
  outline.addNestedPass<func::FuncOp>(createOutlineWeightsPass(
      OutlineWeightsPassOptions{options.weightArgumentMinElements}));
  if (options.weightArgumentMinElements > 0 && failed(outline.run(*clone)))
    return failure();
  int64_t work = estimateWork(func, impl->maxPositions);
  unsigned optLevel = chooseOptLevel(options, work);
  int64_t weightBytes = 0;
  for (auto weightFunc : clone->getOps<func::FuncOp>()) {
    for (unsigned i = 0, e = weightFunc.getNumArguments(); i < e; ++i) {
      auto weight = weightFunc.getArgAttrOfType<ElementsAttr>(i, kWeightAttr);
      if (!weight)
        continue;
      weightFunc.removeArgAttr(i, kWeightAttr);
      if (weightFunc != func)
        continue;
      auto type = cast<ShapedType>(weight.getType());
      ArrayRef<char> data = getWeightData(weight);
      weightBytes += data.size();
      impl->weights.push_back(
          Descriptor::rowMajor(data.data(), type.getShape()));
    }
  }
  func->setAttr("llvm.emit_c_interface", UnitAttr::get(ctx));
  impl->workPerPosition = work / impl->maxPositions;
  // Register-blocked kernels pay off only in optimised code; unoptimised
  // they are just more code to generate.
  bool kernels = options.vectorizeMatmuls && optLevel >= 2;
  // A model compiled quickly tiers up later (CompileOptions::tierUpWork).
  bool tiered = options.optLevel < 0 && optLevel < 2 && options.tierUpWork > 0;
  if (tiered)
    impl->tierUpWork = options.tierUpWork;
  if (stats) {
    stats->numWeightArguments = impl->weights.size();
    stats->weightArgumentBytes = weightBytes;
    stats->optLevel = optLevel;
    stats->estimatedWork = work;
  }
  auto link = [&](std::unique_ptr<llvm::MemoryBuffer> object,
                  unsigned level) -> LogicalResult {
    auto loaded = detail::loadObject(std::move(object), impl->packedName);
    if (!loaded)
      return emitError(module.getLoc(), "JIT linking failed: ")
             << llvm::toString(loaded.takeError());
    loaded->optLevel = level;
    impl->code.push_back(std::move(*loaded));
    impl->entry = impl->code.back().entry;
    return success();
  };

  // The cache: the tier-up's code if there is one, else this level's.
  std::shared_ptr<ObjectCache> cache = ObjectCache::open(options.cache);
  ObjectCache::Key key{};
  if (cache) {
    TimingScope lookupTimer = parent.nest("cache lookup");
    key = cacheKey(*clone, name, options);
    std::unique_ptr<llvm::MemoryBuffer> object;
    unsigned level = optLevel;
    if (tiered) {
      object = cache->lookup(key, objectKind(3, false));
      level = object ? 3 : optLevel;
    }
    if (!object)
      object = cache->lookup(key, objectKind(optLevel, kernels));
    if (object) {
      if (level != 3 && tiered) {
        if (auto bitcode = cache->lookup(key, "bitcode-plain"))
          impl->bitcode = bitcode->getBuffer().str();
      }
      lookupTimer.stop();
      TimingScope linkTimer = parent.nest("link cached code");
      if (failed(link(std::move(object), level)))
        return failure();
      if (level == 3)
        impl->tierUpStarted = true;
      if (stats) {
        stats->cacheHit = true;
        stats->jitSeconds = secondsSince(start);
      }
      impl->onTopTier = [cache, key](llvm::MemoryBufferRef object) {
        cache->store(key, objectKind(3, false), object.getBuffer());
      };
      return std::unique_ptr<CompiledModel>(new CompiledModel(std::move(impl)));
    }
  }

  TimingScope loweringTimer = parent.nest("lower to LLVM dialect");
  PassManager pm(ctx);
  // The input is verified; verifying after each of the pipeline's passes
  // cost a third of the lowering time. The pipeline ends with
  // --rasp-check-llvm-dialect, and the translation checks its input.
  pm.enableVerifier(false);
  LowerToLLVMPipelineOptions lowering;
  lowering.weightArgumentMinElements = 0; // done above
  lowering.vectorizeMatmuls = kernels;
  lowering.vectorizeMinWeightElements = options.vectorizeMinWeightElements;
  lowering.approximateMath = options.approximateMath;
  lowering.runtimeChecks = options.runtimeChecks;
  buildLowerToLLVMPipeline(pm, lowering);
  if (timing)
    pm.enableTiming(loweringTimer);
  if (failed(pm.run(*clone)))
    return failure();
  if (options.dumpLLVMDialect)
    clone->print(llvm::errs());
  double loweringSeconds = secondsSince(start);
  loweringTimer.stop();

  start = std::chrono::steady_clock::now();
  TimingScope jitTimer = parent.nest("JIT compile");
  auto host = detail::getHostTarget(optLevel);
  if (!host)
    return emitError(module.getLoc(), "no target for the host: ")
           << llvm::toString(host.takeError());
  auto object = detail::emitObject(*clone, name, optLevel, *host->machine,
                                   tiered ? &impl->bitcode : nullptr);
  if (!object)
    return emitError(module.getLoc(), "code generation failed: ")
           << llvm::toString(object.takeError());
  if (cache) {
    cache->store(key, objectKind(optLevel, kernels), (*object)->getBuffer());
    if (tiered)
      cache->store(key, "bitcode-plain", impl->bitcode);
    impl->onTopTier = [cache, key](llvm::MemoryBufferRef object) {
      cache->store(key, objectKind(3, false), object.getBuffer());
    };
  }
  if (failed(link(std::move(*object), optLevel)))
    return failure();
  if (stats) {
    stats->loweringSeconds = loweringSeconds;
    stats->jitSeconds = secondsSince(start);
  }
  return std::unique_ptr<CompiledModel>(new CompiledModel(std::move(impl)));
}

CompiledModel::CompiledModel(std::unique_ptr<Impl> impl)
    : impl(std::move(impl)) {}
CompiledModel::~CompiledModel() = default;
