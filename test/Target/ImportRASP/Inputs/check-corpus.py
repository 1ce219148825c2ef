"""Checks that rasp-translate rejects every program of a directory cleanly.

Usage: check-corpus.py RASP_TRANSLATE DIRECTORY

Each *.rasp file is imported with a string vocabulary, an int vocabulary and
no vocabulary. The string run must fail; every run must end with exit status
0 (a module on stdout) or 1 (exactly one located error on stderr, nothing on
stdout) within the time limit: no crash, no assertion, no hang.
"""
import concurrent.futures
import glob
import os
import re
import subprocess
import sys

tool, directory = sys.argv[1:3]
vocabularies = [["--vocab=a,b,("], ["--vocab=0,1,-2"], []]


def check(job):
    """Returns a problem report for one (file, vocabulary), or None."""
    path, i = job
    vocab = vocabularies[i]
    name = f"{os.path.basename(path)} {' '.join(vocab) or '(no vocab)'}"
    try:
        run = subprocess.run([tool, "--import-rasp", path] + vocab,
                             capture_output=True, timeout=60)
    except subprocess.TimeoutExpired:
        return f"{name}: timed out"
    stderr = run.stderr.decode("utf-8", "replace")
    errors = re.findall(r"^\S.*:\d+:\d+: error: ", stderr, re.M)
    if run.returncode == 1 and len(errors) == 1 and not run.stdout:
        return None
    if run.returncode == 0 and i > 0 and b"rasp.program" in run.stdout:
        return None
    return (f"{name}: exit status {run.returncode}, {len(errors)} errors\n" +
            stderr[:2000])


files = sorted(glob.glob(os.path.join(directory, "*.rasp")))
jobs = [(path, i) for path in files for i in range(len(vocabularies))]
with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
    problems = [p for p in pool.map(check, jobs) if p]
for problem in problems:
    print(problem)
print(f"{len(files)} files, {len(problems)} problems")
sys.exit(1 if problems else 0)
