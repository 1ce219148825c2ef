//===- Pipelines.h - Registered pass pipelines ------------------*- C++ -*-===//
//
// Pipelines that run several of the project's passes in order, usable from
// C++ (populate functions) and from rasp-opt (registered names).
//
//===----------------------------------------------------------------------===//

#ifndef RASPDIALECT_PIPELINES_PIPELINES_H
#define RASPDIALECT_PIPELINES_PIPELINES_H

#include "RaspDialect/Conversion/Passes.h"

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"

#include <string>

namespace mlir::rasp {

/// The options every pipeline from `rasp.program`s takes: the compile
/// parameters, each overriding the program attribute of the same name (see
/// --infer-bases), and the model-size optimisations (docs/Fusion.md). The
/// options of single passes are the passes' own (Passes.td): defaults come
/// from the generated option structs, and `lowerToCraftOptions()` forwards
/// the pipeline's to `--lower-to-craft`.
template <typename Derived>
struct RASPCompileOptions : public PassPipelineOptions<Derived> {
  template <typename T>
  using Option = ::mlir::detail::PassOptions::Option<T>;
  template <typename T>
  using ListOption = ::mlir::detail::PassOptions::ListOption<T>;

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
  // The model-size optimisations: --lower-to-craft's options and whether
  // --prune-directions runs.
  Option<bool> fuseMLPs{*this, "fuse-mlps",
                        llvm::cl::desc("one MLP per SOp a head or the output "
                                       "reads, from attention outputs and "
                                       "embeddings"),
                        llvm::cl::init(LowerToCraftPassOptions().fuseMLPs)};
  Option<double> fuseWidthFactor{
      *this, "fuse-width-factor",
      llvm::cl::desc("widest fused MLP relative to the MLPs it replaces"),
      llvm::cl::init(LowerToCraftPassOptions().fuseWidthFactor)};
  Option<bool> factorSelectors{
      *this, "factor-selectors",
      llvm::cl::desc("selector widths over pairs of SOps as one head per "
                     "rectangle of the relation"),
      llvm::cl::init(LowerToCraftPassOptions().factorSelectors)};
  Option<bool> foldEmbeddings{
      *this, "fold-embeddings",
      llvm::cl::desc("functions of the tokens or of the positions alone "
                     "written by the embeddings (--fold-embeddings)"),
      llvm::cl::init(LowerToCraftPassOptions().foldEmbeddings)};
  Option<int64_t> maxFusedWork{
      *this, "max-fused-work",
      llvm::cl::desc("largest estimated work of one fused MLP's synthesis; "
                     "beyond, computed from its operands"),
      llvm::cl::init(LowerToCraftPassOptions().maxFusedWork)};
  Option<bool> fusionRemarks{
      *this, "fusion-remarks",
      llvm::cl::desc("a remark at every SOp whose fused MLP is not used, "
                     "saying why"),
      llvm::cl::init(LowerToCraftPassOptions().fusionRemarks)};
  Option<bool> indexArithmetic{
      *this, "index-arithmetic",
      llvm::cl::desc("compile selectors relating positions linearly as "
                     "quadratic forms over numerical positions where that "
                     "is smaller than their tables"),
      llvm::cl::init(LowerToCraftPassOptions().indexArithmetic)};
  Option<bool> encodingRemarks{
      *this, "encoding-remarks",
      llvm::cl::desc("a remark at every position selector saying which "
                     "encoding it got and why"),
      llvm::cl::init(LowerToCraftPassOptions().encodingRemarks)};
  Option<bool> pruneDirections{
      *this, "prune-directions",
      llvm::cl::desc("drop residual directions and hidden units nothing "
                     "reads"),
      llvm::cl::init(true)};

  /// The options of `--lower-to-craft` these select; the others keep the
  /// pass's defaults.
  LowerToCraftPassOptions lowerToCraftOptions() const {
    LowerToCraftPassOptions lowering;
    lowering.fuseMLPs = fuseMLPs;
    lowering.fuseWidthFactor = fuseWidthFactor;
    lowering.factorSelectors = factorSelectors;
    lowering.foldEmbeddings = foldEmbeddings;
    lowering.maxFusedWork = maxFusedWork;
    lowering.fusionRemarks = fusionRemarks;
    lowering.indexArithmetic = indexArithmetic;
    lowering.encodingRemarks = encodingRemarks;
    return lowering;
  }

  /// Turns every model-size optimisation off: one MLP per op, as Tracr.
  void disableOptimizations() {
    fuseMLPs = false;
    factorSelectors = false;
    foldEmbeddings = false;
    indexArithmetic = false;
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

/// Options of `--rasp-to-linalg`: the compile parameters of
/// `--rasp-to-craft-model` and the weight forms of
/// `--convert-craft-to-linalg`.
struct RASPToLinalgOptions : public RASPCompileOptions<RASPToLinalgOptions> {
  Option<int64_t> resourceMinElements{
      *this, "resource-min-elements",
      llvm::cl::desc("weights with at least this many elements become "
                     "dense_resource blobs"),
      llvm::cl::init(ConvertCraftToLinalgPassOptions().resourceMinElements)};
  Option<int64_t> sparseMinElements{
      *this, "sparse-min-elements",
      llvm::cl::desc("weight matrices with at least this many entries use "
                     "the gather form when cheaper (0: never)"),
      llvm::cl::init(ConvertCraftToLinalgPassOptions().sparseMinElements)};
  Option<double> sparseGatherCost{
      *this, "sparse-gather-cost",
      llvm::cl::desc("cost of a gathered multiply-add relative to a dense "
                     "one"),
      llvm::cl::init(ConvertCraftToLinalgPassOptions().sparseGatherCost)};
  Option<int64_t> lookupMinElements{
      *this, "lookup-min-elements",
      llvm::cl::desc("W_QK blocks between categorical subspaces with at "
                     "least this many entries are looked up (0: never)"),
      llvm::cl::init(ConvertCraftToLinalgPassOptions().lookupMinElements)};
  Option<int64_t> specializeMinElements{
      *this, "specialize-min-elements",
      llvm::cl::desc("heads and MLPs with a dense weight of at least this "
                     "many entries get functions with static shapes of "
                     "their own (0: never)"),
      llvm::cl::init(ConvertCraftToLinalgPassOptions().specializeMinElements)};
  Option<int64_t> batchSize{
      *this, "batch-size",
      llvm::cl::desc("a static batch size for the function's signature "
                     "(0: dynamic)"),
      llvm::cl::init(ConvertCraftToLinalgPassOptions().batchSize)};
  Option<bool> reshapeDynamicSplits{
      *this, "reshape-dynamic-splits",
      llvm::cl::desc("tensor.reshape where batch and positions are both "
                     "dynamic (false: tensor.expand_shape everywhere)"),
      llvm::cl::init(ConvertCraftToLinalgPassOptions().reshapeDynamicSplits)};
  Option<bool> trace{
      *this, "trace",
      llvm::cl::desc("build the traced variant of the model function (the "
                     "residual stream after every sublayer, every head's "
                     "logits and pattern, in its result)"),
      llvm::cl::init(ConvertCraftToLinalgPassOptions().trace)};

  /// The options of `--convert-craft-to-linalg` these select.
  ConvertCraftToLinalgPassOptions convertOptions() const {
    ConvertCraftToLinalgPassOptions convert;
    convert.resourceMinElements = resourceMinElements;
    convert.sparseMinElements = sparseMinElements;
    convert.sparseGatherCost = sparseGatherCost;
    convert.lookupMinElements = lookupMinElements;
    convert.specializeMinElements = specializeMinElements;
    convert.batchSize = batchSize;
    convert.reshapeDynamicSplits = reshapeDynamicSplits;
    convert.trace = trace;
    return convert;
  }
};

/// From `rasp.program`s to tensor IR in the runtime's calling convention:
/// the `--rasp-to-craft-model` pipeline, then --convert-craft-to-linalg.
void populateRASPToLinalgPipeline(OpPassManager &pm,
                                  const RASPToLinalgOptions &options);

/// Registers the pipelines with the global registry.
void registerPipelines();

} // namespace mlir::rasp

#endif // RASPDIALECT_PIPELINES_PIPELINES_H
