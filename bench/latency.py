"""Time to first output: `rasp-run` as a process, cold and warm (BENCHMARKS.md).

run(runner) measures, for every Tracr library program at the vocabulary and
max_seq_len of Tracr's tests (utils/tracr-models.json), the wall and CPU time
of whole `rasp-run` processes on one input of max_seq_len tokens:

  cold       compiled mode with an empty compilation cache (a fresh
             XDG_CACHE_HOME per run), as a first run on a new machine
  warm       compiled mode again on a cache primed by one earlier run
  interpret  `rasp-run --interpret` on the same input

plus one cold run with `--timing` for the stage split (compile to tensor IR,
lowering to the LLVM dialect, JIT), the model's layers and heads
(`--model-stats=json`), and a chain of k shifts (k layers of one head each)
for the growth of the JIT time with the number of layers and heads.
render(results) returns the `latency` block with the targets' verdicts.
Nothing here is a test: test/Bench only runs the --smoke version.
"""
import json
import os
import shutil
import statistics
import subprocess
import tempfile

from bench_tables import fit

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
COLD_TARGET = 0.150  # seconds, issue 16
WARM_TARGET = 0.030
CHAIN = [1, 2, 4, 8, 16]


def test_input(vocab, n):
    """max_seq_len tokens cycling through the vocabulary."""
    tokens = vocab.split(",")
    return " ".join(tokens[i % len(tokens)] for i in range(n))


def stage_times(stderr):
    """{stage: wall seconds} from `--timing --mlir-output-format=json`."""
    start = stderr.find("[")
    if start < 0:
        return {}
    try:
        doc = json.loads(stderr[start:])
    except ValueError:
        return {}
    return {e["name"]: e["wall"]["duration"] for e in doc if "name" in e}


def agree(a, b, rtol=1e-4, atol=1e-6):
    """Two `rasp-run` output lines, numbers compared with a tolerance
    (the compiled mode prints float32 values, the interpreter doubles)."""
    def same(x, y):
        if isinstance(x, list) and isinstance(y, list):
            return len(x) == len(y) and all(map(same, x, y))
        if isinstance(x, (int, float)) and isinstance(y, (int, float)) and \
                not isinstance(x, bool) and not isinstance(y, bool):
            return abs(x - y) <= atol + rtol * abs(y)
        return x == y
    try:
        return same(json.loads(a), json.loads(b))
    except ValueError:
        return a == b


class Latency:
    def __init__(self, runner, run_process):
        self.runner = runner
        self.run_process = run_process
        self.smoke = runner.smoke
        self.rasp_run = os.path.join(runner.bin, "rasp-run")
        self.scratch = tempfile.mkdtemp(prefix="latency-", dir=runner.out)

    def process(self, args, cache_dir, extra=()):
        env = dict(os.environ)
        env["XDG_CACHE_HOME"] = cache_dir
        env.pop("RASP_NO_CACHE", None)
        cmd = [self.rasp_run, *args, *extra]
        code, out, err, wall, cpu, rss = self.run_process(cmd, env=env)
        if code != 0:
            status = "timeout" if code is None else f"exit {code}"
            self.runner.note(f"  {' '.join(cmd)}: {status}\n{err.strip()}")
            return {"error": status, "stderr": err.strip()[-2000:]}
        return {"wall": wall, "cpu": cpu, "peak_rss_kib": rss, "out": out,
                "err": err}

    def fresh_cache(self):
        return tempfile.mkdtemp(prefix="cache-", dir=self.scratch)

    def measure(self, path, vocab, n, reps):
        args = [path, f"--vocab={vocab}", f"--max-seq-len={n}",
                "--input=" + test_input(vocab, n)]
        result = {"vocab": vocab, "max_seq_len": n, "cold": [], "warm": [],
                  "interpret": []}
        stats = self.process(args, self.fresh_cache(), ["--model-stats=json"])
        if "error" not in stats:
            doc, _ = json.JSONDecoder().raw_decode(stats["out"])
            model = doc["models"][0]
            result["layers"] = model.get("layers")
            result["heads"] = sum(model.get("heads_per_layer", []))
        timed = self.process(args, self.fresh_cache(),
                             ["--timing", "--mlir-output-format=json"])
        result["stages"] = stage_times(timed.get("err", ""))
        warm_cache = self.fresh_cache()
        self.process(args, warm_cache)  # primes the cache
        outputs = []
        for _ in range(reps):
            for kind, cache, extra in (
                    ("cold", self.fresh_cache(), ()),
                    ("warm", warm_cache, ()),
                    ("interpret", self.fresh_cache(), ("--interpret",))):
                run = self.process(args, cache, extra)
                if "out" in run:
                    outputs.append(run.pop("out"))
                    run.pop("err")
                result[kind].append(run)
        # The compiled and the interpreted output of the one input.
        result["same_output"] = bool(outputs) and all(
            agree(outputs[0], o) for o in outputs)
        shutil.rmtree(self.scratch, ignore_errors=True)
        os.makedirs(self.scratch, exist_ok=True)
        return result

    def chain_source(self, k):
        path = os.path.join(self.runner.programs, f"shift_chain_{k}.rasp")
        lines = [f'load "{ROOT}/examples/lib/tracr.rasp";', "x0 = tokens;"]
        lines += [f"x{i} = shift_by(1, x{i - 1});" for i in range(1, k + 1)]
        lines.append(f"out = x{k};")
        with open(path, "w") as f:
            f.write("\n".join(lines) + "\n")
        return path

    def run(self):
        with open(os.path.join(ROOT, "utils", "tracr-models.json")) as f:
            programs = json.load(f)["programs"]
        if self.smoke:
            programs = [p for p in programs if p["program"] == "reverse"]
        reps = 1 if self.smoke else 7
        library = []
        for ref in programs:
            name = ref["program"]
            vocab = ref["vocab"][1:-1]  # "{(,),{,}}" -> "(,),{,}"
            self.runner.note(f"latency {name}")
            path = os.path.join(ROOT, "examples", name + ".rasp")
            result = self.measure(path, vocab, ref["max_seq_len"], reps)
            result["program"] = name
            library.append(result)
        # The floor under every row: a rasp-run process that only starts
        # (loading its shared libraries, static initialisers) and exits.
        floor = [self.process(["--version"], self.fresh_cache())
                 for _ in range(1 if self.smoke else 15)]
        shared_llvm = self.loads_shared_llvm()
        for run in floor:
            run.pop("out", None)
            run.pop("err", None)
        linking = self.link_floor(1 if self.smoke else 15)
        chain = []
        for k in [1, 2] if self.smoke else CHAIN:
            self.runner.note(f"latency shift chain {k}")
            result = self.measure(self.chain_source(k), "a,b,c,d", 5,
                                  1 if self.smoke else 3)
            result["k"] = k
            chain.append(result)
        shutil.rmtree(self.scratch, ignore_errors=True)
        return {"library": library, "chain": chain, "floor": floor,
                "link_floor": linking, "shared_llvm": shared_llvm}

    def loads_shared_llvm(self):
        """Whether rasp-run loads libLLVM.so or libMLIR.so (None if `ldd`
        cannot tell): it links them statically by default
        (RASP_STATIC_LLVM_TOOLS)."""
        try:
            out = subprocess.run(["ldd", self.rasp_run], capture_output=True,
                                 text=True).stdout
        except OSError:
            return None
        if not out:
            return None
        return "libLLVM" in out or "libMLIR" in out

    def link_floor(self, reps):
        """What the floor is made of: a program that does nothing, linked
        with libLLVM.so and with libLLVM.so + libMLIR.so as rasp-run is
        (the build's C compiler and LLVM), so the dynamic loader and the
        libraries' own static initialisers are all it runs. {} when the
        build's compiler is not at hand."""
        cache = {}
        build = os.path.dirname(self.rasp_run.rstrip("/"))
        try:
            with open(os.path.join(os.path.dirname(build),
                                   "CMakeCache.txt")) as f:
                for line in f:
                    key, _, value = line.strip().partition("=")
                    cache[key.split(":")[0]] = value
        except OSError:
            return {}
        cc = cache.get("CMAKE_C_COMPILER")
        llvm_dir = cache.get("LLVM_DIR")
        if not cc or not llvm_dir:
            return {}
        libdir = os.path.dirname(os.path.dirname(llvm_dir))
        source = os.path.join(self.scratch, "empty.c")
        with open(source, "w") as f:
            f.write("int main(void) { return 0; }\n")
        result = {}
        for name, libs in (("none", []), ("LLVM", ["-lLLVM"]),
                           ("LLVM+MLIR", ["-lMLIR", "-lLLVM"])):
            exe = os.path.join(self.scratch, "empty-" + name.replace("+", "-"))
            cmd = [cc, source, "-o", exe, "-Wl,--no-as-needed", f"-L{libdir}",
                   f"-Wl,-rpath,{libdir}", *libs]
            if subprocess.run(cmd, capture_output=True).returncode != 0:
                return {}
            runs = []
            for _ in range(reps):
                code, _, _, wall, cpu, _ = self.run_process([exe])
                if code == 0:
                    runs.append({"wall": wall, "cpu": cpu})
            result[name] = runs
        return result


def run(runner, run_process):
    """The latency section; run_process(cmd, env) as in run-benchmarks.py."""
    return Latency(runner, run_process).run()


# Rendering --------------------------------------------------------------------

def median(runs, key):
    values = [r[key] for r in runs if key in r]
    return statistics.median(values) if values else None


def fastest(runs, key="wall"):
    values = [r[key] for r in runs if key in r]
    return min(values) if values else None


def fmt_ms(seconds):
    return "—" if seconds is None else f"{seconds * 1e3:.0f}"


def verdict(met):
    return "met" if met else "**missed**"


def render(results):
    latency = results.get("latency") or {}
    library = latency.get("library", [])
    rows = [
        "| program | V | N | layers / heads | cold wall | cold CPU "
        "| of which lowering / JIT | warm wall | warm CPU | `--interpret` "
        "wall | same output |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    colds, warms = [], []
    for r in library:
        cold, warm = median(r["cold"], "wall"), median(r["warm"], "wall")
        stages = r.get("stages", {})
        colds.append((cold, r["program"]))
        warms.append((warm, r["program"]))
        rows.append(
            f"| {r['program']} | {len(r['vocab'].split(','))} "
            f"| {r['max_seq_len']} | {r.get('layers', '?')} / "
            f"{r.get('heads', '?')} | {fmt_ms(cold)} "
            f"| {fmt_ms(median(r['cold'], 'cpu'))} "
            f"| {fmt_ms(stages.get('lower to LLVM dialect'))} / "
            f"{fmt_ms(stages.get('JIT compile'))} | {fmt_ms(warm)} "
            f"| {fmt_ms(median(r['warm'], 'cpu'))} "
            f"| {fmt_ms(median(r['interpret'], 'wall'))} "
            f"| {'yes' if r.get('same_output') else '**no**'} |")
    rows.append("")
    rows.append("Milliseconds, medians of "
                f"{max((len(r['cold']) for r in library), default=0)} "
                "processes each; lowering / JIT from one more cold run with "
                "`--timing` (wall).")
    floor = latency.get("floor", [])
    floor_wall = median(floor, "wall")
    if floor_wall is not None:
        walls = sorted(r["wall"] for r in floor if "wall" in r)
        rows.append("")
        shared = latency.get("shared_llvm")
        how = ("load libMLIR and libLLVM, run static initialisers, exit"
               if shared else
               "LLVM and MLIR linked statically: start, run static "
               "initialisers, exit" if shared is False else
               "start, run static initialisers, exit")
        rows.append(
            f"Start-up floor: `rasp-run --version` ({how}) takes "
            f"{fmt_ms(floor_wall)} ms "
            f"wall (median of {len(walls)}; fastest {fmt_ms(walls[0])} ms, "
            f"CPU {fmt_ms(median(floor, 'cpu'))} ms) in this run: every "
            f"process above pays it.")
    linking = latency.get("link_floor", {})
    if linking.get("LLVM+MLIR"):
        parts = ", ".join(
            f"{label} {fmt_ms(median(linking[name], 'wall'))} ms wall / "
            f"{fmt_ms(median(linking[name], 'cpu'))} ms CPU"
            for name, label in (("none", "no library"),
                                ("LLVM", "libLLVM.so"),
                                ("LLVM+MLIR", "libLLVM.so + libMLIR.so"))
            if linking.get(name))
        rows.append("")
        if latency.get("shared_llvm") is False:
            rows.append(
                f"What loading the shared libraries would add (rasp-run "
                f"links LLVM and MLIR statically): an empty `main` linked "
                f"with them (medians of {len(linking['LLVM+MLIR'])}): "
                f"{parts}.")
        else:
            rows.append(
                f"Of which linking alone: an empty `main` linked with the "
                f"libraries rasp-run loads (medians of "
                f"{len(linking['LLVM+MLIR'])}): {parts}.")
    chain = latency.get("chain", [])
    if chain:
        rows += ["", "Chain of k `shift_by(1, ...)` (k layers, one head each), "
                 "vocabulary a,b,c,d, N = 5:", "",
                 "| k | cold wall | lowering | JIT | warm wall |",
                 "|---|---|---|---|---|"]
        for r in chain:
            stages = r.get("stages", {})
            rows.append(
                f"| {r['k']} | {fmt_ms(median(r['cold'], 'wall'))} "
                f"| {fmt_ms(stages.get('lower to LLVM dialect'))} "
                f"| {fmt_ms(stages.get('JIT compile'))} "
                f"| {fmt_ms(median(r['warm'], 'wall'))} |")
    machine = results.get("machine", {})
    load = results.get("load", {}).get("latency")
    rows += ["", f"Run: commit {machine.get('commit', '?')}, started "
             f"{results.get('started', '?')}, {machine.get('cores', '?')} "
             f"cores" + (f", load average {'/'.join(map(str, load['before']))}"
                         f" before, {'/'.join(map(str, load['after']))} "
                         f"after" if load else "") + "."]
    rows += ["", "Targets (issue 16):", ""]
    measured = [(c, p) for c, p in colds if c is not None]
    if measured:
        worst = max(measured)
        over = [p for c, p in measured if c > COLD_TARGET]
        rows.append(
            f"* **cold ≤ 150 ms for every library program**: "
            f"{verdict(not over and len(measured) == len(library))}; "
            f"{len(measured) - len(over)} of {len(library)} within, slowest "
            f"{worst[1]} {fmt_ms(worst[0])} ms"
            + (f"; over: {', '.join(over)}" if over else "") + ".")
    measured = [(w, p) for w, p in warms if w is not None]
    if measured:
        worst = max(measured)
        over = [p for w, p in measured if w > WARM_TARGET]
        rows.append(
            f"* **warm ≤ 30 ms for every library program**: "
            f"{verdict(not over and len(measured) == len(library))}; "
            f"{len(measured) - len(over)} of {len(library)} within, slowest "
            f"{worst[1]} {fmt_ms(worst[0])} ms"
            + (f"; over: {', '.join(over)}" if over else "") + ".")
    # Wall time on a shared machine doubles under load; CPU time does not.
    cold_cpu = [(median(r["cold"], "cpu"), r["program"]) for r in library]
    warm_cpu = [(median(r["warm"], "cpu"), r["program"]) for r in library]
    cold_cpu = [(c, p) for c, p in cold_cpu if c is not None]
    warm_cpu = [(c, p) for c, p in warm_cpu if c is not None]
    if cold_cpu and warm_cpu:
        rows.append(
            f"* The same targets on CPU time (user + system of the process, "
            f"steadier than wall time under load): cold ≤ 150 ms on "
            f"{sum(c <= COLD_TARGET for c, _ in cold_cpu)} of {len(library)} "
            f"(slowest {max(cold_cpu)[1]} {fmt_ms(max(cold_cpu)[0])} ms), "
            f"warm ≤ 30 ms on {sum(c <= WARM_TARGET for c, _ in warm_cpu)} "
            f"of {len(library)} (slowest {max(warm_cpu)[1]} "
            f"{fmt_ms(max(warm_cpu)[0])} ms).")
    # Under load a process also waits for a core; its fastest run of the
    # repetitions is the closest to what it costs on a quiet machine.
    cold_min = [(fastest(r["cold"]), r["program"]) for r in library]
    warm_min = [(fastest(r["warm"]), r["program"]) for r in library]
    cold_min = [(c, p) for c, p in cold_min if c is not None]
    warm_min = [(c, p) for c, p in warm_min if c is not None]
    if cold_min and warm_min:
        reps = max((len(r["cold"]) for r in library), default=0)
        rows.append(
            f"* The same targets on the fastest of the {reps} processes "
            f"(wall): cold ≤ 150 ms on "
            f"{sum(c <= COLD_TARGET for c, _ in cold_min)} of {len(library)} "
            f"(slowest {max(cold_min)[1]} {fmt_ms(max(cold_min)[0])} ms), "
            f"warm ≤ 30 ms on {sum(c <= WARM_TARGET for c, _ in warm_min)} "
            f"of {len(library)} (slowest {max(warm_min)[1]} "
            f"{fmt_ms(max(warm_min)[0])} ms).")
    floor_cpu = median(floor, "cpu")
    if floor_wall is not None and floor_cpu is not None and warm_cpu:
        rows.append(
            f"* For scale: the start-up floor was {fmt_ms(floor_wall)} ms "
            f"wall, {fmt_ms(floor_cpu)} ms CPU in this run; warm CPU minus "
            f"the floor's CPU from {fmt_ms(min(warm_cpu)[0] - floor_cpu)} to "
            f"{fmt_ms(max(warm_cpu)[0] - floor_cpu)} ms, cold CPU minus the "
            f"floor's from {fmt_ms(min(cold_cpu)[0] - floor_cpu)} to "
            f"{fmt_ms(max(cold_cpu)[0] - floor_cpu)} ms.")
    jit = [(r["k"], r["stages"].get("JIT compile"))
           for r in chain if r.get("stages", {}).get("JIT compile")]
    lib = [(r["layers"] + r["heads"], r["stages"].get("JIT compile"))
           for r in library if r.get("layers") is not None
           and r.get("stages", {}).get("JIT compile")]
    s_chain, s_lib = fit(jit), fit(lib)
    if s_chain is not None or s_lib is not None:
        slopes = [s for s in (s_chain, s_lib) if s is not None]
        rows.append(
            f"* **JIT time at most linear in layers and heads** (slope of "
            f"log JIT time against log (layers + heads) ≤ 1.1): "
            f"{verdict(max(slopes) <= 1.1)}; shift chain "
            f"{'—' if s_chain is None else f'{s_chain:.2f}'}, library "
            f"{'—' if s_lib is None else f'{s_lib:.2f}'}.")
    return "\n".join(rows)
