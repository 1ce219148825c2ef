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

/// Options of `--rasp-to-linalg`: the compile parameters of
/// `--rasp-to-craft-model` and the weight forms of
/// `--convert-craft-to-linalg`.
struct RASPToLinalgOptions : public PassPipelineOptions<RASPToLinalgOptions> {
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
  Option<int64_t> resourceMinElements{
      *this, "resource-min-elements",
      llvm::cl::desc("weights with at least this many elements become "
                     "dense_resource blobs"),
      llvm::cl::init(1 << 16)};
  Option<int64_t> sparseMinElements{
      *this, "sparse-min-elements",
      llvm::cl::desc("weight matrices with at least this many entries use "
                     "the gather form when cheaper (0: never)"),
      llvm::cl::init(1 << 16)};
  Option<double> sparseGatherCost{
      *this, "sparse-gather-cost",
      llvm::cl::desc("cost of a gathered multiply-add relative to a dense "
                     "one"),
      llvm::cl::init(4.0)};
  Option<int64_t> lookupMinElements{
      *this, "lookup-min-elements",
      llvm::cl::desc("W_QK blocks between categorical subspaces with at "
                     "least this many entries are looked up (0: never)"),
      llvm::cl::init(1 << 16)};
};

/// From `rasp.program`s to tensor IR in the runtime's calling convention:
/// the `--rasp-to-craft-model` pipeline, then --convert-craft-to-linalg.
void populateRASPToLinalgPipeline(OpPassManager &pm,
                                  const RASPToLinalgOptions &options);

/// Registers the pipelines with the global registry.
void registerPipelines();

} // namespace mlir::rasp

#endif // RASPDIALECT_PIPELINES_PIPELINES_H
