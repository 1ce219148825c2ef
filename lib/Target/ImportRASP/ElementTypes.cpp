//===- ElementTypes.cpp - Static types of element functions ---------------===//

#include "ElementTypes.h"

#include "mlir/IR/Builders.h"

#include <cmath>

using namespace mlir;
using namespace mlir::rasp;
using namespace mlir::rasp::frontend;

bool mlir::rasp::frontend::isIntLike(Type type) {
  return type.isInteger(1) || type.isInteger(64);
}

Type mlir::rasp::frontend::joinTypes(Type a, Type b) {
  return a == b ? a : AnyValueType::get(a.getContext());
}

std::string mlir::rasp::frontend::describeValueType(Type type) {
  if (type.isInteger(1))
    return "bool";
  if (type.isInteger(64))
    return "int";
  if (type.isF64())
    return "float";
  if (isa<StrType>(type))
    return "str";
  if (isa<rasp::NoneType>(type))
    return "None";
  return "any";
}

namespace {
/// The Python type family of a static value type.
enum class Family { Number, Str, None, Any };
} // namespace

static Family familyOf(Type type) {
  if (isNumericValueType(type))
    return Family::Number;
  if (isa<StrType>(type))
    return Family::Str;
  if (isa<rasp::NoneType>(type))
    return Family::None;
  return Family::Any;
}

static bool isComparison(BinaryKind kind) {
  switch (kind) {
  case BinaryKind::Eq:
  case BinaryKind::Ne:
  case BinaryKind::Lt:
  case BinaryKind::Le:
  case BinaryKind::Gt:
  case BinaryKind::Ge:
    return true;
  default:
    return false;
  }
}

/// True if an int operand converts to f64 exactly: a bool, or a constant of
/// magnitude at most 2^53.
static bool convertsExactlyToFloat(Type type, const PyValue *constant) {
  if (type.isInteger(1))
    return true;
  return constant && constant->isInt() &&
         std::llabs(constant->getInt()) <= (int64_t(1) << 53);
}

static BinaryLowering lowerComparison(BinaryKind kind, Type lhs, Type rhs,
                                      const PyValue *lhsConst,
                                      const PyValue *rhsConst) {
  MLIRContext *context = lhs.getContext();
  Builder b(context);
  Type i1 = b.getI1Type();
  Family lf = familyOf(lhs), rf = familyOf(rhs);
  bool isEquality = kind == BinaryKind::Eq || kind == BinaryKind::Ne;
  auto rasp = [&] {
    return BinaryLowering{BinaryLowering::Strategy::Rasp, Type(), i1};
  };
  if (lf == Family::Any || rf == Family::Any)
    return rasp();
  if (lf == Family::Number && rf == Family::Number) {
    if (lhs.isF64() && rhs.isF64())
      return {BinaryLowering::Strategy::FloatArith, b.getF64Type(), i1};
    if (isIntLike(lhs) && isIntLike(rhs)) {
      // Equality of two bools is exact on i1; orderings need i64 because
      // arith treats i1 as signed (true < false).
      Type operand = isEquality && lhs.isInteger(1) && rhs.isInteger(1)
                         ? i1
                         : Type(b.getI64Type());
      return {BinaryLowering::Strategy::IntArith, operand, i1};
    }
    // int vs float: exact on f64 only if the int converts exactly.
    bool lhsOk = lhs.isF64() || convertsExactlyToFloat(lhs, lhsConst);
    bool rhsOk = rhs.isF64() || convertsExactlyToFloat(rhs, rhsConst);
    if (lhsOk && rhsOk)
      return {BinaryLowering::Strategy::FloatArith, b.getF64Type(), i1};
    return rasp();
  }
  if (lf != rf && isEquality) {
    // `==` between values of different families is False in Python.
    BinaryLowering result{BinaryLowering::Strategy::Constant, Type(), i1};
    result.constantValue = kind == BinaryKind::Ne;
    return result;
  }
  if (lf == Family::None && rf == Family::None && isEquality) {
    BinaryLowering result{BinaryLowering::Strategy::Constant, Type(), i1};
    result.constantValue = kind == BinaryKind::Eq;
    return result;
  }
  // Strings, and orderings that raise TypeError at evaluation.
  return rasp();
}

BinaryLowering mlir::rasp::frontend::lowerBinary(BinaryKind kind, Type lhs,
                                                 Type rhs,
                                                 const PyValue *lhsConst,
                                                 const PyValue *rhsConst) {
  if (isComparison(kind))
    return lowerComparison(kind, lhs, rhs, lhsConst, rhsConst);

  MLIRContext *context = lhs.getContext();
  Builder b(context);
  Type i64 = b.getI64Type(), f64 = b.getF64Type();
  Type any = AnyValueType::get(context);
  Type str = StrType::get(context);
  using Strategy = BinaryLowering::Strategy;
  auto rasp = [](Type result) {
    return BinaryLowering{Strategy::Rasp, Type(), result};
  };
  bool numbers = isNumericValueType(lhs) && isNumericValueType(rhs);
  bool ints = isIntLike(lhs) && isIntLike(rhs);

  switch (kind) {
  case BinaryKind::Add:
  case BinaryKind::Sub:
  case BinaryKind::Mul:
    if (ints)
      return {Strategy::IntArith, i64, i64};
    if (numbers)
      return {Strategy::FloatArith, f64, f64};
    if (kind == BinaryKind::Add && isa<StrType>(lhs) && isa<StrType>(rhs))
      return rasp(str);
    if (kind == BinaryKind::Mul && ((isa<StrType>(lhs) && isIntLike(rhs)) ||
                                    (isIntLike(lhs) && isa<StrType>(rhs))))
      return rasp(str);
    return rasp(any);
  case BinaryKind::TrueDiv:
    // When `/` succeeds its result is a float.
    if (numbers)
      return {Strategy::FloatArith, f64, f64};
    return rasp(f64);
  case BinaryKind::FloorDiv:
    if (ints)
      return {Strategy::IntArith, i64, i64};
    return rasp(numbers ? f64 : any);
  case BinaryKind::Mod:
    if (ints)
      return rasp(i64);
    return rasp(numbers ? f64 : any);
  case BinaryKind::Pow:
    // int ** int is a float for a negative exponent.
    if (ints)
      return rasp(rhsConst && rhsConst->isNumber() && rhsConst->getInt() >= 0
                      ? i64
                      : any);
    return rasp(numbers ? f64 : any);
  case BinaryKind::Min:
  case BinaryKind::Max:
    // min/max return one of their operands, so mixed types stay dynamic.
    if (lhs != rhs)
      return rasp(any);
    if (lhs.isInteger(64))
      return {Strategy::IntArith, i64, i64};
    return rasp(lhs);
  default:
    break;
  }
  llvm_unreachable("comparisons handled above");
}

UnaryLowering mlir::rasp::frontend::lowerUnary(UnaryKind kind, Type operand) {
  MLIRContext *context = operand.getContext();
  Builder b(context);
  Type i1 = b.getI1Type(), i64 = b.getI64Type(), f64 = b.getF64Type();
  Type any = AnyValueType::get(context);
  using Strategy = UnaryLowering::Strategy;
  switch (kind) {
  case UnaryKind::Neg:
    if (isIntLike(operand))
      return {Strategy::IntNeg, i64};
    if (operand.isF64())
      return {Strategy::FloatNeg, f64};
    return {Strategy::Rasp, any};
  case UnaryKind::Pos:
    if (operand.isInteger(1))
      return {Strategy::Convert, i64};
    if (operand.isInteger(64) || operand.isF64())
      return {Strategy::Identity, operand};
    return {Strategy::Rasp, any};
  case UnaryKind::Not:
    if (operand.isInteger(1))
      return {Strategy::BoolNot, i1};
    if (operand.isInteger(64) || operand.isF64())
      return {Strategy::IsZero, i1};
    return {Strategy::Rasp, i1};
  case UnaryKind::Abs:
    if (isIntLike(operand))
      return {Strategy::Rasp, i64};
    if (operand.isF64())
      return {Strategy::Rasp, f64};
    return {Strategy::Rasp, any};
  case UnaryKind::Int:
  case UnaryKind::Round:
    if (operand.isInteger(64))
      return {Strategy::Identity, i64};
    if (operand.isInteger(1))
      return {Strategy::Convert, i64};
    return {Strategy::Rasp, i64};
  case UnaryKind::Float:
    if (operand.isF64())
      return {Strategy::Identity, f64};
    if (isIntLike(operand))
      return {Strategy::Convert, f64};
    return {Strategy::Rasp, f64};
  case UnaryKind::Bool:
    if (operand.isInteger(1))
      return {Strategy::Identity, i1};
    if (operand.isInteger(64) || operand.isF64())
      return {Strategy::Truthy, i1};
    return {Strategy::Rasp, i1};
  case UnaryKind::Indicator:
    return {Strategy::Rasp, i64};
  }
  llvm_unreachable("unknown unary kind");
}
