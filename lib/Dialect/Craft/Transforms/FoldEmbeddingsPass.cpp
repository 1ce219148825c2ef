//===- FoldEmbeddingsPass.cpp - The --fold-embeddings pass ----------------===//

#include "RaspDialect/Dialect/Craft/Transforms/FoldEmbeddings.h"
#include "RaspDialect/Dialect/Craft/Transforms/Passes.h"

namespace mlir::craft {
#define GEN_PASS_DEF_FOLDEMBEDDINGSPASS
#include "RaspDialect/Dialect/Craft/Transforms/Passes.h.inc"
} // namespace mlir::craft

using namespace mlir;
using namespace mlir::craft;

namespace {
struct FoldEmbeddings : craft::impl::FoldEmbeddingsPassBase<FoldEmbeddings> {
  using Base::Base;

  void runOnOperation() override {
    for (ProgramOp program : getOperation().getOps<ProgramOp>())
      foldEmbeddings(program);
  }
};
} // namespace
