"""raspc.pytorch: the torch module with TransformerLens' names loads every
library program's file with strict=True and decodes like `rasp-run`'s
compiled model, one input at a time and in padded batches of mixed lengths,
causal and bidirectional."""
import math

import numpy as np
import pytest
import torch

from conftest import LIBRARY_PROGRAMS, QUICK_CASES, library_expected
from conftest import library_inputs, same_output
from raspc import export, pytorch
from raspc import transformer_lens as tl

CASES = [(n, c) for n in LIBRARY_PROGRAMS for c in (False, True)]


def case_id(case):
    return f"{case[0]}{'-causal' if case[1] else ''}"


def run_batch(model, net, inputs, left=False):
    """Decoded outputs of `inputs` as one batch of mixed lengths, padded on
    the right (or on the left) and masked."""
    ids, mask = model.encode_batch(inputs)
    if left:
        pads = (mask == 0).sum(axis=1)
        ids = np.stack([np.roll(row, p) for row, p in zip(ids, pads)])
        mask = np.stack([np.roll(row, p) for row, p in zip(mask, pads)])
    with torch.no_grad():
        out = net(torch.from_numpy(ids), attention_mask=torch.from_numpy(mask))
    if not left:
        return model.decode_batch(out, mask)
    return [model.decode(row[p:]) for row, p in zip(out.numpy(), pads)]


def run_each(model, net, inputs):
    outputs = []
    for tokens in inputs:
        with torch.no_grad():
            out = net(torch.tensor(model.encode(tokens)))
        outputs.append(model.decode(out[0]))
    return outputs


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_strict_load_both_ways(case, library_exports):
    model = export.load(library_exports[case])
    net = pytorch.HookedTransformer(model.cfg)
    own = net.state_dict()
    assert {n: (tuple(t.shape), t.dtype) for n, t in own.items()} == {
        n: (v.shape, torch.bool if v.dtype == bool else torch.float32)
        for n, v in model.params.items()}
    net.load_state_dict(model.to_transformer_lens()[1], strict=True)
    # The module's own state dict loads into a fresh one too.
    again = pytorch.from_state_dict(model.cfg, net.state_dict())
    for name, value in again.state_dict().items():
        assert torch.equal(value, net.state_dict()[name])


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_decodes_the_recorded_vectors(case, library_exports):
    """Every recorded input of the library, as one padded batch of mixed
    lengths, against Tracr's recorded outputs (the vectors rasp-run's
    compiled mode is checked against in test/Examples, with the same
    tolerances)."""
    model = export.load(library_exports[case])
    inputs, expected = library_inputs(*case), library_expected(*case)
    got = run_batch(model, model.to_torch(), inputs)
    bad = [(i, g, w) for i, g, w in zip(inputs, got, expected)
           if not same_output(g, w, not model.categorical, 1e-4, 1e-6)]
    assert not bad


def check_against_rasp_run(case, library_exports, compiled_outputs):
    model = export.load(library_exports[case])
    net = model.to_torch()
    inputs = library_inputs(*case)
    expected = compiled_outputs([case])[case]
    numerical = not model.categorical
    for got in (run_batch(model, net, inputs),
                run_batch(model, net, inputs[::-1])[::-1],
                run_batch(model, net, inputs, left=True),
                run_each(model, net, inputs)):
        bad = [(i, g, w) for i, g, w in zip(inputs, got, expected)
               if not same_output(g, w, numerical)]
        assert not bad


@pytest.mark.parametrize("case", QUICK_CASES, ids=case_id)
def test_decodes_like_rasp_run(case, library_exports, compiled_outputs):
    """Right-padded and left-padded batches of mixed lengths and single
    inputs, against the compiled model's outputs."""
    compiled_outputs(QUICK_CASES)  # all at once, several at a time
    check_against_rasp_run(case, library_exports, compiled_outputs)


@pytest.mark.long
@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_every_program_decodes_like_rasp_run(case, library_exports,
                                             compiled_outputs):
    compiled_outputs(CASES)
    check_against_rasp_run(case, library_exports, compiled_outputs)


def test_padding_needs_masking_in_bidirectional_models(library_exports):
    """The trap of docs/Export.md: TransformerLens ignores attention_mask in
    bidirectional models, so shorter rows of a padded batch attend to the
    padding; in causal models right padding is harmless."""
    inputs = ["a b c d", "a b", "c"]
    plain = export.load(library_exports[("reverse", False)])
    net = plain.to_torch()
    ids, mask = plain.encode_batch(inputs)
    with torch.no_grad():
        unmasked = net(torch.from_numpy(ids))
        masked = net(torch.from_numpy(ids), torch.from_numpy(mask))
    assert plain.decode_batch(masked, mask) == [["d", "c", "b", "a"],
                                                ["b", "a"], ["c"]]
    assert plain.decode_batch(unmasked, mask) != plain.decode_batch(masked,
                                                                    mask)
    causal = export.load(library_exports[("reverse", True)])
    net = causal.to_torch()
    with torch.no_grad():
        unmasked = net(torch.from_numpy(ids))
        masked = net(torch.from_numpy(ids), torch.from_numpy(mask))
    assert causal.decode_batch(unmasked, mask) == causal.decode_batch(
        masked, mask)


def test_padding_hooks():
    mask = torch.tensor([[1, 1, 1], [1, 1, 0]])
    scores = torch.zeros(2, 4, 3, 3)
    [(matches, hook)] = tl.padding_hooks(mask)
    assert matches("blocks.3.attn.hook_attn_scores")
    assert not matches("blocks.3.attn.hook_pattern")
    out = hook(scores, hook=None)
    assert torch.isinf(out[1, :, :, 2]).all()
    assert (out[0] == 0).all() and (out[1, :, :, :2] == 0).all()


def test_run_with_cache(library_exports):
    """TransformerLens' hook names; the last residual times W_U is the
    output; patterns are distributions that skip padded keys."""
    model = export.load(library_exports[("sort", False)])
    net = model.to_torch()
    ids, mask = model.encode_batch(["1 2", "3 1 4 2"])
    with torch.no_grad():
        logits, cache = net.run_with_cache(torch.from_numpy(ids),
                                           torch.from_numpy(mask))
    last = model.cfg["n_layers"] - 1
    assert {"hook_embed", "hook_pos_embed", "blocks.0.hook_resid_pre",
            "blocks.0.attn.hook_attn_scores", "blocks.0.attn.hook_pattern",
            "blocks.0.hook_attn_out", f"blocks.{last}.hook_resid_post"} <= set(
                cache)
    resid = cache[f"blocks.{last}.hook_resid_post"]
    assert torch.allclose(resid @ net.unembed.W_U + net.unembed.b_U, logits)
    pattern = cache["blocks.0.attn.hook_pattern"]
    assert torch.allclose(pattern.sum(-1), torch.ones(pattern.shape[:-1]))
    assert (pattern[0, :, :, 3:] == 0).all()
    assert len(model.residual_labels) == resid.shape[-1]


def test_attention_scale_as_transformer_lens():
    """use_attn_scale divides the scores by attn_scale, sqrt(d_head) when
    it is -1 (the compiler writes use_attn_scale false: scale 1)."""
    cfg = dict(n_layers=1, d_model=4, n_ctx=3, d_head=2, n_heads=1, d_mlp=1,
               d_vocab=2, d_vocab_out=2, normalization_type=None,
               attention_dir="bidirectional", use_attn_scale=True)
    net = pytorch.HookedTransformer(cfg)
    torch.manual_seed(0)
    with torch.no_grad():
        for p in net.parameters():
            p.copy_(torch.randn(p.shape))
        x = torch.randn(1, 3, 4)
        cache = {}
        net.blocks[0].attn(x, cache=cache)
    attn = net.blocks[0].attn
    q = torch.einsum("bpm,md->bpd", x, attn.W_Q[0]) + attn.b_Q[0]
    k = torch.einsum("bpm,md->bpd", x, attn.W_K[0]) + attn.b_K[0]
    want = q @ k.transpose(1, 2) / math.sqrt(2)
    assert torch.allclose(cache["hook_attn_scores"][:, 0], want, atol=1e-5)
    assert pytorch.HookedTransformer(
        {**cfg, "use_attn_scale": False}).blocks[0].attn.attn_scale == 1.0


def test_center_unembed_zeroes_numerical_outputs(library_exports):
    """The trap of load_and_process_state_dict's default center_unembed
    (W_U minus its mean over outputs, b_U likewise): a numerical model has
    one output column, which becomes 0. Loading with load_state_dict keeps
    the outputs."""
    model = export.load(library_exports[("frac_prevs", False)])
    cfg, state = model.to_transformer_lens()
    state["unembed.W_U"] = state["unembed.W_U"] - state["unembed.W_U"].mean(
        -1, keepdim=True)
    state["unembed.b_U"] = state["unembed.b_U"] - state["unembed.b_U"].mean()
    centred = pytorch.from_state_dict(cfg, state)
    inputs = ["( a (", "a ( ( ("]
    assert run_batch(model, centred, inputs) == [[0.0] * 3, [0.0] * 4]
    want = [[1.0, 0.5, 2 / 3], [0.0, 0.5, 2 / 3, 0.75]]
    got = run_batch(model, model.to_torch(), inputs)
    assert all(same_output(g, w, True) for g, w in zip(got, want))


def test_rejects_other_architectures():
    base = dict(n_layers=0, d_model=2, n_ctx=2, d_head=1, n_heads=1,
                d_vocab=2, d_vocab_out=1, attn_only=True)
    with pytest.raises(ValueError, match="normalization_type None"):
        pytorch.HookedTransformer({**base, "normalization_type": "LN"})
    with pytest.raises(ValueError, match="standard positional"):
        pytorch.HookedTransformer({**base, "normalization_type": None,
                                   "positional_embedding_type": "rotary"})
    net = pytorch.HookedTransformer({**base, "normalization_type": None})
    with pytest.raises(ValueError, match="3 positions, more than n_ctx 2"):
        net(torch.zeros(1, 3, dtype=torch.long))


def test_numpy_inputs_and_run(library_exports):
    """The module takes numpy ids and masks too; Model.run is one padded
    batch through it (the examples of docs/Export.md and raspc.export)."""
    model = export.load(library_exports[("reverse", False)])
    net = model.to_torch()
    ids, mask = model.encode_batch(["a b c", "d", ""])
    logits = net(ids, attention_mask=mask)
    assert logits.requires_grad  # decoding detaches
    want = [["c", "b", "a"], ["d"], []]
    assert model.decode_batch(logits, mask) == want
    assert model.decode(net(np.array(model.encode("a b c")))[0]) == want[0]
    assert model.run(["a b c", "d", ""]) == want
