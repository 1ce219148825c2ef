//===- CraftOps.h - Craft operations ----------------------------*- C++ -*-===//

#ifndef RASPDIALECT_DIALECT_CRAFT_IR_CRAFTOPS_H
#define RASPDIALECT_DIALECT_CRAFT_IR_CRAFTOPS_H

#include "RaspDialect/Dialect/Craft/IR/CraftDialect.h"

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#define GET_OP_CLASSES
#include "RaspDialect/Dialect/Craft/IR/Craft.h.inc"

namespace mlir::craft {
/// The first name `loc` carries (a NameLoc, possibly fused or behind a call
/// site): what components and residual labels are named after.
std::optional<StringRef> getLocationName(Location loc);
} // namespace mlir::craft

#endif // RASPDIALECT_DIALECT_CRAFT_IR_CRAFTOPS_H
