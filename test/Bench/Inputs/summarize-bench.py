#!/usr/bin/env python3
"""Prints the structure of a rasp-bench or numpy_forward.py JSON document
(no timing values), after checking that every number is sane: one sample
per repetition, non-negative times, positive rates, and every timing scope
at least as long as the scopes nested in it (except in MLIR's nested pass
pipelines, whose passes run on several functions at once)."""
import json
import sys

EPSILON = 5e-5  # seconds: the clocks are read at slightly different times


def fail(message):
    print(f"summarize-bench.py: {message}", file=sys.stderr)
    sys.exit(1)


doc = json.load(open(sys.argv[1]))
print("schema", doc["schema"], doc.get("mode", ""))
if "model" in doc:
    print("residual_width", doc["model"]["residual_width"],
          "layers", doc["model"]["layers"])
if "stages" in doc:
    reps = doc["repetitions"]
    print("repetitions", reps, "stop_after", doc["stop_after"])
    times = {}
    for stage in doc["stages"]:
        for clock in ("wall", "cpu"):
            values = stage[clock]
            if len(values) != reps or min(values) < 0:
                fail(f"{stage['name']}: {clock} {values}")
        times[stage["name"]] = stage
        print("stage", stage["name"])
    for name, stage in times.items():
        children = [s for n, s in times.items()
                    if n.startswith(name + "/") and "/" not in n[len(name) + 1:]]
        # MLIR runs the passes of a nested pipeline on several functions
        # at once: their times overlap and may add up to more than the
        # pipeline's (process CPU time counts every thread).
        if "Pipeline" in name.rsplit("/", 1)[-1]:
            continue
        for clock in ("wall", "cpu"):
            for rep in range(reps):
                inner = sum(c[clock][rep] for c in children)
                if inner > stage[clock][rep] + EPSILON:
                    fail(f"{name}: nested {clock} {inner} > {stage[clock][rep]}")
    top = sum(s["wall"][0] for n, s in times.items()
              if "/" not in n and n not in ("context", "total"))
    if top > times["total"]["wall"][0] + EPSILON:
        fail("the stages add up to more than the total")
    if doc["peak_rss_kib"] < doc["rss_before_kib"]:
        fail("peak RSS below the RSS before compiling")
if "results" in doc:
    for r in doc["results"]:
        for key in ("seq_per_s", "seq_per_cpu_s"):
            if not r[key] or min(r[key]) <= 0:
                fail(f"rates {r}")
        print("batch", r["batch"], "threads", r.get("threads", "-"),
              "samples", len(r["seq_per_s"]))
    for row, decoded in enumerate(doc["check_decoded"]):
        print(f"check row {row}: {decoded}")
