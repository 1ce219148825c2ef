"""The programs of Tracr's `tracr.compiler.lib`, written against raspc.rasp.

`from raspc.compiler import lib` stands in for `from tracr.compiler import
lib`: each function builds the same RASP expression as Tracr's (same
operations, names, encodings and defaults), so its outputs are Tracr's
recorded ones (test/Python/test_library.py checks them, interpreted and
compiled). `make_length`, `make_reverse`, `make_hist`, `make_sort_unique`,
`make_sort` and `make_sort_freq` are meant for non-causal models; the rest
work either way.
"""
from typing import List, Sequence

from .. import rasp

__all__ = [
    "make_length", "length", "make_reverse", "make_pair_balance",
    "make_shuffle_dyck", "make_shuffle_dyck2", "make_hist",
    "make_sort_unique", "make_sort", "make_sort_freq", "make_frac_prevs",
    "shift_by", "detect_pattern", "make_count_less_freq", "make_count",
    "make_nary_sequencemap",
]


def make_length() -> rasp.SOp:
    """The input length at every position: the width of a selector that
    selects every key."""
    select_all = rasp.Select(rasp.tokens, rasp.tokens,
                             rasp.Comparison.TRUE).named("all_true_selector")
    return rasp.SelectorWidth(select_all).named("length")


#: The length SOp the other programs share.
length = make_length()


def make_reverse(sop: rasp.SOp) -> rasp.SOp:
    """`sop` read back to front: position i reads position length - i - 1."""
    opp_idx = (length - rasp.indices).named("opp_idx")
    opp_idx = (opp_idx - 1).named("opp_idx-1")
    flip = rasp.Select(rasp.indices, opp_idx,
                       rasp.Comparison.EQ).named("reverse_selector")
    return rasp.Aggregate(flip, sop).named("reverse")


def make_frac_prevs(bools: rasp.SOp) -> rasp.SOp:
    """The fraction of positions up to this one where `bools` holds
    (numerical)."""
    bools = rasp.numerical(bools)
    up_to_here = rasp.Select(rasp.indices, rasp.indices, rasp.Comparison.LEQ)
    return rasp.numerical(rasp.Aggregate(up_to_here, bools,
                                         default=0)).named("frac_prevs")


def make_pair_balance(sop: rasp.SOp, open_token: str,
                      close_token: str) -> rasp.SOp:
    """frac_prevs of `open_token` minus frac_prevs of `close_token`."""
    is_open = rasp.numerical(sop == open_token).named("bools_open")
    opens = rasp.numerical(make_frac_prevs(is_open)).named("opens")
    is_close = rasp.numerical(sop == close_token).named("bools_close")
    closes = rasp.numerical(make_frac_prevs(is_close)).named("closes")
    balance = rasp.numerical(rasp.LinearSequenceMap(opens, closes, 1, -1))
    return balance.named("pair_balance")


def make_shuffle_dyck(pairs: List[str]) -> rasp.SOp:
    """True everywhere iff every bracket pair in `pairs` (two-character
    strings) is balanced: no prefix closes more than it opened and the whole
    input closes everything."""
    assert len(pairs) >= 1
    balances = []
    for pair in pairs:
        assert len(pair) == 2
        balances.append(make_pair_balance(
            rasp.tokens, open_token=pair[0],
            close_token=pair[1]).named(f"balance_{pair}"))

    any_negative = balances[0] < 0
    for balance in balances[1:]:
        any_negative = any_negative | (balance < 0)
    any_negative = rasp.numerical(rasp.Map(lambda x: x,
                                           any_negative)).named("any_negative")
    select_all = rasp.Select(rasp.indices, rasp.indices,
                             rasp.Comparison.TRUE).named("select_all")
    has_neg = rasp.numerical(rasp.Aggregate(select_all, any_negative,
                                            default=0)).named("has_neg")

    all_zero = balances[0] == 0
    for balance in balances[1:]:
        all_zero = all_zero & (balance == 0)
    select_last = rasp.Select(rasp.indices, length - 1,
                              rasp.Comparison.EQ).named("select_last")
    last_zero = rasp.Aggregate(select_last, all_zero).named("last_zero")

    not_has_neg = (~has_neg).named("not_has_neg")
    return (last_zero & not_has_neg).named("shuffle_dyck")


def make_shuffle_dyck2() -> rasp.SOp:
    return make_shuffle_dyck(pairs=["()", "{}"]).named("shuffle_dyck2")


def make_hist() -> rasp.SOp:
    """How often each position's token occurs in the input."""
    same_token = rasp.Select(rasp.tokens, rasp.tokens,
                             rasp.Comparison.EQ).named("same_tok")
    return rasp.SelectorWidth(same_token).named("hist")


def make_sort_unique(vals: rasp.SOp, keys: rasp.SOp) -> rasp.SOp:
    """`vals` ordered by increasing `keys`, which must be distinct: each
    value moves to the number of smaller keys."""
    smaller = rasp.Select(keys, keys, rasp.Comparison.LT).named("smaller")
    target_pos = rasp.SelectorWidth(smaller).named("target_pos")
    sel_new = rasp.Select(target_pos, rasp.indices, rasp.Comparison.EQ)
    return rasp.Aggregate(sel_new, vals).named("sort")


def make_sort(vals: rasp.SOp, keys: rasp.SOp, *, max_seq_len: int,
              min_key: float) -> rasp.SOp:
    """`vals` ordered by increasing numerical `keys`, stable: ties are
    broken by adding `min_key * i / max_seq_len` to the key at position i."""
    keys = rasp.SequenceMap(lambda x, i: x + min_key * i / max_seq_len, keys,
                            rasp.indices)
    return make_sort_unique(vals, keys)


def make_sort_freq(max_seq_len: int) -> rasp.SOp:
    """The tokens ordered by decreasing frequency, ties in input order."""
    hist = -1 * make_hist().named("hist")
    return make_sort(rasp.tokens, hist, max_seq_len=max_seq_len,
                     min_key=1).named("sort_freq")


def shift_by(offset: int, /, sop: rasp.SOp) -> rasp.SOp:
    """`sop` moved `offset` positions later; the first positions are None."""
    select_off_by_offset = rasp.Select(rasp.indices, rasp.indices,
                                       lambda k, q: q == k + offset)
    out = rasp.Aggregate(select_off_by_offset, sop, default=None)
    return out.named(f"shift_by({offset})")


def detect_pattern(sop: rasp.SOp, pattern: Sequence[rasp.Value]) -> rasp.SOp:
    """True at the positions where `pattern` ends in `sop`; the first
    len(pattern) - 1 positions are None."""
    if len(pattern) < 1:
        raise ValueError(f"Length of `pattern` must be at least 1. Got "
                         f"{pattern}")
    # detectors[i]: the i-th element from the end of the pattern, i
    # positions back.
    detectors = []
    for i, element in enumerate(reversed(pattern)):
        detector = sop == element
        if i != 0:
            detector = shift_by(i, detector)
        detectors.append(detector)
    detected = detectors.pop()
    while detectors:
        detected = detected & detectors.pop()
    return detected.named(f"detect_pattern({pattern})")


def make_count_less_freq(n: int) -> rasp.SOp:
    """How many positions hold a token that occurs at most `n` times."""
    hist = make_hist().named("hist")
    select_less = rasp.Select(hist, hist,
                              lambda x, y: x <= n).named("select_less")
    return rasp.SelectorWidth(select_less).named("count_less_freq")


def make_count(sop, token):
    """How many positions of `sop` hold `token`, at every position."""
    return rasp.SelectorWidth(rasp.Select(
        sop, sop, lambda k, q: k == token)).named(f"count_{token}")


def make_nary_sequencemap(f, *sops):
    """`f(x1, ..., xn)` at every position of the SOps `sops`: SequenceMaps
    pack the arguments into tuples (categorical, so the tuple SOps hold one
    direction per combination), a Map unpacks them."""
    values, *rest = sops
    for sop in rest:
        values = rasp.SequenceMap(
            lambda x, y: (*x, y) if isinstance(x, tuple) else (x, y), values,
            sop)
    return rasp.Map(lambda args: f(*args), values)
