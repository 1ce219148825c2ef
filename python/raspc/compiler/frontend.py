"""From raspc.rasp expressions to the compiler's `rasp.program`.

The expressions are visited in dependency order and written op by op
through the native module (`raspc._raspc.ProgramBuilder`, the C++ side is
lib/Bindings/Python). A Python function (a Map's or SequenceMap's `f`, a
Select's predicate that is not a Comparison) is called once per value, or
pair of values, of the value sets the compiler infers for its operands (its
own basis inference, over the ops written so far) and written as the table
form of its op: a body holding one `rasp.table` (docs/Python.md). Functions
whose operands' sets are known are tabulated together, so basis inference
runs once per level of functions, not once per function.

A function that raises, or returns something that is not a RASP value, is a
`FunctionError` naming the expression's label and the arguments.
"""
import itertools
import math
import re

from .. import rasp
from ..errors import CompileError, FunctionError, UnsupportedError

__all__ = ["build", "evaluate", "canonical_vocab", "check_value"]

#: The most argument combinations one function is tabulated on.
MAX_TABLE_ENTRIES = 1 << 22

_COMPARISON_NAMES = {c: c.name for c in rasp.Comparison}


def _native():
    from .. import _raspc

    return _raspc


### Values.


def check_value(value):
    """`value` as a RASP value: None, bool, int (64-bit), float, str or a
    tuple of them; numpy scalars become Python ones. TypeError otherwise
    (lists, dicts, sets and other unhashable or foreign values)."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        return str(value)
    if isinstance(value, int):
        if not -(1 << 63) <= value < (1 << 63):
            raise TypeError(f"the int {value} does not fit in 64 bits")
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, tuple):
        return tuple(check_value(item) for item in value)
    if type(value).__module__ == "numpy" and hasattr(value, "item"):
        return check_value(value.item())
    try:
        hash(value)
        kind = "not a RASP value"
    except TypeError:
        kind = "unhashable, not a RASP value"
    raise TypeError(f"{value!r} of type '{type(value).__name__}' is {kind} "
                    "(None, bool, int, float, str or a tuple of them)")


def _order_key(value):
    """The compiler's value-set order: None, numbers, strings, tuples."""
    if value is None:
        return (0, 0)
    if isinstance(value, (bool, int, float)):
        return (1, -math.inf if value != value else value)
    if isinstance(value, str):
        return (2, value)
    return (3, tuple(_order_key(item) for item in value))


def canonical_vocab(vocab):
    """The distinct values of `vocab` (Python equality) in the compiler's
    order: the order of token ids."""
    seen = {}
    for item in vocab:
        item = check_value(item)
        if item is None:
            raise ValueError("the vocabulary must not contain None")
        seen.setdefault(item, item)
    return sorted(seen.values(), key=_order_key)


### The expression graph.


def _graph(output):
    """The expressions `output` depends on, children before parents."""
    order, state = [], {}
    stack = [(output, False)]
    while stack:
        expr, done = stack.pop()
        if not isinstance(expr, rasp.RASPExpr):
            raise UnsupportedError(f"{expr!r} is not a RASP expression")
        key = id(expr)
        if done:
            if state.get(key) != "done":
                state[key] = "done"
                order.append(expr)
            continue
        if key in state:
            continue
        state[key] = "open"
        stack.append((expr, True))
        for child in reversed(list(expr.children)):
            if id(child) not in state:
                stack.append((child, False))
    return order


def _encoding(expr):
    return rasp.get_encoding(expr).value


def _is_table(expr):
    """Whether writing `expr` calls a Python function on value sets."""
    if isinstance(expr, rasp.LinearSequenceMap):
        return not (rasp.is_numerical(expr) and rasp.is_numerical(expr.fst)
                    and rasp.is_numerical(expr.snd))
    if isinstance(expr, (rasp.Map, rasp.SequenceMap)):
        return True
    return isinstance(expr, rasp.Select) and not isinstance(
        expr.predicate, rasp.Comparison)


def _table_inputs(expr):
    if isinstance(expr, rasp.Map):
        return [expr.inner]
    if isinstance(expr, rasp.SequenceMap):
        return [expr.fst, expr.snd]
    return [expr.keys, expr.queries]


class _Writer:
    """Writes a graph of expressions through a native ProgramBuilder."""

    def __init__(self, builder, length=None):
        self.b = builder
        #: The input length when evaluating (constants need it), else None.
        self.length = length
        self.handles = {}

    def handle(self, expr):
        return self.handles[id(expr)]

    def write(self, order):
        pending = list(order)
        while pending:
            waiting = []
            for expr in pending:
                if id(expr) in self.handles:
                    continue  # tokens or indices a constant or length wrote
                ready = all(id(c) in self.handles for c in expr.children)
                if ready and not _is_table(expr):
                    self.handles[id(expr)] = self._write(expr)
                else:
                    waiting.append(expr)
            tables = [e for e in waiting
                      if all(id(c) in self.handles for c in e.children)]
            if not tables:
                if waiting:
                    raise CompileError("the program has a cycle")
                break
            # Every value set first: writing an op makes basis inference
            # run again.
            sets = {}
            for expr in tables:
                for child in _table_inputs(expr):
                    if id(child) not in sets:
                        sets[id(child)] = self.b.value_set(self.handle(child))
            for expr in tables:
                args = [sets[id(c)] for c in _table_inputs(expr)]
                self.handles[id(expr)] = self._write_table(expr, args)
            pending = [e for e in waiting if id(e) not in self.handles]

    def _primitive(self, expr):
        """The handle of tokens or indices, written on first use."""
        if id(expr) not in self.handles:
            self.handles[id(expr)] = self._write(expr)
        return self.handles[id(expr)]

    def _write(self, expr):
        b, label = self.b, expr.label
        if isinstance(expr, rasp.TokensType):
            return b.tokens(label, _encoding(expr))
        if isinstance(expr, rasp.IndicesType):
            return b.indices(label, _encoding(expr))
        if isinstance(expr, rasp.LengthType):
            # Tracr's make_length: the width of a select-all selector.
            tokens = self._primitive(rasp.tokens)
            everything = b.select(tokens, tokens, "TRUE", "all_true_selector")
            return b.selector_width(everything, label, _encoding(expr))
        if isinstance(expr, rasp.Full):
            return b.full(_checked_constant(expr, expr.fill), label,
                          _encoding(expr))
        if isinstance(expr, rasp.ConstantSOp):
            return self._constant_sop(expr)
        if isinstance(expr, rasp.ConstantSelector):
            return self._constant_selector(expr)
        if isinstance(expr, rasp.LinearSequenceMap):
            return b.linear_sequence_map(
                self.handle(expr.fst), self.handle(expr.snd),
                float(expr.fst_fac), float(expr.snd_fac), label,
                _encoding(expr))
        if isinstance(expr, rasp.Select):
            return b.select(self.handle(expr.keys), self.handle(expr.queries),
                            _COMPARISON_NAMES[expr.predicate], label)
        if isinstance(expr, rasp.SelectorWidth):
            return b.selector_width(self.handle(expr.selector), label,
                                    _encoding(expr))
        if isinstance(expr, rasp.Aggregate):
            return b.aggregate(self.handle(expr.selector),
                               self.handle(expr.sop),
                               _checked_constant(expr, expr.default), label,
                               _encoding(expr))
        if isinstance(expr, rasp.SelectorAnd):
            return b.selector_and(self.handle(expr.fst), self.handle(expr.snd),
                                  label)
        if isinstance(expr, rasp.SelectorOr):
            return b.selector_or(self.handle(expr.fst), self.handle(expr.snd),
                                 label)
        if isinstance(expr, rasp.SelectorNot):
            return b.selector_not(self.handle(expr.inner), label)
        raise UnsupportedError(
            f"{expr.label}: {type(expr).__name__} is not a RASP expression "
            "this compiler knows")

    def _write_table(self, expr, arg_sets):
        label = expr.label
        size = math.prod(len(s) for s in arg_sets)
        if size > MAX_TABLE_ENTRIES:
            raise CompileError(
                f"{label}: the function would be tabulated on {size} "
                f"argument combinations, more than {MAX_TABLE_ENTRIES}")
        if isinstance(expr, rasp.Select):
            pairs, selected = [], []
            for key, query in itertools.product(*arg_sets):
                pairs.append((key, query))
                selected.append(bool(_call(expr, expr.predicate,
                                           (key, query))))
            return self.b.select_table(self.handle(expr.keys),
                                       self.handle(expr.queries), pairs,
                                       selected, label)
        if isinstance(expr, rasp.Map):
            keys = arg_sets[0]
            results = [_result(expr, _call(expr, expr.f, (x,)), (x,))
                       for x in keys]
            return self.b.map_table(self.handle(expr.inner), keys, results,
                                    label, _encoding(expr))
        keys, results = [], []
        for x, y in itertools.product(*arg_sets):
            keys.append((x, y))
            results.append(_result(expr, _call(expr, expr.f, (x, y)),
                                   (x, y)))
        return self.b.sequence_map_table(self.handle(expr.fst),
                                         self.handle(expr.snd), keys, results,
                                         label, _encoding(expr))

    def _constant_sop(self, expr):
        if self.length is None:
            raise UnsupportedError(
                f"{expr.label}: a ConstantSOp is evaluated, not compiled "
                "(its value does not depend on the input)")
        value = list(expr.value)
        if expr.check_length and len(value) != self.length:
            raise ValueError(f"Constant len {len(value)} doesn't match input "
                             f"len {self.length}.")
        keys = list(range(self.length))
        results = [_checked_constant(expr, value[i]) if i < len(value)
                   else None for i in keys]
        return self.b.map_table(self._primitive(rasp.indices), keys, results,
                                expr.label, _encoding(expr))

    def _constant_selector(self, expr):
        if self.length is None:
            raise UnsupportedError(
                f"{expr.label}: a ConstantSelector is evaluated, not "
                "compiled (its value does not depend on the input)")
        rows = [list(row) for row in expr.value]
        if expr.check_length and len(rows) != self.length:
            raise ValueError(f"Constant len {self.length} doesn't match input "
                             f"len {len(rows)}.")
        n = self.length
        pairs = [(k, q) for k in range(n) for q in range(n)]
        selected = [bool(rows[q][k]) if q < len(rows) and k < len(rows[q])
                    else False for k, q in pairs]
        indices = self._primitive(rasp.indices)
        return self.b.select_table(indices, indices, pairs, selected,
                                   expr.label)


def _describe(args):
    return ", ".join(repr(a) for a in args)


def _call(expr, f, args):
    try:
        return f(*args)
    except Exception as e:
        raise FunctionError(
            f"{expr.label}: the function raised {type(e).__name__}: {e} "
            f"(on {_describe(args)})", expr.label, args) from e


def _result(expr, value, args):
    try:
        return check_value(value)
    except TypeError as e:
        raise FunctionError(
            f"{expr.label}: the function returned {e} (on {_describe(args)})",
            expr.label, args) from None


def _checked_constant(expr, value):
    try:
        return check_value(value)
    except TypeError as e:
        raise CompileError(f"{expr.label}: the constant {e}") from None


def _symbol(label):
    """A program name from a label: letters, digits and underscores."""
    name = re.sub(r"\W", "_", label)
    return name if name and not name[0].isdigit() else "p_" + name


def build(output, vocab, max_seq_len, *, bos="BOS", causal=False,
          compile_options="", optimize=True, length=None):
    """The native program (raspc._raspc.Program) computing `output` (an
    SOp), with the handles of every expression: ({id(expr): handle},
    program). `vocab` is in token-id order (canonical_vocab). With `length`
    (evaluation of one input) constants are allowed and a selector output is
    read through its width."""
    if not isinstance(output, rasp.RASPExpr):
        raise TypeError(f"expected a RASP expression, got {output!r}")
    if not isinstance(max_seq_len, int) or isinstance(max_seq_len, bool) \
            or max_seq_len < 1:
        raise ValueError(f"max_seq_len must be a positive int, got "
                         f"{max_seq_len!r}")
    native = _native()
    builder = native.ProgramBuilder(_symbol(output.label), list(vocab),
                                    max_seq_len, bos, causal,
                                    compile_options, optimize)
    writer = _Writer(builder, length)
    writer.write(_graph(output))
    result = writer.handle(output)
    if isinstance(output, rasp.Selector):
        if length is None:
            raise UnsupportedError(f"{output.label}: a program's output must "
                                   "be an SOp, not a selector")
        result = builder.selector_width(result, "selector_width_of_output",
                                        "categorical")
    return writer.handles, builder.finish(result)


def _free_bos(vocab):
    """A BOS name that no vocabulary item is written as."""
    written = {v if isinstance(v, str) else repr(v) for v in vocab}
    bos = "BOS"
    while bos in written:
        bos += "_"
    return bos


def evaluate(expr, xs):
    """raspc.rasp.evaluate: the interpreter on one input."""
    xs = [check_value(x) for x in xs]
    if not xs:
        return []
    if any(x is None for x in xs):
        raise ValueError("an input token must not be None")
    vocab = canonical_vocab(xs)
    ids = {v: i for i, v in enumerate(vocab)}
    handles, program = build(expr, vocab, len(xs), bos=_free_bos(vocab),
                             length=len(xs))
    return program.evaluate([ids[x] for x in xs], [handles[id(expr)]])[0]
