#!/usr/bin/env python3
"""Starts 8 rasp-run processes at once on one empty compilation cache (four
on the same program, four on three others), checks every output, then runs
each program again and checks that its code now comes from the cache.

  concurrent-runs.py RASP_RUN EXAMPLES_DIR CACHE_HOME
"""
import os
import subprocess
import sys

rasp_run, examples, cache = sys.argv[1:4]
runs = [("reverse", "a,b,c,d", "a b c", '["c", "b", "a"]')] * 4 + [
    ("hist", "a,b,c,d", "a b a", "[2, 1, 2]"),
    ("sort", "1,2,3,4", "3 1 2", "[1, 2, 3]"),
    ("sort", "1,2,3,4", "4 2 2", "[2, 2, 4]"),
    ("length", "a,b,c,d", "a b", "[2, 2]"),
]
env = dict(os.environ, XDG_CACHE_HOME=cache)


def command(program, vocab, tokens):
    return [rasp_run, os.path.join(examples, program + ".rasp"),
            f"--vocab={vocab}", "--max-seq-len=5", f"--input={tokens}",
            "--timing"]


processes = [subprocess.Popen(command(p, v, t), env=env, text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
             for p, v, t, _ in runs]
failures = 0
for (program, _, tokens, want), process in zip(runs, processes):
    out, err = process.communicate()
    if process.returncode != 0 or out.strip() != want:
        print(f"{program} {tokens}: exit {process.returncode}, output "
              f"{out.strip()!r}, expected {want!r}\n{err}")
        failures += 1
for program, vocab, tokens, want in runs[3:]:
    result = subprocess.run(command(program, vocab, tokens), env=env,
                            text=True, capture_output=True)
    if result.stdout.strip() != want or "link cached code" not in result.stderr:
        print(f"{program} {tokens} again: output {result.stdout.strip()!r}, "
              f"not from the cache:\n{result.stderr}")
        failures += 1
leftovers = [n for n in os.listdir(os.path.join(cache, "rasp-compiler",
                                                "objects"))
             if not n.endswith(".entry")]
if leftovers:
    print(f"files left behind: {leftovers}")
    failures += 1
print(f"{len(runs)} concurrent runs, {failures} failures")
sys.exit(1 if failures else 0)
