"""Tracr programs as a Tracr user writes them, against raspc.rasp.

LIBRARY: the programs of Tracr's lib.py (raspc.compiler.lib) with the
parameters their recorded vectors were made with (the same vocabulary and
max_seq_len as test/Interpreter/lib/CMakeLists.txt gives Tracr's graph of
<name>; test/Interpreter/lib/Inputs holds the vectors).

EXAMPLES: Python versions of examples/*.rasp that are not library programs,
with the rasp-run arguments of their .rasp versions.
"""
import dataclasses
import os
from typing import Callable, List

from raspc import rasp
from raspc.compiler import lib

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))


@dataclasses.dataclass
class Case:
    name: str
    make: Callable[[], rasp.SOp]
    vocab: List
    max_seq_len: int

    def parse(self, line):
        """A recorded input line (tokens separated by spaces) as Python
        values: ints for an int vocabulary, strings otherwise."""
        convert = int if isinstance(self.vocab[0], int) else str
        return [convert(token) for token in line.split()]


ABCD = ["a", "b", "c", "d"]
PARENS = ["a", "b", "c", "(", ")"]

LIBRARY = {c.name: c for c in [
    Case("count_a", lambda: lib.make_count(rasp.tokens, "a"),
         ["a", "b", "c"], 8),
    Case("count_less_freq", lambda: lib.make_count_less_freq(2), ABCD, 6),
    Case("count_less_freq_numerical",
         lambda: rasp.numerical(lib.make_count_less_freq(2)), ABCD, 6),
    Case("detect_pattern_ab", lambda: lib.detect_pattern(rasp.tokens, "ab"),
         ["a", "b"], 5),
    Case("detect_pattern_abc",
         lambda: lib.detect_pattern(rasp.tokens, "abc"), ["a", "b", "c"], 6),
    Case("frac_prevs", lambda: lib.make_frac_prevs(rasp.tokens == "("),
         PARENS, 10),
    Case("hist", lib.make_hist, ABCD, 5),
    Case("length", lib.make_length, ABCD, 5),
    Case("length_numerical", lambda: rasp.numerical(lib.make_length()),
         ABCD, 5),
    # Tuples: SequenceMaps pack the arguments, a Map unpacks them.
    Case("nary_sequencemap_1", lambda: lib.make_nary_sequencemap(
        lambda x, y, z: x + y - z, rasp.tokens, rasp.tokens, rasp.indices),
        [1, 2, 3], 5),
    Case("nary_sequencemap_2", lambda: lib.make_nary_sequencemap(
        lambda x, y, z: x * y / z, rasp.indices, rasp.indices, rasp.tokens),
        [1, 2, 3], 3),
    Case("pair_balance",
         lambda: lib.make_pair_balance(rasp.tokens, "(", ")"), PARENS, 10),
    Case("reverse", lambda: lib.make_reverse(rasp.tokens), ABCD, 5),
    Case("shift_by_1", lambda: lib.shift_by(1, rasp.tokens), ABCD, 5),
    Case("shift_by_2", lambda: lib.shift_by(2, rasp.tokens), ABCD, 5),
    Case("shuffle_dyck1", lambda: lib.make_shuffle_dyck(["()"]),
         ["(", ")"], 5),
    Case("shuffle_dyck2", lib.make_shuffle_dyck2, ["(", ")", "{", "}"], 5),
    Case("shuffle_dyck3", lambda: lib.make_shuffle_dyck(["()", "{}", "[]"]),
         ["(", ")", "{", "}", "[", "]"], 6),
    Case("sort", lambda: lib.make_sort(rasp.tokens, rasp.tokens,
                                       max_seq_len=5, min_key=1),
         [1, 2, 3, 4], 5),
    Case("sort_freq", lambda: lib.make_sort_freq(5), [1, 2, 3, 4], 5),
    Case("sort_unique",
         lambda: lib.make_sort_unique(rasp.tokens, rasp.tokens),
         [1, 2, 3, 4], 5),
    Case("sort_unique_neg_indices",
         lambda: lib.make_sort_unique(rasp.tokens, 1 - rasp.indices), ABCD,
         5),
]}


def count_vowels():
    vowel = rasp.Map(lambda c: c in "aeiou", rasp.tokens).named("vowel")
    # Select the keys that are vowels, whatever the query.
    vowels = rasp.Select(vowel, vowel, lambda k, q: k).named("vowels")
    return rasp.SelectorWidth(vowels).named("count_vowels")


def balanced_parens():
    prevs = rasp.Select(rasp.indices, rasp.indices, rasp.Comparison.LEQ)
    opens = rasp.numerical(rasp.Aggregate(
        prevs, rasp.numerical(rasp.tokens == "("), default=0))
    closes = rasp.numerical(rasp.Aggregate(
        prevs, rasp.numerical(rasp.tokens == ")"), default=0))
    balance = rasp.numerical(rasp.LinearSequenceMap(opens, closes, 1, -1))
    everywhere = rasp.Select(rasp.indices, rasp.indices, rasp.Comparison.TRUE)
    ever_negative = rasp.numerical(rasp.Aggregate(
        everywhere, rasp.numerical(balance < 0), default=0))
    last = rasp.Select(rasp.indices, lib.length - 1, rasp.Comparison.EQ)
    ends_at_zero = rasp.Aggregate(last, balance == 0)
    return (ends_at_zero & ~ever_negative).named("balanced")


def histogram():
    same_token = rasp.Select(rasp.tokens, rasp.tokens, rasp.Comparison.EQ)
    return rasp.SelectorWidth(same_token).named("count")


def sort_descending():
    keys = rasp.SequenceMap(lambda x, i: -x + i / 5, rasp.tokens,
                            rasp.indices)
    target_pos = rasp.SelectorWidth(rasp.Select(keys, keys,
                                                rasp.Comparison.LT))
    return rasp.Aggregate(rasp.Select(target_pos, rasp.indices,
                                      rasp.Comparison.EQ),
                          rasp.tokens).named("sorted")


def elementwise():
    scaled = rasp.tokens * 10 + rasp.indices
    parity = rasp.Map(lambda s: "even" if s % 2 == 0 else "odd", scaled)
    clamped = rasp.Map(lambda s: min(max(s // 3, 2), 8), scaled)
    size = rasp.Map(lambda c: "big" if c > 4 else "small", clamped)
    return rasp.SequenceMap(lambda p, s: p + ":" + s, parity,
                            size).named("out")


@dataclasses.dataclass
class Example:
    name: str
    make: Callable[[], rasp.SOp]
    vocab: List
    max_seq_len: int
    inputs: List[List]

    @property
    def path(self):
        return os.path.join(ROOT, "examples", self.name + ".rasp")

    def rasp_run_args(self):
        return [self.path, "--vocab=" + ",".join(map(str, self.vocab)),
                f"--max-seq-len={self.max_seq_len}"]


EXAMPLES = {e.name: e for e in [
    Example("count_vowels", count_vowels,
            ["a", "b", "c", "d", "e", "i", "o", "u", "x"], 8,
            [["b", "a", "d", "e", "x"], ["x"], ["a", "e", "i", "o", "u"]]),
    Example("balanced_parens", balanced_parens, ["(", ")", "x"], 8,
            [["(", "x", "(", ")", ")"], [")", "("], ["(", "(", ")"],
             ["x"]]),
    Example("histogram", histogram, ["a", "b", "c"], 6,
            [["a", "b", "a"], ["c", "c", "c", "c", "c", "c"]]),
    Example("sort_descending", sort_descending, [1, 2, 3, 4], 5,
            [[2, 3, 1, 3], [4], [1, 1, 2, 2, 4]]),
    Example("elementwise", elementwise, [1, 2, 3], 5,
            [[3, 1, 2], [1, 1, 1, 1, 1]]),
]}
