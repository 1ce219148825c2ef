/*===-- rasp-c/Dialects.h - The rasp and craft dialects -----------*- C -*-===*\
|*                                                                            *|
|* The dialect handles of the RASP compiler in MLIR's C API convention, and  *|
|* one call that registers every dialect a compilation uses.                 *|
|*                                                                            *|
\*===----------------------------------------------------------------------===*/

#ifndef RASP_C_DIALECTS_H
#define RASP_C_DIALECTS_H

#include "mlir-c/IR.h"

#ifdef __cplusplus
extern "C" {
#endif

/// mlirGetDialectHandle__rasp__(): RASP programs (`rasp.program`, SOps,
/// selectors).
MLIR_DECLARE_CAPI_DIALECT_REGISTRATION(RASP, rasp);

/// mlirGetDialectHandle__craft__(): transformer components and layered
/// models (`craft.program`, `craft.model`).
MLIR_DECLARE_CAPI_DIALECT_REGISTRATION(Craft, craft);

/// Inserts rasp, craft and the upstream dialects of their IR and of tensor
/// IR (arith, func, linalg, math, scf, tensor) into `registry`.
MLIR_CAPI_EXPORTED void mlirRegisterRASPDialects(MlirDialectRegistry registry);

#ifdef __cplusplus
}
#endif

#endif // RASP_C_DIALECTS_H
