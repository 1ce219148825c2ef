//===- CraftDialect.h - Craft dialect, types and attributes -----*- C++ -*-===//
//
// The `craft` dialect: transformer components with concrete weights on named
// residual subspaces.
//
//===----------------------------------------------------------------------===//

#ifndef RASPDIALECT_DIALECT_CRAFT_IR_CRAFTDIALECT_H
#define RASPDIALECT_DIALECT_CRAFT_IR_CRAFTDIALECT_H

#include "mlir/IR/BuiltinAttributeInterfaces.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"

#include "RaspDialect/Dialect/Craft/IR/CraftDialect.h.inc"

namespace mlir {
class AsmParser;
namespace craft {
/// Parses a weight matrix parameter: any ElementsAttr.
FailureOr<ElementsAttr> parseWeights(AsmParser &parser);
} // namespace craft
} // namespace mlir

#define GET_TYPEDEF_CLASSES
#include "RaspDialect/Dialect/Craft/IR/CraftTypes.h.inc"

#include "RaspDialect/Dialect/Craft/IR/CraftEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "RaspDialect/Dialect/Craft/IR/CraftAttrs.h.inc"

#include "RaspDialect/Dialect/Craft/IR/CraftInterfaces.h.inc"

namespace mlir::craft {

/// The basis of `value`, as named by its defining op (looking through
/// `craft.multi_head` to the head that produced it). Null if unknown.
SpaceAttr getSpace(Value value);

/// True if `attr` may be the value of a categorical direction: a bool, i64,
/// f64 or string attribute, or an array of values, None included (a tuple).
bool isDirectionValue(Attribute attr);

} // namespace mlir::craft

#endif // RASPDIALECT_DIALECT_CRAFT_IR_CRAFTDIALECT_H
