#!/usr/bin/env python3
"""Layer counts, residual widths and parameter counts of the Tracr library
programs: Tracr's (utils/tracr-models.json) beside ours, without and with the
model-size optimisations (docs/Fusion.md).

Every program is compiled twice with

    rasp-opt --rasp-to-craft-model[=<no optimisations>] --craft-model-stats=json

("before": fuse-mlps, factor-selectors, fold-embeddings and prune-directions
off, one MLP per op as Tracr; "after": the defaults), from
examples/<program>.rasp imported as Tracr's lib.py builds it (--source
tracr, the default: `rasp-translate --import-rasp --tracr-graph`) or through
the fusing frontend (--source rasp), with the vocabulary and max_seq_len of
Tracr's own tests,
and printed as a markdown table. With --check, exits with status 1 if a
program fails to compile, needs more layers or a wider residual than Tracr
(optimised), or misses the layer target of issue 7.

    utils/model-size-table.py --rasp-opt build/bin/rasp-opt \\
        --rasp-translate build/bin/rasp-translate [--source rasp] [--check]
"""

import argparse
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

BEFORE = ("fuse-mlps=false factor-selectors=false fold-embeddings=false "
          "prune-directions=false")

# Issue 7: layer count = attention depth where possible.
TARGETS = {"reverse": 2, "sort": 2, "sort_unique": 2, "hist": 1,
           "sort_freq": 3, "shuffle_dyck2": 4, "shuffle_dyck3": 4}


def vocab_list(text):
    """'{a,b,c}' -> 'a,b,c' (the items of Tracr's vocabularies have no
    commas; they may be braces)."""
    return text[1:-1]


def program_text(args, ref):
    """The rasp.program of one library program, as MLIR text."""
    name = ref["program"]
    tracr = ["--tracr-graph"] if args.source == "tracr" else []
    return subprocess.run(
        [args.rasp_translate, "--import-rasp", *tracr,
         os.path.join(ROOT, "examples", name + ".rasp"),
         "--vocab=" + vocab_list(ref["vocab"]),
         "--max-seq-len=" + str(ref["max_seq_len"])],
        check=True, capture_output=True, text=True).stdout


def stats(args, text, options):
    pipeline = "--rasp-to-craft-model" + ("=" + options if options else "")
    out = subprocess.run(
        [args.rasp_opt, pipeline, "--craft-model-stats=json", "-", "-o",
         os.devnull],
        input=text, check=True, capture_output=True, text=True).stdout
    models = json.loads(out)["models"]
    assert len(models) == 1
    return models[0]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rasp-opt", default=os.path.join(ROOT, "build", "bin",
                                                         "rasp-opt"))
    parser.add_argument("--rasp-translate",
                        default=os.path.join(ROOT, "build", "bin",
                                             "rasp-translate"))
    parser.add_argument("--source", choices=["tracr", "rasp"],
                        default="tracr",
                        help="examples/*.rasp as Tracr's graph (default) or "
                        "fused by the frontend")
    parser.add_argument("--reference",
                        default=os.path.join(ROOT, "utils", "tracr-models.json"),
                        help="Tracr's numbers (default: utils/tracr-models.json)")
    parser.add_argument("--options", default="",
                        help="rasp-to-craft-model options of the optimised "
                        "compile (default: none, every optimisation on)")
    parser.add_argument("--check", action="store_true",
                        help="fail if the optimised model has more layers or "
                        "a wider residual than Tracr's, or misses a target")
    args = parser.parse_args()

    with open(args.reference) as f:
        tracr = json.load(f)["programs"]

    print("| program | vocab | N | layers Tracr / before / after "
          "| residual Tracr / before / after "
          "| params Tracr craft / dense | before blocks / dense "
          "| after blocks / dense / per-layer |")
    print("|---|---|---|---|---|---|---|---|")
    failures = []
    for ref in tracr:
        name = ref["program"]
        try:
            text = program_text(args, ref)
            old = stats(args, text, BEFORE)
            new = stats(args, text, args.options)
        except (subprocess.CalledProcessError, OSError) as e:
            failures.append(f"{name}: does not compile ({e})")
            continue
        p, q = old["params"], new["params"]
        print(f"| {name} | {ref['vocab']} | {ref['max_seq_len']} "
              f"| {ref['layers']} / {old['layers']} / {new['layers']} "
              f"| {ref['d_model']} / {old['residual_width']} / "
              f"{new['residual_width']} "
              f"| {ref['craft_params']:,} / {ref['haiku_params']:,} "
              f"| {p['blocks']:,} / {p['dense']:,} "
              f"| {q['blocks']:,} / {q['dense']:,} / {q['layered']:,} |")
        if new["layers"] > ref["layers"]:
            failures.append(f"{name}: {new['layers']} layers, Tracr "
                            f"{ref['layers']}")
        if new["residual_width"] > ref["d_model"]:
            failures.append(f"{name}: residual width "
                            f"{new['residual_width']}, Tracr {ref['d_model']}")
        if name in TARGETS and new["layers"] > TARGETS[name]:
            failures.append(f"{name}: {new['layers']} layers, target "
                            f"{TARGETS[name]}")
    if failures and args.check:
        for f in failures:
            print("error: " + f, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
