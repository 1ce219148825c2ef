"""Shared fixtures of raspc's pytest suite (test/Python/pytest.test runs it).

`rasp-run` comes from $RASP_BIN_DIR (set by lit to the build's bin/) or
PATH; raspc from PYTHONPATH (lit: the build's python_packages). The Tracr
library programs are Tracr's graphs <name>.mlir that the build generates
from examples/<name>.rasp into $RASP_TRACR_LIBRARY (lit: %tracr_lib;
default: test/Interpreter/lib beside $RASP_BIN_DIR), with their recorded
inputs in test/Interpreter/lib/Inputs/<name>.in and <name>.causal.in.
"""
import concurrent.futures
import json
import math
import os
import shutil
import subprocess

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
LIBRARY = os.path.join(ROOT, "test", "Interpreter", "lib")
GRAPHS = os.environ.get("RASP_TRACR_LIBRARY") or os.path.join(
    os.environ.get("RASP_BIN_DIR", os.path.join(ROOT, "build", "bin")),
    os.pardir, "test", "Interpreter", "lib")
INPUTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "Inputs")

#: The programs of Tracr's lib.py (unittests/Support/LibraryPrograms.h).
LIBRARY_PROGRAMS = [
    "count_a", "count_less_freq", "count_less_freq_numerical",
    "detect_pattern_ab", "detect_pattern_abc", "frac_prevs", "hist",
    "length", "length_numerical", "nary_sequencemap_1", "nary_sequencemap_2",
    "pair_balance", "reverse", "shift_by_1", "shift_by_2", "shuffle_dyck1",
    "shuffle_dyck2", "shuffle_dyck3", "sort", "sort_freq", "sort_unique",
    "sort_unique_neg_indices",
]

#: Cases compared with `rasp-run`'s compiled outputs in the default tier:
#: categorical and numerical outputs, None outputs, causal and not, several
#: heads, attention-only. The long tier runs every program both ways.
QUICK_CASES = [
    ("reverse", False), ("reverse", True), ("frac_prevs", True),
    ("shift_by_1", False), ("sort", False), ("shuffle_dyck1", True),
    ("count_less_freq_numerical", False), ("length_numerical", True),
]


def rasp_run_path():
    bin_dir = os.environ.get("RASP_BIN_DIR")
    path = (os.path.join(bin_dir, "rasp-run") if bin_dir
            else shutil.which("rasp-run"))
    if not path or not os.path.exists(path):
        raise RuntimeError("rasp-run not found: set RASP_BIN_DIR")
    return path


def rasp_run(*args):
    """Standard output of `rasp-run args`, which must succeed."""
    done = subprocess.run([rasp_run_path(), *args], capture_output=True,
                          text=True)
    if done.returncode != 0:
        raise AssertionError(f"rasp-run {' '.join(args)}: {done.stderr}")
    return done.stdout


def library_inputs(name, causal):
    """The recorded inputs of a library program, and the empty input."""
    suffix = ".causal.in" if causal else ".in"
    with open(os.path.join(LIBRARY, "Inputs", name + suffix)) as f:
        return [""] + f.read().splitlines()


def library_expected(name, causal):
    """Tracr's recorded outputs of the recorded inputs (the vectors
    test/Examples checks rasp-run's compiled mode against), with []
    for the empty input."""
    suffix = ".causal.expected" if causal else ".expected"
    with open(os.path.join(LIBRARY, "Inputs", name + suffix)) as f:
        return [[]] + [json.loads(line) for line in f.read().splitlines()]


def _parallel(function, items):
    """[function(item)], several at a time (they run subprocesses)."""
    workers = max(1, min(len(items), os.cpu_count() or 1))
    with concurrent.futures.ThreadPoolExecutor(workers) as pool:
        return list(pool.map(function, items))


def _program_args(name, causal):
    args = [os.path.join(GRAPHS, name + ".mlir")]
    return args + ["--causal"] if causal else args


@pytest.fixture(scope="session")
def library_exports(tmp_path_factory):
    """{(name, causal): path} of every library program exported by
    `rasp-run --export`, plain and causal."""
    directory = str(tmp_path_factory.mktemp("library"))
    cases = [(n, c) for n in LIBRARY_PROGRAMS for c in (False, True)]

    def export(case):
        name, causal = case
        path = os.path.join(
            directory, f"{name}{'-causal' if causal else ''}.safetensors")
        rasp_run(*_program_args(name, causal), "--export=" + path)
        return path

    return dict(zip(cases, _parallel(export, cases)))


@pytest.fixture(scope="session")
def compiled_outputs():
    """compiled_outputs(cases) -> {case: outputs}: what `rasp-run` (the
    compiled model) prints for the recorded inputs of each (name, causal),
    computed several at a time and kept for the session."""
    cache = {}

    def run(case):
        inputs = library_inputs(*case)
        out = rasp_run(*_program_args(*case),
                       *("--input=" + line for line in inputs))
        outputs = [json.loads(line) for line in out.splitlines()]
        assert len(outputs) == len(inputs)
        return outputs

    def get(cases):
        missing = [c for c in cases if c not in cache]
        cache.update(zip(missing, _parallel(run, missing)))
        return {c: cache[c] for c in cases}

    return get


@pytest.fixture(scope="session")
def transformer_lens_facts():
    with open(os.path.join(INPUTS, "transformer_lens.json")) as f:
        return json.load(f)


def same_output(got, want, numerical, rtol=1e-5, atol=1e-7):
    """Decoded outputs equal as test/Utils/compare-json-lines.py compares
    them: None only for None; categorical values of the same type and value;
    numerical values as numbers (a recorded bool counts as 0 or 1) within
    the tolerances."""
    if len(got) != len(want):
        return False
    for g, w in zip(got, want):
        if g is None or w is None:
            if g is not w:
                return False
        elif numerical:
            if isinstance(g, bool) or not isinstance(g, (int, float)):
                return False
            if not math.isclose(g, float(w), rel_tol=rtol, abs_tol=atol):
                return False
        elif type(g) is not type(w) or g != w:
            return False
    return True


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "long: every library program both ways (lit: long-tests)")
