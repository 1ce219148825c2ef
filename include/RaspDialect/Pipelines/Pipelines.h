//===- Pipelines.h - Registered pass pipelines ------------------*- C++ -*-===//
//
// Pipelines that run several of the project's passes in order, usable from
// C++ (populate functions) and from rasp-opt (registered names).
//
//===----------------------------------------------------------------------===//

#ifndef RASPDIALECT_PIPELINES_PIPELINES_H
#define RASPDIALECT_PIPELINES_PIPELINES_H

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"

#include <string>

namespace mlir::rasp {

/// Options of `--rasp-to-craft-model`: the compile parameters, each
/// overriding the program attribute of the same name (see --infer-bases).
struct RASPToCraftModelOptions
    : public PassPipelineOptions<RASPToCraftModelOptions> {
  ListOption<std::string> vocab{*this, "vocab", llvm::cl::desc("token values")};
  Option<int64_t> maxSeqLen{
      *this, "max-seq-len",
      llvm::cl::desc("longest input without BOS (0: the program's)"),
      llvm::cl::init(0)};
  Option<std::string> bos{
      *this, "bos",
      llvm::cl::desc("beginning-of-sequence token (empty: the program's)"),
      llvm::cl::init("")};
  Option<bool> causal{*this, "causal",
                      llvm::cl::desc("compile with causal attention masks"),
                      llvm::cl::init(false)};
};

/// From `rasp.program`s to layered `craft.model`s: --infer-bases,
/// --validate, --lower-to-craft, --allocate-layers.
void populateRASPToCraftModelPipeline(OpPassManager &pm,
                                      const RASPToCraftModelOptions &options);

/// Registers the pipelines with the global registry.
void registerPipelines();

} // namespace mlir::rasp

#endif // RASPDIALECT_PIPELINES_PIPELINES_H
