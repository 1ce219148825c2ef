#!/usr/bin/env python3
"""Summarises `rasp-run --trace` documents (one per line on stdin) for tests.

  show-trace.py [--subspaces a,b,...] [--outputs] [--raw NAME]

Checks the invariants of schema rasp-run-trace/1 on every document (keys,
one entry per position, 1 + 2 x layers stages, pattern rows summing to 1,
masked logits null with zero weight, raw vectors decoding to the decoded
values) and prints, per document, the input, the output and per stage the
decoded values of the chosen subspaces, then per head the key each query
attends to most. --outputs prints only the output arrays (rasp-run's
format); --raw NAME prints NAME's raw vectors after the embedding.
"""
import argparse
import json
import math
import sys


def fail(message):
  print(f"show-trace.py: {message}", file=sys.stderr)
  sys.exit(1)


def decode(layout, raw):
  if layout["encoding"] == "numerical":
    return raw[0]
  best = -1
  for i, v in enumerate(raw):
    if v >= 0.5 and (best < 0 or v > raw[best]):
      best = i
  return None if best < 0 else layout["values"][best]


def check(doc):
  if doc.get("schema") != "rasp-run-trace/1":
    fail(f"schema {doc.get('schema')!r}")
  n = len(doc["positions"])
  if n != len(doc["input"]) + 1 or len(doc["output"]) != n - 1:
    fail("positions, input and output disagree")
  layers = 1 + max([s["layer"] for s in doc["residuals"][1:]], default=-1)
  if len(doc["residuals"]) != 1 + 2 * layers:
    fail("expected the embedding and two sublayers per layer")
  names = [l["name"] for l in doc["layout"]]
  for stage in doc["residuals"]:
    if list(stage["subspaces"]) != names:
      fail("subspaces are not the layout in residual order")
    for layout in doc["layout"]:
      entry = stage["subspaces"][layout["name"]]
      if len(entry["decoded"]) != n:
        fail("one decoded value per position expected")
      for p, raw in enumerate(entry.get("raw", [])):
        if len(raw) != layout["dim"] or decode(layout, raw) != entry["decoded"][p]:
          fail(f"raw vector of {layout['name']} does not decode to its value")
  for head in doc["attention"]:
    for i, (logits, pattern) in enumerate(zip(head["logits"], head["pattern"])):
      if not math.isclose(sum(pattern), 1.0, abs_tol=1e-5):
        fail("a pattern row does not sum to 1")
      for j, (s, p) in enumerate(zip(logits, pattern)):
        if (s is None) != (head["causal"] and j > i) or (s is None and p != 0):
          fail("masked logits must be null with weight 0")


def main():
  parser = argparse.ArgumentParser()
  parser.add_argument("--subspaces", default="")
  parser.add_argument("--outputs", action="store_true")
  parser.add_argument("--raw")
  args = parser.parse_args()
  shown = [s for s in args.subspaces.split(",") if s]
  for line in sys.stdin:
    doc = json.loads(line)
    check(doc)
    if args.outputs:
      print(json.dumps(doc["output"]))
      continue
    print("input:", " ".join(doc["input"]))
    print("output:", json.dumps(doc["output"]))
    if args.raw:
      print("raw:", json.dumps(doc["residuals"][0]["subspaces"][args.raw]["raw"]))
    for stage in doc["residuals"]:
      where = stage["stage"] + ("" if stage["layer"] is None else f" {stage['layer']}")
      values = " ".join(f"{name}={json.dumps(stage['subspaces'][name]['decoded'])}"
                        for name in shown)
      print(f"{where} writes {','.join(stage['writes'])}: {values}")
    for head in doc["attention"]:
      top = [max(range(len(row)), key=row.__getitem__) for row in head["pattern"]]
      print(f"head {head['layer']}.{head['head']} {head['name']}: attends {top}")


if __name__ == "__main__":
  main()
