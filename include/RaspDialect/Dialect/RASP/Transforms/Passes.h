//===- Passes.h - RASP dialect passes ---------------------------*- C++ -*-===//

#ifndef RASPDIALECT_DIALECT_RASP_TRANSFORMS_PASSES_H
#define RASPDIALECT_DIALECT_RASP_TRANSFORMS_PASSES_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

#include <memory>

namespace mlir::rasp {

#define GEN_PASS_DECL
#include "RaspDialect/Dialect/RASP/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "RaspDialect/Dialect/RASP/Transforms/Passes.h.inc"

} // namespace mlir::rasp

#endif // RASPDIALECT_DIALECT_RASP_TRANSFORMS_PASSES_H
