//===- Preparation.cpp - Tensor-level passes before bufferization ---------===//
//
// The runtime's rewrites of the model on tensors: aggregate ops decomposed,
// the dynamic expand_shape workaround, polynomial math, small matmuls
// generalised, contraction loops reordered, shared fills unshared.
//
//===----------------------------------------------------------------------===//

#include "RaspDialect/Runtime/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::rasp::runtime {
#define GEN_PASS_DEF_DECOMPOSEAGGREGATESPASS
#define GEN_PASS_DEF_RESHAPEDYNAMICEXPANDSHAPESPASS
#define GEN_PASS_DEF_APPROXIMATEMATHPASS
#define GEN_PASS_DEF_GENERALIZESMALLMATMULSPASS
#define GEN_PASS_DEF_REORDERCONTRACTIONSPASS
#define GEN_PASS_DEF_UNSHAREFILLSPASS
#include "RaspDialect/Runtime/Passes.h.inc"
} // namespace mlir::rasp::runtime

using namespace mlir;
using namespace mlir::rasp::runtime;

/// linalg.softmax and other aggregate ops have no loop lowering: decompose
/// them into linalg.generic/fill first.
namespace {
struct DecomposeAggregatesPass
    : public rasp::runtime::impl::DecomposeAggregatesPassBase<
          DecomposeAggregatesPass> {
  void runOnOperation() override {
    IRRewriter rewriter(&getContext());
    SmallVector<linalg::AggregatedOpInterface> ops;
    getOperation().walk(
        [&](linalg::AggregatedOpInterface op) { ops.push_back(op); });
    for (linalg::AggregatedOpInterface op : ops) {
      rewriter.setInsertionPoint(op);
      FailureOr<SmallVector<Value>> replacement =
          op.decomposeOperation(rewriter);
      if (failed(replacement)) {
        op->emitError("cannot decompose this op into loops");
        return signalPassFailure();
      }
      rewriter.replaceOp(op, *replacement);
    }
  }
};
} // namespace

/// Rewrites math.exp and friends into arithmetic that LLVM can vectorise.
namespace {
struct ApproximateMathPass
    : public rasp::runtime::impl::ApproximateMathPassBase<ApproximateMathPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateMathPolynomialApproximationPatterns(patterns);
    (void)applyPatternsGreedily(getOperation(), std::move(patterns));
  }
};
} // namespace

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

namespace {
struct ReorderContractionsPass
    : public rasp::runtime::impl::ReorderContractionsPassBase<
          ReorderContractionsPass> {
  void runOnOperation() override {
    IRRewriter rewriter(&getContext());
    SmallVector<linalg::LinalgOp> ops;
    getOperation().walk([&](linalg::LinalgOp op) {
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
};
} // namespace

/// Generalises matmuls whose static weight has fewer than `minElements`
/// elements, so no kernel is generated for them: they become loops like the
/// other contractions.
namespace {
struct GeneralizeSmallMatmulsPass
    : public rasp::runtime::impl::GeneralizeSmallMatmulsPassBase<
          GeneralizeSmallMatmulsPass> {
  using Base::Base;

  void runOnOperation() override {
    SmallVector<linalg::MatmulOp> ops;
    getOperation().walk([&](linalg::MatmulOp op) {
      auto weight = dyn_cast<ShapedType>(op.getDpsInputs()[1].getType());
      if (op.hasPureTensorSemantics() && weight && weight.hasStaticShape() &&
          weight.getNumElements() < minElements)
        ops.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    for (linalg::MatmulOp op : ops) {
      rewriter.setInsertionPoint(op);
      (void)linalg::generalizeNamedOp(rewriter, op);
    }
  }
};
} // namespace

/// MLIR 22's expand-strided-metadata crashes on a memref.expand_shape that
/// splits one dimension into several dynamic ones (batch x positions);
/// tensor.reshape with a shape operand lowers without that pass.
namespace {
struct ReshapeDynamicExpandShapesPass
    : public rasp::runtime::impl::ReshapeDynamicExpandShapesPassBase<
          ReshapeDynamicExpandShapesPass> {
  void runOnOperation() override;
};
} // namespace

void ReshapeDynamicExpandShapesPass::runOnOperation() {
  SmallVector<tensor::ExpandShapeOp> ops;
  getOperation().walk([&](tensor::ExpandShapeOp op) {
    RankedTensorType type = op.getResultType();
    for (const ReassociationIndices &group : op.getReassociationIndices())
      if (llvm::count_if(
              group, [&](int64_t dim) { return type.isDynamicDim(dim); }) > 1) {
        ops.push_back(op);
        return;
      }
  });
  IRRewriter rewriter(&getContext());
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
namespace {
struct UnshareFillsPass
    : public rasp::runtime::impl::UnshareFillsPassBase<UnshareFillsPass> {
  void runOnOperation() override;
};
} // namespace

void UnshareFillsPass::runOnOperation() {
  SmallVector<OpOperand *> uses;
  getOperation().walk([&](linalg::LinalgOp op) {
    for (OpOperand &init : op.getDpsInitsMutable()) {
      auto fill = init.get().getDefiningOp<linalg::FillOp>();
      if (fill && op.getOperation() != fill.getOperation() &&
          !fill->getResult(0).hasOneUse())
        uses.push_back(&init);
    }
  });
  OpBuilder builder(&getContext());
  for (OpOperand *use : uses) {
    builder.setInsertionPoint(use->getOwner());
    use->set(builder.clone(*use->get().getDefiningOp())->getResult(0));
  }
}
