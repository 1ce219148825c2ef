#!/usr/bin/env python3
"""Layer counts, residual widths and parameter counts of the Tracr library
programs: Tracr's (utils/tracr-models.json) beside ours.

Compiles every test/Interpreter/lib/<program>.mlir with

    rasp-opt --rasp-to-craft-model --craft-model-stats=json <file> -o /dev/null

(vocabulary and max_seq_len are the program's attributes, the ones Tracr's
own tests use) and prints a markdown table. With --check, exits with status 1
if a program fails to compile or has more layers or a wider residual than
Tracr gives it.

    utils/model-size-table.py --rasp-opt build/bin/rasp-opt [--check]
"""

import argparse
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def our_stats(rasp_opt, path):
    out = subprocess.run(
        [rasp_opt, "--rasp-to-craft-model", "--craft-model-stats=json", path,
         "-o", os.devnull],
        check=True, capture_output=True, text=True).stdout
    models = json.loads(out)["models"]
    assert len(models) == 1, path
    return models[0]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rasp-opt", default=os.path.join(ROOT, "build", "bin",
                                                         "rasp-opt"))
    parser.add_argument("--reference",
                        default=os.path.join(ROOT, "utils", "tracr-models.json"),
                        help="Tracr's numbers (default: utils/tracr-models.json)")
    parser.add_argument("--check", action="store_true",
                        help="fail if ours has more layers or a wider "
                        "residual than Tracr's")
    args = parser.parse_args()

    with open(args.reference) as f:
        tracr = json.load(f)["programs"]

    print("| program | vocab | N | layers Tracr | layers ours | heads per layer "
          "Tracr / ours | MLP hidden per layer Tracr / ours | residual Tracr "
          "| residual ours | params Tracr craft / dense | params ours blocks "
          "/ dense |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    failures = []
    for ref in tracr:
        name = ref["program"]
        path = os.path.join(ROOT, "test", "Interpreter", "lib", name + ".mlir")
        try:
            ours = our_stats(args.rasp_opt, path)
        except (subprocess.CalledProcessError, OSError) as e:
            failures.append(f"{name}: does not compile ({e})")
            continue
        print(f"| {name} | {ref['vocab']} | {ref['max_seq_len']} "
              f"| {ref['layers']} | {ours['layers']} "
              f"| {ref['heads_per_layer']} / {ours['heads_per_layer']} "
              f"| {ref['mlp_hidden_per_layer']} / "
              f"{ours['mlp_hidden_per_layer']} "
              f"| {ref['d_model']} | {ours['residual_width']} "
              f"| {ref['craft_params']:,} / {ref['haiku_params']:,} "
              f"| {ours['params']['blocks']:,} / "
              f"{ours['params']['dense']:,} |")
        if ours["layers"] > ref["layers"]:
            failures.append(f"{name}: {ours['layers']} layers, Tracr "
                            f"{ref['layers']}")
        if ours["residual_width"] > ref["d_model"]:
            failures.append(f"{name}: residual width "
                            f"{ours['residual_width']}, Tracr {ref['d_model']}")
    if failures and args.check:
        for f in failures:
            print("error: " + f, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
