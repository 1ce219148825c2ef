//===- Lowering.cpp - Tensor IR to the LLVM dialect ----------------------===//
//
// Tensor-level preparation in C++ (aggregate-op decomposition, polynomial
// math, matmul kernels, loop order of other contractions), then the upstream
// bufferization and conversion passes as a textual pipeline, which keeps
// mlir/Conversion/Passes.h out of the build.
//
//===----------------------------------------------------------------------===//

#include "RaspDialect/Runtime/Lowering.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Bufferization/Transforms/FuncBufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlow.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/AllInterfaces.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tensor/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Tensor/Transforms/SubsetInsertionOpInterfaceImpl.h"
#include "mlir/Dialect/UB/IR/UBOps.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/Vector/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Vector/Transforms/SubsetOpInterfaceImpl.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <mutex>

using namespace mlir;

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
  // Lets the matmul kernels hoist their accumulator out of the k loop.
  tensor::registerSubsetOpInterfaceExternalModels(registry);
  vector::registerSubsetOpInterfaceExternalModels(registry);
  registerBuiltinDialectTranslation(registry);
  registerLLVMDialectTranslation(registry);
}

/// linalg.softmax and other aggregate ops have no loop lowering: decompose
/// them into linalg.generic/fill first.
static LogicalResult decomposeAggregatedOps(ModuleOp module) {
  IRRewriter rewriter(module.getContext());
  SmallVector<linalg::AggregatedOpInterface> ops;
  module.walk([&](linalg::AggregatedOpInterface op) { ops.push_back(op); });
  for (linalg::AggregatedOpInterface op : ops) {
    rewriter.setInsertionPoint(op);
    FailureOr<SmallVector<Value>> replacement = op.decomposeOperation(rewriter);
    if (failed(replacement))
      return op->emitError("cannot decompose this op into loops");
    rewriter.replaceOp(op, *replacement);
  }
  return success();
}

/// Rewrites math.exp and friends into arithmetic that LLVM can vectorise.
static void approximateMath(ModuleOp module) {
  RewritePatternSet patterns(module.getContext());
  populateMathPolynomialApproximationPatterns(patterns);
  (void)applyPatternsGreedily(module, std::move(patterns));
}

/// For a linalg op whose innermost loop is a reduction, returns the loop
/// order that moves the parallel loop indexing the output's last dimension
/// innermost, so the loop nest updates a contiguous output row (vectorisable
/// without reassociating floating-point sums). Empty if nothing to do.
static SmallVector<unsigned> innermostParallelOrder(linalg::LinalgOp op) {
  unsigned numLoops = op.getNumLoops();
  if (numLoops < 2 || op.getNumDpsInits() != 1 ||
      op.getIteratorTypesArray().back() != utils::IteratorType::reduction)
    return {};
  AffineMap outputMap = op.getIndexingMapMatchingResult(op->getResult(0));
  if (!outputMap.isProjectedPermutation() || outputMap.getNumResults() == 0)
    return {};
  unsigned inner =
      cast<AffineDimExpr>(outputMap.getResults().back()).getPosition();
  SmallVector<unsigned> order;
  for (unsigned loop = 0; loop < numLoops; ++loop)
    if (loop != inner)
      order.push_back(loop);
  order.push_back(inner);
  return order;
}

static void reorderContractionLoops(ModuleOp module) {
  IRRewriter rewriter(module.getContext());
  SmallVector<linalg::LinalgOp> ops;
  module.walk([&](linalg::LinalgOp op) {
    if (op.hasPureTensorSemantics() && !op.hasIndexSemantics() &&
        !innermostParallelOrder(op).empty())
      ops.push_back(op);
  });
  for (linalg::LinalgOp op : ops) {
    SmallVector<unsigned> order = innermostParallelOrder(op);
    rewriter.setInsertionPoint(op);
    auto generic = dyn_cast<linalg::GenericOp>(op.getOperation());
    if (!generic) {
      FailureOr<linalg::GenericOp> generalized =
          linalg::generalizeNamedOp(rewriter, op);
      if (failed(generalized))
        continue;
      generic = *generalized;
    }
    (void)linalg::interchangeGenericOp(rewriter, generic, order);
  }
}

/// Generalises matmuls whose static weight has fewer than `minElements`
/// elements, so no kernel is generated for them: they become loops like the
/// other contractions.
static void generalizeSmallMatmuls(ModuleOp module, int64_t minElements) {
  SmallVector<linalg::MatmulOp> ops;
  module.walk([&](linalg::MatmulOp op) {
    auto weight = dyn_cast<ShapedType>(op.getDpsInputs()[1].getType());
    if (op.hasPureTensorSemantics() && weight && weight.hasStaticShape() &&
        weight.getNumElements() < minElements)
      ops.push_back(op);
  });
  IRRewriter rewriter(module.getContext());
  for (linalg::MatmulOp op : ops) {
    rewriter.setInsertionPoint(op);
    (void)linalg::generalizeNamedOp(rewriter, op);
  }
}

/// MLIR 22's expand-strided-metadata crashes on a memref.expand_shape that
/// splits one dimension into several dynamic ones (batch x positions);
/// tensor.reshape with a shape operand lowers without that pass.
static void replaceDynamicExpandShapes(ModuleOp module) {
  SmallVector<tensor::ExpandShapeOp> ops;
  module.walk([&](tensor::ExpandShapeOp op) {
    RankedTensorType type = op.getResultType();
    for (const ReassociationIndices &group : op.getReassociationIndices())
      if (llvm::count_if(
              group, [&](int64_t dim) { return type.isDynamicDim(dim); }) > 1) {
        ops.push_back(op);
        return;
      }
  });
  IRRewriter rewriter(module.getContext());
  for (tensor::ExpandShapeOp op : ops) {
    rewriter.setInsertionPoint(op);
    Location loc = op.getLoc();
    SmallVector<Value> sizes = getValueOrCreateConstantIndexOp(
        rewriter, loc, op.getMixedOutputShape());
    auto shapeType = RankedTensorType::get({static_cast<int64_t>(sizes.size())},
                                           rewriter.getIndexType());
    Value shape =
        tensor::FromElementsOp::create(rewriter, loc, shapeType, sizes);
    rewriter.replaceOpWithNewOp<tensor::ReshapeOp>(op, op.getResultType(),
                                                   op.getSrc(), shape);
  }
}

/// Gives every linalg op whose init is a shared linalg.fill a fill of its
/// own. Accumulating into a shared init (CSE merges identical zero fills)
/// forces bufferization to copy the filled buffer before every use.
static void unshareFills(ModuleOp module) {
  SmallVector<OpOperand *> uses;
  module.walk([&](linalg::LinalgOp op) {
    for (OpOperand &init : op.getDpsInitsMutable()) {
      auto fill = init.get().getDefiningOp<linalg::FillOp>();
      if (fill && op.getOperation() != fill.getOperation() &&
          !fill->getResult(0).hasOneUse())
        uses.push_back(&init);
    }
  });
  OpBuilder builder(module.getContext());
  for (OpOperand *use : uses) {
    builder.setInsertionPoint(use->getOwner());
    use->set(builder.clone(*use->get().getDefiningOp())->getResult(0));
  }
}

/// The upstream passes from bufferization to the LLVM dialect.
static constexpr llvm::StringLiteral kBufferToLLVMPipeline =
    "one-shot-bufferize{bufferize-function-boundaries "
    "function-boundary-type-conversion=identity-layout-map},"
    // Kernels return their accumulator argument; without this the
    // deallocation pipeline would clone it on every call.
    "drop-equivalent-buffer-results,"
    // In-place tiles leave copies of a subview onto an equal subview: CSE
    // makes them self-copies, which canonicalisation removes.
    "cse,canonicalize,"
    "convert-linalg-to-loops,"
    "buffer-deallocation-pipeline,"
    "convert-bufferization-to-memref,"
    "canonicalize,cse,"
    "convert-vector-to-scf{full-unroll=true},"
    "convert-scf-to-cf,"
    "expand-strided-metadata,"
    "lower-affine,"
    "convert-vector-to-llvm{vector-contract-lowering=outerproduct},"
    // _mlir_memref_to_llvm_alloc/free: the runtime's buffer pool.
    "finalize-memref-to-llvm{use-generic-functions},"
    "convert-math-to-llvm,"
    "convert-arith-to-llvm,"
    "convert-index-to-llvm,"
    "convert-cf-to-llvm,"
    "convert-func-to-llvm,"
    "convert-ub-to-llvm,"
    "reconcile-unrealized-casts";

LogicalResult
mlir::rasp::runtime::lowerToLLVMDialect(ModuleOp module,
                                        const LoweringOptions &options) {
  static std::once_flag registered;
  std::call_once(registered, [] { registerAllPasses(); });
  // The C++ transforms below create ops of these dialects directly, outside
  // any pass that would declare them as dependent dialects.
  MLIRContext *ctx = module.getContext();
  ctx->loadDialect<
      affine::AffineDialect, arith::ArithDialect, linalg::LinalgDialect,
      math::MathDialect, memref::MemRefDialect, scf::SCFDialect,
      tensor::TensorDialect, ub::UBDialect, vector::VectorDialect>();

  if (failed(decomposeAggregatedOps(module)))
    return failure();
  replaceDynamicExpandShapes(module);
  if (options.approximateMath)
    approximateMath(module);
  if (options.vectorizeMatmuls) {
    generalizeSmallMatmuls(module, options.vectorizeMinWeightElements);
    outlineMatmulKernels(module);
    for (auto func : module.getOps<func::FuncOp>())
      vectorizeMatmuls(func);
  }
  reorderContractionLoops(module);
  unshareFills(module);

  PassManager pm(ctx);
  std::string errors;
  llvm::raw_string_ostream errorStream(errors);
  if (failed(parsePassPipeline(kBufferToLLVMPipeline, pm, errorStream)))
    return emitError(module.getLoc(), "invalid lowering pipeline: ") << errors;
  if (failed(pm.run(module)))
    return failure();

  // A pipeline that silently leaves an op behind only fails later, inside
  // the LLVM IR translation, with a less helpful message.
  WalkResult leftover = module.walk([](Operation *op) {
    if (isa<ModuleOp>(op) ||
        isa_and_nonnull<LLVM::LLVMDialect>(op->getDialect()))
      return WalkResult::advance();
    op->emitError("op not lowered to the LLVM dialect");
    return WalkResult::interrupt();
  });
  return failure(leftover.wasInterrupted());
}
