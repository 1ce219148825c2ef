//===- Emitter.h - rasp.program from the planned graph ----------*- C++ -*-===//

#ifndef RASPDIALECT_LIB_TARGET_IMPORTRASP_EMITTER_H
#define RASPDIALECT_LIB_TARGET_IMPORTRASP_EMITTER_H

#include "Fusion.h"

#include "RaspDialect/Target/ImportRASP.h"

namespace mlir::rasp::frontend {

/// Builds a module holding the `rasp.program` that computes `output`, with
/// one op per node `plan` materialises, in creation order. Ops get the
/// node's location, wrapped in a NameLoc when the node was assigned to a
/// variable. Null after a diagnostic (a body too large to emit).
OwningOpRef<ModuleOp> emitProgram(MLIRContext *context, const FusionPlan &plan,
                                  SOpNode *output,
                                  const ImportRASPOptions &options,
                                  Location loc);

} // namespace mlir::rasp::frontend

#endif // RASPDIALECT_LIB_TARGET_IMPORTRASP_EMITTER_H
