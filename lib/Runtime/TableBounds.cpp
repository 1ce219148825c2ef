//===- TableBounds.cpp - The model's tables against its attributes -------===//

#include "TableBounds.h"

#include "RaspDialect/Support/CallingConvention.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace mlir::rasp;
using namespace mlir::rasp::runtime::detail;

namespace {
/// What an index value counts.
enum class IndexKind { Unknown, TokenId, Position };

class BoundsChecker {
public:
  explicit BoundsChecker(func::FuncOp func) : func(func) {}

  LogicalResult check(int64_t numTokenIds, int64_t maxPositions) {
    WalkResult result = func.walk([&](tensor::ExtractOp extract) {
      auto type = extract.getTensor().getType();
      for (auto [dim, index] : llvm::enumerate(extract.getIndices())) {
        IndexKind kind = classify(index);
        if (kind == IndexKind::Unknown)
          continue;
        bool isToken = kind == IndexKind::TokenId;
        int64_t needed = isToken ? numTokenIds : maxPositions;
        int64_t size = type.getDimSize(dim);
        if (!ShapedType::isDynamic(size) && size >= needed)
          continue;
        extract.emitError("indexes dimension ")
            << dim << " of " << type << " by a "
            << (isToken ? "token id" : "position") << ", but the function's '"
            << (isToken ? kNumTokenIdsAttr : kMaxPositionsAttr) << "' allows "
            << (isToken ? "ids up to " : "positions up to ") << needed - 1;
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

  IndexKind classify(Value index) {
    // Integer conversions keep what a value counts.
    while (Operation *def = index.getDefiningOp()) {
      if (!isa<arith::IndexCastOp, arith::IndexCastUIOp, arith::ExtSIOp,
               arith::ExtUIOp>(def))
        break;
      index = def->getOperand(0);
    }
    if (auto rem = index.getDefiningOp<arith::RemUIOp>())
      return isNumPositions(rem.getRhs()) ? IndexKind::Position
                                          : IndexKind::Unknown;
    if (auto linalgIndex = index.getDefiningOp<linalg::IndexOp>())
      return classifyLoop(linalgIndex);
    // An element of the tokens argument read by a linalg.generic.
    auto arg = dyn_cast<BlockArgument>(index);
    if (!arg)
      return IndexKind::Unknown;
    auto generic = dyn_cast<linalg::GenericOp>(arg.getOwner()->getParentOp());
    if (!generic || arg.getArgNumber() >= generic.getNumDpsInputs())
      return IndexKind::Unknown;
    bool collapsed;
    return isTokens(generic.getDpsInputs()[arg.getArgNumber()], collapsed)
               ? IndexKind::TokenId
               : IndexKind::Unknown;
  }

  /// A loop index counts positions if the loop runs over the positions of
  /// the tokens argument (an input indexed by it at dimension 1).
  IndexKind classifyLoop(linalg::IndexOp index) {
    auto generic = dyn_cast<linalg::GenericOp>(index->getParentOp());
    if (!generic)
      return IndexKind::Unknown;
    for (OpOperand *input : generic.getDpsInputOperands()) {
      bool collapsed;
      if (!isTokens(input->get(), collapsed) || collapsed)
        continue;
      AffineMap map = generic.getMatchingIndexingMap(input);
      if (map.getNumResults() == 2 &&
          map.getResult(1) ==
              getAffineDimExpr(index.getDim(), generic.getContext()))
        return IndexKind::Position;
    }
    return IndexKind::Unknown;
  }

  func::FuncOp func;
};
} // namespace

LogicalResult mlir::rasp::runtime::detail::checkTableBounds(
    func::FuncOp func, int64_t numTokenIds, int64_t maxPositions) {
  return BoundsChecker(func).check(numTokenIds, maxPositions);
}
