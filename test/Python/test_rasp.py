"""raspc.rasp as a drop-in for tracr.rasp.rasp: the expression classes,
annotations, names and labels, the operator overloads with Tracr's
semantics, selector combinators, and `evaluate` (the compiler's reference
interpreter) on Python values: str, int, float, bool, None and tuples."""
import pytest

from raspc import rasp
from raspc.errors import CompileError, FunctionError

tokens, indices = rasp.tokens, rasp.indices


def test_module_spelled_as_tracrs():
    from raspc.rasp import rasp as spelled

    assert spelled is rasp
    for name in ["tokens", "indices", "length", "Map", "SequenceMap",
                 "LinearSequenceMap", "Full", "ConstantSOp", "Select",
                 "Comparison", "ConstantSelector", "Aggregate",
                 "SelectorWidth", "SelectorAnd", "SelectorOr", "SelectorNot",
                 "selector_and", "selector_or", "selector_not", "numerical",
                 "categorical", "annotate", "get_encoding", "is_numerical",
                 "is_categorical", "evaluate", "RASPExpr", "SOp", "Selector",
                 "Encoding", "DEFAULT_ANNOTATORS"]:
        assert hasattr(rasp, name), name


def test_names_labels_and_annotations():
    m = rasp.Map(lambda x: x, tokens)
    assert m.name == "map"
    assert m.label == f"map_{m.unique_id}"
    assert m.unique_id == m.unique_id
    assert rasp.Map(lambda x: x, tokens).unique_id != m.unique_id
    assert m.named("ident") is m and m.label == f"ident_{m.unique_id}"
    assert tokens.label == "tokens" and indices.label == "indices"
    assert rasp.length.label == "length"
    assert rasp.get_encoding(m) is rasp.Encoding.CATEGORICAL
    assert rasp.is_categorical(m) and not rasp.is_numerical(m)
    assert rasp.numerical(m) is m and rasp.is_numerical(m)
    assert rasp.categorical(m) is m and rasp.is_categorical(m)
    assert rasp.annotate(m, note=1).annotations["note"] == 1
    assert m.annotated(other=2).annotations["other"] == 2
    assert m.name == "ident"  # later annotations keep earlier ones
    with pytest.raises(KeyError):
        m.annotations["missing"]
    select = rasp.Select(tokens, tokens, rasp.Comparison.EQ)
    assert select.name == "select"
    with pytest.raises(TypeError):
        rasp.get_encoding(select)  # selectors have no encoding
    # SOps are not hashable (== builds a Map): a list of pairs.
    defaults = [(rasp.Full(1), "full"), (rasp.ConstantSOp([1]), "constant_sop"),
                (rasp.SequenceMap(lambda x, y: x, tokens, indices),
                 "sequence_map"),
                (rasp.LinearSequenceMap(tokens, indices, 1, 1),
                 "linear_sequence_map"),
                (rasp.SelectorWidth(select), "selector_width"),
                (rasp.Aggregate(select, tokens), "aggregate"),
                (rasp.SelectorAnd(select, select), "selector_and"),
                (rasp.SelectorOr(select, select), "selector_or"),
                (rasp.SelectorNot(select), "selector_not"),
                (rasp.ConstantSelector([[True]]), "constant_selector")]
    for expr, name in defaults:
        assert expr.name == name


def test_children():
    select = rasp.Select(tokens, indices, rasp.Comparison.EQ)
    aggregate = rasp.Aggregate(select, tokens)
    assert select.children == [tokens, indices]
    assert aggregate.children == [select, tokens]
    assert rasp.SelectorWidth(select).children == [select]
    assert tokens.children == []


@pytest.mark.parametrize("make, xs, want", [
    (lambda: tokens + 1, [1, 2, 3], [2, 3, 4]),
    (lambda: 1 + tokens, [1, 2, 3], [2, 3, 4]),
    (lambda: tokens - 1, [1, 2, 3], [0, 1, 2]),
    (lambda: 10 - tokens, [1, 2, 3], [9, 8, 7]),
    (lambda: tokens * 2, [1, 2, 3], [2, 4, 6]),
    (lambda: 2 * tokens, [1, 2, 3], [2, 4, 6]),
    (lambda: tokens / 2, [1, 2, 3], [0.5, 1.0, 1.5]),
    (lambda: 6 / tokens, [1, 2, 3], [6.0, 3.0, 2.0]),
    (lambda: tokens + indices, [1, 2, 3], [1, 3, 5]),
    (lambda: tokens - indices, [1, 2, 3], [1, 1, 1]),
    (lambda: tokens * indices, [1, 2, 3], [0, 2, 6]),
    (lambda: indices / tokens, [1, 2, 4], [0.0, 0.5, 0.5]),
    (lambda: tokens == 2, [1, 2, 3], [False, True, False]),
    (lambda: tokens != 2, [1, 2, 3], [True, False, True]),
    (lambda: tokens < 2, [1, 2, 3], [True, False, False]),
    (lambda: tokens <= 2, [1, 2, 3], [True, True, False]),
    (lambda: tokens > 2, [1, 2, 3], [False, False, True]),
    (lambda: tokens >= 2, [1, 2, 3], [False, True, True]),
    (lambda: ~(tokens == 2), [1, 2, 3], [True, False, True]),
    (lambda: (tokens > 1) & (tokens < 3), [1, 2, 3], [False, True, False]),
    (lambda: (tokens < 2) | (tokens > 2), [1, 2, 3], [True, False, True]),
    # `and` / `or` with constants keep Python's operand values.
    (lambda: tokens & 5, [0, 2], [0, 5]),
    (lambda: tokens | 5, [0, 2], [5, 2]),
    (lambda: 7 & tokens, [0, 2], [0, 2]),
    (lambda: 7 | tokens, [0, 2], [7, 2]),  # Tracr's __ror__: x or other
    # Strings: a number-like token stays a string.
    (lambda: tokens + "x", ["1", "2"], ["1x", "2x"]),
    (lambda: tokens == "1", ["1", "2"], [True, False]),
    (lambda: tokens, ["1", 2, "3"], ["1", 2, "3"]),
    (lambda: rasp.Map(int, tokens), ["1", "20"], [1, 20]),
    (lambda: rasp.Map(str, tokens), [1, 20], ["1", "20"]),
    # Floats, bools, None results, tuples.
    (lambda: tokens + 1, [1.5, 2], [2.5, 3]),
    (lambda: ~tokens, [True, False], [False, True]),
    (lambda: rasp.Map(lambda x: None if x == 1 else x, tokens), [1, 2],
     [None, 2]),
    (lambda: rasp.Map(lambda x: (x, str(x)), tokens), [1, 2],
     [(1, "1"), (2, "2")]),
    (lambda: rasp.Map(lambda t: t[0] * t[1], tokens), [(2, 3), (1, "a")],
     [6, "a"]),
    (lambda: rasp.SequenceMap(lambda x, i: (x, i), tokens, indices),
     ["a", "b"], [("a", 0), ("b", 1)]),
    (lambda: rasp.Full(3), [1, 2], [3, 3]),
    (lambda: rasp.Full("x") + tokens, ["a", "b"], ["xa", "xb"]),
    (lambda: rasp.ConstantSOp([4, 5]), [1, 2], [4, 5]),
    (lambda: rasp.ConstantSOp([4, 5]) + tokens, [1, 2], [5, 7]),
    (lambda: rasp.length, ["a", "b", "c"], [3, 3, 3]),
    (lambda: rasp.length - indices, ["a", "b", "c"], [3, 2, 1]),
    (lambda: indices, ["a", "b", "c"], [0, 1, 2]),
    (lambda: rasp.LinearSequenceMap(tokens, indices, 2, 3), [1, 2, 3],
     [2, 7, 12]),
    (lambda: rasp.Map(lambda x: x + 1, tokens, simplify=False), [1], [2]),
], ids=lambda v: None if callable(v) else repr(v))
def test_operators_and_maps(make, xs, want):
    got = rasp.evaluate(make(), xs)
    assert got == want
    assert [type(v) for v in got] == [type(v) for v in want]


def test_map_of_map_is_one_map():
    inner = rasp.Map(lambda x: x + 1, tokens)
    outer = rasp.Map(lambda x: x * 10, inner)
    assert outer.inner is tokens and outer([1, 2]) == [20, 30]
    kept = rasp.Map(lambda x: x * 10, inner, simplify=False)
    assert kept.inner is inner and kept([1, 2]) == [20, 30]


def test_numerical_sops():
    bools = rasp.numerical(rasp.Map(lambda x: x == "(", tokens))
    prevs = rasp.Select(indices, indices, rasp.Comparison.LEQ)
    frac = rasp.numerical(rasp.Aggregate(prevs, bools, default=0))
    assert frac(["(", "a", "(", ")"]) == [True, 0.5, 2 / 3, 0.5]
    both = rasp.numerical(rasp.LinearSequenceMap(frac, frac, 1, -1))
    assert both(["(", "a"]) == [0.0, 0.0]


@pytest.mark.parametrize("comparison, want", [
    (rasp.Comparison.EQ, [[True, False], [False, True]]),
    (rasp.Comparison.NEQ, [[False, True], [True, False]]),
    (rasp.Comparison.LT, [[False, False], [True, False]]),
    (rasp.Comparison.LEQ, [[True, False], [True, True]]),
    (rasp.Comparison.GT, [[False, True], [False, False]]),
    (rasp.Comparison.GEQ, [[True, True], [False, True]]),
    (rasp.Comparison.TRUE, [[True, True], [True, True]]),
    (rasp.Comparison.FALSE, [[False, False], [False, False]]),
])
def test_select_comparisons(comparison, want):
    # Entry [q][k] is comparison(key=tokens[k], query=tokens[q]).
    assert rasp.Select(tokens, tokens, comparison)([1, 2]) == want
    assert comparison(1, 2) == want[1][0]


def test_comparison_on_none_raises_as_tracrs():
    with pytest.raises(ValueError, match="key is None"):
        rasp.Comparison.EQ(None, 1)
    with pytest.raises(ValueError, match="query is None"):
        rasp.Comparison.LT(1, None)


def test_selectors():
    lt = rasp.Select(tokens, tokens, rasp.Comparison.LT)
    gt = rasp.Select(tokens, tokens, rasp.Comparison.GT)
    xs = [1, 2, 3]
    either = [[a or b for a, b in zip(r, s)] for r, s in zip(lt(xs), gt(xs))]
    # Selects on the same SOps merge into one Select, as in Tracr.
    merged = lt | gt
    assert isinstance(merged, rasp.Select) and merged(xs) == either
    assert isinstance(lt & gt, rasp.Select)
    assert (lt & gt)(xs) == [[False] * 3] * 3
    assert isinstance(~lt, rasp.Select)
    assert (~lt)(xs) == [[not v for v in row] for row in lt(xs)]
    assert rasp.SelectorOr(lt, gt)(xs) == either
    assert rasp.SelectorAnd(lt, gt)(xs) == [[False] * 3] * 3
    assert rasp.SelectorNot(lt)(xs) == (~lt)(xs)
    # Different SOps: combinators stay combinators.
    other = rasp.Select(indices, indices, rasp.Comparison.EQ)
    assert isinstance(lt & other, rasp.SelectorAnd)
    assert isinstance(rasp.selector_or(lt, other), rasp.SelectorOr)
    assert isinstance(rasp.selector_not(lt, simplify=False),
                      rasp.SelectorNot)
    assert (lt & other)(xs) == [[False] * 3] * 3
    # A Full on one side merges with any SOp.
    full = rasp.Select(rasp.Full(2), tokens, rasp.Comparison.EQ)
    assert isinstance(full & lt, rasp.Select)
    assert (full & lt)(xs) == rasp.SelectorAnd(full, lt)(xs)
    custom = rasp.Select(tokens, indices, lambda k, q: k == q + 1)
    assert custom(xs) == [[True, False, False], [False, True, False],
                          [False, False, True]]
    assert rasp.ConstantSelector([[True, False], [True, True]])([5, 6]) == [
        [True, False], [True, True]]
    assert rasp.SelectorWidth(lt)(xs) == [0, 1, 2]


def test_aggregate():
    flip = rasp.Select(indices, rasp.length - indices - 1, rasp.Comparison.EQ)
    assert rasp.Aggregate(flip, tokens)(["x", "y", "z"]) == ["z", "y", "x"]
    nothing = rasp.Select(indices, indices, rasp.Comparison.FALSE)
    assert rasp.Aggregate(nothing, tokens)(["x"]) == [None]
    assert rasp.Aggregate(nothing, tokens, default="d")(["x"]) == ["d"]
    shifted = rasp.Aggregate(rasp.Select(indices, indices,
                                         lambda k, q: q == k + 1), tokens)
    assert shifted([(1, 2), (3, 4)]) == [None, (1, 2)]


def test_evaluate_of_empty_input():
    assert rasp.evaluate(tokens + 1, []) == []


def test_evaluate_errors():
    # Tracr averages differing categorical values; no model can.
    everything = rasp.Select(tokens, tokens, rasp.Comparison.TRUE)
    with pytest.raises(CompileError, match="selects differing values"):
        rasp.Aggregate(everything, tokens)(["a", "b"])
    with pytest.raises(FunctionError) as info:
        rasp.Map(lambda x: 1 / x, tokens).named("inverse")([0, 2])
    assert info.value.label.startswith("inverse_")
    assert info.value.arguments == (0,)
    assert isinstance(info.value.__cause__, ZeroDivisionError)
    with pytest.raises(ValueError, match="must not be None"):
        tokens([None])
    with pytest.raises(ValueError, match="Constant len"):
        rasp.ConstantSOp([1, 2, 3])(["a"])
