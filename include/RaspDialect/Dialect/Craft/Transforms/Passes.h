//===- Passes.h - Craft dialect passes --------------------------*- C++ -*-===//

#ifndef RASPDIALECT_DIALECT_CRAFT_TRANSFORMS_PASSES_H
#define RASPDIALECT_DIALECT_CRAFT_TRANSFORMS_PASSES_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir::craft {

#define GEN_PASS_DECL
#include "RaspDialect/Dialect/Craft/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "RaspDialect/Dialect/Craft/Transforms/Passes.h.inc"

} // namespace mlir::craft

#endif // RASPDIALECT_DIALECT_CRAFT_TRANSFORMS_PASSES_H
