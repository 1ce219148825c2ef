#!/usr/bin/env python3
"""Compares rasp-run --interpret with Tracr's evaluator on random inputs.

  tracr-differential.py TRACR_CHECKOUT TRACR_LIB_JSON RASP_RUN [N]

with RASP_RUN in <build>/bin.

Not run by the tests. For every library program, N (default 2000) random
inputs of random length up to its max-seq-len, with and without --causal,
evaluated by Tracr (with the interpreter's rule for differing categorical
aggregates, see tracr-vectors.py) and by RASP_RUN on Tracr's graph of the
program that the build generates (<build>/test/Interpreter/lib/NAME.mlir). Categorical values must match exactly, numerical ones to
1e-9 relative; an input Tracr rejects must be an error line of rasp-run.
Exits 1 on any mismatch.
"""
import importlib.util
import json
import math
import pathlib
import random
import subprocess
import sys

HERE = pathlib.Path(__file__).resolve().parent


def load_vectors_module():
  spec = importlib.util.spec_from_file_location("tracr_vectors",
                                                HERE / "tracr-vectors.py")
  module = importlib.util.module_from_spec(spec)
  spec.loader.exec_module(module)
  return module


def same(got, want, numerical):
  if want is None or got is None:
    return got is None and want is None
  if numerical:
    return math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-12)
  return type(got) is type(want) and got == want


def main():
  if len(sys.argv) not in (4, 5):
    sys.exit(__doc__)
  count = int(sys.argv[4]) if len(sys.argv) == 5 else 2000
  tv = load_vectors_module()
  rasp, causal_eval, lib = tv.load_tracr(sys.argv[1])
  programs = json.loads(pathlib.Path(sys.argv[2]).read_text())["programs"]
  rng = random.Random(42)
  mismatches = 0
  for name, program in sorted(programs.items()):
    expr = eval(program["lib_call"], vars(lib))  # pylint: disable=eval-used
    numerical = program["output_encoding"] == "numerical"
    inputs = [[rng.choice(program["vocab"])
               for _ in range(rng.randint(0, program["max_seq_len"]))]
              for _ in range(count)]
    for causal in (False, True):
      evaluator = tv.strict(
          causal_eval.CausalEvaluator if causal else rasp.DefaultRASPEvaluator,
          rasp)
      expected = []
      for x in inputs:
        try:
          expected.append(evaluator.evaluate(expr, x))
        except tv.DifferingValues:
          expected.append(None)  # rasp-run must report an error
      graph = (pathlib.Path(sys.argv[3]).resolve().parent.parent / "test" /
               "Interpreter" / "lib" / f"{name}.mlir")
      command = [sys.argv[3], "--interpret", str(graph)]
      if causal:
        command.append("--causal")
      run = subprocess.run(command, capture_output=True, text=True,
                           input="".join(" ".join(map(str, x)) + "\n"
                                         for x in inputs))
      failed_lines = {
          int(line.split("input line ")[1].split(":")[0])
          for line in run.stderr.splitlines() if "input line " in line
      }
      outputs = iter(run.stdout.splitlines())
      bad = 0
      for number, want in enumerate(expected, 1):
        if want is None or number in failed_lines:
          bad += (want is None) != (number in failed_lines)
          continue
        got = json.loads(next(outputs))
        if len(got) != len(want) or not all(
            same(g, w, numerical) for g, w in zip(got, want)):
          bad += 1
          if bad <= 3:
            print(f"  {name} causal={causal} input {inputs[number - 1]}: "
                  f"expected {want}, got {got}")
      mismatches += bad
      print(f"{name:28} causal={causal!s:5} {count - bad}/{count} agree, "
            f"{expected.count(None)} rejected by both")
  print(f"{mismatches} mismatches")
  return 1 if mismatches else 0


if __name__ == "__main__":
  sys.exit(main())
