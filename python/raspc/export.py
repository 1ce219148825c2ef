"""Compiled models in TransformerLens' layout: what `rasp-run --export`
writes, read back for TransformerLens and PyTorch (docs/Export.md).

    import raspc.export

    model = raspc.export.load("reverse.safetensors")
    cfg, state = model.to_transformer_lens()   # HookedTransformerConfig(**cfg)
    net = model.to_torch()                     # a torch.nn.Module
    ids, mask = model.encode_batch(["a b c", "d"])
    print(model.decode_batch(net(ids, attention_mask=mask), mask))
    # [['c', 'b', 'a'], ['d']]

A `Model` holds three things, kept apart:

- ``cfg``: HookedTransformerConfig's keyword arguments, nothing else;
- ``params``: the complete state dict (numpy arrays by TransformerLens name,
  zero biases and TransformerLens' buffers included);
- ``metadata``: this compiler's own information (``rasp.*`` keys: the
  vocabulary, BOS, residual labels, output decoding, real head sizes), read
  through the attributes below.

`Model.from_safetensors` takes the tensors and metadata of a file in memory,
so a model compiled in-process can be wrapped the same way.

Needs numpy; `to_transformer_lens` and `to_torch` need torch (Debian's
python3-torch), imported when they are called.
"""
import json

import numpy as np

from . import safetensors
from . import transformer_lens as tl

__all__ = ["SCHEMA", "Model", "load"]

#: The `schema` metadata value this module reads.
SCHEMA = "rasp-transformer/2"


class Model:
    """A compiled transformer: TransformerLens config, state dict, and the
    compiler's metadata (vocabulary, BOS, decoding)."""

    def __init__(self, cfg, params, metadata):
        """`cfg`: HookedTransformerConfig keyword arguments; `params`:
        {name: numpy array}, completed with zero biases and buffers where
        missing; `metadata`: {key: str}, the ``rasp.*`` entries of the file.
        """
        self.cfg = dict(cfg)
        self.params = tl.complete_state_dict(self.cfg, params)
        self.metadata = dict(metadata)
        meta = self.metadata
        try:
            #: Token (as written on the command line) -> id.
            self.vocab = json.loads(meta["rasp.vocab"])
            self.bos = meta["rasp.bos"]
            self.bos_id = int(meta["rasp.bos_id"])
            self.max_seq_len = int(meta["rasp.max_seq_len"])
            self.output_encoding = meta["rasp.output_encoding"]
            self.output_labels = json.loads(meta["rasp.output_labels"])
            #: The value of each output column (categorical outputs).
            #: JSON arrays are tuples (RASP values have no lists).
            self.output_values = [_tuples(v) for v in json.loads(
                meta.get("rasp.output_values", "[]"))]
            #: The label of every residual dimension, in order.
            self.residual_labels = json.loads(meta["rasp.residual_labels"])
        except KeyError as e:
            raise ValueError(f"the metadata lacks {e.args[0]}") from None
        if self.cfg.get("use_attn_scale", True):
            raise ValueError("expected use_attn_scale false: the softmax "
                             "scale is folded into W_Q")

    @classmethod
    def from_safetensors(cls, tensors, metadata):
        """The model of a file's tensors and `__metadata__` (in memory)."""
        if metadata.get("schema") != SCHEMA:
            raise safetensors.FormatError(
                f"schema {metadata.get('schema')!r}, expected {SCHEMA}")
        if tl.CONFIG_KEY not in metadata:
            raise safetensors.FormatError(f"no {tl.CONFIG_KEY} metadata")
        cfg = json.loads(metadata[tl.CONFIG_KEY])
        tl.check_state_dict(cfg, tensors)
        own = {k: v for k, v in metadata.items() if k.startswith("rasp.")}
        return cls(cfg, tensors, own)

    # The configuration.

    @property
    def causal(self):
        return self.cfg["attention_dir"] == "causal"

    @property
    def categorical(self):
        return self.output_encoding == "categorical"

    def transformer_lens_config(self):
        """HookedTransformerConfig's keyword arguments (a copy)."""
        return dict(self.cfg)

    # Inputs and outputs.

    def token_id(self, token):
        """The id of a token: a string as written on the command line, or a
        value written as Python prints it (``1``, ``True``)."""
        key = token if isinstance(token, str) else repr(token)
        if key not in self.vocab:
            raise ValueError(f"unknown token {key!r}")
        return self.vocab[key]

    def encode(self, tokens):
        """BOS and the token ids of one input: a list of tokens, or a string
        of whitespace-separated tokens."""
        if isinstance(tokens, str):
            tokens = tokens.split()
        if len(tokens) > self.max_seq_len:
            raise ValueError(f"{len(tokens)} tokens, more than max_seq_len "
                             f"{self.max_seq_len}")
        return [self.bos_id] + [self.token_id(t) for t in tokens]

    def encode_batch(self, inputs, pad_id=None):
        """(ids, attention_mask), int64 numpy arrays [batch, positions]: the
        inputs encoded and padded on the right with `pad_id` (BOS by default)
        to the longest; the mask is 1 at real positions, BOS included."""
        rows = [self.encode(tokens) for tokens in inputs]
        n = max((len(r) for r in rows), default=1)
        pad = self.bos_id if pad_id is None else pad_id
        ids = np.full((len(rows), n), pad, dtype=np.int64)
        mask = np.zeros((len(rows), n), dtype=np.int64)
        for i, row in enumerate(rows):
            ids[i, :len(row)] = row
            mask[i, :len(row)] = 1
        return ids, mask

    def decode(self, out):
        """The values of one sequence's output ``x W_U`` [positions,
        d_vocab_out], BOS first, as `rasp-run` prints them: categorical, the
        value of the first largest column if it reaches 0.5, else None;
        numerical, the column's float32 value (shortest decimal)."""
        out = _numpy(out).astype(np.float32)[1:]
        if not self.categorical:
            return [float(str(v)) for v in out[:, 0]]
        best = out.argmax(axis=1)
        return [self.output_values[b] if row[b] >= 0.5 else None
                for b, row in zip(best, out)]

    def decode_batch(self, out, attention_mask=None):
        """`decode` of each row of a batch [batch, positions, d_vocab_out]
        (numpy or torch), cut to its real length when a mask is given."""
        out = _numpy(out)
        lengths = ([out.shape[1]] * out.shape[0] if attention_mask is None
                   else _numpy(attention_mask).sum(axis=1).tolist())
        return [self.decode(row[:n]) for row, n in zip(out, lengths)]

    # TransformerLens and PyTorch.

    def state_dict(self):
        """The complete state dict as numpy arrays (a shallow copy)."""
        return dict(self.params)

    def to_transformer_lens(self, device=None):
        """(cfg, state_dict): HookedTransformerConfig's keyword arguments and
        torch tensors that `HookedTransformer.load_state_dict(strict=True)`
        takes as they are."""
        import torch

        state = {name: torch.tensor(np.array(value), device=device)
                 for name, value in self.params.items()}
        return self.transformer_lens_config(), state

    def to_torch(self, device=None):
        """A `raspc.pytorch.HookedTransformer` with this model's weights."""
        from . import pytorch

        return pytorch.from_model(self, device=device)

    def run(self, inputs):
        """Decoded outputs of `inputs` (token lists or strings), run as one
        padded batch by `to_torch()`'s module."""
        import torch

        net = self.to_torch()
        ids, mask = self.encode_batch(inputs)
        with torch.no_grad():
            out = net(torch.from_numpy(ids),
                      attention_mask=torch.from_numpy(mask))
        return self.decode_batch(out, mask)


def _tuples(value):
    """A value read from JSON with its arrays as tuples."""
    if isinstance(value, list):
        return tuple(_tuples(item) for item in value)
    return value


def _numpy(x):
    """A numpy array of a numpy array or a torch tensor."""
    if hasattr(x, "detach"):
        return x.detach().cpu().numpy()
    return np.asarray(x)


def load(path):
    """The `Model` of a file written by `rasp-run --export`."""
    tensors, metadata = safetensors.read(path)
    return Model.from_safetensors(tensors, metadata)
