//===- TableBounds.cpp - The model's tables against its attributes -------===//

#include "TableBounds.h"

#include "RaspDialect/Support/CallingConvention.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;
using namespace mlir::rasp;
using namespace mlir::rasp::runtime::detail;

namespace {
/// What an index value counts.
enum class IndexKind { Unknown, TokenId, Position, Loop, Constant };

/// An index value: what it counts and, for a loop index or a constant, the
/// entries it needs (the loop's static extent; the constant + 1, or none for
/// a negative constant).
struct Index {
  IndexKind kind = IndexKind::Unknown;
  int64_t needed = 0;
  int64_t loopDim = 0;
  bool negative = false;
};

class BoundsChecker {
public:
  explicit BoundsChecker(func::FuncOp func) : func(func) {}

  LogicalResult check(int64_t numTokenIds, int64_t maxPositions) {
    WalkResult result = func.walk([&](tensor::ExtractOp extract) {
      auto type = extract.getTensor().getType();
      for (auto [dim, value] : llvm::enumerate(extract.getIndices())) {
        Index index = classify(value);
        if (index.kind == IndexKind::TokenId)
          index.needed = numTokenIds;
        else if (index.kind == IndexKind::Position)
          index.needed = maxPositions;
        else if (index.kind == IndexKind::Unknown)
          continue;
        int64_t size = type.getDimSize(dim);
        bool counted = index.kind == IndexKind::TokenId ||
                       index.kind == IndexKind::Position;
        // Runtime sizes are the generated code's to get right; a token id
        // or a position must meet a table of static size.
        if (ShapedType::isDynamic(size)
                ? !counted
                : size >= index.needed && !index.negative)
          continue;
        InFlightDiagnostic diag = extract.emitError("indexes dimension ")
                                  << dim << " of " << type;
        switch (index.kind) {
        case IndexKind::TokenId:
        case IndexKind::Position: {
          bool isToken = index.kind == IndexKind::TokenId;
          diag << " by a " << (isToken ? "token id" : "position")
               << ", but the function's '"
               << (isToken ? kNumTokenIdsAttr : kMaxPositionsAttr)
               << "' allows " << (isToken ? "ids up to " : "positions up to ")
               << index.needed - 1;
          break;
        }
        case IndexKind::Loop:
          diag << " by loop dimension " << index.loopDim
               << ", which runs up to " << index.needed - 1;
          break;
        default:
          diag << " at " << index.needed - 1;
          break;
        }
        return WalkResult::interrupt();
      }
      return WalkResult::advance();
    });
    return failure(result.wasInterrupted());
  }

private:
  /// Whether `v` is the tokens argument, possibly reshaped, cast or sliced.
  /// `collapsed` is set if its two dimensions were collapsed into one.
  bool isTokens(Value v, bool &collapsed) {
    collapsed = false;
    while (true) {
      if (v == func.getArgument(0))
        return true;
      Operation *def = v.getDefiningOp();
      if (!def)
        return false;
      if (auto collapse = dyn_cast<tensor::CollapseShapeOp>(def)) {
        collapsed = true;
        v = collapse.getSrc();
      } else if (auto cast = dyn_cast<tensor::CastOp>(def)) {
        v = cast.getSource();
      } else {
        return false;
      }
    }
  }

  /// Whether `v` is the number of positions of the tokens argument.
  bool isNumPositions(Value v) {
    auto dim = v.getDefiningOp<tensor::DimOp>();
    bool collapsed;
    return dim && isTokens(dim.getSource(), collapsed) && !collapsed &&
           dim.getConstantIndex() == 1;
  }

  Index classify(Value index) {
    // Integer conversions keep what a value counts.
    while (Operation *def = index.getDefiningOp()) {
      if (!isa<arith::IndexCastOp, arith::IndexCastUIOp, arith::ExtSIOp,
               arith::ExtUIOp>(def))
        break;
      index = def->getOperand(0);
    }
    APInt constant;
    if (matchPattern(index, m_ConstantInt(&constant))) {
      Index result{IndexKind::Constant};
      result.negative = constant.isNegative();
      result.needed = constant.getSExtValue() + 1;
      return result;
    }
    if (auto rem = index.getDefiningOp<arith::RemUIOp>())
      return {isNumPositions(rem.getRhs()) ? IndexKind::Position
                                           : IndexKind::Unknown};
    if (auto linalgIndex = index.getDefiningOp<linalg::IndexOp>())
      return classifyLoop(linalgIndex);
    // An element of the tokens argument read by a linalg.generic.
    auto arg = dyn_cast<BlockArgument>(index);
    if (!arg)
      return {};
    auto generic = dyn_cast<linalg::GenericOp>(arg.getOwner()->getParentOp());
    if (!generic || arg.getArgNumber() >= generic.getNumDpsInputs())
      return {};
    bool collapsed;
    return {isTokens(generic.getDpsInputs()[arg.getArgNumber()], collapsed)
                ? IndexKind::TokenId
                : IndexKind::Unknown};
  }

  /// A loop index counts positions if the loop runs over the positions of
  /// the tokens argument (an input indexed by it at dimension 1); otherwise
  /// it needs as many entries as the loop's static extent, which the
  /// operands' static shapes give (the linalg verifier keeps them equal).
  Index classifyLoop(linalg::IndexOp index) {
    auto linalgOp = dyn_cast<linalg::LinalgOp>(index->getParentOp());
    if (!linalgOp)
      return {};
    for (OpOperand *input : linalgOp.getDpsInputOperands()) {
      bool collapsed;
      if (!isTokens(input->get(), collapsed) || collapsed)
        continue;
      AffineMap map = linalgOp.getMatchingIndexingMap(input);
      if (map.getNumResults() == 2 &&
          map.getResult(1) ==
              getAffineDimExpr(index.getDim(), linalgOp.getContext()))
        return {IndexKind::Position};
    }
    SmallVector<int64_t> extents = linalgOp.getStaticLoopRanges();
    if (index.getDim() >= extents.size() ||
        ShapedType::isDynamic(extents[index.getDim()]))
      return {};
    return {IndexKind::Loop, extents[index.getDim()],
            static_cast<int64_t>(index.getDim())};
  }

  func::FuncOp func;
};
} // namespace

LogicalResult mlir::rasp::runtime::detail::checkTableBounds(
    func::FuncOp func, int64_t numTokenIds, int64_t maxPositions) {
  return BoundsChecker(func).check(numTokenIds, maxPositions);
}
