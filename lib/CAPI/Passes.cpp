//===- Passes.cpp - C API of the passes and pipelines ---------------------===//
//
// The generated C API of each pass group (mlirCreate..., mlirRegister...)
// and the registration of everything, pipelines included.
//
//===----------------------------------------------------------------------===//

#include "rasp-c/Passes.h"

#include "RaspDialect/Conversion/Passes.h"
#include "RaspDialect/Dialect/Craft/Transforms/Passes.h"
#include "RaspDialect/Dialect/RASP/Transforms/Passes.h"
#include "RaspDialect/InitAll.h"

#include "mlir/CAPI/Pass.h"

// The generated definitions call create<Pass>() and register<Pass>()
// unqualified.
using namespace mlir;
using namespace mlir::rasp;

#ifdef __cplusplus
extern "C" {
#endif

#include "RaspDialect/Conversion/Passes.capi.cpp.inc"
#include "RaspDialect/Dialect/RASP/Transforms/Passes.capi.cpp.inc"

using namespace mlir::craft;
#include "RaspDialect/Dialect/Craft/Transforms/Passes.capi.cpp.inc"

#ifdef __cplusplus
}
#endif

void mlirRegisterRASPPasses(void) { registerAllPasses(); }
