//===- Dialects.cpp - C API of the rasp and craft dialects ----------------===//

#include "rasp-c/Dialects.h"

#include "RaspDialect/Dialect/Craft/IR/CraftDialect.h"
#include "RaspDialect/Dialect/RASP/IR/RASPDialect.h"
#include "RaspDialect/Driver/Driver.h"

#include "mlir/CAPI/IR.h"
#include "mlir/CAPI/Registration.h"

MLIR_DEFINE_CAPI_DIALECT_REGISTRATION(RASP, rasp, mlir::rasp::RASPDialect)
MLIR_DEFINE_CAPI_DIALECT_REGISTRATION(Craft, craft, mlir::craft::CraftDialect)

void mlirRegisterRASPDialects(MlirDialectRegistry registry) {
  mlir::rasp::driver::registerDialects(*unwrap(registry));
}
