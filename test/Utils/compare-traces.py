#!/usr/bin/env python3
"""Compares rasp-run --trace documents (one per line) with expected ones.

  compare-traces.py [--rtol R] [--atol A] EXPECTED [ACTUAL]

ACTUAL defaults to standard input. Both must have the same number of lines
and line i of each the same document shape: the same keys in the same
order, arrays of the same length, equal strings, booleans, integers and
nulls. Floats (raw vectors, logits, patterns, numerical decoded values)
must be within R relative (default 1e-4) or A absolute (default 1e-5) of
the expected float: two implementations of the same float32 arithmetic
agree to rounding, not bit for bit. Exits 1 after listing the first
mismatches.
"""
import argparse
import json
import math
import sys


def compare(got, want, path, args, errors):
  if len(errors) >= 20:
    return
  if isinstance(want, float) and isinstance(got, (int, float)) and \
      not isinstance(got, bool):
    if not math.isclose(got, want, rel_tol=args.rtol, abs_tol=args.atol):
      errors.append(f"{path}: expected {want}, got {got}")
  elif isinstance(want, dict):
    if not isinstance(got, dict) or list(got) != list(want):
      errors.append(f"{path}: expected keys {list(want)}, got "
                    f"{list(got) if isinstance(got, dict) else got}")
      return
    for key in want:
      compare(got[key], want[key], f"{path}.{key}", args, errors)
  elif isinstance(want, list):
    if not isinstance(got, list) or len(got) != len(want):
      errors.append(f"{path}: expected {len(want)} elements, got {got}")
      return
    for i, (g, w) in enumerate(zip(got, want)):
      compare(g, w, f"{path}[{i}]", args, errors)
  elif type(got) is not type(want) or got != want:
    errors.append(f"{path}: expected {want!r}, got {got!r}")


def main():
  parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
  parser.add_argument("--rtol", type=float, default=1e-4)
  parser.add_argument("--atol", type=float, default=1e-5)
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
  for number, (got, want) in enumerate(zip(actual, expected), 1):
    compare(json.loads(got), json.loads(want), f"line {number}", args, errors)
  for error in errors:
    print(error, file=sys.stderr)
  return 1 if errors else 0


if __name__ == "__main__":
  sys.exit(main())
