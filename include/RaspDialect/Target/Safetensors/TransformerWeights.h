//===- TransformerWeights.h - Models as TransformerLens tensors -*- C++ -*-===//
//
// The weights of a layered `craft.model` as a complete state dict of
// TransformerLens' HookedTransformer (docs/Export.md): every layer has the
// same number of heads of the same width and an MLP of the same width,
// padded with zeros, so the file loads with `load_state_dict(strict=True)`:
//
//   embed.W_E             [d_vocab, d_model]          ids: vocabulary, BOS
//   pos_embed.W_pos       [n_ctx, d_model]            position 0 is BOS
//   blocks.{l}.attn.W_Q   [n_heads, d_model, d_head]  softmax scale folded in
//   blocks.{l}.attn.W_K   [n_heads, d_model, d_head]
//   blocks.{l}.attn.W_V   [n_heads, d_model, d_head]
//   blocks.{l}.attn.W_O   [n_heads, d_head, d_model]
//   blocks.{l}.attn.b_Q, b_K, b_V [n_heads, d_head], b_O [d_model]   zero
//   blocks.{l}.attn.IGNORE []                         -inf (a buffer)
//   blocks.{l}.mlp.W_in   [d_model, d_mlp]            (no MLP tensors when
//   blocks.{l}.mlp.b_in   [d_mlp]                      no layer has an MLP:
//   blocks.{l}.mlp.W_out  [d_mlp, d_model]             attn_only)
//   blocks.{l}.mlp.b_out  [d_model]
//   unembed.W_U           [d_model, d_vocab_out]
//   unembed.b_U           [d_vocab_out]               zero
//   blocks.{l}.attn.mask  [n_ctx, n_ctx] BOOL         causal mask (a buffer)
//
// The metadata holds HookedTransformerConfig's keyword arguments as one JSON
// object (`transformer_lens_config`) and this project's own information
// (vocabulary, BOS, residual labels, output decoding, head sizes) under
// `rasp.*` keys. The model is read through craft::assembleModel, like the
// compiled code.
//
//===----------------------------------------------------------------------===//

#ifndef RASPDIALECT_TARGET_SAFETENSORS_TRANSFORMERWEIGHTS_H
#define RASPDIALECT_TARGET_SAFETENSORS_TRANSFORMERWEIGHTS_H

#include "RaspDialect/Dialect/Craft/IR/CraftOps.h"
#include "RaspDialect/Target/Safetensors/Safetensors.h"

namespace mlir::rasp::safetensors {

/// The value of the `schema` metadata entry. Version 2: TransformerLens'
/// config as one JSON entry, zero biases and buffers included.
inline constexpr llvm::StringLiteral kTransformerSchema = "rasp-transformer/2";

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
