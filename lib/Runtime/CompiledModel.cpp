//===- CompiledModel.cpp - JIT compilation of a model --------------------===//
//
// The only file that includes the ExecutionEngine: checks the calling
// convention, outlines the weights, lowers to LLVM and JIT-compiles. The
// model is later called through the packed wrapper of its C interface,
// _mlir__mlir_ciface_<name>(void **args) (see Execution.cpp).
//
//===----------------------------------------------------------------------===//

#include "RaspDialect/Runtime/Runtime.h"

#include "BufferPool.h"
#include "ModelImpl.h"
#include "RaspDialect/Runtime/Lowering.h"
#include "TableBounds.h"

#include "mlir/ExecutionEngine/CRunnerUtils.h"
#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/IR/SymbolTable.h"
#include "llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Support/TargetSelect.h"
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

CompiledModel::Impl::~Impl() = default;

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
                       CompileStats *stats, TimingScope *timing) {
  auto start = std::chrono::steady_clock::now();
  TimingScope noTiming;
  TimingScope loweringTimer =
      (timing ? *timing : noTiming).nest("lower to LLVM dialect");
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
  lowering.vectorizeMinWeightElements = options.vectorizeMinWeightElements;
  lowering.approximateMath = options.approximateMath;
  if (failed(lowerToLLVMDialect(*clone, lowering)))
    return failure();
  if (options.dumpLLVMDialect)
    clone->print(llvm::errs());
  double loweringSeconds = secondsSince(start);
  loweringTimer.stop();

  start = std::chrono::steady_clock::now();
  TimingScope jitTimer = (timing ? *timing : noTiming).nest("JIT compile");
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
