//===- RASPDialect.cpp - RASP dialect, types and attributes ---------------===//

#include "RaspDialect/Dialect/RASP/IR/RASPDialect.h"
#include "RaspDialect/Dialect/RASP/IR/RASPOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::rasp;

#include "RaspDialect/Dialect/RASP/IR/RASPDialect.cpp.inc"
#include "RaspDialect/Dialect/RASP/IR/RASPEnums.cpp.inc"

#define GET_TYPEDEF_CLASSES
#include "RaspDialect/Dialect/RASP/IR/RASPTypes.cpp.inc"

void RASPDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "RaspDialect/Dialect/RASP/IR/RASP.cpp.inc"
      >();
  addTypes<
#define GET_TYPEDEF_LIST
#include "RaspDialect/Dialect/RASP/IR/RASPTypes.cpp.inc"
      >();
}

bool mlir::rasp::isNumericValueType(Type type) {
  return type.isInteger(1) || type.isInteger(64) || type.isF64();
}

bool mlir::rasp::isValueType(Type type) {
  return isNumericValueType(type) || isa<StrType, NoneType, AnyValueType>(type);
}

bool mlir::rasp::isValueAttr(Attribute attr) {
  if (isa<UnitAttr, StringAttr, BoolAttr>(attr))
    return true;
  // A tuple: an array of values.
  if (auto tuple = dyn_cast<ArrayAttr>(attr))
    return llvm::all_of(tuple, isValueAttr);
  if (auto i = dyn_cast<IntegerAttr>(attr))
    return i.getType().isInteger(64) || i.getType().isInteger(1);
  if (auto f = dyn_cast<FloatAttr>(attr))
    return f.getType().isF64();
  return false;
}

bool mlir::rasp::valueAttrHasType(Attribute attr, Type type) {
  if (!isValueAttr(attr))
    return false;
  if (isa<AnyValueType>(type))
    return true;
  if (isa<StrType>(type))
    return isa<StringAttr>(attr);
  if (isa<NoneType>(type))
    return isa<UnitAttr>(attr);
  // Tuples have no static type.
  if (isa<ArrayAttr>(attr))
    return false;
  if (auto typed = dyn_cast<TypedAttr>(attr))
    return typed.getType() == type;
  return false;
}

LogicalResult SOpType::verify(function_ref<InFlightDiagnostic()> emitError,
                              Encoding encoding, Type valueType) {
  if (!isValueType(valueType))
    return emitError() << "sop value type must be i1, i64, f64, !rasp.str, "
                          "!rasp.none or !rasp.any, got "
                       << valueType;
  if (encoding == Encoding::Numerical && !isNumericValueType(valueType))
    return emitError() << "numerical sop must hold i1, i64 or f64 values, got "
                       << valueType;
  return success();
}
