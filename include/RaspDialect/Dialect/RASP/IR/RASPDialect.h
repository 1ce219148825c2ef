//===- RASPDialect.h - RASP dialect, types and attributes -------*- C++ -*-===//
//
// The `rasp` dialect: RASP programs with Tracr's value semantics.
//
//===----------------------------------------------------------------------===//

#ifndef RASPDIALECT_DIALECT_RASP_IR_RASPDIALECT_H
#define RASPDIALECT_DIALECT_RASP_IR_RASPDIALECT_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"

#include "RaspDialect/Dialect/RASP/IR/RASPDialect.h.inc"
#include "RaspDialect/Dialect/RASP/IR/RASPEnums.h.inc"

#define GET_TYPEDEF_CLASSES
#include "RaspDialect/Dialect/RASP/IR/RASPTypes.h.inc"

namespace mlir::rasp {

/// True for the types an SOp element or element-function value may have:
/// i1, i64, f64, !rasp.str, !rasp.none and !rasp.any.
bool isValueType(Type type);

/// True for i1, i64 and f64: the types a numerical SOp may hold.
bool isNumericValueType(Type type);

/// True if `attr` is the attribute form of a RASP value: BoolAttr, i64
/// IntegerAttr, f64 FloatAttr, StringAttr, UnitAttr (None), or an ArrayAttr
/// of value attributes (a tuple).
bool isValueAttr(Attribute attr);

/// True if `attr` is a value attribute of exactly the value type `type`
/// (any value attribute, tuples included, for !rasp.any).
bool valueAttrHasType(Attribute attr, Type type);

} // namespace mlir::rasp

#endif // RASPDIALECT_DIALECT_RASP_IR_RASPDIALECT_H
