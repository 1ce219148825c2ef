//===- InitAll.h - Register the project's dialects and passes ---*- C++ -*-===//

#ifndef RASPDIALECT_INITALL_H
#define RASPDIALECT_INITALL_H

namespace mlir {
class DialectRegistry;
} // namespace mlir

namespace mlir::rasp {

/// Adds the project's dialects (rasp, craft) and the upstream dialects their
/// IR uses to `registry`.
void registerAllDialects(DialectRegistry &registry);

/// Registers the project's passes and pipelines with the global registry.
void registerAllPasses();

} // namespace mlir::rasp

#endif // RASPDIALECT_INITALL_H
