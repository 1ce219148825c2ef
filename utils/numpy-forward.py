#!/usr/bin/env python3
"""Runs a transformer exported by `rasp-run --export` with numpy alone.

  numpy-forward.py MODEL.safetensors [--input "t1 t2 ..."]... [--describe]

An independent check of the export and of HookedTransformer's forward pass
(docs/Export.md): the file is read by raspc's strict safetensors reader and
configured from its metadata alone (TransformerLens' config for the
dimensions and the attention direction, the `rasp.*` entries for the
vocabulary, BOS and decoding); the forward pass, written here in numpy
float32 with every bias, prints one JSON array per input, in rasp-run's
format. Inputs are whitespace-separated tokens, one sequence per line on
standard input unless --input is given. An input that cannot be run gets an
error on stderr naming its line; the others still run and the exit status
is 1. --describe prints the tensors (name, shape, BOOL for the mask
buffers) and the metadata instead.

Needs python3 and numpy only (Debian python3-numpy); raspc is found in the
source tree (../python).
"""
import argparse
import json
import os
import sys

import numpy as np

# raspc from the source tree, which is left without __pycache__.
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "python"))
from raspc import export, safetensors  # noqa: E402


class Model:
  """HookedTransformer's forward pass over an exported model's tensors."""

  def __init__(self, model):
    self.model = model
    cfg = model.cfg
    self.t = model.params
    self.n_layers = cfg["n_layers"]
    self.n_heads = cfg["n_heads"]
    self.d_model = cfg["d_model"]
    self.causal = cfg["attention_dir"] == "causal"
    self.attn_only = cfg["attn_only"]

  def forward(self, ids):
    """The output x W_U + b_U for ids, BOS first: positions x d_vocab_out for
    one sequence, or batch x positions x d_vocab_out for a batch of
    equal-length rows. The rows are stacked into one (batch * positions) x
    d_model matrix, so every projection is one matrix product whatever the
    batch."""
    ids = np.asarray(ids)
    batch, n = (1,) + ids.shape if ids.ndim == 1 else ids.shape
    d = self.d_model
    x = self.t["embed.W_E"][ids] + self.t["pos_embed.W_pos"][:n]
    x = x.reshape(-1, d)
    hidden = np.triu(np.ones((n, n), dtype=bool), k=1)
    for l in range(self.n_layers):
      b = f"blocks.{l}."
      # Heads read the stream before their layer.
      attn = np.zeros_like(x) + self.t[b + "attn.b_O"]
      for h in range(self.n_heads):
        def project(name):
          y = x @ self.t[b + "attn.W_" + name][h] + self.t[b + "attn.b_" + name][h]
          return y.reshape(batch, n, -1)
        q, k, v = project("Q"), project("K"), project("V")
        logits = q @ k.transpose(0, 2, 1)
        if self.causal:
          logits[:, hidden] = self.t[b + "attn.IGNORE"]
        p = np.exp(logits - logits.max(axis=2, keepdims=True))
        p /= p.sum(axis=2, keepdims=True)
        attn += (p @ v).reshape(batch * n, -1) @ self.t[b + "attn.W_O"][h]
      x = x + attn
      if self.attn_only:
        continue
      pre = x @ self.t[b + "mlp.W_in"] + self.t[b + "mlp.b_in"]
      x = x + np.maximum(pre, 0) @ self.t[b + "mlp.W_out"] + self.t[b + "mlp.b_out"]
    out = x @ self.t["unembed.W_U"] + self.t["unembed.b_U"]
    return out.reshape(ids.shape + out.shape[-1:])

  def run(self, line):
    return self.model.decode(self.forward(np.array(self.model.encode(line))))


def main():
  parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
  parser.add_argument("model")
  parser.add_argument("--input", action="append")
  parser.add_argument("--describe", action="store_true")
  args = parser.parse_args()
  try:
    tensors, metadata = safetensors.read(args.model)
    model = Model(export.Model.from_safetensors(tensors, metadata))
  except (OSError, ValueError, KeyError) as e:
    print(f"numpy-forward.py: error: {args.model}: {e}", file=sys.stderr)
    return 1
  if args.describe:
    for name, tensor in tensors.items():
      kind = " BOOL" if tensor.dtype == bool else ""
      print(f"{name} {list(tensor.shape)}{kind}")
    for key, value in metadata.items():
      print(f"{key} = {value}")
    return 0
  lines = args.input if args.input is not None else sys.stdin.read().splitlines()
  status = 0
  for number, line in enumerate(lines, 1):
    try:
      out = model.run(line)
    except ValueError as e:
      # Errors appear in order with the outputs printed before them.
      sys.stdout.flush()
      print(f"numpy-forward.py: error: input line {number}: {e}",
            file=sys.stderr)
      status = 1
      continue
    print(json.dumps(out, ensure_ascii=False))
  return status


if __name__ == "__main__":
  sys.exit(main())
