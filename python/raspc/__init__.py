"""raspc: the RASP compiler from Python.

Modules (docs/Python.md):

- `raspc.export`: models written by `rasp-run --export` (safetensors),
  loaded as TransformerLens configs and state dicts, encoded and decoded;
- `raspc.transformer_lens`: HookedTransformer's state dict layout and the
  padding hooks for mixed-length batches;
- `raspc.pytorch`: a `torch.nn.Module` with TransformerLens' names and
  forward pass (needs torch);
- `raspc.safetensors`: the strict safetensors reader (numpy).

Importing `raspc` loads no native code and neither numpy nor torch: each
module imports what it needs.
"""

__version__ = "0.1.0"
