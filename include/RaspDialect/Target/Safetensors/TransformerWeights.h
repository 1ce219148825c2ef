//===- TransformerWeights.h - Models as TransformerLens tensors -*- C++ -*-===//
//
// The weights of a layered `craft.model` in the dense layout of
// TransformerLens' HookedTransformer (docs/Export.md): every layer has the
// same number of heads of the same width and an MLP of the same width,
// padded with zeros, so a PyTorch or TransformerLens user maps each tensor
// by name:
//
//   embed.W_E              [d_vocab, d_model]   token ids: vocabulary, BOS
//   pos_embed.W_pos        [n_ctx, d_model]     position 0 is BOS
//   blocks.{l}.attn.W_Q    [n_heads, d_model, d_head]  (softmax scale folded
//   in) blocks.{l}.attn.W_K    [n_heads, d_model, d_head] blocks.{l}.attn.W_V
//   [n_heads, d_model, d_head] blocks.{l}.attn.W_O    [n_heads, d_head,
//   d_model] blocks.{l}.mlp.W_in    [d_model, d_mlp] blocks.{l}.mlp.b_in
//   [d_mlp] blocks.{l}.mlp.W_out   [d_mlp, d_model] blocks.{l}.mlp.b_out
//   [d_model] unembed.W_U            [d_model, d_vocab_out]
//
// with the configuration (dimensions, residual labels, vocabulary, BOS,
// output decoding, causal flag, scale convention) in `__metadata__`. The
// model is read through craft::assembleModel, like the compiled code.
//
//===----------------------------------------------------------------------===//

#ifndef RASPDIALECT_TARGET_SAFETENSORS_TRANSFORMERWEIGHTS_H
#define RASPDIALECT_TARGET_SAFETENSORS_TRANSFORMERWEIGHTS_H

#include "RaspDialect/Dialect/Craft/IR/CraftOps.h"
#include "RaspDialect/Target/Safetensors/Safetensors.h"

namespace mlir::rasp::safetensors {

/// The value of the `schema` metadata entry.
inline constexpr llvm::StringLiteral kTransformerSchema = "rasp-transformer/1";

struct TransformerWeightsOptions {
  /// The largest export, in bytes of tensor data. The dense layout of a
  /// model with large selection tables is huge (sort at vocabulary 100 and
  /// length 100: about 8 GB), so it is refused before anything is allocated.
  uint64_t maxBytes = uint64_t(2048) << 20;
};

/// The tensors and metadata of `model`. Emits errors and fails if the model
/// cannot be assembled or its tensors would exceed `options.maxBytes`.
FailureOr<File>
buildTransformerWeights(craft::ModelOp model,
                        const TransformerWeightsOptions &options = {});

} // namespace mlir::rasp::safetensors

#endif // RASPDIALECT_TARGET_SAFETENSORS_TRANSFORMERWEIGHTS_H
