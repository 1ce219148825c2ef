"""Checks numerical-aggregate value sets against Python brute force.

Reads `rasp-opt --infer-bases` output on stdin. For every program, the value
set of each `rasp.aggregate` of the tokens over an always-selecting selector
must equal {xs[0] if len(xs) == 1 else sum(xs) / len(xs)} over every sequence
xs of 1..max_seq_len tokens, with `sum` written out as a left-to-right loop
(Python 3.12 changed the built-in `sum` of floats).
"""
import itertools
import re
import struct
import sys


def parse_float(text):
    """An MLIR f64 literal: decimal, or hex bits when decimal would not
    round-trip (`0xC337AF4C4A80AAAB : f64`)."""
    text = text.split(":")[0].strip()
    if text.startswith("0x"):
        return struct.unpack(">d", bytes.fromhex(text[2:]))[0]
    return float(text)


def floats(text):
    return [parse_float(v) for v in text.split(",")] if text.strip() else []


def mean(xs):
    if len(xs) == 1:
        return float(xs[0])
    total = 0
    for x in xs:
        total = total + x
    return total / len(xs)


def main():
    text = sys.stdin.read()
    programs = re.split(r"(?=rasp\.program @)", text)[1:]
    checked = 0
    for program in programs:
        name = re.match(r"rasp\.program @(\w+)", program).group(1)
        n = int(re.search(r"max_seq_len = (\d+)", program).group(1))
        # A value set of floats prints as `array<f64: ...>`.
        values = r"\{values = (?:\[|array<f64: )([^]>]*)(?:\]|>)"
        tokens = floats(re.search(r"rasp\.tokens " + values, program).group(1))
        for got in re.findall(r"rasp\.aggregate [^{]*" + values, program):
            want = {mean(xs) for k in range(1, n + 1)
                    for xs in itertools.product(tokens, repeat=k)}
            if set(floats(got)) != want:
                print(f"{name}: got {sorted(set(floats(got)))}, "
                      f"want {sorted(want)}")
                return 1
            checked += 1
    print(f"OK: {checked} value sets")
    return 0


sys.exit(main())
