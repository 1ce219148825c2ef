//===- RASPPlugin.cpp - The compiler as a plugin of stock mlir-opt --------===//
//
// One shared library that an unmodified mlir-opt loads with both
//
//   --load-dialect-plugin=RASPPlugin.so   (rasp, craft and the upstream
//                                          dialects of their IR)
//   --load-pass-plugin=RASPPlugin.so      (every pass and the pipelines
//                                          rasp-to-craft-model,
//                                          rasp-to-linalg)
//
// It links libMLIR.so, like Debian's mlir-opt, so that its registrations
// land in the registries mlir-opt reads.
//
//===----------------------------------------------------------------------===//

#include "RaspDialect/InitAll.h"

#include "mlir/Tools/Plugins/DialectPlugin.h"
#include "mlir/Tools/Plugins/PassPlugin.h"
#include "llvm/Config/llvm-config.h"

using namespace mlir;

extern "C" LLVM_ATTRIBUTE_WEAK DialectPluginLibraryInfo
mlirGetDialectPluginInfo() {
  return {
      MLIR_PLUGIN_API_VERSION, "RASP", LLVM_VERSION_STRING,
      [](DialectRegistry *registry) { rasp::registerAllDialects(*registry); }};
}

extern "C" LLVM_ATTRIBUTE_WEAK PassPluginLibraryInfo mlirGetPassPluginInfo() {
  return {MLIR_PLUGIN_API_VERSION, "RASP", LLVM_VERSION_STRING,
          []() { rasp::registerAllPasses(); }};
}
