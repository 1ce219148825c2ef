//===- TestModel.h - A small model in the calling convention ----*- C++ -*-===//
//
// Generates tensor IR in the model calling convention for a transformer with
// random weights (token + position embedding, layers of one attention head
// with padding/causal mask and a ReLU MLP, output slice of the residual), and
// evaluates the same model with straightforward loops as the reference.
// Shared by the runtime unit tests and the benchmark driver.
//
//===----------------------------------------------------------------------===//

#ifndef RASPDIALECT_UNITTESTS_RUNTIME_TESTMODEL_H
#define RASPDIALECT_UNITTESTS_RUNTIME_TESTMODEL_H

#include "mlir/IR/BuiltinOps.h"

#include <cstdint>
#include <string>
#include <vector>

namespace mlir::rasp::runtime::testing {

struct TestModelShape {
  int64_t numTokenIds = 4;  ///< V, BOS included.
  int64_t maxPositions = 6; ///< P, BOS included.
  int64_t width = 8;        ///< Residual width D.
  int64_t headWidth = 4;    ///< Query/key/value width of the head.
  int64_t hidden = 8;       ///< MLP hidden width.
  int64_t outputWidth = 3;  ///< Output slice: the last W residual columns.
  int64_t layers = 1;
  bool causal = false;
  /// Use linalg.softmax instead of explicit max/exp/sum/div generics.
  bool softmaxOp = false;
  /// Split rows with tensor.expand_shape instead of tensor.reshape (MLIR 22's
  /// expand-strided-metadata crashes on the former; the runtime rewrites it).
  bool expandShape = false;
  /// Emit the attention blocks at all (off: an MLP-only matmul chain).
  bool attention = true;
};

/// Weights of one layer, row-major, matrices as (in x out).
struct TestLayer {
  std::vector<float> wq, wk, wv, wo, w1, b1, w2, b2;
};

class TestModel {
public:
  /// Draws weights uniformly from multiples of 1/16 in [-1/4, 1/4].
  TestModel(const TestModelShape &shape, unsigned seed);

  const TestModelShape &getShape() const { return shape; }

  /// The model as MLIR text. Inline: weights as dense literals (small
  /// models). Otherwise as dense_resource handles whose data
  /// `attachWeights` provides after parsing (no text round trip).
  std::string toMLIR(bool inlineWeights) const;
  /// Gives the parsed resource-mode module's weight handles their data.
  void attachWeights(ModuleOp module) const;

  /// The reference forward pass: batch x positions x outputWidth.
  std::vector<float> reference(const std::vector<int32_t> &tokens,
                               const std::vector<int32_t> &lengths,
                               int64_t batch, int64_t positions) const;

  /// Number of multiply-adds per position of the dense forward pass,
  /// ignoring attention (for throughput reports).
  int64_t getMatmulMacsPerPosition() const;

private:
  /// All weight arrays in the order of their resource names w0, w1, ...
  std::vector<const std::vector<float> *> weightList() const;

  TestModelShape shape;
  std::vector<float> tokenEmbedding, positionEmbedding;
  std::vector<TestLayer> layers;
};

} // namespace mlir::rasp::runtime::testing

#endif // RASPDIALECT_UNITTESTS_RUNTIME_TESTMODEL_H
