//===- Pipeline.cpp - --rasp-lower-to-llvm --------------------------------===//
//
// The runtime's passes in order, with the upstream bufferization and
// conversion passes created through their own headers (not
// mlir/Conversion/Passes.h, which includes every conversion), and the
// registration of the passes and the pipeline.
//
//===----------------------------------------------------------------------===//

#include "RaspDialect/Runtime/Passes.h"

#include "mlir/Conversion/AffineToStandard/AffineToStandard.h"
#include "mlir/Conversion/BufferizationToMemRef/BufferizationToMemRef.h"
#include "mlir/Conversion/ReconcileUnrealizedCasts/ReconcileUnrealizedCasts.h"
#include "mlir/Conversion/SCFToControlFlow/SCFToControlFlow.h"
#include "mlir/Conversion/VectorToLLVM/ConvertVectorToLLVMPass.h"
#include "mlir/Conversion/VectorToSCF/VectorToSCF.h"
#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/FuncBufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlow.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/Linalg/Transforms/AllInterfaces.h"
#include "mlir/Dialect/Linalg/Transforms/RuntimeOpVerification.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tensor/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Tensor/Transforms/RuntimeOpVerification.h"
#include "mlir/Dialect/Tensor/Transforms/SubsetInsertionOpInterfaceImpl.h"
#include "mlir/Dialect/UB/IR/UBOps.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/Vector/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Vector/Transforms/SubsetOpInterfaceImpl.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Transforms/Passes.h"

namespace mlir::rasp::runtime {
#define GEN_PASS_DEF_CHECKLLVMDIALECTPASS
#include "RaspDialect/Runtime/Passes.h.inc"
} // namespace mlir::rasp::runtime

using namespace mlir;
using namespace mlir::rasp::runtime;

void mlir::rasp::runtime::registerRuntimeDialects(DialectRegistry &registry) {
  registry
      .insert<affine::AffineDialect, arith::ArithDialect,
              bufferization::BufferizationDialect, cf::ControlFlowDialect,
              func::FuncDialect, linalg::LinalgDialect, LLVM::LLVMDialect,
              math::MathDialect, memref::MemRefDialect, scf::SCFDialect,
              tensor::TensorDialect, ub::UBDialect, vector::VectorDialect>();
  arith::registerBufferizableOpInterfaceExternalModels(registry);
  bufferization::func_ext::registerBufferizableOpInterfaceExternalModels(
      registry);
  linalg::registerAllDialectInterfaceImplementations(registry);
  scf::registerBufferizableOpInterfaceExternalModels(registry);
  tensor::registerBufferizableOpInterfaceExternalModels(registry);
  vector::registerBufferizableOpInterfaceExternalModels(registry);
  // Checks of untrusted IR (--rasp-insert-runtime-checks).
  linalg::registerRuntimeVerifiableOpInterfaceExternalModels(registry);
  tensor::registerRuntimeVerifiableOpInterfaceExternalModels(registry);
  // Lets the matmul kernels hoist their accumulator out of the k loop.
  tensor::registerSubsetOpInterfaceExternalModels(registry);
  vector::registerSubsetOpInterfaceExternalModels(registry);
  registerBuiltinDialectTranslation(registry);
  registerLLVMDialectTranslation(registry);
}

namespace {
struct CheckLLVMDialectPass
    : public rasp::runtime::impl::CheckLLVMDialectPassBase<
          CheckLLVMDialectPass> {
  void runOnOperation() override {
    WalkResult leftover = getOperation().walk([](Operation *op) {
      if (isa<ModuleOp>(op) ||
          isa_and_nonnull<LLVM::LLVMDialect>(op->getDialect()))
        return WalkResult::advance();
      op->emitError("op not lowered to the LLVM dialect");
      return WalkResult::interrupt();
    });
    if (leftover.wasInterrupted())
      signalPassFailure();
  }
};
} // namespace

void mlir::rasp::runtime::buildLowerToLLVMPipeline(
    OpPassManager &pm, const LowerToLLVMPipelineOptions &options) {
  if (options.weightArgumentMinElements > 0)
    pm.addNestedPass<func::FuncOp>(createOutlineWeightsPass(
        OutlineWeightsPassOptions{options.weightArgumentMinElements}));

  // On tensors. The checks come first, so that they guard the input's ops
  // and not the correct-by-construction ones the passes below create.
  if (options.runtimeChecks)
    pm.addPass(createInsertRuntimeChecksPass());
  pm.addNestedPass<func::FuncOp>(createDecomposeAggregatesPass());
  pm.addNestedPass<func::FuncOp>(createReshapeDynamicExpandShapesPass());
  if (options.approximateMath)
    pm.addNestedPass<func::FuncOp>(createApproximateMathPass());
  if (options.vectorizeMatmuls) {
    pm.addNestedPass<func::FuncOp>(createGeneralizeSmallMatmulsPass(
        GeneralizeSmallMatmulsPassOptions{options.vectorizeMinWeightElements}));
    pm.addPass(createOutlineMatmulKernelsPass());
    pm.addNestedPass<func::FuncOp>(createVectorizeMatmulsPass());
  }
  pm.addNestedPass<func::FuncOp>(createReorderContractionsPass());
  pm.addNestedPass<func::FuncOp>(createUnshareFillsPass());

  // Bufferization, loops, deallocation.
  bufferization::OneShotBufferizePassOptions bufferize;
  bufferize.bufferizeFunctionBoundaries = true;
  bufferize.functionBoundaryTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  pm.addPass(bufferization::createOneShotBufferizePass(bufferize));
  // Kernels return their accumulator argument; without this the
  // deallocation pipeline would clone it on every call.
  pm.addPass(bufferization::createDropEquivalentBufferResultsPass());
  // In-place tiles leave copies of a subview onto an equal subview: CSE
  // makes them self-copies, which canonicalisation removes.
  pm.addPass(createCSEPass());
  pm.addPass(createCanonicalizerPass());
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToLoopsPass());
  bufferization::buildBufferDeallocationPipeline(pm);
  pm.addPass(createConvertBufferizationToMemRefPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());

  // To the LLVM dialect.
  VectorTransferToSCFOptions transfers;
  transfers.enableFullUnroll();
  pm.addNestedPass<func::FuncOp>(createConvertVectorToSCFPass(transfers));
  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  ConvertVectorToLLVMPassOptions vectors;
  vectors.vectorContractLowering = vector::VectorContractLowering::OuterProduct;
  pm.addPass(createConvertVectorToLLVMPass(vectors));
  // Memref (allocations through the runtime's buffer pool), math, arith,
  // index, cf, func and ub ops in one conversion.
  pm.addPass(createConvertToLLVMPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
  pm.addPass(createCheckLLVMDialectPass());
}

void mlir::rasp::runtime::registerRuntimePassesAndPipelines() {
  registerRASPRuntimePasses();
  PassPipelineRegistration<LowerToLLVMPipelineOptions>(
      "rasp-lower-to-llvm",
      "lower a model in the runtime's calling convention to the LLVM dialect "
      "as the JIT runtime does (weights outlined, matmul kernels, "
      "bufferization, loops, LLVM)",
      buildLowerToLLVMPipeline);
}
