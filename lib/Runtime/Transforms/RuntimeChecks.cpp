//===- RuntimeChecks.cpp - Run-time checks of untrusted tensor IR --------===//
//
// --rasp-insert-runtime-checks: upstream's RuntimeVerifiableOpInterface
// checks, with the runtime's messages, and checks of the ops that upstream
// does not verify (insert_slice, reshape, expand_shape). A collapse_shape
// needs none: its verifier makes a group with a dynamic size dynamic.
//
//===----------------------------------------------------------------------===//

#include "RaspDialect/Runtime/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Index/IR/IndexDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/RuntimeVerifiableOpInterface.h"

namespace mlir::rasp::runtime {
#define GEN_PASS_DEF_INSERTRUNTIMECHECKSPASS
#include "RaspDialect/Runtime/Passes.h.inc"
} // namespace mlir::rasp::runtime

using namespace mlir;

/// "file:line:col: 'op' what": the first file location in `loc`.
static std::string describe(Operation *op, StringRef what) {
  std::string text;
  llvm::raw_string_ostream os(text);
  op->getLoc()->walk([&](Location loc) {
    if (auto file = dyn_cast<FileLineColLoc>(loc)) {
      os << file.getFilename().getValue() << ':' << file.getLine() << ':'
         << file.getColumn() << ": ";
      return WalkResult::interrupt();
    }
    return WalkResult::advance();
  });
  os << '\'' << op->getName() << "' " << what;
  return text;
}

namespace {
/// Builds i1 conditions on index values in front of one op.
struct Checker {
  OpBuilder &b;
  Location loc;

  Value index(OpFoldResult value) {
    return getValueOrCreateConstantIndexOp(b, loc, value);
  }
  Value cmp(arith::CmpIPredicate predicate, Value lhs, Value rhs) {
    return b.createOrFold<arith::CmpIOp>(loc, predicate, lhs, rhs);
  }
  Value both(Value lhs, Value rhs) {
    return b.createOrFold<arith::AndIOp>(loc, lhs, rhs);
  }
  Value either(Value lhs, Value rhs) {
    return b.createOrFold<arith::OrIOp>(loc, lhs, rhs);
  }
  Value zero() { return arith::ConstantIndexOp::create(b, loc, 0); }
  Value one() { return arith::ConstantIndexOp::create(b, loc, 1); }

  /// True if every factor is non-negative and their product, computed
  /// without wrapping around, equals `expected`.
  Value productIs(ArrayRef<Value> factors, Value expected) {
    Value ok = arith::ConstantIntOp::create(b, loc, 1, 1);
    Value product = arith::ConstantIntOp::create(b, loc, 1, 64);
    Value zero64 = arith::ConstantIntOp::create(b, loc, 0, 64);
    for (Value factor : factors) {
      ok = both(ok, cmp(arith::CmpIPredicate::sge, factor, zero()));
      Value wide =
          b.createOrFold<arith::IndexCastOp>(loc, b.getI64Type(), factor);
      auto mul = arith::MulUIExtendedOp::create(b, loc, product, wide);
      ok = both(ok, cmp(arith::CmpIPredicate::eq, mul.getHigh(), zero64));
      product = mul.getLow();
    }
    Value wideExpected =
        b.createOrFold<arith::IndexCastOp>(loc, b.getI64Type(), expected);
    return both(ok, cmp(arith::CmpIPredicate::eq, product, wideExpected));
  }

  /// True if [offset, offset + (size - 1) * stride] lies in [0, dim) or the
  /// slice is empty; strides must be positive. Computed without wrapping
  /// around: size - 1 <= (dim - 1 - offset) / stride, the quotient taken
  /// only where offset < dim (and by 1 where the stride is not positive).
  Value sliceFits(Value offset, Value size, Value stride, Value dim) {
    Value positive = cmp(arith::CmpIPredicate::sgt, stride, zero());
    Value divisor =
        b.createOrFold<arith::SelectOp>(loc, positive, stride, one());
    Value room = b.createOrFold<arith::SubIOp>(
        loc, b.createOrFold<arith::SubIOp>(loc, dim, one()), offset);
    Value steps = b.createOrFold<arith::DivUIOp>(loc, room, divisor);
    Value last = b.createOrFold<arith::SubIOp>(loc, size, one());
    Value empty = cmp(arith::CmpIPredicate::eq, size, zero());
    Value inside = both(both(cmp(arith::CmpIPredicate::sge, offset, zero()),
                             cmp(arith::CmpIPredicate::slt, offset, dim)),
                        cmp(arith::CmpIPredicate::sle, last, steps));
    Value sane = both(cmp(arith::CmpIPredicate::sge, size, zero()), positive);
    return both(sane, either(empty, inside));
  }

  void check(Value condition, Operation *op, StringRef what) {
    if (matchPattern(condition, m_One()))
      return;
    cf::AssertOp::create(b, loc, condition, describe(op, what));
  }
};
} // namespace

/// The slice of `op` (an extract_slice's or insert_slice's) lies within
/// `tensor`, computed without wrapping around (upstream's check of an
/// extract_slice computes its last index with wrapping arithmetic).
static void checkSliceWithin(OffsetSizeAndStrideOpInterface op, Value tensor,
                             StringRef verb, Checker &c) {
  for (int64_t i = 0, e = cast<RankedTensorType>(tensor.getType()).getRank();
       i < e; ++i) {
    Value dim = c.b.createOrFold<tensor::DimOp>(c.loc, tensor, i);
    Value fits = c.sliceFits(c.index(op.getMixedOffsets()[i]),
                             c.index(op.getMixedSizes()[i]),
                             c.index(op.getMixedStrides()[i]), dim);
    c.check(
        fits, op,
        (verb + " past dimension " + llvm::Twine(i) + " of the tensor").str());
  }
}

/// A shift by at least the bit width is poison in the generated code, which
/// could fold a later check away.
static void checkShift(Operation *op, Checker &c) {
  Value amount = op->getOperand(1);
  Type type = amount.getType();
  unsigned width = type.isIndex() ? 64 : type.getIntOrFloatBitWidth();
  Value limit = arith::ConstantOp::create(
      c.b, c.loc, c.b.getIntegerAttr(type, APInt(width, width)));
  c.check(c.cmp(arith::CmpIPredicate::ult, amount, limit), op,
          "shifts by the bit width or more");
}

static void checkInsertSlice(tensor::InsertSliceOp op, Checker &c) {
  RankedTensorType dest = op.getDestType(), source = op.getSourceType();
  checkSliceWithin(op, op.getDest(), "writes", c);
  // Rank-reducing slices drop unit dimensions; the others must match.
  if (source.getRank() != dest.getRank())
    return;
  for (int64_t i = 0, e = source.getRank(); i < e; ++i) {
    Value size = c.index(op.getMixedSizes()[i]);
    Value dim = c.b.createOrFold<tensor::DimOp>(c.loc, op.getSource(), i);
    c.check(c.cmp(arith::CmpIPredicate::eq, size, dim), op,
            "slice size " + std::to_string(i) +
                " differs from the inserted tensor's");
  }
}

static void checkReshape(tensor::ReshapeOp op, Checker &c) {
  auto shapeType = cast<RankedTensorType>(op.getShape().getType());
  auto result = cast<RankedTensorType>(op.getResult().getType());
  SmallVector<Value> sizes;
  for (int64_t i = 0, e = shapeType.getDimSize(0); i < e; ++i) {
    Value position = arith::ConstantIndexOp::create(c.b, c.loc, i);
    Value size = tensor::ExtractOp::create(c.b, c.loc, op.getShape(), position);
    if (!size.getType().isIndex())
      size = arith::IndexCastOp::create(c.b, c.loc, c.b.getIndexType(), size);
    if (!result.isDynamicDim(i))
      c.check(c.cmp(arith::CmpIPredicate::eq, size,
                    arith::ConstantIndexOp::create(c.b, c.loc,
                                                   result.getDimSize(i))),
              op,
              "shape gives dimension " + std::to_string(i) +
                  " a size other than its type's");
    sizes.push_back(size);
  }
  SmallVector<Value> sourceDims;
  auto source = cast<RankedTensorType>(op.getSource().getType());
  for (int64_t i = 0, e = source.getRank(); i < e; ++i)
    sourceDims.push_back(
        c.b.createOrFold<tensor::DimOp>(c.loc, op.getSource(), i));
  Value count = c.one();
  for (Value dim : sourceDims)
    count = c.b.createOrFold<arith::MulIOp>(c.loc, count, dim);
  c.check(c.productIs(sizes, count), op,
          "shape does not hold the tensor's element count");
}

static void checkExpandShape(tensor::ExpandShapeOp op, Checker &c) {
  SmallVector<OpFoldResult> shape = op.getMixedOutputShape();
  for (auto [i, group] : llvm::enumerate(op.getReassociationIndices())) {
    SmallVector<Value> sizes;
    for (int64_t dim : group)
      sizes.push_back(c.index(shape[dim]));
    Value source = c.b.createOrFold<tensor::DimOp>(c.loc, op.getSrc(), i);
    c.check(c.productIs(sizes, source), op,
            "output sizes do not multiply to source dimension " +
                std::to_string(i));
  }
}

/// An integer division or remainder by zero (or the signed overflow of
/// MIN / -1) traps: its divisor is checked.
static void checkDivision(Operation *op, bool isSigned, Checker &c) {
  Value lhs = op->getOperand(0), rhs = op->getOperand(1);
  Type type = rhs.getType();
  Value zero = arith::ConstantOp::create(c.b, c.loc, c.b.getZeroAttr(type));
  Value ok = c.cmp(arith::CmpIPredicate::ne, rhs, zero);
  if (isSigned) {
    unsigned width = type.isIndex() ? 64 : type.getIntOrFloatBitWidth();
    Value min = arith::ConstantOp::create(
        c.b, c.loc, c.b.getIntegerAttr(type, APInt::getSignedMinValue(width)));
    Value minusOne = arith::ConstantOp::create(
        c.b, c.loc, c.b.getIntegerAttr(type, APInt::getAllOnes(width)));
    Value overflow = c.both(c.cmp(arith::CmpIPredicate::eq, lhs, min),
                            c.cmp(arith::CmpIPredicate::eq, rhs, minusOne));
    Value noOverflow = c.cmp(arith::CmpIPredicate::eq, overflow,
                             arith::ConstantIntOp::create(c.b, c.loc, 0, 1));
    ok = c.both(ok, noOverflow);
  }
  c.check(ok, op, "divides by zero or overflows");
}

/// Whether the runtime accepts `op` in untrusted tensor IR: an op whose
/// indices, offsets and shapes it checks (or that has none), so that a
/// corrupt model cannot make the generated code read or write out of
/// bounds, call into the host process or compute poison a check could be
/// folded on. The compiler's own tensor IR uses only these.
static bool isAccepted(Operation *op, SymbolTable &symbols) {
  auto unranked = [](Type type) { return isa<UnrankedTensorType>(type); };
  if (llvm::any_of(op->getOperandTypes(), unranked) ||
      llvm::any_of(op->getResultTypes(), unranked))
    return false;
  // Only functions of the module itself: a declaration would be resolved
  // in the host process (memset, free, ...).
  if (auto func = dyn_cast<func::FuncOp>(op))
    return !func.isExternal() && isa<ModuleOp>(func->getParentOp());
  if (auto call = dyn_cast<func::CallOp>(op)) {
    auto callee = symbols.lookup<func::FuncOp>(call.getCallee());
    return callee && !callee.isExternal();
  }
  if (isa<func::ReturnOp>(op))
    return true;
  StringRef dialect = op->getDialect() ? op->getDialect()->getNamespace() : "";
  if (dialect == "arith") {
    // Wrap flags and out-of-range conversions make poison.
    if (auto flags = dyn_cast<arith::ArithIntegerOverflowFlagsInterface>(op))
      if (flags.getOverflowAttr().getValue() !=
          arith::IntegerOverflowFlags::none)
        return false;
    if (isa<arith::FPToSIOp, arith::FPToUIOp>(op))
      return false;
    bool checked =
        isa<arith::DivUIOp, arith::RemUIOp, arith::CeilDivUIOp, arith::DivSIOp,
            arith::RemSIOp, arith::CeilDivSIOp, arith::FloorDivSIOp,
            arith::ShLIOp, arith::ShRUIOp, arith::ShRSIOp>(op);
    Type type = op->getResult(0).getType();
    return !checked || type.isIndex() || isa<IntegerType>(type);
  }
  if (dialect == "math")
    return true;
  if (isa<RuntimeVerifiableOpInterface>(op))
    return dialect == "linalg" || dialect == "tensor";
  // A rank-reducing insert with dynamic sizes: which size belongs to which
  // dimension of the inserted tensor is not checked.
  if (auto insert = dyn_cast<tensor::InsertSliceOp>(op))
    return insert.getSourceType().getRank() == insert.getDestType().getRank() ||
           insert.getSizes().empty();
  StringRef name = op->getName().getStringRef();
  return llvm::is_contained({"linalg.index", "linalg.yield", "tensor.reshape",
                             "tensor.expand_shape", "tensor.collapse_shape",
                             "tensor.empty", "tensor.from_elements"},
                            name);
}

namespace {
struct InsertRuntimeChecksPass
    : public rasp::runtime::impl::InsertRuntimeChecksPassBase<
          InsertRuntimeChecksPass> {
  void runOnOperation() override {
    // Ops the checks do not cover are refused: their indexing is unchecked.
    ModuleOp module = getOperation();
    SymbolTable symbols(module);
    for (Operation &op : module.getOps())
      if (!isa<func::FuncOp>(op)) {
        op.emitOpError("is not accepted at the top of untrusted tensor IR: "
                       "only functions are");
        return signalPassFailure();
      }
    WalkResult accepted = module.walk([&](Operation *op) {
      if (op == module || isAccepted(op, symbols))
        return WalkResult::advance();
      op->emitOpError("is not accepted in untrusted tensor IR: the runtime "
                      "cannot check what it indexes");
      return WalkResult::interrupt();
    });
    if (accepted.wasInterrupted())
      return signalPassFailure();

    // Collected first: the checks create ops (tensor.dim, tensor.extract)
    // that would verify themselves again.
    SmallVector<Operation *> ops;
    module.walk([&](Operation *op) {
      if (isa<RuntimeVerifiableOpInterface, tensor::InsertSliceOp,
              tensor::ReshapeOp, tensor::ExpandShapeOp, arith::DivUIOp,
              arith::RemUIOp, arith::CeilDivUIOp, arith::DivSIOp,
              arith::RemSIOp, arith::CeilDivSIOp, arith::FloorDivSIOp,
              arith::ShLIOp, arith::ShRUIOp, arith::ShRSIOp>(op))
        ops.push_back(op);
    });
    OpBuilder b(&getContext());
    for (Operation *op : ops) {
      b.setInsertionPoint(op);
      Checker c{b, op->getLoc()};
      if (auto extract = dyn_cast<tensor::ExtractSliceOp>(op))
        checkSliceWithin(extract, extract.getSource(), "reads", c);
      if (auto verifiable = dyn_cast<RuntimeVerifiableOpInterface>(op))
        verifiable.generateRuntimeVerification(b, op->getLoc(), describe);
      else if (auto insert = dyn_cast<tensor::InsertSliceOp>(op))
        checkInsertSlice(insert, c);
      else if (auto reshape = dyn_cast<tensor::ReshapeOp>(op))
        checkReshape(reshape, c);
      else if (auto expand = dyn_cast<tensor::ExpandShapeOp>(op))
        checkExpandShape(expand, c);
      else if (isa<arith::ShLIOp, arith::ShRUIOp, arith::ShRSIOp>(op))
        checkShift(op, c);
      else
        checkDivision(op,
                      isa<arith::DivSIOp, arith::RemSIOp, arith::CeilDivSIOp,
                          arith::FloorDivSIOp>(op),
                      c);
    }
  }
};
} // namespace
