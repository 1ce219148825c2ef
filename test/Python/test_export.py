"""raspc.export on every library program, plain and causal: the config is
HookedTransformerConfig's keyword arguments and nothing else, the state dict
is HookedTransformer's (checked against facts recorded from TransformerLens'
source, Inputs/transformer_lens.json), the compiler's own metadata stays
apart; encoding, decoding and in-memory models."""
import json

import numpy as np
import pytest

from conftest import LIBRARY_PROGRAMS
from raspc import export, safetensors
from raspc import transformer_lens as tl

CASES = [(n, c) for n in LIBRARY_PROGRAMS for c in (False, True)]
IDS = [f"{n}{'-causal' if c else ''}" for n, c in CASES]


@pytest.fixture(scope="module")
def reverse(library_exports):
    return export.load(library_exports[("reverse", False)])


def hooked_transformer_state(cfg, facts):
    """{name: shape} HookedTransformer registers, from the recorded facts."""
    sd = facts["state_dict"]
    size = dict(cfg)
    shape = lambda key: tuple(size[d] for d in sd["shapes"][key])
    names = {name: shape(name) for name in sd["model"]}
    for layer in range(cfg["n_layers"]):
        parts = [("attn", sd["attention"])]
        if not cfg["attn_only"]:
            parts.append(("mlp", sd["mlp"]))
        for module, params in parts:
            for p in params:
                names[f"blocks.{layer}.{module}.{p}"] = shape(f"{module}.{p}")
    return names


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_config_is_hooked_transformer_config(case, library_exports,
                                             transformer_lens_facts):
    facts = transformer_lens_facts
    tensors, metadata = safetensors.read(library_exports[case])
    cfg = json.loads(metadata[tl.CONFIG_KEY])
    model = export.Model.from_safetensors(tensors, metadata)
    assert model.transformer_lens_config() == cfg
    # Only HookedTransformerConfig's fields, the required ones included.
    assert set(cfg) <= set(facts["config_fields"])
    assert set(facts["required_fields"]) <= set(cfg)
    assert not set(cfg) & set(facts["fields_added_after_v2_0"])
    # Its value conventions.
    for key in facts["int_fields"]:
        if key in cfg:
            assert type(cfg[key]) is int and cfg[key] >= 0, key
    for key in facts["bool_fields"]:
        assert type(cfg[key]) is bool, key
    for key in facts["str_fields"]:
        assert type(cfg[key]) is str, key
    assert cfg["act_fn"] in facts["act_fn_values"] and cfg["act_fn"] == "relu"
    assert cfg["normalization_type"] is None
    assert cfg["attention_dir"] in facts["attention_dir_values"]
    assert cfg["attention_dir"] == ("causal" if case[1] else "bidirectional")
    assert cfg["positional_embedding_type"] == "standard"
    assert cfg["use_attn_scale"] is False
    assert cfg["default_prepend_bos"] is False
    assert ("d_mlp" in cfg) != cfg["attn_only"]
    # The sizes against the compiler's metadata.
    assert cfg["n_ctx"] == model.max_seq_len + 1
    assert cfg["d_vocab"] == len(model.vocab) + 1 == model.bos_id + 1
    assert cfg["d_vocab_out"] == (len(model.output_values)
                                  if model.categorical else 1)
    assert cfg["d_model"] == len(model.residual_labels)
    # The compiler's own entries are apart from the config.
    assert set(metadata) - {"format", "schema", tl.CONFIG_KEY} == {
        k for k in metadata if k.startswith("rasp.")}
    assert not any(k.startswith("rasp") for k in cfg)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_state_dict_is_hooked_transformers(case, library_exports,
                                           transformer_lens_facts):
    tensors, metadata = safetensors.read(library_exports[case])
    cfg = json.loads(metadata[tl.CONFIG_KEY])
    expected = hooked_transformer_state(cfg, transformer_lens_facts)
    assert {n: t.shape for n, t in tensors.items()} == expected
    assert set(tl.expected_state_dict(cfg)) == set(expected)
    for name, t in tensors.items():
        last = name.rsplit(".", 1)[-1]
        if last == "mask":
            assert t.dtype == bool
            assert (t == np.tril(np.ones(t.shape, dtype=bool))).all()
            continue
        assert t.dtype == np.float32, name
        if last == "IGNORE":
            assert t == -np.inf
        elif last in ("b_Q", "b_K", "b_V", "b_O", "b_U"):
            assert not t.any(), f"{name} is not zero"


def test_to_transformer_lens(reverse):
    import torch

    cfg, state = reverse.to_transformer_lens()
    assert cfg == reverse.cfg and cfg is not reverse.cfg
    assert set(state) == set(reverse.params)
    for name, value in state.items():
        assert isinstance(value, torch.Tensor)
        assert value.dtype == (torch.bool if name.endswith(".mask")
                               else torch.float32)
        assert np.array_equal(value.numpy(), reverse.params[name])
    cfg["n_layers"] = 99
    assert reverse.cfg["n_layers"] != 99


def test_encode_and_decode(reverse):
    assert reverse.encode("a b c") == [4, 0, 1, 2]
    assert reverse.encode(["d"]) == [4, 3]
    assert reverse.encode("") == [4]
    with pytest.raises(ValueError, match="unknown token 'q'"):
        reverse.encode("a q")
    with pytest.raises(ValueError, match="6 tokens, more than max_seq_len 5"):
        reverse.encode("a a a a a a")
    ids, mask = reverse.encode_batch(["a b c", "", "d"])
    assert ids.tolist() == [[4, 0, 1, 2], [4, 4, 4, 4], [4, 3, 4, 4]]
    assert mask.tolist() == [[1, 1, 1, 1], [1, 0, 0, 0], [1, 1, 0, 0]]
    # The first largest column if it reaches 0.5, else None; BOS dropped.
    out = np.array([[9, 9, 9, 9], [0, 0.7, 0.7, 0], [0.4, 0, 0, 0.49],
                    [0, 0, 0, 0.5]])
    assert reverse.decode(out) == ["b", None, "d"]
    batch = np.stack([out, out])
    assert reverse.decode_batch(batch, np.array([[1, 1, 1, 1], [1, 1, 0, 0]])
                                ) == [["b", None, "d"], ["b"]]


def test_numerical_decoding(library_exports):
    model = export.load(library_exports[("frac_prevs", True)])
    assert not model.categorical
    # The float32 value, printed as its shortest decimal (as rasp-run does).
    assert model.decode(np.array([[0.0], [2 / 3], [0.25]])) == [0.6666667,
                                                                0.25]


def test_in_memory_model_gets_zero_biases_and_buffers(reverse):
    weights = {n: v for n, v in reverse.params.items()
               if not n.endswith(("b_Q", "b_K", "b_V", "b_O", "b_U", "mask",
                                  "IGNORE"))}
    model = export.Model(reverse.cfg, weights, reverse.metadata)
    assert set(model.params) == set(reverse.params)
    for name, value in reverse.params.items():
        assert np.array_equal(model.params[name], value), name
    with pytest.raises(ValueError, match="the weights lack embed.W_E"):
        export.Model(reverse.cfg, {k: v for k, v in weights.items()
                                   if k != "embed.W_E"}, reverse.metadata)
    with pytest.raises(ValueError, match="unexpected tensors"):
        export.Model(reverse.cfg, {**weights, "extra": np.zeros(1)},
                     reverse.metadata)
    with pytest.raises(ValueError, match="lacks rasp.vocab"):
        export.Model(reverse.cfg, weights, {})


def test_from_safetensors_checks(library_exports):
    tensors, metadata = safetensors.read(library_exports[("reverse", False)])
    with pytest.raises(safetensors.FormatError, match="rasp-transformer/1"):
        export.Model.from_safetensors(
            tensors, {**metadata, "schema": "rasp-transformer/1"})
    wrong = dict(tensors)
    wrong["unembed.b_U"] = np.zeros(7, np.float32)
    with pytest.raises(ValueError, match=r"unembed.b_U: float32 \(7,\)"):
        export.Model.from_safetensors(wrong, metadata)
    del wrong["unembed.b_U"]
    with pytest.raises(ValueError, match="missing .'unembed.b_U'."):
        export.Model.from_safetensors(wrong, metadata)
