//===- RASPOps.h - RASP operations ------------------------------*- C++ -*-===//

#ifndef RASPDIALECT_DIALECT_RASP_IR_RASPOPS_H
#define RASPDIALECT_DIALECT_RASP_IR_RASPOPS_H

#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/IR/RegionKindInterface.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/ControlFlowInterfaces.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "RaspDialect/Dialect/RASP/IR/RASPDialect.h"

#define GET_OP_CLASSES
#include "RaspDialect/Dialect/RASP/IR/RASP.h.inc"

#endif // RASPDIALECT_DIALECT_RASP_IR_RASPOPS_H
