"""TransformerLens' side of an exported model: the state dict layout of
HookedTransformer for the configurations the compiler writes, and the
padding hooks a mixed-length batch needs.

The compiler writes HookedTransformerConfig's keyword arguments and a
complete state dict (docs/Export.md), so with TransformerLens installed::

    import raspc.export
    from transformer_lens import HookedTransformer, HookedTransformerConfig

    model = raspc.export.load("reverse.safetensors")
    cfg, state = model.to_transformer_lens()
    tl = HookedTransformer(HookedTransformerConfig(**cfg))
    tl.load_state_dict(state, strict=True)

Nothing here imports TransformerLens or torch: the functions work on
whatever tensors they are given (numpy arrays or torch tensors).
"""
import numpy as np

__all__ = [
    "CONFIG_KEY",
    "expected_state_dict",
    "check_state_dict",
    "complete_state_dict",
    "mask_padded_keys",
    "padding_hooks",
]

#: The safetensors metadata key holding HookedTransformerConfig's keyword
#: arguments as one JSON object.
CONFIG_KEY = "transformer_lens_config"


def expected_state_dict(cfg):
    """{name: (shape, numpy dtype)} of every parameter and persistent buffer
    HookedTransformer registers for `cfg` (no LayerNorm, standard positional
    embedding, an MLP per block unless attn_only).

    The buffers are each attention's ``mask`` (TransformerLens' causal mask,
    ``[n_ctx, n_ctx]`` bool, registered whatever ``attention_dir`` says) and
    ``IGNORE`` (the scalar -inf masked scores are set to).
    """
    d, n_ctx = cfg["d_model"], cfg["n_ctx"]
    heads, d_head = cfg["n_heads"], cfg["d_head"]
    f32, boolean = np.dtype("float32"), np.dtype("bool")
    out = {
        "embed.W_E": ((cfg["d_vocab"], d), f32),
        "pos_embed.W_pos": ((n_ctx, d), f32),
    }
    for layer in range(cfg["n_layers"]):
        b = f"blocks.{layer}."
        out[b + "attn.W_Q"] = ((heads, d, d_head), f32)
        out[b + "attn.W_K"] = ((heads, d, d_head), f32)
        out[b + "attn.W_V"] = ((heads, d, d_head), f32)
        out[b + "attn.W_O"] = ((heads, d_head, d), f32)
        out[b + "attn.b_Q"] = ((heads, d_head), f32)
        out[b + "attn.b_K"] = ((heads, d_head), f32)
        out[b + "attn.b_V"] = ((heads, d_head), f32)
        out[b + "attn.b_O"] = ((d,), f32)
        out[b + "attn.mask"] = ((n_ctx, n_ctx), boolean)
        out[b + "attn.IGNORE"] = ((), f32)
        if not cfg.get("attn_only", False):
            out[b + "mlp.W_in"] = ((d, cfg["d_mlp"]), f32)
            out[b + "mlp.b_in"] = ((cfg["d_mlp"],), f32)
            out[b + "mlp.W_out"] = ((cfg["d_mlp"], d), f32)
            out[b + "mlp.b_out"] = ((d,), f32)
    out["unembed.W_U"] = ((d, cfg["d_vocab_out"]), f32)
    out["unembed.b_U"] = ((cfg["d_vocab_out"],), f32)
    return out


def check_state_dict(cfg, params):
    """Raises ValueError unless `params` has exactly the names, shapes and
    dtypes of `expected_state_dict(cfg)` (what ``strict=True`` needs)."""
    expected = expected_state_dict(cfg)
    missing = [n for n in expected if n not in params]
    unexpected = [n for n in params if n not in expected]
    if missing or unexpected:
        raise ValueError(f"the state dict does not match the config: missing "
                         f"{missing}, unexpected {unexpected}")
    for name, (shape, dtype) in expected.items():
        got = params[name]
        if tuple(got.shape) != shape or np.dtype(str(got.dtype).replace(
                "torch.", "")) != dtype:
            raise ValueError(f"{name}: {got.dtype} {tuple(got.shape)}, "
                             f"expected {dtype} {shape}")


def _default(name, shape, dtype):
    """The value of a tensor the compiler leaves at TransformerLens' default:
    zero biases, the causal mask, IGNORE = -inf."""
    if name.endswith(".attn.mask"):
        return np.tril(np.ones(shape, dtype=bool))
    if name.endswith(".attn.IGNORE"):
        return np.array(-np.inf, dtype=dtype)
    if name.rsplit(".", 1)[-1].startswith("b_"):
        return np.zeros(shape, dtype=dtype)
    return None


def complete_state_dict(cfg, params):
    """`params` (numpy arrays by TransformerLens name) with the zero biases
    and buffers it lacks added, in HookedTransformer's order; checked with
    `check_state_dict`. For in-memory models that carry their weights only.
    """
    out = {}
    for name, (shape, dtype) in expected_state_dict(cfg).items():
        value = params.get(name)
        if value is None:
            value = _default(name, shape, dtype)
            if value is None:
                raise ValueError(f"the weights lack {name}")
        out[name] = value
    extra = [n for n in params if n not in out]
    if extra:
        raise ValueError(f"unexpected tensors {extra}")
    check_state_dict(cfg, out)
    return out


def mask_padded_keys(scores, attention_mask, ignore=float("-inf")):
    """Attention scores [batch, head, query, key] with the keys at padded
    positions (``attention_mask == 0``; mask [batch, key]) set to `ignore`.

    TransformerLens applies ``attention_mask`` only in causal models; this is
    the same masking for both directions (torch tensors).
    """
    keep = attention_mask[:, None, None, :].bool()
    return scores.masked_fill(~keep, ignore)


def padding_hooks(attention_mask):
    """TransformerLens forward hooks that mask padded keys in every layer, so
    a right-padded batch of mixed lengths runs like each sequence alone in
    bidirectional models too::

        logits = tl.run_with_hooks(ids, attention_mask=mask,
                                   fwd_hooks=padding_hooks(mask))
    """

    def hook(attn_scores, hook=None):
        return mask_padded_keys(attn_scores, attention_mask)

    return [(lambda name: name.endswith("attn.hook_attn_scores"), hook)]
