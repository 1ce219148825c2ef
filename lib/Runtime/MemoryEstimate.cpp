//===- MemoryEstimate.cpp - What a call of a model allocates -------------===//

#include "RaspDialect/Runtime/MemoryEstimate.h"
#include "RaspDialect/Support/MemoryBudget.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/DestinationStyleOpInterface.h"
#include "llvm/ADT/DenseMap.h"

#include <functional>

using namespace mlir;
using namespace mlir::rasp;
using namespace mlir::rasp::runtime;

namespace {
/// An index value as `factor * B^batchPower * P^positionPower`.
struct Monomial {
  uint64_t factor = 1;
  unsigned batchPower = 0, positionPower = 0;

  Monomial operator*(const Monomial &other) const {
    return {saturatingProduct({factor, other.factor}),
            batchPower + other.batchPower, positionPower + other.positionPower};
  }
};

/// Follows index values back to the model function's arguments' dimensions,
/// through the calls of the component functions it shares between layers.
class SizeTracer {
public:
  /// A tracer of `func`; a callee's tracer resolves its arguments through
  /// `call` in the tracer of its caller.
  explicit SizeTracer(func::FuncOp func, SizeTracer *caller = nullptr,
                      func::CallOp call = {})
      : func(func), caller(caller), call(call) {}

  Monomial trace(Value size) {
    if (std::optional<Monomial> known = lookup(size))
      return *known;
    // Unknown: as large as a one-dimensional size of a call can be.
    return Monomial{1, 1, 1};
  }

  /// Dimension `index` of the ranked tensor `tensor`, if it is traceable.
  std::optional<Monomial> dimOf(Value tensor, int64_t index) {
    auto type = dyn_cast<RankedTensorType>(tensor.getType());
    if (!type || index < 0 || index >= type.getRank())
      return std::nullopt;
    if (!type.isDynamicDim(index))
      return Monomial{static_cast<uint64_t>(type.getDimSize(index)), 0, 0};
    if (auto arg = dyn_cast<BlockArgument>(tensor)) {
      if (arg.getOwner()->getParentOp() != func)
        return std::nullopt;
      if (caller)
        return caller->dimOf(call.getOperand(arg.getArgNumber()), index);
      // tokens: B x P; lengths: B.
      if (arg.getArgNumber() == 0 && index == 0)
        return Monomial{1, 1, 0};
      if (arg.getArgNumber() == 0 && index == 1)
        return Monomial{1, 0, 1};
      if (arg.getArgNumber() == 1 && index == 0)
        return Monomial{1, 1, 0};
      return std::nullopt;
    }
    Operation *def = tensor.getDefiningOp();
    auto dynamicOperand = [&](ValueRange sizes) -> std::optional<Monomial> {
      int64_t position = type.getDynamicDimIndex(index);
      if (position >= static_cast<int64_t>(sizes.size()))
        return std::nullopt;
      return lookup(sizes[position]);
    };
    if (auto empty = dyn_cast<tensor::EmptyOp>(def))
      return dynamicOperand(empty.getDynamicSizes());
    if (auto alloc = dyn_cast<bufferization::AllocTensorOp>(def))
      return dynamicOperand(alloc.getDynamicSizes());
    if (auto cast = dyn_cast<tensor::CastOp>(def))
      return dimOf(cast.getSource(), index);
    if (auto expand = dyn_cast<tensor::ExpandShapeOp>(def)) {
      OpFoldResult size = expand.getMixedOutputShape()[index];
      if (auto value = dyn_cast<Value>(size))
        return lookup(value);
      return std::nullopt;
    }
    if (auto destination = dyn_cast<DestinationStyleOpInterface>(def))
      return dimOf(destination.getTiedOpOperand(cast<OpResult>(tensor))->get(),
                   index);
    return std::nullopt;
  }

private:
  std::optional<Monomial> lookup(Value size) {
    if (auto it = cache.find(size); it != cache.end())
      return it->second;
    std::optional<Monomial> result = compute(size);
    cache[size] = result;
    return result;
  }

  std::optional<Monomial> compute(Value size) {
    if (auto arg = dyn_cast<BlockArgument>(size)) {
      // An index argument of a component function: the caller's operand.
      if (caller && arg.getOwner()->getParentOp() == func)
        return caller->lookup(call.getOperand(arg.getArgNumber()));
      return std::nullopt;
    }
    Operation *def = size.getDefiningOp();
    if (auto constant = dyn_cast<arith::ConstantIndexOp>(def))
      return Monomial{
          static_cast<uint64_t>(std::max<int64_t>(constant.value(), 0)), 0, 0};
    if (auto mul = dyn_cast<arith::MulIOp>(def)) {
      std::optional<Monomial> lhs = lookup(mul.getLhs());
      std::optional<Monomial> rhs = lookup(mul.getRhs());
      if (lhs && rhs)
        return *lhs * *rhs;
      return std::nullopt;
    }
    if (auto dim = dyn_cast<tensor::DimOp>(def)) {
      if (std::optional<int64_t> index = dim.getConstantIndex())
        return dimOf(dim.getSource(), *index);
    }
    return std::nullopt;
  }

  func::FuncOp func;
  SizeTracer *caller;
  func::CallOp call;
  llvm::DenseMap<Value, std::optional<Monomial>> cache;
};
} // namespace

void ActivationEstimate::add(unsigned batchPower, unsigned positionPower,
                             uint64_t bytes) {
  for (Term &term : terms)
    if (term.batchPower == batchPower && term.positionPower == positionPower) {
      term.bytes = saturatingSum(term.bytes, bytes);
      return;
    }
  terms.push_back({batchPower, positionPower, bytes});
}

ActivationEstimate ActivationEstimate::get(Operation *op) {
  ActivationEstimate estimate;
  auto func = dyn_cast<func::FuncOp>(op);
  if (!func)
    return estimate;
  auto addTensor = [&](SizeTracer &tracer, RankedTensorType type,
                       ValueRange dynamicSizes) {
    Monomial size{static_cast<uint64_t>(
                      std::max<int64_t>(type.getElementTypeBitWidth(), 8) / 8),
                  0, 0};
    unsigned next = 0;
    for (int64_t dim : type.getShape()) {
      if (!ShapedType::isDynamic(dim))
        size = size * Monomial{static_cast<uint64_t>(dim), 0, 0};
      else if (next < dynamicSizes.size())
        size = size * tracer.trace(dynamicSizes[next++]);
      else
        size = size * Monomial{1, 1, 1};
    }
    // Bufferization may copy a buffer once (a reshape it cannot do in place,
    // an insert_slice): measured peaks are about twice the allocations.
    estimate.add(size.batchPower, size.positionPower,
                 saturatingProduct({2, size.factor}));
  };
  // Every call of a component function counts its allocations again, with
  // the sizes of that call's operands.
  std::function<void(func::FuncOp, SizeTracer &, unsigned)> walkFunction =
      [&](func::FuncOp function, SizeTracer &tracer, unsigned depth) {
        function.walk([&](Operation *inner) {
          if (auto empty = dyn_cast<tensor::EmptyOp>(inner)) {
            addTensor(tracer, empty.getType(), empty.getDynamicSizes());
          } else if (auto alloc =
                         dyn_cast<bufferization::AllocTensorOp>(inner)) {
            addTensor(tracer, alloc.getType(), alloc.getDynamicSizes());
          } else if (auto call = dyn_cast<func::CallOp>(inner)) {
            auto callee = SymbolTable::lookupNearestSymbolFrom<func::FuncOp>(
                call, call.getCalleeAttr());
            if (callee && !callee.isExternal() && depth < 8) {
              SizeTracer calleeTracer(callee, &tracer, call);
              walkFunction(callee, calleeTracer, depth + 1);
            }
          }
        });
      };
  SizeTracer tracer(func);
  walkFunction(func, tracer, 0);
  // The result is copied out of the call's buffer: count it twice.
  for (Type type : func.getResultTypes())
    if (auto tensor = dyn_cast<RankedTensorType>(type)) {
      if (tensor.getRank() == 3 && tensor.getElementType().isIntOrFloat()) {
        uint64_t row = saturatingProduct(
            {static_cast<uint64_t>(tensor.getElementTypeBitWidth() / 8),
             static_cast<uint64_t>(ShapedType::isDynamic(tensor.getDimSize(2))
                                       ? 1
                                       : tensor.getDimSize(2))});
        estimate.add(1, 1, saturatingProduct({2, row}));
      }
    }
  return estimate;
}

uint64_t ActivationEstimate::evaluate(int64_t batch, int64_t positions) const {
  uint64_t total = 0;
  uint64_t b = static_cast<uint64_t>(std::max<int64_t>(batch, 0));
  uint64_t p = static_cast<uint64_t>(std::max<int64_t>(positions, 0));
  for (const Term &term : terms) {
    uint64_t value = term.bytes;
    for (unsigned i = 0; i < term.batchPower; ++i)
      value = saturatingProduct({value, b});
    for (unsigned i = 0; i < term.positionPower; ++i)
      value = saturatingProduct({value, p});
    total = saturatingSum(total, value);
  }
  return total;
}
