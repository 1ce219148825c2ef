//===- MatmulCodegen.cpp - Register-blocked matmul kernels ---------------===//
//
// Turns `linalg.matmul` on tensors into a register-blocked FMA kernel with
// upstream transformations only (scf tiling, loop peeling, linalg
// vectorisation, subset hoisting, vector lowering):
//
//   for n-block (256), k-block (4096):  only if B exceeds L2; B rows a page
//                                        or more apart are packed first
//     for m-tile (8 rows, then 4-, 2-, 1-row tiles for the tail):
//       for n-tile (32 columns, then a static tail):
//         acc = C[m-tile, n-tile]               hoisted out of the k loop
//         for k: acc += A[m-tile, k] (x) B[k, n-tile]   8 broadcasts, 16 FMAs
//         C[m-tile, n-tile] = acc
//
// Peeling splits every tiled loop into full tiles (static shapes) and one
// partial tile, so the vectoriser never needs masks: the dynamic row tail is
// retiled by 4, 2 and 1 rows, the column tail has a static width because the
// weight dimensions are static. Every element is computed by the same
// sequence of FMAs along k whichever tile it lands in, so a sequence's
// result does not depend on its place in the batch.
//
//===----------------------------------------------------------------------===//

#include "RaspDialect/Runtime/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/SCF/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/Vector/Transforms/LoweringPatterns.h"
#include "mlir/Dialect/Vector/Transforms/VectorRewritePatterns.h"
#include "mlir/Dialect/Vector/Transforms/VectorTransforms.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "mlir/Transforms/LoopInvariantCodeMotionUtils.h"

namespace mlir::rasp::runtime {
#define GEN_PASS_DEF_OUTLINEMATMULKERNELSPASS
#define GEN_PASS_DEF_VECTORIZEMATMULSPASS
#include "RaspDialect/Runtime/Passes.h.inc"
} // namespace mlir::rasp::runtime

using namespace mlir;
using namespace mlir::rasp::runtime;

namespace {
/// Accumulator tile: 8 rows of two 16-lane f32 registers (AVX-512), 16 of
/// the 32 vector registers; on AVX2 LLVM splits it into 4 registers a row.
constexpr int64_t kTileRows = 8;
/// Row tiles for the tail below kTileRows, largest first.
constexpr int64_t kTailRows[] = {4, 2, 1};
constexpr int64_t kTileCols = 32;
/// Cache block of B: all of K (up to 4096) x 256 columns, packed into a
/// contiguous copy that stays in L2/L3 while every row tile passes over it.
/// Splitting K as well made each pass re-read and re-write C, which cost
/// more than it saved (width 3000: 41 -> 57 GFLOP/s unsplit).
constexpr int64_t kBlockDepth = 4096;
constexpr int64_t kBlockCols = 256;
/// Weights up to this size stay unblocked (Zen 4 L2).
constexpr int64_t kL2Bytes = 1 << 20;
/// Packing pays off once B rows are a page apart: below that, a batch-1
/// pass is slower for the extra copy (width 300: 10.3k vs 7.6k seq/CPU-s).
constexpr int64_t kPackMinCols = 1024;

enum Dim : unsigned { M = 0, N = 1, K = 2 };
} // namespace

/// Whether `op` is a plain f32 matmul on tensors with static K and N.
static bool isCandidate(linalg::MatmulOp op) {
  if (!op.hasPureTensorSemantics() || op.hasUserDefinedMaps())
    return false;
  for (Value operand : op->getOperands())
    if (!cast<ShapedType>(operand.getType()).getElementType().isF32())
      return false;
  SmallVector<int64_t> sizes = op.getStaticLoopRanges();
  return !ShapedType::isDynamic(sizes[N]) && !ShapedType::isDynamic(sizes[K]);
}

static SmallVector<linalg::MatmulOp> collectCandidates(func::FuncOp func) {
  SmallVector<linalg::MatmulOp> ops;
  func.walk([&](linalg::MatmulOp op) {
    if (isCandidate(op))
      ops.push_back(op);
  });
  return ops;
}

/// Tiles `op` by `sizes` (0 = untiled) and returns the loops, outermost
/// first; `tiledOp` receives the op inside them.
static SmallVector<scf::ForOp> tile(RewriterBase &rewriter, linalg::MatmulOp op,
                                    ArrayRef<int64_t> sizes,
                                    Operation **tiledOp = nullptr) {
  scf::SCFTilingOptions options;
  options.setTileSizes(getAsIndexOpFoldResult(op.getContext(), sizes));
  rewriter.setInsertionPoint(op);
  FailureOr<scf::SCFTilingResult> tiled = scf::tileUsingSCF(
      rewriter, cast<TilingInterface>(op.getOperation()), options);
  SmallVector<scf::ForOp> loops;
  if (failed(tiled))
    return loops;
  rewriter.replaceOp(op, tiled->replacements);
  if (tiledOp)
    *tiledOp = tiled->tiledOps.back();
  for (LoopLikeOpInterface loop : tiled->loops)
    loops.push_back(cast<scf::ForOp>(loop.getOperation()));
  return loops;
}

/// Peels the partial last tile off `loops`, innermost first so that the
/// partial copy of an outer loop contains the already peeled inner loops.
static void peel(RewriterBase &rewriter, ArrayRef<scf::ForOp> loops) {
  for (scf::ForOp loop : llvm::reverse(loops)) {
    scf::ForOp partial;
    (void)scf::peelForLoopAndSimplifyBounds(rewriter, loop, partial);
  }
}

/// Folds the sizes that peeling made constant into static tensor types.
static void canonicalize(func::FuncOp func) {
  MLIRContext *ctx = func.getContext();
  RewritePatternSet patterns =
      linalg::getLinalgTilingCanonicalizationPatterns(ctx);
  scf::ForOp::getCanonicalizationPatterns(patterns, ctx);
  (void)applyPatternsGreedily(func, std::move(patterns));
}

/// Tiles every candidate for which `sizesFor` returns a non-empty list and
/// peels the resulting loops if `peelLoops`.
template <typename SizesFn>
static void tileStage(func::FuncOp func, IRRewriter &rewriter, bool peelLoops,
                      SizesFn sizesFor) {
  for (linalg::MatmulOp op : collectCandidates(func)) {
    SmallVector<int64_t> sizes = sizesFor(op.getStaticLoopRanges());
    if (sizes.empty())
      continue;
    SmallVector<scf::ForOp> loops = tile(rewriter, op, sizes);
    if (peelLoops)
      peel(rewriter, loops);
  }
  canonicalize(func);
}

/// Copies the B block that `op` reads into a fresh contiguous tensor. A
/// block of a wide weight matrix has rows far apart in memory (a TLB miss
/// and a new prefetch stream per row); the copy is read once per block and
/// then serves every row tile from L2.
static void packRhs(RewriterBase &rewriter, linalg::MatmulOp op) {
  OpOperand *rhs = op.getDpsInputOperand(1);
  rewriter.setInsertionPoint(op);
  Location loc = op.getLoc();
  auto type = cast<RankedTensorType>(rhs->get().getType());
  Value empty = tensor::EmptyOp::create(
      rewriter, loc, tensor::getMixedSizes(rewriter, loc, rhs->get()),
      type.getElementType());
  Value packed =
      linalg::CopyOp::create(rewriter, loc, rhs->get(), empty).getResult(0);
  rewriter.modifyOpInPlace(op, [&] { rhs->set(packed); });
}

/// Cache blocks over N and K for weights larger than L2; blocks whose rows
/// are a page or more apart are packed.
static void blockForCache(func::FuncOp func, IRRewriter &rewriter) {
  for (linalg::MatmulOp op : collectCandidates(func)) {
    SmallVector<int64_t> size = op.getStaticLoopRanges();
    bool largerThanL2 = size[K] * size[N] * 4 > kL2Bytes;
    bool splitCols = largerThanL2 && size[N] > kBlockCols;
    bool splitDepth = size[K] > kBlockDepth;
    if (!splitCols && !splitDepth)
      continue;
    Operation *tiled = nullptr;
    SmallVector<scf::ForOp> loops = tile(
        rewriter, op,
        {0, splitCols ? kBlockCols : 0, splitDepth ? kBlockDepth : 0}, &tiled);
    if (splitCols && size[N] >= kPackMinCols && tiled)
      packRhs(rewriter, cast<linalg::MatmulOp>(tiled));
    peel(rewriter, loops);
  }
  canonicalize(func);
}

/// Vectorises each (now fully static, at most 8x32) matmul along a k loop of
/// step 1 and keeps its accumulator in registers across that loop.
static void vectorizeTiles(func::FuncOp func, IRRewriter &rewriter) {
  for (linalg::MatmulOp op : collectCandidates(func)) {
    if (op.hasDynamicShape() || op.getStaticLoopRanges()[M] > kTileRows ||
        op.getStaticLoopRanges()[N] > kTileCols)
      continue;
    SmallVector<scf::ForOp> loops = tile(rewriter, op, {0, 0, 1});
    if (loops.size() != 1)
      continue;
    auto tiled = *loops.front().getBody()->getOps<linalg::MatmulOp>().begin();
    rewriter.setInsertionPoint(tiled);
    FailureOr<linalg::VectorizationResult> vectorized = linalg::vectorize(
        rewriter, tiled, /*inputVectorSizes=*/{}, /*inputScalableVecDims=*/{},
        /*vectorizeNDExtract=*/false, /*flatten1DDepthwiseConv=*/false,
        /*assumeDynamicDimsMatchVecSizes=*/false,
        /*createNamedContraction=*/true);
    if (failed(vectorized))
      continue;
    // A matmul that does not vectorise stays a loop nest: slower, not wrong.
    rewriter.replaceOp(tiled, vectorized->replacements);
  }
  // Fold the tensor.extract_slice ops into the transfers so that the
  // accumulator read/write pair is a loop-invariant subset of the iter_arg.
  {
    RewritePatternSet patterns(func.getContext());
    vector::populateVectorTransferPermutationMapLoweringPatterns(patterns);
    vector::TransferReadOp::getCanonicalizationPatterns(patterns,
                                                        func.getContext());
    vector::TransferWriteOp::getCanonicalizationPatterns(patterns,
                                                         func.getContext());
    tensor::ExtractSliceOp::getCanonicalizationPatterns(patterns,
                                                        func.getContext());
    tensor::populateFoldTensorSubsetIntoVectorTransferPatterns(patterns);
    (void)applyPatternsGreedily(func, std::move(patterns));
  }
  // The patterns may have rebuilt the loops, so collect them only now.
  // Post-order: the accumulator leaves the k loop before outer loops.
  SmallVector<scf::ForOp> loops;
  func.walk([&](scf::ForOp loop) { loops.push_back(loop); });
  for (scf::ForOp loop : loops)
    hoistLoopInvariantSubsets(rewriter, loop);
}

/// Lowers vector.contract to outer products (broadcast + FMA per row) and
/// the transfers to 1-D loads and stores.
static void lowerVectorOps(func::FuncOp func) {
  RewritePatternSet patterns(func.getContext());
  vector::populateVectorContractLoweringPatterns(
      patterns, vector::VectorContractLowering::OuterProduct);
  vector::populateVectorOuterProductLoweringPatterns(patterns);
  vector::populateVectorTransferPermutationMapLoweringPatterns(patterns);
  vector::populateVectorMultiReductionLoweringPatterns(
      patterns, vector::VectorMultiReductionLowering::InnerParallel);
  vector::populateVectorTransferLoweringPatterns(patterns,
                                                 /*maxTransferRank=*/1);
  vector::populateVectorShapeCastLoweringPatterns(patterns);
  vector::populateVectorBroadcastLoweringPatterns(patterns);
  vector::populateVectorTransposeLoweringPatterns(
      patterns, vector::VectorTransposeLowering::Shuffle1D);
  (void)applyPatternsGreedily(func, std::move(patterns));
}

static void outlineMatmulKernels(ModuleOp module) {
  OpBuilder builder(module.getContext());
  SymbolTable symbols(module);
  llvm::DenseMap<FunctionType, func::FuncOp> kernels;
  SmallVector<linalg::MatmulOp> ops;
  for (auto func : module.getOps<func::FuncOp>())
    llvm::append_range(ops, collectCandidates(func));
  for (linalg::MatmulOp op : ops) {
    Value lhs = op.getDpsInputs()[0], rhs = op.getDpsInputs()[1];
    Value init = op.getDpsInits()[0];
    auto type = builder.getFunctionType(
        {lhs.getType(), rhs.getType(), init.getType()}, {init.getType()});
    func::FuncOp &kernel = kernels[type];
    if (!kernel) {
      builder.setInsertionPointToEnd(module.getBody());
      kernel =
          func::FuncOp::create(builder, op.getLoc(), "__rasp_matmul", type);
      kernel.setPrivate();
      // Inlined back, the kernels would make one huge LLVM function again.
      kernel->setAttr("passthrough", builder.getArrayAttr(
                                         {builder.getStringAttr("noinline")}));
      symbols.insert(kernel);
      Block *body = kernel.addEntryBlock();
      builder.setInsertionPointToStart(body);
      auto matmul = linalg::MatmulOp::create(
          builder, op.getLoc(),
          ValueRange{body->getArgument(0), body->getArgument(1)},
          ValueRange{body->getArgument(2)});
      func::ReturnOp::create(builder, op.getLoc(), matmul->getResults());
    }
    builder.setInsertionPoint(op);
    auto call = func::CallOp::create(builder, op.getLoc(), kernel,
                                     ValueRange{lhs, rhs, init});
    op->replaceAllUsesWith(call->getResults());
    op->erase();
  }
}

static void vectorizeMatmuls(func::FuncOp func) {
  if (collectCandidates(func).empty())
    return;
  IRRewriter rewriter(func.getContext());
  blockForCache(func, rewriter);
  // Row tiles; the dynamic tail left by peeling is covered by tiles of 4, 2
  // and 1 rows, so a 10-row batch is 8 + 2 rows, not 8 + 1 + 1.
  tileStage(func, rewriter, /*peelLoops=*/true, [](ArrayRef<int64_t> size) {
    bool tileRows = ShapedType::isDynamic(size[M]) || size[M] > kTileRows;
    return tileRows ? SmallVector<int64_t>{kTileRows, 0, 0}
                    : SmallVector<int64_t>{};
  });
  for (int64_t rows : kTailRows)
    tileStage(func, rewriter, /*peelLoops=*/rows > 1,
              [rows](ArrayRef<int64_t> size) {
                return ShapedType::isDynamic(size[M])
                           ? SmallVector<int64_t>{rows, 0, 0}
                           : SmallVector<int64_t>{};
              });
  // Column tiles; the tail has a static width.
  tileStage(func, rewriter, /*peelLoops=*/true, [](ArrayRef<int64_t> size) {
    return size[N] > kTileCols ? SmallVector<int64_t>{0, kTileCols, 0}
                               : SmallVector<int64_t>{};
  });
  vectorizeTiles(func, rewriter);
  lowerVectorOps(func);
}

namespace {
struct OutlineMatmulKernelsPass
    : public rasp::runtime::impl::OutlineMatmulKernelsPassBase<
          OutlineMatmulKernelsPass> {
  void runOnOperation() override { outlineMatmulKernels(getOperation()); }
};

struct VectorizeMatmulsPass
    : public rasp::runtime::impl::VectorizeMatmulsPassBase<
          VectorizeMatmulsPass> {
  void runOnOperation() override { vectorizeMatmuls(getOperation()); }
};
} // namespace
