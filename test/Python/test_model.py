"""raspc.compiler.compiling.compile_rasp_to_model: the compiled model in
Tracr's shape (apply's AssembledTransformerModelOutput, params in Haiku's
layout, encoders), its batched entry point, and the same weights as a
safetensors file, a TransformerLens (cfg, state_dict) and a torch module,
all computing what the JIT computes."""

import numpy as np
import pytest
import torch

from raspc import export, pytorch, rasp
from raspc.compiler import compiling, lib
from tracr_programs import LIBRARY

BOS = "BOS"


def compile_case(name, causal=False, **kwargs):
    case = LIBRARY[name]
    model = compiling.compile_rasp_to_model(
        case.make(), vocab=case.vocab, max_seq_len=case.max_seq_len,
        causal=causal, compiler_bos=BOS, **kwargs)
    return case, model


@pytest.fixture(scope="module")
def reverse():
    return compile_case("reverse")[1]


@pytest.fixture(scope="module")
def frac_prevs_causal():
    return compile_case("frac_prevs", causal=True)[1]


def numpy_forward(model, tokens):
    """Tracr's forward pass written with numpy on `model.params` (Haiku's
    layout; each head's softmax scale is folded into its query weights):
    the residual stream after the embedding and after every sublayer."""
    p = model.params
    cfg = model.model_config
    ids = model.input_encoder.encode(tokens)
    n = len(ids)
    x = (p["token_embed"]["embeddings"][ids]
         + p["pos_embed"]["embeddings"][np.arange(n)]).astype(np.float64)
    stages = [x.copy()]
    for layer in range(cfg.num_layers):
        attn = f"transformer/layer_{layer}/attn/"

        def heads(part):
            w, b = p[attn + part]["w"], p[attn + part]["b"]
            return (x @ w + b).reshape(n, cfg.num_heads, -1)

        q, k, v = heads("query"), heads("key"), heads("value")
        logits = np.einsum("thd,shd->hts", q, k)
        if cfg.causal:
            logits = np.where(np.tril(np.ones((n, n), bool)), logits,
                              -np.inf)
        weights = np.exp(logits - logits.max(axis=-1, keepdims=True))
        weights /= weights.sum(axis=-1, keepdims=True)
        z = np.einsum("hts,shd->thd", weights, v).reshape(n, -1)
        x = x + z @ p[attn + "linear"]["w"] + p[attn + "linear"]["b"]
        stages.append(x.copy())
        mlp = f"transformer/layer_{layer}/mlp/"
        if mlp + "linear_1" in p:
            h = np.maximum(x @ p[mlp + "linear_1"]["w"]
                           + p[mlp + "linear_1"]["b"], 0)
            x = x + h @ p[mlp + "linear_2"]["w"] + p[mlp + "linear_2"]["b"]
        stages.append(x.copy())
    return stages


@pytest.mark.parametrize("name, causal", [("reverse", False),
                                          ("frac_prevs", True),
                                          ("sort", False)])
def test_apply_is_tracrs_output(name, causal):
    case, model = compile_case(name, causal)
    tokens = [BOS] + case.parse(
        {"reverse": "a b c d", "frac_prevs": "( a ( ) b", "sort": "3 1 2"}
        [name])
    out = model.apply(tokens)
    n, d = len(tokens), len(model.residual_labels)
    layers = model.model_config.num_layers
    assert out.decoded[0] == BOS
    assert out.decoded[1:] == model.run([tokens[1:]])[0]
    assert out.input_embeddings.shape == (1, n, d)
    assert out.transformer_output.shape == (1, n, d)
    assert len(out.residuals) == len(out.layer_outputs) == 2 * layers
    assert all(r.shape == (1, n, d) for r in out.residuals)
    assert len(out.attn_logits) == layers
    assert all(a.shape == (1, model.model_config.num_heads, n, n)
               for a in out.attn_logits)
    np.testing.assert_array_equal(out.residuals[-1], out.transformer_output)
    np.testing.assert_allclose(
        out.input_embeddings + np.sum(out.layer_outputs, axis=0),
        out.transformer_output, atol=1e-5)
    # The residuals are what Tracr's forward pass computes on the params.
    stages = numpy_forward(model, tokens)
    for got, want in zip([out.input_embeddings] + out.residuals, stages):
        np.testing.assert_allclose(got[0], want, rtol=1e-4, atol=1e-4)
    if causal:
        upper = np.triu(np.ones((n, n), bool), 1)
        assert np.all(np.isneginf(out.attn_logits[-1][0, 0][upper]))
    # Unembedding: the argmax of the output space decodes to the output.
    if rasp.is_numerical(case.make()):
        np.testing.assert_allclose(out.unembedded[0, 1:], out.decoded[1:],
                                   atol=1e-4)
    else:
        assert model.output_encoder.decode(
            out.unembedded[0, 1:].tolist()) == out.decoded[1:]


def test_encoders_and_params(reverse):
    enc = reverse.input_encoder
    assert enc.bos_token == BOS and enc.pad_token == "compiler_pad"
    assert enc.encode([BOS, "a", "d"]) == [4, 0, 3]
    assert enc.decode([4, 1]) == [BOS, "b"]
    assert reverse.output_encoder.encoding_map == {"a": 0, "b": 1, "c": 2,
                                                   "d": 3}
    labels = reverse.residual_labels
    assert labels[:5] == ["tokens:a", "tokens:b", "tokens:c", "tokens:d",
                          "tokens:BOS"]
    assert "one" in labels and "indices:4" in labels
    p, cfg = reverse.params, reverse.model_config
    d = len(labels)
    assert p["token_embed"]["embeddings"].shape == (enc.vocab_size, d)
    assert not p["token_embed"]["embeddings"][enc.pad_encoding].any()
    assert p["pos_embed"]["embeddings"].shape == (reverse.max_seq_len + 1, d)
    width = cfg.num_heads * cfg.key_size
    for layer in range(cfg.num_layers):
        attn = f"transformer/layer_{layer}/attn/"
        assert p[attn + "query"]["w"].shape == (d, width)
        assert p[attn + "linear"]["w"].shape == (width, d)
    assert cfg.num_layers == reverse.model_stats(json_format=True)[
        "models"][0]["layers"]
    assert "layers: 2" in reverse.model_stats()


def test_apply_batch(reverse):
    enc = reverse.input_encoder
    pad = enc.pad_encoding
    rows = [[BOS, "a", "b", "c"], [BOS, "d"], [BOS, "b", "b", "a", "c", "d"]]
    width = max(map(len, rows))
    ids = np.full((len(rows), width), pad)
    for b, row in enumerate(rows):
        ids[b, :len(row)] = enc.encode(row)
    out = reverse.apply_batch(ids)
    assert out.decoded == [[BOS] + r for r in
                           reverse.run([row[1:] for row in rows])]
    assert out.lengths.tolist() == [4, 2, 6]
    assert out.outputs.shape == (3, width, 4)
    assert not out.outputs[1, 2:].any()  # padding
    # The vectors are the output space of apply's transformer output.
    single = reverse.apply(rows[0])
    w_u = reverse.exported.params["unembed.W_U"]
    np.testing.assert_allclose(out.outputs[0, 1:4],
                               single.transformer_output[0, 1:] @ w_u,
                               atol=1e-5)
    explicit = reverse.apply_batch(ids, lengths=[4, 2, 6])
    assert explicit.decoded == out.decoded


def test_safetensors_file(reverse, tmp_path):
    path = tmp_path / "reverse.safetensors"
    reverse.to_safetensors(path)
    loaded = export.load(str(path))
    assert loaded.run(["a b c", "d"]) == [["c", "b", "a"], ["d"]]
    assert loaded.residual_labels == reverse.residual_labels
    with pytest.raises(FileExistsError, match="overwrite=True"):
        reverse.to_safetensors(path)
    reverse.to_safetensors(path, overwrite=True)


def test_ir_texts(reverse):
    assert "rasp.table" in reverse.rasp_ir()
    assert "func.func" in reverse.tensor_ir()


def check_torch_and_transformer_lens(model, inputs):
    cfg, state_dict = model.to_transformer_lens()
    assert cfg["normalization_type"] is None
    assert cfg["attention_dir"] == ("causal" if model.causal
                                    else "bidirectional")
    net = pytorch.HookedTransformer(cfg)
    net.load_state_dict(state_dict, strict=True)
    expected = model.run(inputs)
    exported = model.exported
    for tokens, want in zip(inputs, expected):
        ids = torch.tensor([exported.encode(tokens)])
        with torch.no_grad():
            assert exported.decode(net(ids)[0]) == pytest.approx(want)
        with torch.no_grad():
            assert exported.decode(model.to_torch()(ids)[0]) == \
                pytest.approx(want)
        # The torch module's output is apply's unembedded vectors.
        out = model.apply([BOS] + tokens)
        with torch.no_grad():
            logits = net(ids)[0].numpy()
        np.testing.assert_allclose(
            logits[1:], out.transformer_output[0, 1:] @
            exported.params["unembed.W_U"], atol=1e-4)


@pytest.mark.parametrize("name, causal", [("reverse", False),
                                          ("frac_prevs", True),
                                          ("nary_sequencemap_1", False)])
def test_torch_and_transformer_lens(name, causal):
    case, model = compile_case(name, causal)
    inputs = [case.parse(line) for line in
              {"reverse": ["a b c", "d a"], "frac_prevs": ["( a )", "b ( ("],
               "nary_sequencemap_1": ["1 2 3", "3"]}[name]]
    check_torch_and_transformer_lens(model, inputs)


@pytest.mark.long
@pytest.mark.parametrize("case", [(n, c) for n in LIBRARY
                                  for c in (False, True)],
                         ids=lambda c: f"{c[0]}{'-causal' if c[1] else ''}")
def test_every_program_in_torch(case):
    spec, model = compile_case(*case)
    from conftest import library_inputs

    inputs = [spec.parse(line) for line in library_inputs(*case)[1:6]]
    check_torch_and_transformer_lens(model, inputs)


def test_unoptimized_model_is_larger_and_equal():
    case, small = compile_case("sort")
    _, large = compile_case("sort", optimize=False)
    assert len(large.residual_labels) > len(small.residual_labels)
    inputs = [[3, 1, 2], [4, 4, 1, 2]]
    assert large.run(inputs) == small.run(inputs) == [[1, 2, 3],
                                                      [1, 2, 4, 4]]


def test_report(reverse, tmp_path):
    path = tmp_path / "reverse.html"
    reverse.report(path, [[BOS, "a", "b"]])
    assert "<html" in path.read_text()[:1000].lower()


def test_tracr_notebook_flow():
    """Tracr's README example with only the import changed."""
    from raspc.compiler import compiling as tracr_compiling

    program = lib.make_length()
    model = tracr_compiling.compile_rasp_to_model(
        program, vocab={1, 2, 3}, max_seq_len=5, compiler_bos="BOS")
    assert model.apply(["BOS", 1, 2, 3]).decoded == ["BOS", 3, 3, 3]


def test_tuple_outputs_everywhere():
    """Tuple values decode as tuples from the JIT, the interpreter and the
    exported model."""
    program = rasp.SequenceMap(lambda x, i: (x, i), rasp.tokens, rasp.indices)
    model = compiling.compile_rasp_to_model(program, {"a", "b"}, 2,
                                            compiler_bos=BOS)
    want = [("b", 0), ("a", 1)]
    assert program(["b", "a"]) == want
    assert model.run([["b", "a"]]) == model.interpret([["b", "a"]]) == [want]
    assert model.apply([BOS, "b", "a"]).decoded[1:] == want
    assert model.exported.run([["b", "a"]]) == [want]
    assert ("a", 1) in model.output_encoder.encoding_map
