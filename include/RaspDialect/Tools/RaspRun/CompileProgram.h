//===- CompileProgram.h - Compile a rasp program for rasp-run ---*- C++ -*-===//

#ifndef RASPDIALECT_TOOLS_RASPRUN_COMPILEPROGRAM_H
#define RASPDIALECT_TOOLS_RASPRUN_COMPILEPROGRAM_H

#include "RaspDialect/Tools/RaspRun/RunConfig.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

namespace mlir::rasp {

/// Copies `program` into a new module with `output` as its output SOp (ops
/// the output does not depend on are dropped) and the compile parameters of
/// `config` as its attributes, ready for the compilation pipeline.
OwningOpRef<ModuleOp> extractProgram(ProgramOp program, Value output,
                                     const RunConfig &config);

/// Runs the rasp-to-craft-model pipeline on `module` (from `extractProgram`),
/// with the model-size optimisations if `optimize`, and flattens the model,
/// leaving one `craft.program` that runs exactly as the layered model.
/// Emits diagnostics.
LogicalResult compileToCraft(ModuleOp module, bool optimize = true);

} // namespace mlir::rasp

#endif // RASPDIALECT_TOOLS_RASPRUN_COMPILEPROGRAM_H
