//===- Passes.h - Conversion passes -----------------------------*- C++ -*-===//

#ifndef RASPDIALECT_CONVERSION_PASSES_H
#define RASPDIALECT_CONVERSION_PASSES_H

#include "mlir/Pass/Pass.h"

namespace mlir::rasp {

#define GEN_PASS_DECL
#include "RaspDialect/Conversion/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "RaspDialect/Conversion/Passes.h.inc"

} // namespace mlir::rasp

#endif // RASPDIALECT_CONVERSION_PASSES_H
