//===- Pipelines.h - Registered pass pipelines ------------------*- C++ -*-===//
//
// Pipelines that run several of the project's passes in order, usable from
// C++ (populate functions) and from rasp-opt (registered names).
//
//===----------------------------------------------------------------------===//

#ifndef RASPDIALECT_PIPELINES_PIPELINES_H
#define RASPDIALECT_PIPELINES_PIPELINES_H

#include "RaspDialect/Conversion/Passes.h"
#include "RaspDialect/Dialect/RASP/Transforms/Passes.h"

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"

#include <string>

namespace mlir::rasp {

// The passes' options as pipeline options, generated from their
// declarations in Passes.td (tools/rasp-tblgen, -gen-pass-pipeline-options).
#define GEN_PASS_PIPELINE_OPTIONS_INFERBASESPASS
#define GEN_PASS_PIPELINE_OPTIONS_VALIDATEPASS
#include "RaspDialect/Dialect/RASP/Transforms/Passes.pipeline.h.inc"
#define GEN_PASS_PIPELINE_OPTIONS_LOWERTOCRAFTPASS
#define GEN_PASS_PIPELINE_OPTIONS_CONVERTCRAFTTOLINALGPASS
#include "RaspDialect/Conversion/Passes.pipeline.h.inc"

/// The options every pipeline from `rasp.program`s takes: those of
/// --infer-bases (the compile parameters, each overriding the program
/// attribute of the same name), --validate and --lower-to-craft, declared
/// once, in Passes.td; `to<Pass>Options(options)` gives a pass its own.
/// Only whether --prune-directions runs is the pipeline's.
template <typename Derived>
struct RASPCompileOptions
    : public LowerToCraftPassPipelineOptions<ValidatePassPipelineOptions<
          InferBasesPassPipelineOptions<PassPipelineOptions<Derived>>>> {
  template <typename T>
  using Option = ::mlir::detail::PassOptions::Option<T>;

  Option<bool> pruneDirections{
      *this, "prune-directions",
      llvm::cl::desc("drop residual directions and hidden units nothing "
                     "reads (--prune-directions)"),
      llvm::cl::init(true)};

  /// Turns every model-size optimisation off: one MLP per op, as Tracr.
  void disableOptimizations() {
    this->fuseMLPs = false;
    this->factorSelectors = false;
    this->foldEmbeddings = false;
    this->indexArithmetic = false;
    pruneDirections = false;
  }
};

/// Options of `--rasp-to-craft-model`.
struct RASPToCraftModelOptions
    : public RASPCompileOptions<RASPToCraftModelOptions> {};

/// From `rasp.program`s to layered `craft.model`s: --infer-bases,
/// --validate, --lower-to-craft, --fold-embeddings, --prune-directions,
/// --allocate-layers (the model-size passes only with their options).
/// Takes the options of either pipeline (instantiated for both), so that a
/// `--rasp-to-linalg` option string also selects the craft model.
template <typename Derived>
void populateRASPToCraftModelPipeline(
    OpPassManager &pm, const RASPCompileOptions<Derived> &options);

/// Options of `--rasp-to-linalg`: those of `--rasp-to-craft-model` and of
/// `--convert-craft-to-linalg` (the weight forms).
struct RASPToLinalgOptions : public ConvertCraftToLinalgPassPipelineOptions<
                                 RASPCompileOptions<RASPToLinalgOptions>> {};

/// From `rasp.program`s to tensor IR in the runtime's calling convention:
/// the `--rasp-to-craft-model` pipeline, then --convert-craft-to-linalg.
void populateRASPToLinalgPipeline(OpPassManager &pm,
                                  const RASPToLinalgOptions &options);

/// Registers the pipelines with the global registry.
void registerPipelines();

} // namespace mlir::rasp

#endif // RASPDIALECT_PIPELINES_PIPELINES_H
