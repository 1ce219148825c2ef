#!/usr/bin/env python3
"""Compares rasp-run output (one JSON array per line) with expected lines.

  compare-json-lines.py [--numerical] [--rtol R] [--atol A] EXPECTED [ACTUAL]

ACTUAL defaults to standard input. Both files must have the same number of
lines, and line i of each must be JSON arrays of equal length. An expected
null must be an actual null. Without --numerical every other element must
be equal with the same JSON type (true is not 1, 1 is not 1.0). With
--numerical the actual elements must be numbers (not booleans) within
R relative (default 1e-6) or A absolute (default 1e-12) of the expected
number; an expected boolean counts as 0 or 1, as Tracr's numerical outputs
may hold bools. Exits 1 after listing the mismatches.
"""
import argparse
import json
import math
import sys


def is_number(x):
  return isinstance(x, (int, float)) and not isinstance(x, bool)


def same(got, want, args):
  if want is None or got is None:
    return got is None and want is None
  if args.numerical:
    if isinstance(want, bool):
      want = int(want)
    return (is_number(got) and is_number(want) and
            math.isclose(got, want, rel_tol=args.rtol, abs_tol=args.atol))
  return type(got) is type(want) and got == want


def main():
  parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
  parser.add_argument("--numerical", action="store_true")
  parser.add_argument("--rtol", type=float, default=1e-6)
  parser.add_argument("--atol", type=float, default=1e-12)
  parser.add_argument("expected")
  parser.add_argument("actual", nargs="?")
  args = parser.parse_args()
  with open(args.expected) as f:
    expected = f.read().splitlines()
  if args.actual:
    with open(args.actual) as f:
      actual = f.read().splitlines()
  else:
    actual = sys.stdin.read().splitlines()

  errors = []
  if len(actual) != len(expected):
    errors.append(f"expected {len(expected)} lines, got {len(actual)}")
  for number, (got_text, want_text) in enumerate(zip(actual, expected), 1):
    want = json.loads(want_text)
    try:
      got = json.loads(got_text)
    except json.JSONDecodeError as e:
      errors.append(f"line {number}: not JSON ({e}): {got_text}")
      continue
    if (not isinstance(got, list) or len(got) != len(want) or
        not all(same(g, w, args) for g, w in zip(got, want))):
      errors.append(f"line {number}: expected {want_text}, got {got_text}")
  for error in errors:
    print(error, file=sys.stderr)
  if errors:
    print(f"{len(errors)} mismatches", file=sys.stderr)
    return 1
  return 0


if __name__ == "__main__":
  sys.exit(main())
