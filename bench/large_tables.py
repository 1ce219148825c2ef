"""The "large models" section of BENCHMARKS.md (bench/run-benchmarks.py
--sections large, issue 19): hist, reverse and sort with vocabularies of
1,000, 10,000 and 50,000 tokens (read with --vocab-file, typed str; int
for sort, which adds numbers to its keys) at
max_seq_len 64 .. 512, each configuration in processes of its own:

  stats  `rasp-run --model-stats=json`: residual width, hidden units,
         parameters of the layered model (the craft model; no JIT);
  run    `rasp-run --no-cache --timing` on one input of N tokens, compiled
         mode: the process's wall time (parse, compile, JIT, run) and peak
         RSS, and the compile stages' time from --timing.

Both with the default pipeline ("after") and with --optimize=false (the
pipeline without the model-size optimisations: one MLP per op, no folded
embeddings; "before" in the table). A configuration that exceeds the
per-process time limit, or fails (the memory budget), is reported as such
and the longer lengths of that program, vocabulary and setting are
skipped. The growth fits are least-squares slopes of log parameters and
log end-to-end time against log V at N = 64 and against log N at V = 1,000.
"""
import json
import os
import re

from bench_tables import fit

VOCABS = [1000, 10000, 50000]
LENGTHS = [64, 128, 256, 512]
SMOKE_VOCABS, SMOKE_LENGTHS = [1000], [64]
TIME_LIMIT = 120  # seconds per process
PROGRAMS = {
    "hist": "out = hist();",
    "reverse": "out = reverse(tokens);",
    "sort": "out = sort(tokens, tokens, {N}, 1);",
}
SETTINGS = {"after": [], "before": ["--optimize=false"]}
# The vocabulary's type: sort adds numbers to its keys, so its tokens are
# the integers 0 .. V-1.
VOCAB_TYPES = {"sort": "int"}
# Top-level --timing stages that are not compilation.
NOT_COMPILE = {"parse", "run", "Rest", "Total"}


def vocab_file(directory, v):
    """The file of V tokens "0" .. "V-1" (strings: typed str)."""
    path = os.path.join(directory, f"vocab-{v}.txt")
    if not os.path.exists(path):
        with open(path, "w") as f:
            f.write("".join(f"{i}\n" for i in range(v)))
    return path


def parse_timing(text):
    """Seconds of the top-level stages of `--timing` (wall clock)."""
    stages = {}
    for line in text.splitlines():
        m = re.match(r"^\s+[\d.]+ \(\s*[\d.]+%\)\s+([\d.]+) \(\s*[\d.]+%\)"
                     r"(\s+)(\S.*)$", line)
        if m and len(m.group(2)) == 2:
            stages[m.group(3).strip()] = float(m.group(1))
    return stages


def run_large(runner, run_process):
    """Measures every configuration; returns a list of result dicts."""
    smoke = runner.smoke
    vocabs = SMOKE_VOCABS if smoke else VOCABS
    lengths = SMOKE_LENGTHS if smoke else LENGTHS
    programs = PROGRAMS
    # --programs and --lengths restrict the section as the length sweep's.
    if runner.args.programs:
        wanted = runner.args.programs.split(",")
        programs = {k: v for k, v in PROGRAMS.items() if k in wanted}
    if runner.args.lengths:
        lengths = [int(n) for n in runner.args.lengths.split(",")]
    rasp_run = os.path.join(runner.bin, "rasp-run")
    results = []
    for name, source in programs.items():
        for v in vocabs:
            path_v = vocab_file(runner.programs, v)
            stopped = {}
            for n in lengths:
                program = runner.sweep_source(f"large-{name}", n,
                                              source.replace("{N}", str(n)))
                config = {"program": name, "V": v, "N": n}
                for setting, options in SETTINGS.items():
                    if setting in stopped:
                        config[setting] = {"skipped": stopped[setting]}
                        continue
                    runner.note(f"large {name} V={v} N={n} {setting}")
                    common = [rasp_run, program, f"--vocab-file={path_v}",
                              f"--vocab-type={VOCAB_TYPES.get(name, 'str')}",
                              f"--max-seq-len={n}",
                              *options]
                    result = {}
                    code, out, err, wall, cpu, rss = run_process(
                        common + ["--model-stats=json"], timeout=TIME_LIMIT)
                    if code != 0:
                        why = "timeout" if code is None else err.strip()[:2000]
                        result["error"] = why
                        stopped[setting] = f"after N={n}"
                        config[setting] = result
                        continue
                    result["stats"] = json.loads(out)
                    tokens = " ".join(str(i % v) for i in range(n))
                    code, out, err, wall, cpu, rss = run_process(
                        common + ["--no-cache", "--timing", f"--input={tokens}"],
                        timeout=TIME_LIMIT)
                    if code != 0:
                        why = "timeout" if code is None else err.strip()[:2000]
                        result["error"] = why
                        stopped[setting] = f"after N={n}"
                    else:
                        stages = parse_timing(err)
                        result["run"] = {
                            "wall": wall, "cpu": cpu, "peak_rss_kib": rss,
                            "stages": stages,
                            "compile": sum(t for s, t in stages.items()
                                           if s not in NOT_COMPILE)}
                    config[setting] = result
                results.append(config)
    return results


def _model(result):
    stats = (result or {}).get("stats") or {}
    models = stats.get("models") or [{}]
    return models[0]


def _width(result):
    return _model(result).get("residual_width")


def _hidden(result):
    hidden = _model(result).get("mlp_hidden_per_layer")
    return sum(hidden) if hidden is not None else None


def _params(result):
    """Block parameters (dense per-block matrices)."""
    return (_model(result).get("params") or {}).get("blocks")


def _nonzero(result):
    return (_model(result).get("params") or {}).get("blocks_nonzero")


def _fmt_count(n):
    if n is None:
        return "—"
    if n >= 1e9:
        return f"{n / 1e9:.3g} G"
    if n >= 1e6:
        return f"{n / 1e6:.3g} M"
    if n >= 1e3:
        return f"{n / 1e3:.3g} k"
    return str(n)


def _fmt_s(s):
    return "—" if s is None else (f"{s:.2f} s" if s < 10 else f"{s:.1f} s")


def _cell(result):
    """(width, hidden, params, compile, end to end, peak) of one setting."""
    if not result:
        return ["—"] * 6
    if "skipped" in result:
        return ["skipped"] + ["—"] * 5
    run = result.get("run")
    error = result.get("error")
    cells = [_fmt_count(_width(result)), _fmt_count(_hidden(result)),
             f"{_fmt_count(_params(result))} ({_fmt_count(_nonzero(result))})"]
    if run:
        cells += [_fmt_s(run["compile"]), _fmt_s(run["wall"]),
                  f"{run['peak_rss_kib'] / 1024:.0f} MB"]
    else:
        short = "timeout" if error == "timeout" else _error_line(error)
        cells += [short, "—", "—"]
    return cells


def _error_line(error):
    """The diagnostic's own line (`file:line:col: error: what`), without its
    location, for a table cell."""
    lines = (error or "").splitlines() or [""]
    line = next((l for l in lines if "error: " in l), lines[0])
    line = line[line.find("error: "):] if "error: " in line else line
    return line[:100].replace("|", "\\|")


def render(results):
    """The `large` block of BENCHMARKS.md."""
    configs = results.get("large") or []
    m = results.get("machine", {})
    lines = [
        f"Run of {results.get('started', '?')} on commit "
        f"{m.get('commit', '?')} ({m.get('cpu', '?')}, "
        f"{m.get('cores', '?')} cores). "
        "Vocabularies of V tokens (`--vocab-file`, typed str; int for "
        "sort) at max_seq_len N, compiled mode, one process per measurement (time limit "
        f"{TIME_LIMIT} s). *after*: the default pipeline; *before*: "
        "`--optimize=false`. Width, hidden units (all layers) and block "
        "parameters (non-zero in brackets) from `--model-stats=json`; "
        "compile is the sum of the compile stages of "
        "`--timing`; end to end is the `rasp-run` process on one input of N "
        "tokens (parse, compile, JIT, run), peak its RSS.",
        "",
        "| program | V | N | width | hidden | params | compile | end to end "
        "| peak | before: width | hidden | params | compile | end to end | "
        "peak |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
        "---:|---:|",
    ]
    for c in configs:
        lines.append("| " + " | ".join(
            [c["program"], str(c["V"]), str(c["N"])] + _cell(c.get("after")) +
            _cell(c.get("before"))) + " |")
    lines.append("")
    fits = []
    for name in sorted({c["program"] for c in configs}):
        for setting in SETTINGS:
            def points(key, vary):
                out = []
                for c in configs:
                    if c["program"] != name:
                        continue
                    if vary == "V" and c["N"] != min(x["N"] for x in configs):
                        continue
                    if vary == "N" and c["V"] != min(x["V"] for x in configs):
                        continue
                    r = c.get(setting) or {}
                    y = (_params(r) if key == "params" else
                         _nonzero(r) if key == "nonzero" else
                         (r.get("run") or {}).get("wall"))
                    out.append((c[vary], y))
                return out
            slopes = [fit(points(k, x)) for x in ("V", "N")
                      for k in ("params", "nonzero", "time")]
            fits.append(f"| {name} | {setting} | " + " | ".join(
                "—" if s is None else f"{s:.2f}" for s in slopes) + " |")
    lines += [
        "Growth fits (slope of log y against log x; 1 is linear):",
        "",
        "| program | setting | params vs V (shortest N) | non-zero vs V | "
        "end to end vs V | params vs N (smallest V) | non-zero vs N | "
        "end to end vs N |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ] + fits
    return {"large": "\n".join(lines)}
