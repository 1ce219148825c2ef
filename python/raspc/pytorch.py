"""An exported model as a plain `torch.nn.Module` with TransformerLens'
module, parameter and buffer names, computing HookedTransformer's forward
pass for the configurations the compiler writes (docs/Export.md):

    x = W_E[ids] + W_pos[positions]
    for each block:
        x = x + Attention(x)       # per head softmax(q k^T / attn_scale) v W_O
        x = x + MLP(x)             # ReLU(x W_in + b_in) W_out + b_out
    logits = x W_U + b_U

no LayerNorm, ReLU, standard positional embedding, causal or bidirectional
attention; masked scores are set to the ``IGNORE`` buffer (-inf) and fully
masked rows give zero patterns, as in TransformerLens. Its
``state_dict()`` has exactly HookedTransformer's keys, so either model loads
the other's weights with ``strict=True``.

Padded batches: ``forward(ids, attention_mask=mask)`` masks padded keys in
both directions (TransformerLens masks them only in causal models; see
`raspc.transformer_lens.padding_hooks` for running it the same way) and
takes positions as TransformerLens does (the count of real tokens before,
so left and right padding both work).

Needs torch (Debian's python3-torch).
"""
import math

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from . import transformer_lens as tl

__all__ = ["HookedTransformer", "from_model", "from_state_dict"]


def _parameter(*shape):
    return nn.Parameter(torch.zeros(*shape))


class Embed(nn.Module):

    def __init__(self, cfg):
        super().__init__()
        self.W_E = _parameter(cfg["d_vocab"], cfg["d_model"])

    def forward(self, tokens):
        return self.W_E[tokens]


class PosEmbed(nn.Module):

    def __init__(self, cfg):
        super().__init__()
        self.W_pos = _parameter(cfg["n_ctx"], cfg["d_model"])

    def forward(self, tokens, attention_mask=None):
        n = tokens.shape[-1]
        if attention_mask is None:
            return self.W_pos[:n].expand(tokens.shape[0], n, -1)
        # Position = real tokens before; pads get no position embedding.
        positions = (attention_mask.cumsum(dim=1) - 1).clamp(min=0)
        embedding = self.W_pos[positions]
        return embedding.masked_fill(~attention_mask.bool()[..., None], 0.0)


class Attention(nn.Module):

    def __init__(self, cfg):
        super().__init__()
        heads, d, d_head = cfg["n_heads"], cfg["d_model"], cfg["d_head"]
        self.W_Q = _parameter(heads, d, d_head)
        self.W_K = _parameter(heads, d, d_head)
        self.W_V = _parameter(heads, d, d_head)
        self.W_O = _parameter(heads, d_head, d)
        self.b_Q = _parameter(heads, d_head)
        self.b_K = _parameter(heads, d_head)
        self.b_V = _parameter(heads, d_head)
        self.b_O = _parameter(d)
        n_ctx = cfg["n_ctx"]
        self.register_buffer(
            "mask", torch.tril(torch.ones(n_ctx, n_ctx, dtype=torch.bool)))
        self.register_buffer("IGNORE", torch.tensor(-math.inf))
        self.causal = cfg.get("attention_dir", "causal") == "causal"
        if cfg.get("use_attn_scale", True):
            scale = cfg.get("attn_scale", -1.0)
            self.attn_scale = math.sqrt(d_head) if scale == -1.0 else scale
        else:
            self.attn_scale = 1.0

    def forward(self, x, attention_mask=None, cache=None, prefix=""):
        q = torch.einsum("bpm,hmd->bphd", x, self.W_Q) + self.b_Q
        k = torch.einsum("bpm,hmd->bphd", x, self.W_K) + self.b_K
        v = torch.einsum("bpm,hmd->bphd", x, self.W_V) + self.b_V
        scores = torch.einsum("bqhd,bkhd->bhqk", q, k) / self.attn_scale
        n = x.shape[1]
        if self.causal:
            allowed = self.mask[-n:, -n:][None, None]
            if attention_mask is not None:
                allowed = allowed & attention_mask[:, None, None, :].bool()
            scores = torch.where(allowed, scores, self.IGNORE)
        elif attention_mask is not None:
            scores = tl.mask_padded_keys(scores, attention_mask, self.IGNORE)
        pattern = F.softmax(scores, dim=-1)
        pattern = torch.where(torch.isnan(pattern),
                              torch.zeros_like(pattern), pattern)
        if cache is not None:
            cache[prefix + "hook_attn_scores"] = scores
            cache[prefix + "hook_pattern"] = pattern
        z = torch.einsum("bhqk,bkhd->bqhd", pattern, v)
        return torch.einsum("bqhd,hdm->bqm", z, self.W_O) + self.b_O


class MLP(nn.Module):

    def __init__(self, cfg):
        super().__init__()
        if cfg.get("act_fn", "relu") != "relu":
            raise ValueError(f"act_fn {cfg['act_fn']!r}: only relu")
        d, d_mlp = cfg["d_model"], cfg["d_mlp"]
        self.W_in = _parameter(d, d_mlp)
        self.b_in = _parameter(d_mlp)
        self.W_out = _parameter(d_mlp, d)
        self.b_out = _parameter(d)

    def forward(self, x, cache=None, prefix=""):
        pre = x @ self.W_in + self.b_in
        post = F.relu(pre)
        if cache is not None:
            cache[prefix + "hook_pre"] = pre
            cache[prefix + "hook_post"] = post
        return post @ self.W_out + self.b_out


class TransformerBlock(nn.Module):

    def __init__(self, cfg):
        super().__init__()
        self.attn = Attention(cfg)
        self.mlp = None if cfg.get("attn_only", False) else MLP(cfg)

    def forward(self, x, attention_mask=None, cache=None, prefix=""):
        def keep(name, value):
            if cache is not None:
                cache[prefix + name] = value
            return value

        keep("hook_resid_pre", x)
        x = x + keep("hook_attn_out",
                     self.attn(x, attention_mask, cache, prefix + "attn."))
        if self.mlp is not None:
            keep("hook_resid_mid", x)
            x = x + keep("hook_mlp_out", self.mlp(x, cache, prefix + "mlp."))
        return keep("hook_resid_post", x)


class Unembed(nn.Module):

    def __init__(self, cfg):
        super().__init__()
        self.W_U = _parameter(cfg["d_model"], cfg["d_vocab_out"])
        self.b_U = _parameter(cfg["d_vocab_out"])

    def forward(self, x):
        return x @ self.W_U + self.b_U


class HookedTransformer(nn.Module):
    """HookedTransformer's modules and forward pass, without hook points,
    for a config of the compiler (`raspc.export.Model.cfg`)."""

    def __init__(self, cfg):
        super().__init__()
        if cfg.get("normalization_type") is not None:
            raise ValueError("only normalization_type None is supported")
        if cfg.get("positional_embedding_type", "standard") != "standard":
            raise ValueError("only the standard positional embedding is "
                             "supported")
        self.cfg = dict(cfg)
        self.embed = Embed(cfg)
        self.pos_embed = PosEmbed(cfg)
        self.blocks = nn.ModuleList(
            TransformerBlock(cfg) for _ in range(cfg["n_layers"]))
        self.unembed = Unembed(cfg)

    def forward(self, tokens, attention_mask=None, cache=None):
        """Logits ``x W_U + b_U`` [batch, positions, d_vocab_out] of token ids
        [batch, positions] (or [positions]; tensors or numpy), BOS first. `attention_mask`
        [batch, positions] is 1 at real tokens, 0 at padding. `cache`, a
        dict, receives the activations under TransformerLens' hook names."""
        tokens = torch.as_tensor(tokens, device=self.embed.W_E.device)
        if tokens.dim() == 1:
            tokens = tokens[None]
        if tokens.shape[1] > self.cfg["n_ctx"]:
            raise ValueError(f"{tokens.shape[1]} positions, more than n_ctx "
                             f"{self.cfg['n_ctx']}")
        if attention_mask is not None:
            attention_mask = torch.as_tensor(attention_mask,
                                             device=tokens.device)
            if attention_mask.dim() == 1:
                attention_mask = attention_mask[None]
        embed = self.embed(tokens)
        pos_embed = self.pos_embed(tokens, attention_mask)
        if cache is not None:
            cache["hook_embed"], cache["hook_pos_embed"] = embed, pos_embed
        x = embed + pos_embed
        for i, block in enumerate(self.blocks):
            x = block(x, attention_mask, cache, f"blocks.{i}.")
        return self.unembed(x)

    def run_with_cache(self, tokens, attention_mask=None):
        """(logits, {hook name: activation}), like TransformerLens'."""
        cache = {}
        logits = self.forward(tokens, attention_mask, cache)
        return logits, cache


def _tensor(value):
    if isinstance(value, torch.Tensor):
        return value
    return torch.from_numpy(np.array(value))  # a writable copy


def from_state_dict(cfg, state_dict, device=None):
    """The module of `cfg` with `state_dict` (torch tensors or numpy arrays
    by TransformerLens name) loaded with ``strict=True``."""
    net = HookedTransformer(cfg)
    net.load_state_dict({name: _tensor(value)
                         for name, value in state_dict.items()}, strict=True)
    net.eval()
    return net if device is None else net.to(device)


def from_model(model, device=None):
    """The module of a `raspc.export.Model`."""
    cfg, state = model.to_transformer_lens()
    return from_state_dict(cfg, state, device)
