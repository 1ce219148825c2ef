//===- RASP.td - RASP dialect umbrella ---------------------*- tablegen -*-===//

#ifndef RASPDIALECT_DIALECT_RASP_IR_RASP_TD
#define RASPDIALECT_DIALECT_RASP_IR_RASP_TD

include "RaspDialect/Dialect/RASP/IR/RASPDialect.td"
include "RaspDialect/Dialect/RASP/IR/RASPEnums.td"
include "RaspDialect/Dialect/RASP/IR/RASPTypes.td"
include "RaspDialect/Dialect/RASP/IR/RASPOps.td"

#endif // RASPDIALECT_DIALECT_RASP_IR_RASP_TD
