/*===-- rasp-c/Passes.h - The RASP compiler's passes --------------*- C -*-===*\
|*                                                                            *|
|* Registration and creation of the compiler's passes in MLIR's C API        *|
|* convention (generated from the Passes.td files), and one call that        *|
|* registers every pass and pipeline (rasp-to-craft-model, rasp-to-linalg),  *|
|* so that mlirParsePassPipeline accepts them.                               *|
|*                                                                            *|
\*===----------------------------------------------------------------------===*/

#ifndef RASP_C_PASSES_H
#define RASP_C_PASSES_H

#include "mlir-c/Pass.h"

/* mlirRegisterRASPTransformsPasses, mlirCreateRASPTransformsInferBasesPass,
 * ... (--infer-bases, --validate). */
#include "RaspDialect/Dialect/RASP/Transforms/Passes.capi.h.inc"
/* mlirRegisterRASPConversionPasses, mlirCreateRASPConversionLowerToCraftPass,
 * mlirCreateRASPConversionConvertCraftToLinalgPass. */
#include "RaspDialect/Conversion/Passes.capi.h.inc"
/* mlirRegisterCraftPasses, mlirCreateCraftAllocateLayersPass, ... */
#include "RaspDialect/Dialect/Craft/Transforms/Passes.capi.h.inc"

#ifdef __cplusplus
extern "C" {
#endif

/// Registers every pass of the compiler and the pipelines
/// `rasp-to-craft-model` and `rasp-to-linalg` with the global registry.
MLIR_CAPI_EXPORTED void mlirRegisterRASPPasses(void);

#ifdef __cplusplus
}
#endif

#endif // RASP_C_PASSES_H
