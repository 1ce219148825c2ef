#!/usr/bin/env python3
"""Runs a transformer exported by `rasp-run --export` with numpy alone.

  numpy-forward.py MODEL.safetensors [--input "t1 t2 ..."]... [--describe]

An independent check of the export and the adapter recipe of docs/Export.md:
it reads the safetensors file with its own minimal reader (no safetensors
package), takes every dimension, the vocabulary, BOS, the causal flag and
the output decoding from `__metadata__`, runs the forward pass in float32
and prints one JSON array per input, in rasp-run's format. Inputs are
whitespace-separated tokens, one sequence per line on standard input unless
--input is given. An input that cannot be run gets an error on stderr naming
its line; the others still run and the exit status is 1. --describe prints
the tensors (name, shape) and the metadata instead.

Needs python3 and numpy only (Debian python3-numpy).
"""
import argparse
import json
import struct
import sys

import numpy as np

SCHEMA = "rasp-transformer/1"


class FormatError(Exception):
  pass


def _no_duplicates(pairs):
  keys = [k for k, _ in pairs]
  if len(keys) != len(set(keys)):
    raise FormatError("the header repeats a key")
  return dict(pairs)


def read_safetensors(path):
  """Returns ({name: float32 array}, {key: str}) after checking the format."""
  with open(path, "rb") as f:
    data = f.read()
  if len(data) < 8:
    raise FormatError("shorter than the 8-byte header length")
  (n,) = struct.unpack("<Q", data[:8])
  if n > len(data) - 8:
    raise FormatError(f"header length {n} exceeds the file")
  text = data[8:8 + n].decode("utf-8")
  if not text.startswith("{"):
    raise FormatError("the header does not start with '{'")
  header = json.loads(text, object_pairs_hook=_no_duplicates)
  metadata = header.pop("__metadata__", {})
  if not all(isinstance(v, str) for v in metadata.values()):
    raise FormatError("__metadata__ holds a value that is not a string")
  buffer = data[8 + n:]
  spans = []
  for name, info in header.items():
    if set(info) != {"dtype", "shape", "data_offsets"}:
      raise FormatError(f"{name}: unexpected entry {sorted(info)}")
    if info["dtype"] != "F32":
      raise FormatError(f"{name}: dtype {info['dtype']} (only F32 is read)")
    begin, end = info["data_offsets"]
    count = int(np.prod(info["shape"], dtype=np.int64))
    if end - begin != 4 * count:
      raise FormatError(f"{name}: offsets do not match the shape")
    spans.append((begin, end, name))
  expected = 0
  for begin, end, name in sorted(spans):
    if begin != expected:
      raise FormatError(f"{name}: a hole or an overlap at byte {begin}")
    expected = end
  if expected != len(buffer):
    raise FormatError("the tensors do not cover the data exactly")
  tensors = {}
  for begin, end, name in spans:
    shape = header[name]["shape"]
    tensors[name] = np.frombuffer(buffer, dtype="<f4", count=(end - begin) // 4,
                                  offset=begin).reshape(shape)
  return tensors, metadata


class Model:
  """The forward pass, configured from the metadata."""

  def __init__(self, tensors, metadata):
    if metadata.get("schema") != SCHEMA:
      raise FormatError(f"schema {metadata.get('schema')!r}, expected {SCHEMA}")
    self.t = tensors
    self.n_layers = int(metadata["n_layers"])
    self.n_heads = int(metadata["n_heads"])
    self.d_model = int(metadata["d_model"])
    self.causal = metadata["causal"] == "true"
    if metadata["attn_scale"] != "1":
      raise FormatError("expected the softmax scale folded into W_Q")
    self.vocab = json.loads(metadata["vocab"])
    self.bos_id = int(metadata["bos_id"])
    self.max_seq_len = int(metadata["max_seq_len"])
    self.categorical = metadata["output_encoding"] == "categorical"
    self.values = json.loads(metadata.get("output_values", "[]"))
    d, h, dh = self.d_model, self.n_heads, int(metadata["d_head"])
    for l in range(self.n_layers):
      for name in ("W_Q", "W_K", "W_V"):
        self._shape(f"blocks.{l}.attn.{name}", (h, d, dh))
      self._shape(f"blocks.{l}.attn.W_O", (h, dh, d))
    self._shape("embed.W_E", (int(metadata["d_vocab"]), d))
    self._shape("unembed.W_U", (d, int(metadata["d_vocab_out"])))

  def _shape(self, name, shape):
    if tuple(self.t[name].shape) != shape:
      raise FormatError(f"{name} has shape {self.t[name].shape}, not {shape}")

  def forward(self, ids):
    """The output subspace for ids, BOS first: positions x d_vocab_out for one
    sequence, or batch x positions x d_vocab_out for a batch of equal-length
    rows. The rows are stacked into one (batch * positions) x d_model matrix,
    so every projection is one matrix product whatever the batch."""
    ids = np.asarray(ids)
    batch, n = (1,) + ids.shape if ids.ndim == 1 else ids.shape
    d = self.d_model
    x = self.t["embed.W_E"][ids] + self.t["pos_embed.W_pos"][:n]
    x = x.reshape(-1, d)
    hidden = np.triu(np.ones((n, n), dtype=bool), k=1)
    for l in range(self.n_layers):
      b = f"blocks.{l}."
      # Heads read the stream before their layer.
      attn = np.zeros_like(x)
      for h in range(self.n_heads):
        q = (x @ self.t[b + "attn.W_Q"][h]).reshape(batch, n, -1)
        k = (x @ self.t[b + "attn.W_K"][h]).reshape(batch, n, -1)
        v = (x @ self.t[b + "attn.W_V"][h]).reshape(batch, n, -1)
        logits = q @ k.transpose(0, 2, 1)
        if self.causal:
          logits[:, hidden] = np.float32(-np.inf)
        p = np.exp(logits - logits.max(axis=2, keepdims=True))
        p /= p.sum(axis=2, keepdims=True)
        attn += (p @ v).reshape(batch * n, -1) @ self.t[b + "attn.W_O"][h]
      x = x + attn
      pre = x @ self.t[b + "mlp.W_in"] + self.t[b + "mlp.b_in"]
      x = x + np.maximum(pre, 0) @ self.t[b + "mlp.W_out"] + self.t[b + "mlp.b_out"]
    out = x @ self.t["unembed.W_U"]
    return out.reshape(ids.shape + out.shape[-1:])

  def decode(self, row):
    if not self.categorical:
      # The shortest decimal of the float32 value, as rasp-run prints it.
      return float(str(np.float32(row[0])))
    best = -1
    for i, v in enumerate(row):
      if v >= 0.5 and (best < 0 or v > row[best]):
        best = i
    return None if best < 0 else self.values[best]

  def run(self, line):
    tokens = line.split()
    if len(tokens) > self.max_seq_len:
      raise ValueError(f"{len(tokens)} tokens, more than max_seq_len "
                       f"{self.max_seq_len}")
    ids = [self.bos_id]
    for token in tokens:
      if token not in self.vocab:
        raise ValueError(f"unknown token '{token}'")
      ids.append(self.vocab[token])
    out = self.forward(np.array(ids))
    return [self.decode(row) for row in out[1:]]


def main():
  parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
  parser.add_argument("model")
  parser.add_argument("--input", action="append")
  parser.add_argument("--describe", action="store_true")
  args = parser.parse_args()
  try:
    tensors, metadata = read_safetensors(args.model)
    model = Model(tensors, metadata)
  except (OSError, ValueError, KeyError, FormatError) as e:
    print(f"numpy-forward.py: error: {args.model}: {e}", file=sys.stderr)
    return 1
  if args.describe:
    for name, tensor in tensors.items():
      print(f"{name} {list(tensor.shape)}")
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
