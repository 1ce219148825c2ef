#!/usr/bin/env python3
"""Copies the test vectors of Tracr's library programs into this directory.

  import-vectors.py TRACR_LIB_JSON

Not run by the tests (they only read the copies). For every program NAME of
the JSON file (Tracr's evaluator on tracr/compiler/lib.py, see its
'description'), writes NAME.in (one input per line, tokens separated by
spaces) and NAME.expected (the expected output of each line as a JSON array).
"""
import json
import pathlib
import sys


def main():
  if len(sys.argv) != 2:
    sys.exit(__doc__)
  programs = json.loads(pathlib.Path(sys.argv[1]).read_text())["programs"]
  here = pathlib.Path(__file__).resolve().parent
  for name, program in sorted(programs.items()):
    pairs = program["pairs"]
    (here / f"{name}.in").write_text("".join(
        " ".join(str(token) for token in pair["input"]) + "\n"
        for pair in pairs))
    (here / f"{name}.expected").write_text("".join(
        json.dumps(pair["expected"]) + "\n" for pair in pairs))
    print(f"{name}: {len(pairs)} vectors, vocab {program['vocab']}, "
          f"max_seq_len {program['max_seq_len']}, {program['output_encoding']}")


if __name__ == "__main__":
  main()
