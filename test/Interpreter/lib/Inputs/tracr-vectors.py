#!/usr/bin/env python3
"""Generates extra test vectors for the library programs with Tracr itself.

  tracr-vectors.py TRACR_CHECKOUT TRACR_LIB_JSON

Not run by the tests (they only read the files it wrote). Needs numpy and a
Tracr source tree (absl and typing_extensions are stubbed if missing). Each
program is built from its 'lib_call' in TRACR_LIB_JSON with Tracr's
tracr/compiler/lib.py and evaluated by Tracr's evaluators, changed in one
point to match the interpreter's documented semantics: a categorical
aggregate returns the common value of equal selected values and rejects
differing ones (Tracr averages them). Writes:
  NAME.causal.{in,expected}  the 30 recorded inputs under CausalEvaluator
                             (inputs that hit differing values are skipped)
  NAME.extra.{in,expected}   every input up to a length, for the programs
                             whose recorded vectors are nearly all false
"""
import importlib.util
import itertools
import json
import pathlib
import sys
import tempfile
import types

EXHAUSTIVE = {"shuffle_dyck2": 4, "shuffle_dyck3": 4, "detect_pattern_abc": 5}


class DifferingValues(Exception):
  pass


def load_tracr(checkout):
  stubs = pathlib.Path(tempfile.mkdtemp())
  (stubs / "absl").mkdir()
  (stubs / "absl" / "__init__.py").write_text("")
  (stubs / "absl" / "logging.py").write_text(
      "def warning(*a, **k): pass\ndef info(*a, **k): pass\n")
  (stubs / "typing_extensions.py").write_text("from typing import *\n")
  sys.path.append(str(stubs))
  sys.path.insert(0, str(checkout))
  from tracr.rasp import rasp, causal_eval  # pylint: disable=import-outside-toplevel
  # tracr/compiler/__init__.py imports jax; load lib.py on its own.
  spec = importlib.util.spec_from_file_location(
      "tracr_lib", pathlib.Path(checkout) / "tracr" / "compiler" / "lib.py")
  lib = importlib.util.module_from_spec(spec)
  spec.loader.exec_module(lib)
  return rasp, causal_eval, lib


def strict(base, rasp):
  """`base` evaluator whose categorical aggregates reject differing values."""

  class Strict(base):

    def eval_aggregate(self, sop, xs):
      if not rasp.is_categorical(sop):
        return super().eval_aggregate(sop, xs)
      rows = self.evaluate(sop.selector, xs)
      values = self.evaluate(sop.sop, xs)
      out = []
      for row in rows:
        chosen = [v for s, v in zip(row, values) if s]
        if not chosen:
          out.append(sop.default)
        elif any(c != chosen[0] for c in chosen):
          raise DifferingValues()
        else:
          out.append(chosen[0])
      return out

  return Strict()


def write(here, name, inputs, outputs):
  (here / f"{name}.in").write_text("".join(
      " ".join(str(t) for t in x) + "\n" for x in inputs))
  (here / f"{name}.expected").write_text("".join(
      json.dumps(y) + "\n" for y in outputs))


def main():
  if len(sys.argv) != 3:
    sys.exit(__doc__)
  rasp, causal_eval, lib = load_tracr(sys.argv[1])
  programs = json.loads(pathlib.Path(sys.argv[2]).read_text())["programs"]
  here = pathlib.Path(__file__).resolve().parent
  default = strict(rasp.DefaultRASPEvaluator, rasp)
  causal = strict(causal_eval.CausalEvaluator, rasp)
  for name, program in sorted(programs.items()):
    expr = eval(program["lib_call"], vars(lib))  # pylint: disable=eval-used
    inputs = [pair["input"] for pair in program["pairs"]]
    for pair in program["pairs"]:
      assert default.evaluate(expr, pair["input"]) == pair["expected"], name
    kept, outputs = [], []
    for x in inputs:
      try:
        outputs.append(causal.evaluate(expr, x))
        kept.append(x)
      except DifferingValues:
        pass
    write(here, f"{name}.causal", kept, outputs)
    print(f"{name}: {len(kept)} causal vectors ({len(inputs) - len(kept)} "
          "skipped: differing categorical values)")
    if name in EXHAUSTIVE:
      extra = [list(x) for n in range(1, EXHAUSTIVE[name] + 1)
               for x in itertools.product(program["vocab"], repeat=n)]
      write(here, f"{name}.extra", extra,
            [default.evaluate(expr, x) for x in extra])
      print(f"{name}: {len(extra)} exhaustive vectors")


if __name__ == "__main__":
  main()
