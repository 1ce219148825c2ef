//===- CodeGen.cpp - LLVM dialect to a host object file -------------------===//

#include "CodeGen.h"

#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/Bitcode/BitcodeReader.h"
#include "llvm/Bitcode/BitcodeWriter.h"
#include "llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Support/SmallVectorMemoryBuffer.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/SubtargetFeature.h"
#include "llvm/Transforms/InstCombine/InstCombine.h"
#include "llvm/Transforms/Scalar/EarlyCSE.h"
#include "llvm/Transforms/Scalar/SROA.h"
#include "llvm/Transforms/Scalar/SimplifyCFG.h"

#include <mutex>

using namespace mlir;
using namespace mlir::rasp::runtime::detail;

static llvm::CodeGenOptLevel codeGenLevel(unsigned optLevel) {
  // Level 1 is for models that do little work per call: fast instruction
  // selection and register allocation (the IR clean-up lets fast
  // instruction selection handle nearly everything).
  switch (optLevel) {
  case 0:
  case 1:
    return llvm::CodeGenOptLevel::None;
  case 2:
    return llvm::CodeGenOptLevel::Default;
  default:
    return llvm::CodeGenOptLevel::Aggressive;
  }
}

void mlir::rasp::runtime::detail::initializeNativeTarget() {
  static std::once_flag initialized;
  std::call_once(initialized, [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
  });
}

llvm::Expected<HostTarget>
mlir::rasp::runtime::detail::getHostTarget(unsigned optLevel) {
  initializeNativeTarget();
  auto builder = llvm::orc::JITTargetMachineBuilder::detectHost();
  if (!builder)
    return builder.takeError();
  builder->setCodeGenOptLevel(codeGenLevel(optLevel));
  HostTarget host;
  auto machine = builder->createTargetMachine();
  if (!machine)
    return machine.takeError();
  host.machine = std::move(*machine);
  return host;
}

const HostIdentity &mlir::rasp::runtime::detail::getHostIdentity() {
  static const HostIdentity identity = [] {
    HostIdentity host;
    host.triple = llvm::sys::getProcessTriple();
    host.cpu = llvm::sys::getHostCPUName().str();
    llvm::SubtargetFeatures features;
    for (const auto &[name, enabled] : llvm::sys::getHostCPUFeatures())
      features.AddFeature(name, enabled);
    host.features = features.getString();
    return host;
  }();
  return identity;
}

std::string mlir::rasp::runtime::detail::getPackedName(llvm::StringRef entry) {
  return ("_mlir__mlir_ciface_" + entry).str();
}

/// Adds `void _mlir_<f>(ptr args)` calling `f` with *args[i] as argument i
/// (and storing a result to *args[n]).
static llvm::Error addPackedWrapper(llvm::Module &module, llvm::StringRef name,
                                    llvm::StringRef packedName) {
  llvm::Function *callee = module.getFunction(name);
  if (!callee)
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "no function " + name + " to call");
  llvm::LLVMContext &ctx = module.getContext();
  llvm::IRBuilder<> builder(ctx);
  auto *ptrType = builder.getPtrTy();
  auto *type = llvm::FunctionType::get(builder.getVoidTy(), {ptrType}, false);
  auto *wrapper = llvm::Function::Create(
      type, llvm::GlobalValue::ExternalLinkage, packedName, module);
  builder.SetInsertPoint(llvm::BasicBlock::Create(ctx, "entry", wrapper));
  llvm::Value *args = wrapper->getArg(0);
  llvm::SmallVector<llvm::Value *> operands;
  for (auto [i, param] : llvm::enumerate(callee->args())) {
    llvm::Value *slot = builder.CreateConstGEP1_64(ptrType, args, i);
    llvm::Value *pointer = builder.CreateLoad(ptrType, slot);
    operands.push_back(builder.CreateLoad(param.getType(), pointer));
  }
  llvm::Value *result = builder.CreateCall(callee, operands);
  if (!callee->getReturnType()->isVoidTy()) {
    llvm::Value *slot =
        builder.CreateConstGEP1_64(ptrType, args, callee->arg_size());
    builder.CreateStore(result, builder.CreateLoad(ptrType, slot));
  }
  builder.CreateRetVoid();
  return llvm::Error::success();
}

/// LLVM's default pipeline at `optLevel`, without loop unrolling: most
/// loops have small static trip counts, and unrolling them fully made basic
/// blocks so large that instruction scheduling dominated the JIT time
/// (8-layer width-40 model: 5.0 -> 2.1 CPU seconds) for no measurable
/// speedup; the matmul kernels are unrolled in MLIR already. Level 1 only
/// cleans up what the MLIR lowering leaves (descriptor structs in SSA
/// registers, redundant address arithmetic), which fast instruction selection
/// then handles without falling back to SelectionDAG.
static void optimize(llvm::Module &module, unsigned optLevel,
                     llvm::TargetMachine &target) {
  if (optLevel == 0)
    return;
  llvm::LoopAnalysisManager loops;
  llvm::FunctionAnalysisManager functions;
  llvm::CGSCCAnalysisManager sccs;
  llvm::ModuleAnalysisManager modules;
  llvm::PipelineTuningOptions tuning;
  tuning.LoopUnrolling = false;
  tuning.LoopVectorization = tuning.SLPVectorization = optLevel > 1;
  llvm::PassBuilder builder(&target, tuning);
  builder.registerModuleAnalyses(modules);
  builder.registerCGSCCAnalyses(sccs);
  builder.registerFunctionAnalyses(functions);
  builder.registerLoopAnalyses(loops);
  builder.crossRegisterProxies(loops, functions, sccs, modules);
  if (optLevel == 1) {
    llvm::FunctionPassManager fpm;
    fpm.addPass(llvm::SROAPass(llvm::SROAOptions::ModifyCFG));
    fpm.addPass(llvm::EarlyCSEPass());
    fpm.addPass(llvm::InstCombinePass());
    fpm.addPass(llvm::SimplifyCFGPass());
    llvm::ModulePassManager mpm;
    mpm.addPass(llvm::createModuleToFunctionPassAdaptor(std::move(fpm)));
    mpm.run(module, modules);
    return;
  }
  llvm::OptimizationLevel level =
      optLevel == 2 ? llvm::OptimizationLevel::O2 : llvm::OptimizationLevel::O3;
  builder.buildPerModuleDefaultPipeline(level).run(module, modules);
}

/// Optimises `module` at `optLevel` and emits its object file.
static llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>>
compile(llvm::Module &module, unsigned optLevel, llvm::TargetMachine &target) {
  optimize(module, optLevel, target);
  llvm::SmallVector<char, 0> object;
  llvm::raw_svector_ostream stream(object);
  llvm::legacy::PassManager codegen;
  if (target.addPassesToEmitFile(codegen, stream, nullptr,
                                 llvm::CodeGenFileType::ObjectFile))
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "the target cannot emit object files");
  codegen.run(module);
  return std::make_unique<llvm::SmallVectorMemoryBuffer>(
      std::move(object), "rasp-model.o", /*RequiresNullTerminator=*/false);
}

llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>>
mlir::rasp::runtime::detail::emitObject(ModuleOp module, llvm::StringRef entry,
                                        unsigned optLevel,
                                        llvm::TargetMachine &target,
                                        std::string *bitcode) {
  llvm::LLVMContext context;
  std::unique_ptr<llvm::Module> llvmModule =
      translateModuleToLLVMIR(module, context);
  if (!llvmModule)
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "cannot translate the module to LLVM IR");
  llvmModule->setDataLayout(target.createDataLayout());
  llvmModule->setTargetTriple(target.getTargetTriple());
  if (llvm::Error error = addPackedWrapper(
          *llvmModule, ("_mlir_ciface_" + entry).str(), getPackedName(entry)))
    return std::move(error);
  if (bitcode) {
    bitcode->clear();
    llvm::raw_string_ostream os(*bitcode);
    llvm::WriteBitcodeToFile(*llvmModule, os);
  }
  return compile(*llvmModule, optLevel, target);
}

llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>>
mlir::rasp::runtime::detail::emitObjectFromBitcode(
    llvm::StringRef bitcode, unsigned optLevel, llvm::TargetMachine &target) {
  llvm::LLVMContext context;
  auto module = llvm::parseBitcodeFile(
      llvm::MemoryBufferRef(bitcode, "rasp-model.bc"), context);
  if (!module)
    return module.takeError();
  return compile(**module, optLevel, target);
}
