"""Tracr's library programs written in Python against raspc.rasp (the
import is the only change from Tracr): `evaluate` (the interpreter) and the
compiled model (`compile_rasp_to_model`, the JIT) give Tracr's recorded
outputs, plain and causal; the Python versions of examples/*.rasp give what
`rasp-run` gives for the .rasp versions, interpreted and compiled.

The default tier evaluates every library program and compiles a few; the
long tier compiles every program both ways."""
import json
import math

import pytest

from conftest import library_expected, library_inputs, rasp_run
from raspc import rasp
from raspc.compiler import compiling
from tracr_programs import EXAMPLES, LIBRARY

QUICK = [("reverse", False), ("frac_prevs", True), ("sort", False),
         ("nary_sequencemap_1", False), ("shift_by_1", True),
         ("count_less_freq_numerical", False)]
ALL = [(name, causal) for name in LIBRARY for causal in (False, True)]


def case_id(case):
    return f"{case[0]}{'-causal' if case[1] else ''}"


def matches(got, want, numerical, rtol=1e-5, atol=1e-6):
    """Outputs equal as the lit tests compare them: None only for None;
    categorical values of the same type; numerical ones as numbers (a bool
    counts as 0 or 1: Tracr's mean of one bool is the bool) within the
    tolerances."""
    if len(got) != len(want):
        return False
    for g, w in zip(got, want):
        if g is None or w is None:
            if g is not w:
                return False
        elif numerical:
            if not isinstance(g, (int, float)) or not math.isclose(
                    float(g), float(w), rel_tol=rtol, abs_tol=atol):
                return False
        elif type(g) is not type(w) or g != w:
            return False
    return True


def recorded(name, causal):
    """(inputs, expected outputs) of a library program, the empty input
    dropped."""
    case = LIBRARY[name]
    inputs = [case.parse(line) for line in library_inputs(name, causal)]
    pairs = [(i, o) for i, o in zip(inputs, library_expected(name, causal))
             if i]
    return [i for i, _ in pairs], [o for _, o in pairs]


@pytest.mark.parametrize("name", sorted(LIBRARY))
def test_evaluate_gives_tracrs_outputs(name):
    program = LIBRARY[name].make()
    numerical = rasp.is_numerical(program)
    inputs, expected = recorded(name, False)
    for tokens, want in zip(inputs, expected):
        got = rasp.evaluate(program, tokens)
        assert matches(got, want, numerical), (tokens, got, want)
        # Calling the expression is evaluate.
        assert program(tokens) == got


def check_compiled(name, causal):
    case = LIBRARY[name]
    program = case.make()
    model = compiling.compile_rasp_to_model(
        program, vocab=set(case.vocab), max_seq_len=case.max_seq_len,
        causal=causal, compiler_bos="BOS")
    inputs, expected = recorded(name, causal)
    numerical = rasp.is_numerical(program)
    # One padded batch through the JIT.
    for tokens, got, want in zip(inputs, model.run(inputs), expected):
        assert matches(got, want, numerical, 1e-4), (tokens, got, want)
    # Tracr's apply on the first input, BOS first.
    out = model.apply(["BOS"] + inputs[0])
    assert out.decoded[0] == "BOS"
    assert matches(out.decoded[1:], expected[0], numerical, 1e-4)


@pytest.mark.parametrize("case", QUICK, ids=case_id)
def test_compiled_gives_tracrs_outputs(case):
    check_compiled(*case)


@pytest.mark.long
@pytest.mark.parametrize("case", ALL, ids=case_id)
def test_every_program_compiled_gives_tracrs_outputs(case):
    check_compiled(*case)


def test_nary_sequencemap_tuples():
    """make_nary_sequencemap packs arguments into tuple values."""
    from raspc.compiler import lib

    packed = rasp.SequenceMap(lambda x, y: (x, y), rasp.tokens, rasp.indices)
    assert packed(["a", "b"]) == [("a", 0), ("b", 1)]
    triple = lib.make_nary_sequencemap(lambda x, y, z: f"{x}{y}{z}",
                                       rasp.tokens, rasp.indices, rasp.tokens)
    assert triple(["a", "b"]) == ["a0a", "b1b"]


def example_outputs(example, interpret):
    args = example.rasp_run_args() + (["--interpret"] if interpret else [])
    args += ["--input=" + " ".join(map(str, tokens))
             for tokens in example.inputs]
    return [json.loads(line) for line in rasp_run(*args).splitlines()]


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_examples_as_rasp_files(name):
    example = EXAMPLES[name]
    program = example.make()
    numerical = rasp.is_numerical(program)
    interpreted = example_outputs(example, interpret=True)
    for tokens, want in zip(example.inputs, interpreted):
        assert matches(rasp.evaluate(program, tokens), want, numerical)
    model = compiling.compile_rasp_to_model(
        program, example.vocab, example.max_seq_len, compiler_bos="BOS")
    compiled = example_outputs(example, interpret=False)
    for got, want in zip(model.run(example.inputs), compiled):
        assert matches(got, want, numerical, 1e-4)
    assert model.interpret(example.inputs) == interpreted


def test_functions_are_tabulated_on_inferred_value_sets():
    """Each function is called once per value its operands can hold (the
    compiler's basis inference, in dependency order), not per input."""
    calls = {"first": [], "second": [], "pair": [], "select": []}

    def recorded(name, f):
        def g(*args):
            calls[name].append(args)
            return f(*args)
        return g

    first = rasp.Map(recorded("first", lambda x: x % 2), rasp.tokens)
    # simplify=False keeps two Maps: the second sees the first's values.
    second = rasp.Map(recorded("second", lambda x: x * 10), first,
                      simplify=False)
    pair = rasp.SequenceMap(recorded("pair", lambda x, i: x + i), second,
                            rasp.indices)
    select = rasp.Select(pair, pair, recorded("select", lambda k, q: k < q))
    program = rasp.SelectorWidth(select)
    model = compiling.compile_rasp_to_model(program, {1, 2, 3, 4}, 3)
    assert sorted(calls["first"]) == [(1,), (2,), (3,), (4,)]
    assert sorted(calls["second"]) == [(0,), (1,)]
    assert sorted(calls["pair"]) == [(x, i) for x in (0, 10)
                                     for i in range(3)]
    values = sorted({x + i for x in (0, 10) for i in range(3)})
    assert sorted(calls["select"]) == [(k, q) for k in values
                                       for q in values]
    # pair is [10, 1, 2]: how many keys are below each query.
    assert model.run([[1, 2, 4]]) == [program([1, 2, 4])] == [[2, 0, 1]]
