//===- Craft.td - Craft dialect umbrella -------------------*- tablegen -*-===//

#ifndef RASPDIALECT_DIALECT_CRAFT_IR_CRAFT_TD
#define RASPDIALECT_DIALECT_CRAFT_IR_CRAFT_TD

include "RaspDialect/Dialect/Craft/IR/CraftDialect.td"
include "RaspDialect/Dialect/Craft/IR/CraftAttrs.td"
include "RaspDialect/Dialect/Craft/IR/CraftInterfaces.td"
include "RaspDialect/Dialect/Craft/IR/CraftOps.td"
include "RaspDialect/Dialect/Craft/IR/CraftModelOps.td"

#endif // RASPDIALECT_DIALECT_CRAFT_IR_CRAFT_TD
