"""Compiled models in Tracr's shape: `AssembledTransformerModel` and
`AssembledTransformerModelOutput`.

`apply(tokens)` runs one input, BOS first, as Tracr's does. Its `decoded`
output is the JIT-compiled model's (the driver's CompiledProgram); the
arrays come from the driver's traced forward pass of the same model
(docs/Trace.md), numpy float32, batch 1:

| field | shape | content |
|---|---|---|
| `decoded` | T | BOS, then the decoded output at every position |
| `unembedded` | [1, T] | `transformer_output @ W_U`: the argmax column (categorical) or the value (numerical) |
| `input_embeddings` | [1, T, D] | the residual stream after the embedding |
| `residuals` | 2L x [1, T, D] | after every attention and MLP sublayer |
| `layer_outputs` | 2L x [1, T, D] | what each sublayer added |
| `attn_logits` | L x [1, H, T, T] | each head's scaled scores (masked keys -inf) |
| `transformer_output` | [1, T, D] | the final residual stream |

D is the residual width, named dimension by dimension by
`residual_labels`; H the most heads of a layer (absent heads are zero).

`apply_batch(ids)` runs many inputs as one batch (the JIT only): numpy
token ids as `input_encoder` writes them. `params` are the weights in
Tracr's (Haiku's) layout, numpy; `to_transformer_lens()` and `to_torch()`
give the same model to TransformerLens and PyTorch (raspc.export).
"""
import dataclasses
import functools
import json
import os
from typing import Any, List

import numpy as np

from ..errors import CompileError

__all__ = ["AssembledTransformerModel", "AssembledTransformerModelOutput",
           "BatchOutput", "CategoricalEncoder", "NumericalEncoder",
           "TransformerConfig"]


@dataclasses.dataclass
class AssembledTransformerModelOutput:
    decoded: List[Any]
    unembedded: np.ndarray
    layer_outputs: List[np.ndarray]
    residuals: List[np.ndarray]
    attn_logits: List[np.ndarray]
    transformer_output: np.ndarray
    input_embeddings: np.ndarray


@dataclasses.dataclass
class BatchOutput:
    """Outputs of `apply_batch`: per row the decoded output (BOS first, as
    long as the row's input) and the output vectors `x W_U` [B, T, W]
    (zero at BOS and at padding), with `lengths` [B] (BOS included)."""
    decoded: List[List[Any]]
    outputs: np.ndarray
    lengths: np.ndarray


@dataclasses.dataclass
class TransformerConfig:
    """Tracr's model.TransformerConfig of the compiled model."""
    num_heads: int
    num_layers: int
    key_size: int
    mlp_hidden_size: int
    dropout_rate: float = 0.0
    activation_function: str = "relu"
    layer_norm: bool = False
    causal: bool = False


class NumericalEncoder:
    """The identity, as Tracr's (numerical outputs)."""

    bos_token = pad_token = bos_encoding = pad_encoding = None

    def encode(self, inputs):
        return list(inputs)

    def decode(self, encodings):
        return list(encodings)


class CategoricalEncoder:
    """Values to ids and back, as Tracr's: `encoding_map` {value: id}."""

    def __init__(self, encoding_map, bos_token=None, pad_token=None,
                 max_seq_len=None, enforce_bos=False):
        self.encoding_map = dict(encoding_map)
        self.decoding_map = {i: v for v, i in self.encoding_map.items()}
        self._bos, self._pad = bos_token, pad_token
        self._max_seq_len = max_seq_len
        self.enforce_bos = enforce_bos

    @property
    def bos_token(self):
        return self._bos

    @property
    def pad_token(self):
        return self._pad

    @property
    def bos_encoding(self):
        return None if self._bos is None else self.encoding_map[self._bos]

    @property
    def pad_encoding(self):
        return None if self._pad is None else self.encoding_map[self._pad]

    @property
    def vocab_size(self):
        return len(self.encoding_map)

    def encode(self, inputs):
        inputs = list(inputs)
        if self.enforce_bos and (not inputs or inputs[0] != self._bos):
            first = inputs[0] if inputs else None
            raise ValueError("First input token must be BOS token. Should be "
                             f"'{self._bos}', but was '{first}'.")
        missing = [x for x in inputs if not _hashable_in(x, self.encoding_map)]
        if missing:
            raise ValueError(f"Inputs {missing} not found in encoding "
                             f"{list(self.encoding_map)}")
        if self._max_seq_len is not None and len(inputs) > self._max_seq_len:
            bos = " (BOS included)" if self.enforce_bos else ""
            raise ValueError(f"inputs={inputs} are longer than the maximum "
                             f"sequence length {self._max_seq_len}{bos}")
        return [self.encoding_map[x] for x in inputs]

    def decode(self, encodings):
        missing = [e for e in encodings if e not in self.decoding_map]
        if missing:
            raise ValueError(f"Inputs {missing} not found in decoding map "
                             f"{list(self.decoding_map)}")
        return [self.decoding_map[e] for e in encodings]


def _hashable_in(x, mapping):
    try:
        return x in mapping
    except TypeError:
        return False


class AssembledTransformerModel:
    """A compiled program: the JIT-compiled model, its trace, weights and
    encoders. Made by `compiling.compile_rasp_to_model`."""

    def __init__(self, program, model, *, vocab, max_seq_len, bos, pad,
                 causal):
        self._program = program
        self._model = model
        self.vocab = list(vocab)
        self.max_seq_len = max_seq_len
        self.causal = causal
        v = len(self.vocab)
        ids = {value: i for i, value in enumerate(self.vocab)}
        ids[bos] = v
        ids[pad] = v + 1
        #: Tokens to ids: the vocabulary in the compiler's order, then BOS
        #: (id V, as in the exported W_E) and PAD (id V + 1: padding is
        #: masked, never embedded; params' token_embed has a zero row).
        self.input_encoder = CategoricalEncoder(
            ids, bos_token=bos, pad_token=pad, max_seq_len=max_seq_len + 1,
            enforce_bos=True)
        if model.categorical:
            self.output_encoder = CategoricalEncoder(
                {value: i for i, value in enumerate(model.output_values)})
        else:
            self.output_encoder = NumericalEncoder()

    # The weights and their layouts.

    @functools.cached_property
    def exported(self):
        """The model as raspc.export.Model (TransformerLens' config and
        state dict, the rasp.* metadata), built in memory."""
        from .. import export

        tensors, metadata = self._program.safetensors()
        return export.Model.from_safetensors(tensors, metadata)

    @property
    def residual_labels(self):
        """The name of every residual dimension (`tokens:a`, `one`, ...)."""
        return list(self.exported.residual_labels)

    @functools.cached_property
    def model_config(self):
        cfg = self.exported.cfg
        return TransformerConfig(
            num_heads=cfg["n_heads"], num_layers=cfg["n_layers"],
            key_size=cfg["d_head"], mlp_hidden_size=cfg.get("d_mlp", 0),
            causal=self.causal)

    @functools.cached_property
    def params(self):
        """The weights in Tracr's (Haiku's) layout, numpy float32:
        `token_embed`/`embeddings` [V + 2, D] (the PAD row zero),
        `pos_embed`/`embeddings`, and per layer
        `transformer/layer_{l}/attn/{query,key,value,linear}` and
        `transformer/layer_{l}/mlp/{linear_1,linear_2}` with `w` and `b`.
        Each head's softmax scale is folded into its query weights
        (docs/Export.md)."""
        p = self.exported.params
        cfg = self.exported.cfg
        d = cfg["d_model"]
        embed = np.zeros((p["embed.W_E"].shape[0] + 1, d), np.float32)
        embed[:-1] = p["embed.W_E"]
        out = {"token_embed": {"embeddings": embed},
               "pos_embed": {"embeddings": np.array(p["pos_embed.W_pos"])}}
        for layer in range(cfg["n_layers"]):
            prefix = f"blocks.{layer}."
            attn = f"transformer/layer_{layer}/attn/"
            for part, name in (("query", "Q"), ("key", "K"), ("value", "V")):
                w = p[prefix + f"attn.W_{name}"]        # [H, D, dh]
                b = p[prefix + f"attn.b_{name}"]        # [H, dh]
                out[attn + part] = {
                    "w": np.ascontiguousarray(w.transpose(1, 0, 2)).reshape(
                        d, -1),
                    "b": np.array(b).reshape(-1)}
            w_o = p[prefix + "attn.W_O"]                # [H, dh, D]
            out[attn + "linear"] = {"w": np.array(w_o).reshape(-1, d),
                                    "b": np.array(p[prefix + "attn.b_O"])}
            if not cfg.get("attn_only", False):
                mlp = f"transformer/layer_{layer}/mlp/"
                out[mlp + "linear_1"] = {"w": np.array(p[prefix + "mlp.W_in"]),
                                         "b": np.array(p[prefix + "mlp.b_in"])}
                out[mlp + "linear_2"] = {
                    "w": np.array(p[prefix + "mlp.W_out"]),
                    "b": np.array(p[prefix + "mlp.b_out"])}
        return out

    # Running it.

    def _ids_of(self, tokens):
        """The token ids of one input given BOS first, without BOS."""
        ids = self.input_encoder.encode(tokens)
        pad = self.input_encoder.pad_encoding
        if pad in ids:
            raise ValueError("apply takes one unpadded input; pad batches "
                             "with apply_batch")
        return ids[1:]

    def apply(self, tokens) -> AssembledTransformerModelOutput:
        """Runs one input (`[bos, token, ...]`) through the compiled model
        and its trace."""
        ids = self._ids_of(tokens)
        run = self._model.run([ids])[0]
        if not run["ok"]:
            raise ValueError(run["error"])
        document = self._trace(ids)
        residual_stages = _residual_stages(document)
        width = residual_stages[0].shape[-1]
        stages = [r[None] for r in residual_stages]       # [1, T, D]
        residuals = stages[1:]
        layer_outputs = [b - a for a, b in zip(stages, stages[1:])]
        output = stages[-1]
        n_layers = len(residuals) // 2
        attn_logits = _attention_logits(document, n_layers,
                                        max(1, self._num_heads()),
                                        output.shape[1])
        vectors = output[0] @ self.exported.params["unembed.W_U"]
        if self._model.categorical:
            unembedded = vectors.argmax(axis=-1)[None]
        else:
            unembedded = vectors[:, 0][None]
        assert width == len(self.residual_labels)
        return AssembledTransformerModelOutput(
            decoded=[self.input_encoder.bos_token] + list(run["values"]),
            unembedded=unembedded, layer_outputs=layer_outputs,
            residuals=residuals, attn_logits=attn_logits,
            transformer_output=output, input_embeddings=stages[0])

    def _num_heads(self):
        return self.exported.cfg["n_heads"]

    def _trace(self, ids):
        traced = self._model.trace([ids])[0]
        if not traced["ok"]:
            raise ValueError(traced["error"])
        return json.loads(traced["document"])

    def apply_batch(self, ids, lengths=None) -> BatchOutput:
        """Runs a batch through the JIT-compiled model. `ids`: integer array
        [B, T] as `input_encoder` encodes (BOS id first); a row ends at its
        first PAD id, or at `lengths[b]` (BOS included) when given."""
        ids = np.asarray(ids)
        if ids.ndim != 2 or not np.issubdtype(ids.dtype, np.integer):
            raise ValueError("ids must be a 2-D integer array [batch, "
                             f"positions], got {ids.dtype} {ids.shape}")
        bos = self.input_encoder.bos_encoding
        pad = self.input_encoder.pad_encoding
        rows, real = [], []
        for b, row in enumerate(ids.tolist()):
            if lengths is not None:
                n = int(lengths[b])
                if not 1 <= n <= len(row):
                    raise ValueError(f"row {b}: length {n} outside 1.."
                                     f"{len(row)}")
            else:
                n = row.index(pad) if pad in row else len(row)
            if n < 1 or row[0] != bos:
                raise ValueError(f"row {b} does not start with the BOS id "
                                 f"{bos}")
            body = row[1:n]
            if pad in body or bos in body:
                raise ValueError(f"row {b}: BOS or PAD inside the input")
            rows.append(body)
            real.append(n)
        results = self._model.run(rows)
        width = max((r["vectors"].shape[1] for r in results), default=1)
        outputs = np.zeros((len(rows), ids.shape[1], width), np.float32)
        decoded = []
        for b, result in enumerate(results):
            if not result["ok"]:
                raise ValueError(f"row {b}: {result['error']}")
            vectors = result["vectors"]
            outputs[b, 1:1 + len(vectors)] = vectors
            decoded.append([self.input_encoder.bos_token]
                           + list(result["values"]))
        return BatchOutput(decoded, outputs, np.array(real))

    def run(self, inputs):
        """The decoded outputs of `inputs` (token lists without BOS) as one
        batch of the compiled model, as `rasp-run` prints them."""
        return [self._run_result(r) for r in self._model.run(
            [self._ids_of([self.input_encoder.bos_token, *tokens])
             for tokens in inputs])]

    def interpret(self, inputs):
        """The reference interpreter's outputs of `inputs` (token lists
        without BOS) for the compiled program."""
        return [self._run_result(r) for r in self._program.interpret(
            [self._ids_of([self.input_encoder.bos_token, *tokens])
             for tokens in inputs])]

    @staticmethod
    def _run_result(result):
        if not result["ok"]:
            raise ValueError(result["error"])
        return list(result["values"])

    # Products.

    def to_safetensors(self, path, overwrite=False):
        """Writes the weights (docs/Export.md; what `rasp-run --export`
        writes) to `path`, replacing an existing file only with
        `overwrite` (FileExistsError otherwise)."""
        path = os.fspath(path)
        if not overwrite and os.path.exists(path):
            raise FileExistsError(f"{path} exists: pass overwrite=True to "
                                  "replace it")
        self._program.write_safetensors(path, bool(overwrite))

    def tensor_ir(self):
        """The model as tensor IR (MLIR text; docs/runtime.md)."""
        return self._program.tensor_ir()

    def rasp_ir(self):
        """The program in the rasp dialect, as the frontend wrote it."""
        return self._program.print()

    def model_stats(self, json_format=False):
        """Layers, heads, dimensions, parameters (`rasp-run --model-stats`):
        text, or the parsed JSON."""
        text = self._program.model_stats(bool(json_format))
        return json.loads(text) if json_format else text

    def to_transformer_lens(self, device=None):
        """(cfg, state_dict) for TransformerLens: `HookedTransformerConfig(
        **cfg)` and `load_state_dict(state_dict, strict=True)`."""
        return self.exported.to_transformer_lens(device=device)

    def to_torch(self, device=None):
        """A torch.nn.Module with TransformerLens' names and forward pass."""
        return self.exported.to_torch(device=device)

    def report(self, path, inputs):
        """Writes the HTML report (docs/Report.md) of `inputs` (token lists
        as `apply` takes them, BOS first) to `path`."""
        self._program.write_report(str(path),
                                   [self._ids_of(tokens) for tokens in inputs])


def _residual_stages(document):
    """The residual stream after the embedding and after every sublayer,
    each [T, D] float32, from the raw vectors of a trace document."""
    layout = document["layout"]
    width = sum(s["dim"] for s in layout)
    positions = len(document["positions"])
    stages = []
    for stage in document["residuals"]:
        x = np.zeros((positions, width), np.float32)
        for sub in layout:
            raw = stage["subspaces"][sub["name"]].get("raw")
            if raw is None:
                raise CompileError("the trace has no raw vectors")
            if sub["dim"]:
                x[:, sub["offset"]:sub["offset"] + sub["dim"]] = np.asarray(
                    raw, np.float32).reshape(positions, sub["dim"])
        stages.append(x)
    return stages


def _attention_logits(document, layers, heads, positions):
    """Per layer [1, H, T, T] float32: each head's logits (masked keys
    -inf, absent heads 0)."""
    out = [np.zeros((1, heads, positions, positions), np.float32)
           for _ in range(layers)]
    for head in document["attention"]:
        logits = np.array([[-np.inf if v is None else v for v in row]
                           for row in head["logits"]], np.float32)
        out[head["layer"]][0, head["head"]] = logits
    return out
