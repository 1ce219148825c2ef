#!/usr/bin/env python3
"""Runs the benchmarks of BENCHMARKS.md and writes their tables.

  bench/run-benchmarks.py [--build-dir build] [--out-dir build/bench-results]
      [--sections library,sweeps,throughput,latency]
      [--update BENCHMARKS.md] [--smoke] [--programs a,b] [--lengths 5,8]

Every measurement is one fresh process of build/bin/rasp-bench (compile
times per stage, throughput of the JIT-compiled model) or of
bench/numpy_forward.py (numpy over the weights `rasp-run --export` writes),
run one after another. Sections:

  library     every Tracr library program (examples/<name>.rasp with the
              vocabulary and max_seq_len of Tracr's tests): compile time per
              stage, end to end, peak memory, model sizes
  sweeps      sort, hist, reverse, nary_sequencemap over vocabulary x
              max_seq_len in {5,10,20,50,100}, and the growth fit
  throughput  reverse and sort at max_seq_len 5, 10, 50: JIT vs numpy,
              batch 1/32/512, 1 and 2 threads, rounds interleaved
  latency     every library program: `rasp-run` process wall time on one
              input, cold (empty compilation cache) and warm, beside
              --interpret (bench/latency.py)
  lengths     every Tracr library program at max_seq_len 5, 8, 12, 16, 24,
              32, 48, 64 (sort and sort_freq built for that length), with
              and without the model-size optimisations: craft-model time,
              end to end, peak memory, against Tracr's length sweep
              (bench/tracr-length-sweep.json); not in the default sections
  large       hist, reverse and sort with vocabularies of 1k, 10k and 50k
              tokens at max_seq_len 64 .. 512, default pipeline and
              --optimize=false: widths, parameters, compile and end-to-end
              time, peak memory, growth fits (bench/large_tables.py); not in
              the default sections
  index_growth reverse, shift_by(1), shift_by(2) and sort at vocabulary 100
              and max_seq_len 64, 128, 256, 512, with and without index
              arithmetic: parameters, hidden units, width, time, memory and
              the fitted growth in N (bench/growth_tables.py); not in the
              default sections

Raw results go to OUT/results.json, the tables to OUT/tables.md; --update
replaces the blocks between `<!-- bench:NAME -->` and `<!-- /bench:NAME -->`
in a Markdown file with the new tables. --smoke runs a tiny version of every
section with one repetition (for the test suite: it checks that everything
runs, never how fast).
"""
import argparse
import json
import os
import subprocess
import sys
import threading
import time

import bench_tables as tables
import growth_tables
import large_tables
import latency
import length_tables

med = tables.med
per_stage = length_tables.per_stage

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PYTHON = "/usr/bin/python3"  # Debian's, with python3-numpy
OPENBLAS_DIR = "/usr/lib/x86_64-linux-gnu/openblas-pthread"
SIZES = [5, 10, 20, 50, 100]
TIMEOUT = 120  # seconds per process, as Tracr's sweeps

# Sweep programs: (source line, vocabulary for V) as in Tracr's sweeps.
SWEEPS = {
    "sort": ("out = sort(tokens, tokens, {N}, 1);", lambda v: range(1, v + 1)),
    "hist": ("out = hist();", lambda v: range(v)),
    "reverse": ("out = reverse(tokens);", lambda v: range(v)),
    "nary_sequencemap": (
        "out = nary_sequence_map3(lambda x, y, z: x + y - z, tokens, tokens, "
        "indices);", lambda v: range(1, v + 1)),
}
THROUGHPUT = [("reverse", "a,b,c,d"), ("sort", "1,2,3,4")]
LENGTHS = [5, 8, 12, 16, 24, 32, 48, 64]
# Library programs whose source depends on max_seq_len, as Tracr builds them
# for the length sweep (make_sort(..., max_seq_len=N, min_key=1),
# make_sort_freq(max_seq_len=N)).
LENGTH_SOURCES = {
    "sort": "out = sort(tokens, tokens, {N}, 1);",
    "sort_freq": "out = sort_freq({N});",
}
# A compile slower than this gets one measured repetition.
SLOW_COMPILE = 0.5


def run_process(cmd, env=None, timeout=TIMEOUT):
    """Runs cmd; returns (returncode, stdout, stderr, wall s, CPU s, peak
    RSS KiB) of that process alone (os.wait4), or returncode None on
    timeout."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env, text=True)
    out, err = [], []
    readers = [threading.Thread(target=lambda s, b: b.append(s.read()),
                                args=(stream, buf))
               for stream, buf in ((proc.stdout, out), (proc.stderr, err))]
    for reader in readers:
        reader.start()
    timer = threading.Timer(timeout, proc.kill)
    timer.start()
    _, status, usage = os.wait4(proc.pid, 0)
    timer.cancel()
    proc.returncode = os.waitstatus_to_exitcode(status)
    for reader in readers:
        reader.join()
    wall = time.perf_counter() - start
    killed = proc.returncode == -9 and wall >= timeout
    return (None if killed else proc.returncode, out[0], err[0], wall,
            usage.ru_utime + usage.ru_stime, usage.ru_maxrss)


class Runner:
    def __init__(self, args):
        self.args = args
        self.bin = os.path.join(os.path.abspath(args.build_dir), "bin")
        self.out = os.path.abspath(args.out_dir)
        self.programs = os.path.join(self.out, "programs")
        os.makedirs(self.programs, exist_ok=True)
        self.log = open(os.path.join(self.out, "log.txt"), "a")
        self.smoke = args.smoke

    def note(self, message):
        print(message, file=sys.stderr, flush=True)
        print(message, file=self.log, flush=True)

    def bench(self, mode, program, vocab, n, *options):
        """One rasp-bench process; its JSON document with the process's own
        wall, CPU and peak RSS added, or a dict with an error."""
        cmd = [os.path.join(self.bin, "rasp-bench"), mode, program,
               f"--vocab={vocab}", f"--max-seq-len={n}", *options]
        code, out, err, wall, cpu, rss = run_process(cmd)
        if code != 0:
            status = "timeout" if code is None else f"exit {code}"
            self.note(f"  {' '.join(cmd)}: {status}\n{err.strip()}")
            return {"error": status, "stderr": err.strip()[-2000:]}
        doc = json.loads(out)
        doc["process"] = {"wall": wall, "cpu": cpu, "peak_rss_kib": rss}
        return doc

    def sweep_source(self, name, n, line=None):
        line = (line or SWEEPS[name][0]).format(N=n)
        path = os.path.join(self.programs, f"{name}_N{n}.rasp")
        with open(path, "w") as f:
            f.write(f'load "{ROOT}/examples/lib/tracr.rasp";\n{line}\n')
        return path

    # Compile-time measurements ---------------------------------------------

    def compile_config(self, program, vocab, n, model_reps, jit_reps):
        """Two processes: many compiles to the craft model (the stages Tracr
        measures), then a few whole compiles to JIT-compiled code."""
        model = self.bench("compile", program, vocab, n, "--stop-after=craft-model",
                           f"--repetitions={model_reps}",
                           f"--min-time={0 if self.smoke else 1.0}")
        jit = self.bench("compile", program, vocab, n, "--stop-after=jit",
                         f"--repetitions={jit_reps}")
        return {"vocab": vocab, "max_seq_len": n, "craft_model": model,
                "jit": jit}

    def library(self):
        with open(os.path.join(ROOT, "utils", "tracr-models.json")) as f:
            programs = json.load(f)["programs"]
        if self.smoke:
            programs = [p for p in programs if p["program"] == "reverse"]
        results = []
        for ref in programs:
            name = ref["program"]
            vocab = ref["vocab"][1:-1]  # "{(,),{,}}" -> "(,),{,}"
            self.note(f"library {name}")
            path = os.path.join(ROOT, "examples", name + ".rasp")
            result = self.compile_config(path, vocab, ref["max_seq_len"],
                                         1 if self.smoke else 20,
                                         1 if self.smoke else 5)
            result["program"] = name
            result["rasp_run"] = self.rasp_run_process(path, vocab,
                                                       ref["max_seq_len"])
            results.append(result)
        return results

    def rasp_run_process(self, program, vocab, n):
        """`rasp-run` on one input, as a user runs it: the whole process
        (start-up, compile, JIT, run), best of three."""
        cmd = [os.path.join(self.bin, "rasp-run"), program, f"--vocab={vocab}",
               f"--max-seq-len={n}", "--input=" + vocab.split(",")[0]]
        runs = []
        for _ in range(1 if self.smoke else 3):
            code, _, err, wall, cpu, rss = run_process(cmd)
            if code != 0:
                return {"error": err.strip()[-2000:]}
            runs.append({"wall": wall, "cpu": cpu, "peak_rss_kib": rss})
        return runs

    def index_growth(self):
        return growth_tables.measure(self, run_process)

    def sweeps(self):
        sizes = [5] if self.smoke else SIZES
        names = ["sort"] if self.smoke else list(SWEEPS)
        results = {}
        for name in names:
            results[name] = []
            for v in sizes:
                vocab = ",".join(str(x) for x in SWEEPS[name][1](v))
                for n in sizes:
                    self.note(f"sweep {name} V={v} N={n}")
                    path = self.sweep_source(name, n)
                    result = self.compile_config(path, vocab, n,
                                                 1 if self.smoke else 5,
                                                 1 if self.smoke else 3)
                    result["V"] = v
                    results[name].append(result)
        return results

    def lengths(self):
        """Every library program over LENGTHS, optimised and not; a
        setting of a program is skipped at the lengths after one that
        failed or timed out (as Tracr's sweep)."""
        with open(os.path.join(ROOT, "utils", "tracr-models.json")) as f:
            programs = json.load(f)["programs"]
        lengths = LENGTHS
        if self.args.programs:
            wanted = self.args.programs.split(",")
            programs = [p for p in programs if p["program"] in wanted]
        if self.args.lengths:
            lengths = [int(n) for n in self.args.lengths.split(",")]
        results = []
        for ref in programs:
            name = ref["program"]
            vocab = ref["vocab"][1:-1]
            stopped = {}  # optimise setting -> why the later lengths skip
            slow = {}
            for n in lengths:
                if name in LENGTH_SOURCES:
                    path = self.sweep_source(name, n, LENGTH_SOURCES[name])
                else:
                    path = os.path.join(ROOT, "examples", name + ".rasp")
                config = {"program": name, "vocab": vocab, "max_seq_len": n}
                for setting in ("optimized", "unoptimized"):
                    if setting in stopped:
                        config[setting] = {"skipped": stopped[setting]}
                        continue
                    self.note(f"lengths {name} N={n} {setting}")
                    options = [] if setting == "optimized" else [
                        "--optimize=false"]
                    reps = 1 if self.smoke or slow.get(setting) else 3
                    model = self.bench(
                        "compile", path, vocab, n, "--stop-after=craft-model",
                        f"--repetitions={reps}",
                        f"--min-time={0 if self.smoke or reps == 1 else 0.3}",
                        *options)
                    result = {"craft_model": model}
                    if "error" in model:
                        stopped[setting] = f"{model['error']} at N={n}"
                    else:
                        seconds = med(per_stage(model, "model"))
                        slow[setting] = seconds > SLOW_COMPILE
                        result["jit"] = self.bench(
                            "compile", path, vocab, n, "--stop-after=jit",
                            "--repetitions=1", *options)
                    config[setting] = result
                results.append(config)
        return results

    def large(self):
        """Large vocabularies and lengths (bench/large_tables.py)."""
        return large_tables.run_large(self, run_process)

    # Throughput --------------------------------------------------------------

    def export(self, program, vocab, n):
        path = os.path.join(self.programs,
                            os.path.basename(program) + f".N{n}.safetensors")
        cmd = [os.path.join(self.bin, "rasp-run"), program, f"--vocab={vocab}",
               f"--max-seq-len={n}", f"--export={path}", "--force"]
        code, _, err, *_ = run_process(cmd)
        if code != 0:
            self.note(f"  export failed: {err.strip()}")
            return None
        return path

    def numpy(self, model, threads, reps, min_time, batches):
        env = dict(os.environ)
        env["LD_LIBRARY_PATH"] = OPENBLAS_DIR
        env["OPENBLAS_NUM_THREADS"] = str(threads)
        cmd = [PYTHON, os.path.join(ROOT, "bench", "numpy_forward.py"), model,
               f"--batches={batches}", f"--repetitions={reps}",
               f"--min-time={min_time}"]
        code, out, err, *_ = run_process(cmd, env=env, timeout=600)
        if code != 0:
            self.note(f"  numpy: {err.strip()}")
            return {"error": err.strip()[-2000:]}
        return json.loads(out)

    def throughput(self):
        sizes = [5] if self.smoke else [5, 10, 50]
        rounds = 1 if self.smoke else self.args.rounds
        reps, min_time = (1, 0) if self.smoke else (3, 0.25)
        batches = "1,3" if self.smoke else "1,32,512"
        configs = []
        for name, vocab in THROUGHPUT:
            for n in sizes:
                program = (os.path.join(ROOT, "examples", "reverse.rasp")
                           if name == "reverse" else self.sweep_source(name, n))
                configs.append({"program": name, "vocab": vocab,
                                "max_seq_len": n, "source": program,
                                "export": self.export(program, vocab, n),
                                "jit": [], "numpy": {"1": [], "2": []}})
        # Rounds interleave the two sides, so that both see the same load.
        for round_index in range(rounds):
            for config in configs:
                self.note(f"throughput round {round_index + 1}: "
                          f"{config['program']} N={config['max_seq_len']}")
                config["jit"].append(self.bench(
                    "throughput", config["source"], config["vocab"],
                    config["max_seq_len"], f"--batches={batches}",
                    "--threads=1,2", f"--repetitions={reps}",
                    f"--min-time={min_time}"))
                if not config["export"]:
                    continue
                for threads in ("1", "2"):
                    config["numpy"][threads].append(self.numpy(
                        config["export"], threads, reps, min_time, batches))
        return configs


    # Time to first output ---------------------------------------------------

    def latency(self):
        return latency.run(self, run_process)


def machine_info():
    info = {"cores": os.cpu_count()}
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal"):
                info["memory_gib"] = round(int(line.split()[1]) / 2**20, 1)
    info["kernel"] = os.uname().release
    flags = open("/proc/cpuinfo").read()
    info["avx512"] = "avx512f" in flags
    caches = {}
    cache_dir = "/sys/devices/system/cpu/cpu0/cache"
    indices = sorted(os.listdir(cache_dir)) if os.path.isdir(cache_dir) else []
    for index in (i for i in indices if i.startswith("index")):
        with open(os.path.join(cache_dir, index, "level")) as f:
            level = f.read().strip()
        with open(os.path.join(cache_dir, index, "type")) as f:
            kind = {"Data": "d", "Instruction": "i"}.get(f.read().strip(), "")
        with open(os.path.join(cache_dir, index, "size")) as f:
            caches[f"L{level}{kind}"] = f.read().strip()
    info["caches"] = caches
    try:
        info["llvm"] = subprocess.run(
            ["/usr/lib/llvm-22/bin/llvm-config", "--version"],
            capture_output=True, text=True).stdout.strip()
    except OSError:
        pass
    try:
        info["commit"] = subprocess.run(
            ["git", "-C", ROOT, "rev-parse", "--short", "HEAD"],
            capture_output=True, text=True).stdout.strip()
    except OSError:
        pass
    return info


def loadavg():
    with open("/proc/loadavg") as f:
        return [float(x) for x in f.read().split()[:3]]


def update_markdown(path, blocks):
    with open(path) as f:
        text = f.read()
    for name, body in blocks.items():
        begin, end = f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"
        if begin not in text or end not in text:
            continue
        head, rest = text.split(begin, 1)
        _, tail = rest.split(end, 1)
        text = f"{head}{begin}\n{body.strip()}\n{end}{tail}"
    with open(path, "w") as f:
        f.write(text)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build-dir", default=os.path.join(ROOT, "build"))
    parser.add_argument("--out-dir")
    parser.add_argument("--sections",
                        default="library,sweeps,throughput,latency")
    parser.add_argument("--rounds", type=int, default=3,
                        help="interleaved throughput rounds")
    parser.add_argument("--update", metavar="MARKDOWN",
                        help="replace the bench blocks of this file")
    parser.add_argument("--from-results", metavar="JSON",
                        help="only render the tables of an earlier run")
    parser.add_argument("--smoke", action="store_true")
    parser.add_argument("--programs",
                        help="lengths, large: only these programs")
    parser.add_argument("--lengths",
                        help="lengths, large: only these max_seq_len values")
    args = parser.parse_args()
    args.out_dir = args.out_dir or os.path.join(args.build_dir, "bench-results")
    os.makedirs(args.out_dir, exist_ok=True)

    with open(os.path.join(ROOT, "bench", "tracr-reference.json")) as f:
        tracr = json.load(f)
    with open(os.path.join(ROOT, "bench", "tracr-length-sweep.json")) as f:
        tracr["lengths"] = json.load(f)
    if args.from_results:
        with open(args.from_results) as f:
            results = json.load(f)
    else:
        runner = Runner(args)
        results = {"machine": machine_info(), "smoke": args.smoke,
                   "started": time.strftime("%Y-%m-%d %H:%M:%S"),
                   "load": {}}
        for section in args.sections.split(","):
            before = loadavg()
            started = time.perf_counter()
            results[section] = getattr(runner, section)()
            results["load"][section] = {
                "before": before, "after": loadavg(),
                "seconds": round(time.perf_counter() - started, 1)}
        with open(os.path.join(args.out_dir, "results.json"), "w") as f:
            json.dump(results, f, indent=1)
    blocks = tables.render(results, tracr)
    if "latency" in results:
        blocks["latency"] = latency.render(results)
    if "lengths" in results:
        blocks.update(length_tables.render(results, tracr))
    if "large" in results:
        blocks.update(large_tables.render(results))
    if "index_growth" in results:
        blocks.update(growth_tables.render(results))
    with open(os.path.join(args.out_dir, "tables.md"), "w") as f:
        for name, body in blocks.items():
            f.write(f"<!-- bench:{name} -->\n{body.strip()}\n"
                    f"<!-- /bench:{name} -->\n\n")
    if args.update:
        if set(results) & {"library", "sweeps", "throughput"} == set():
            # A run of the sections with their own blocks (latency, lengths,
            # large, index_growth) leaves the other sections' blocks (and
            # their machine and targets) as they are.
            own = ("latency", "large", "index-growth")
            blocks = {k: v for k, v in blocks.items()
                      if k in own or k.startswith("length")}
        update_markdown(args.update, blocks)
    print(os.path.join(args.out_dir, "tables.md"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
