"""RASP programs in Python: Tracr's `tracr.rasp.rasp` API on this compiler.

A program written against Tracr runs here when only its import changes::

    from raspc import rasp              # was: from tracr.rasp import rasp
    from raspc.rasp import rasp         # the same module, spelled as Tracr's

    opp_index = (rasp.SelectorWidth(rasp.Select(rasp.tokens, rasp.tokens,
                 rasp.Comparison.TRUE)) - rasp.indices - 1).named("opp_index")
    flip = rasp.Select(rasp.indices, opp_index, rasp.Comparison.EQ)
    reverse = rasp.Aggregate(flip, rasp.tokens).named("reverse")
    reverse(["a", "b", "c"])            # ['c', 'b', 'a']: rasp.evaluate

Expressions, annotations (`named`, `numerical`, `categorical`, `annotate`),
labels and the operator overloads behave as Tracr's. Values are Python
values: None, bool, int, float, str and tuples of them; a string that looks
like a number stays a string.

`evaluate` runs this project's reference interpreter (C++, the oracle the
compiled models are tested against), not a Python evaluator: the program is
built as for compilation, with the input's distinct values as vocabulary and
its length as max_seq_len, so a Python function is called once per value its
operands can hold (as when compiling) and must be defined on all of them.
Differences from Tracr's evaluator: a categorical Aggregate whose selected
values differ is an error (Tracr averages them, which no compiled model can
represent), and `Comparison` selects on None raise as Tracr's do.

This module imports no native code until a program is evaluated.
"""
import abc
import enum
import functools
import itertools
import sys
from typing import Any, Callable, Dict, List, Optional, Sequence, Union

__all__ = [
    "RASPExpr", "SOp", "Selector", "tokens", "indices", "length", "Map",
    "SequenceMap", "LinearSequenceMap", "Full", "ConstantSOp", "Select",
    "ConstantSelector", "SelectorWidth", "SelectorAnd", "SelectorOr",
    "SelectorNot", "selector_and", "selector_or", "selector_not", "Aggregate",
    "Comparison", "Encoding", "numerical", "categorical", "annotate",
    "get_encoding", "is_numerical", "is_categorical", "evaluate", "sop_not",
    "DEFAULT_ANNOTATORS", "Value", "NumericValue", "SelectorValue",
]

Value = Union[None, int, float, str, bool, tuple]
NumericValue = Union[int, float]
SelectorValue = List[List[bool]]

# Tracr's module is `tracr.rasp.rasp`: `from raspc.rasp import rasp` finds
# this module too.
rasp = sys.modules[__name__]

_NAME_KEY = "name"
_ENCODING_KEY = "encoding"

#: Default annotations, computed on first access: key -> function(expr).
DEFAULT_ANNOTATORS: Dict[str, Callable[["RASPExpr"], Any]] = {}


class _Annotations(dict):
    """An expression's annotations; missing keys take their default from
    DEFAULT_ANNOTATORS on first access."""

    def __init__(self, expr, values):
        super().__init__(values)
        self._expr = expr

    def __missing__(self, key):
        if key not in DEFAULT_ANNOTATORS:
            raise KeyError(f"no annotation {key!r}; known: "
                           f"{sorted(set(self) | set(DEFAULT_ANNOTATORS))}")
        value = DEFAULT_ANNOTATORS[key](self._expr)
        self[key] = value
        return value


class RASPExpr(abc.ABC):
    """A RASP expression: an SOp or a selector."""

    _ids = itertools.count(1)

    def __init__(self):
        self._annotations = _Annotations(self, {})

    def __call__(self, xs):
        """The value of the expression on the input `xs` (`evaluate`)."""
        return evaluate(self, xs)

    @property
    def annotations(self):
        return self._annotations

    @annotations.setter
    def annotations(self, annotations):
        self._annotations = _Annotations(self, annotations)

    @property
    def name(self) -> str:
        return self.annotations[_NAME_KEY]

    @property
    @abc.abstractmethod
    def children(self) -> Sequence["RASPExpr"]:
        """The expressions this one reads."""

    @functools.cached_property
    def unique_id(self) -> int:
        return next(RASPExpr._ids)

    @property
    def label(self) -> str:
        """The name with the unique id (the residual subspace's name)."""
        return f"{self.name}_{self.unique_id}"

    def named(self, name: str) -> "RASPExpr":
        return annotate(self, name=name)

    def annotated(self, **annotations) -> "RASPExpr":
        return annotate(self, **annotations)

    def copy(self) -> "RASPExpr":
        """A shallow copy with its own id and annotations."""
        other = object.__new__(type(self))
        other.__dict__.update(self.__dict__)
        other.__dict__.pop("unique_id", None)
        other._annotations = _Annotations(other, dict(self._annotations))
        return other


def annotate(expr, **annotations):
    """Adds annotations to `expr` (later ones replace earlier ones) and
    returns it."""
    expr.annotations = {**expr.annotations, **annotations}
    return expr


### SOps.


class SOp(RASPExpr):
    """A sequence operation: one value per input position.

    Comparisons and arithmetic with a constant are Maps, with another SOp
    SequenceMaps, as in Tracr (`x == 1` is an SOp, not a bool; SOps are not
    hashable).
    """

    __hash__ = None

    def __lt__(self, other):
        return Map(lambda x: x < other, self)

    def __le__(self, other):
        return Map(lambda x: x <= other, self)

    def __eq__(self, other):
        return Map(lambda x: x == other, self)

    def __ne__(self, other):
        return Map(lambda x: x != other, self)

    def __gt__(self, other):
        return Map(lambda x: x > other, self)

    def __ge__(self, other):
        return Map(lambda x: x >= other, self)

    def __add__(self, other):
        if isinstance(other, SOp):
            return SequenceMap(lambda x, y: x + y, self, other)
        return Map(lambda x: x + other, self)

    def __radd__(self, other):
        if isinstance(other, SOp):
            return SequenceMap(lambda x, y: x + y, other, self)
        return Map(lambda x: other + x, self)

    def __sub__(self, other):
        if isinstance(other, SOp):
            return SequenceMap(lambda x, y: x - y, self, other)
        return Map(lambda x: x - other, self)

    def __rsub__(self, other):
        if isinstance(other, SOp):
            return SequenceMap(lambda x, y: x - y, other, self)
        return Map(lambda x: other - x, self)

    def __mul__(self, other):
        if isinstance(other, SOp):
            return SequenceMap(lambda x, y: x * y, self, other)
        return Map(lambda x: x * other, self)

    def __rmul__(self, other):
        if isinstance(other, SOp):
            return SequenceMap(lambda x, y: x * y, other, self)
        return Map(lambda x: other * x, self)

    def __truediv__(self, other):
        if isinstance(other, SOp):
            return SequenceMap(lambda x, y: x / y, self, other)
        return Map(lambda x: x / other, self)

    def __rtruediv__(self, other):
        if isinstance(other, SOp):
            return SequenceMap(lambda x, y: x / y, other, self)
        return Map(lambda x: other / x, self)

    def __invert__(self):
        return Map(lambda x: not x, self)

    def __and__(self, other):
        if isinstance(other, SOp):
            return SequenceMap(lambda x, y: x and y, self, other)
        return Map(lambda x: x and other, self)

    def __or__(self, other):
        if isinstance(other, SOp):
            return SequenceMap(lambda x, y: x or y, self, other)
        return Map(lambda x: x or other, self)

    def __rand__(self, other):
        if isinstance(other, SOp):
            return SequenceMap(lambda x, y: x and y, other, self)
        return Map(lambda x: other and x, self)

    def __ror__(self, other):
        if isinstance(other, SOp):
            return SequenceMap(lambda x, y: x or y, other, self)
        return Map(lambda x: x or other, self)


class _Primitive(SOp):
    """tokens, indices and length: one instance each, labelled by name."""

    _label = ""

    @property
    def children(self):
        return []

    @property
    def label(self) -> str:
        return self._label

    def __repr__(self):
        return self._label


class TokensType(_Primitive):
    """The input tokens."""
    _label = "tokens"


class IndicesType(_Primitive):
    """The positions 0 .. n-1."""
    _label = "indices"


class LengthType(_Primitive):
    """The input length n at every position (compiled as the width of a
    select-all selector, as Tracr's lib.make_length)."""
    _label = "length"


tokens = TokensType()
indices = IndicesType()
length = LengthType()


def _check_function(f):
    if not callable(f) or isinstance(f, RASPExpr):
        raise TypeError(f"expected a function, got {f!r}")


def _check_sop(x, what):
    if not isinstance(x, SOp):
        raise TypeError(f"{what} must be an SOp, got {x!r}")


class Map(SOp):
    """`f` applied at every position of `inner`; a Map of a Map is one Map
    of the composed functions unless `simplify` is false."""

    def __init__(self, f: Callable[[Value], Value], inner: SOp,
                 simplify: bool = True):
        super().__init__()
        _check_function(f)
        _check_sop(inner, "the input of a Map")
        self.f = f
        self.inner = inner
        if simplify and isinstance(inner, Map):
            first = inner.f
            self.f = lambda x: f(first(x))
            self.inner = inner.inner

    @property
    def children(self):
        return [self.inner]


class SequenceMap(SOp):
    """`f(x, y)` at every position of the SOps `fst` and `snd`."""

    def __init__(self, f: Callable[[Value, Value], Value], fst: SOp,
                 snd: SOp):
        super().__init__()
        _check_function(f)
        _check_sop(fst, "the first input of a SequenceMap")
        _check_sop(snd, "the second input of a SequenceMap")
        self.f = f
        self.fst = fst
        self.snd = snd

    @property
    def children(self):
        return [self.fst, self.snd]


class LinearSequenceMap(SequenceMap):
    """`fst_fac * x + snd_fac * y` at every position."""

    def __init__(self, fst: SOp, snd: SOp, fst_fac: float, snd_fac: float):
        super().__init__(lambda x, y: fst_fac * x + snd_fac * y, fst, snd)
        self.fst_fac = fst_fac
        self.snd_fac = snd_fac


class Full(SOp):
    """`fill` at every position."""

    def __init__(self, fill: Value):
        super().__init__()
        self.fill = fill

    @property
    def children(self):
        return []


class ConstantSOp(SOp):
    """A given sequence of values (for tests): evaluated, never compiled."""

    def __init__(self, value: Sequence[Value], check_length: bool = True):
        super().__init__()
        self.value = value
        self.check_length = check_length

    @property
    def children(self):
        return []


def sop_not(sop: SOp) -> SOp:
    return Map(lambda x: not x, sop)


### Selectors.


class Comparison(enum.Enum):
    """The built-in select predicates, applied as `predicate(key, query)`."""
    EQ = "=="
    LT = "<"
    LEQ = "<="
    GT = ">"
    GEQ = ">="
    NEQ = "!="
    TRUE = "True"
    FALSE = "False"

    def __call__(self, key: Value, query: Value) -> bool:
        if key is None:
            raise ValueError("key is None!")
        if query is None:
            raise ValueError("query is None!")
        return _COMPARISONS[self](key, query)


_COMPARISONS = {
    Comparison.EQ: lambda k, q: k == q,
    Comparison.LT: lambda k, q: k < q,
    Comparison.LEQ: lambda k, q: k <= q,
    Comparison.GT: lambda k, q: k > q,
    Comparison.GEQ: lambda k, q: k >= q,
    Comparison.NEQ: lambda k, q: k != q,
    Comparison.TRUE: lambda k, q: True,
    Comparison.FALSE: lambda k, q: False,
}


class Selector(RASPExpr):
    """A selection matrix: entry [q][k] says whether query position q
    attends to key position k. `&`, `|` and `~` combine selectors."""

    def __and__(self, other):
        return selector_and(self, other)

    def __rand__(self, other):
        return selector_and(other, self)

    def __or__(self, other):
        return selector_or(self, other)

    def __ror__(self, other):
        return selector_or(other, self)

    def __invert__(self):
        return selector_not(self)


class Select(Selector):
    """Entry [q][k] is `predicate(keys[k], queries[q])`: a Comparison or any
    function of (key, query)."""

    def __init__(self, keys: SOp, queries: SOp, predicate):
        super().__init__()
        _check_sop(keys, "the keys of a Select")
        _check_sop(queries, "the queries of a Select")
        if not callable(predicate):
            raise TypeError(f"expected a predicate, got {predicate!r}")
        self.keys = keys
        self.queries = queries
        self.predicate = predicate

    @property
    def children(self):
        return [self.keys, self.queries]


class ConstantSelector(Selector):
    """A given selection matrix (for tests): evaluated, never compiled."""

    def __init__(self, value: SelectorValue, check_length: bool = True):
        super().__init__()
        self.value = value
        self.check_length = check_length

    @property
    def children(self):
        return []


class SelectorWidth(SOp):
    """How many keys each query position selects."""

    def __init__(self, selector: Selector):
        super().__init__()
        if not isinstance(selector, Selector):
            raise TypeError(f"SelectorWidth needs a selector, got {selector!r}")
        self.selector = selector

    @property
    def children(self):
        return [self.selector]


class _SelectorPair(Selector):

    def __init__(self, fst: Selector, snd: Selector):
        super().__init__()
        for s in (fst, snd):
            if not isinstance(s, Selector):
                raise TypeError(f"expected a selector, got {s!r}")
        self.fst = fst
        self.snd = snd

    @property
    def children(self):
        return [self.fst, self.snd]


class SelectorAnd(_SelectorPair):
    """Elementwise `and` of two selectors."""


class SelectorOr(_SelectorPair):
    """Elementwise `or` of two selectors."""


class SelectorNot(Selector):
    """Elementwise `not` of a selector."""

    def __init__(self, inner: Selector):
        super().__init__()
        if not isinstance(inner, Selector):
            raise TypeError(f"expected a selector, got {inner!r}")
        self.inner = inner

    @property
    def children(self):
        return [self.inner]


def selector_not(inner: Selector, simplify: bool = True) -> Selector:
    """`not inner`: a Select with the negated predicate when `inner` is a
    Select (and `simplify`), else a SelectorNot."""
    if simplify and isinstance(inner, Select):
        predicate = inner.predicate
        return Select(inner.keys, inner.queries,
                      lambda k, q: not predicate(k, q))
    return SelectorNot(inner)


def selector_and(fst: Selector, snd: Selector,
                 simplify: bool = True) -> Selector:
    """`fst and snd`: one Select when both read the same SOps (or Fulls)."""
    if simplify and isinstance(fst, Select) and isinstance(snd, Select):
        merged = _merge_selects(fst, snd, lambda a, b: a and b)
        if merged is not None:
            return merged
    return SelectorAnd(fst, snd)


def selector_or(fst: Selector, snd: Selector,
                simplify: bool = True) -> Selector:
    """`fst or snd`: one Select when both read the same SOps (or Fulls)."""
    if simplify and isinstance(fst, Select) and isinstance(snd, Select):
        merged = _merge_selects(fst, snd, lambda a, b: a or b)
        if merged is not None:
            return merged
    return SelectorOr(fst, snd)


def _merge_selects(fst: Select, snd: Select, combine) -> Optional[Select]:
    """One Select computing `combine(fst, snd)` if the two read the same
    keys and queries; a Full on one side matches any SOp on the other (its
    fill is bound into the predicate)."""
    p, q = fst.predicate, snd.predicate
    keys = queries = None
    if isinstance(fst.keys, Full):
        keys = snd.keys
        p = (lambda k, v, p=p, fill=fst.keys.fill: p(fill, v))
    if isinstance(snd.keys, Full):
        keys = fst.keys
        q = (lambda k, v, q=q, fill=snd.keys.fill: q(fill, v))
    if isinstance(fst.queries, Full):
        queries = snd.queries
        p = (lambda k, v, p=p, fill=fst.queries.fill: p(k, fill))
    if isinstance(snd.queries, Full):
        queries = fst.queries
        q = (lambda k, v, q=q, fill=snd.queries.fill: q(k, fill))
    if fst.keys is snd.keys:
        keys = fst.keys
    if fst.queries is snd.queries:
        queries = fst.queries
    if keys is None or queries is None:
        return None
    return Select(keys, queries, lambda k, v: combine(p(k, v), q(k, v)))


class Aggregate(SOp):
    """At each query position: the mean of the selected values (numerical),
    or the selected value (categorical, where all must be equal); `default`
    where nothing is selected."""

    def __init__(self, selector: Selector, sop: SOp,
                 default: Optional[Value] = None):
        super().__init__()
        if not isinstance(selector, Selector):
            raise TypeError(f"Aggregate needs a selector, got {selector!r}")
        _check_sop(sop, "the input of an Aggregate")
        if default is not None and not isinstance(default,
                                                  (str, float, bool, int)):
            raise TypeError(f"the default {default!r} is not a str, float, "
                            "bool or int")
        self.selector = selector
        self.sop = sop
        self.default = default

    @property
    def children(self):
        return [self.selector, self.sop]


### Encodings.


class Encoding(enum.Enum):
    """How an SOp is embedded: one direction per value (categorical), or
    one direction holding the value (numerical; numbers only)."""
    CATEGORICAL = "categorical"
    NUMERICAL = "numerical"


def numerical(sop):
    return annotate(sop, encoding=Encoding.NUMERICAL)


def categorical(sop):
    return annotate(sop, encoding=Encoding.CATEGORICAL)


def get_encoding(sop) -> Encoding:
    return sop.annotations[_ENCODING_KEY]


def is_numerical(sop) -> bool:
    return get_encoding(sop) == Encoding.NUMERICAL


def is_categorical(sop) -> bool:
    return get_encoding(sop) == Encoding.CATEGORICAL


def default_encoding(expr) -> Encoding:
    if not isinstance(expr, SOp):
        raise TypeError(f"{expr!r} is not an SOp: it has no encoding")
    return Encoding.CATEGORICAL


DEFAULT_ANNOTATORS[_ENCODING_KEY] = default_encoding

### Names.

# Subclasses before their bases: the first match names the expression.
_DEFAULT_NAMES = [
    (TokensType, "tokens"), (IndicesType, "indices"), (LengthType, "length"),
    (LinearSequenceMap, "linear_sequence_map"),
    (SequenceMap, "sequence_map"), (Map, "map"), (Full, "full"),
    (ConstantSOp, "constant_sop"), (SelectorWidth, "selector_width"),
    (Aggregate, "aggregate"), (SOp, "sop"), (Select, "select"),
    (SelectorAnd, "selector_and"), (SelectorOr, "selector_or"),
    (SelectorNot, "selector_not"), (ConstantSelector, "constant_selector"),
    (Selector, "selector"),
]


def default_name(expr) -> str:
    for cls, name in _DEFAULT_NAMES:
        if isinstance(expr, cls):
            return name
    raise NotImplementedError(f"{expr!r} has no default name")


DEFAULT_ANNOTATORS[_NAME_KEY] = default_name

### Evaluation.


def evaluate(expr: RASPExpr, xs: Sequence[Value]):
    """The value of `expr` on the input `xs`: a list of values for an SOp,
    a list of rows [query][key] of bools for a selector. Runs the
    compiler's reference interpreter (see the module's documentation)."""
    from .compiler import frontend

    return frontend.evaluate(expr, xs)
