//===- ModelStats.h - Size statistics of layered craft models ---*- C++ -*-===//
//
// Layers, heads, MLP widths, residual width and parameter counts of a
// `craft.model`, as printed by `--craft-model-stats` and exported by tools.
// The JSON schema is documented in docs/LayerAllocation.md.
//
//===----------------------------------------------------------------------===//

#ifndef RASPDIALECT_DIALECT_CRAFT_ANALYSIS_MODELSTATS_H
#define RASPDIALECT_DIALECT_CRAFT_ANALYSIS_MODELSTATS_H

#include "RaspDialect/Dialect/Craft/IR/CraftOps.h"

#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include <optional>
#include <string>
#include <vector>

namespace mlir::craft {

/// One attention head: the dimensions of its operand lists and result, and
/// the entries of W_QK (query x key) and W_OV (value x output).
struct HeadStats {
  std::string name;
  int64_t queryDim = 0, keyDim = 0, valueDim = 0, outputDim = 0;
  int64_t params = 0, nonZeros = 0;
};

/// One MLP sublayer: the entries of W1 (input x hidden) and W2 (hidden x
/// output).
struct MLPStats {
  int64_t inputDim = 0, hiddenDim = 0, outputDim = 0;
  int64_t params = 0, nonZeros = 0;
};

struct LayerStats {
  std::vector<HeadStats> heads;
  std::optional<MLPStats> mlp;
};

/// The same model in Tracr's dense layout: every layer has `numHeads` heads
/// of width `keySize` and an MLP of `mlpHidden` units (each at least 1, as
/// in Tracr), Q/K/V/O and MLP weights with biases, and token and position
/// embeddings over the whole residual.
struct DenseLayoutStats {
  int64_t numHeads = 0, keySize = 0, mlpHidden = 0;
  int64_t params = 0;
};

struct ModelStats {
  std::string name;
  unsigned numLayers = 0;
  int64_t residualWidth = 0;
  /// Token values without BOS, and positions without BOS.
  int64_t vocabSize = 0, maxSeqLen = 0;
  bool causal = false;
  std::vector<LayerStats> layers;
  /// Entries of every block matrix on its own subspaces (like Tracr's craft
  /// parameter count), and how many of them are non-zero.
  int64_t blockParams = 0, blockNonZeros = 0;
  DenseLayoutStats dense;
  /// The same dense layout with each layer's own shapes: its heads padded to
  /// its widest head, its MLP unpadded, empty sublayers without parameters.
  int64_t layeredParams = 0;

  std::vector<int64_t> headsPerLayer() const;
  std::vector<int64_t> mlpHiddenPerLayer() const;
};

/// Computes the statistics of `model`.
ModelStats computeModelStats(ModelOp model);

/// Writes `stats` for people to read.
void printModelStats(const ModelStats &stats, llvm::raw_ostream &os);

/// One model as a JSON object (schema `rasp-craft-model-stats/1`).
llvm::json::Value toJSON(const ModelStats &stats);

/// Writes `{"schema": "rasp-craft-model-stats/1", "models": [...]}`.
void printModelStatsJSON(llvm::ArrayRef<ModelStats> models,
                         llvm::raw_ostream &os);

} // namespace mlir::craft

#endif // RASPDIALECT_DIALECT_CRAFT_ANALYSIS_MODELSTATS_H
