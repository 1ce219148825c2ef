"""Markdown tables of bench/run-benchmarks.py's results (BENCHMARKS.md).

render(results, tracr) returns {block name: markdown}. Times of our
compiler are medians over repetitions of the process CPU time of each stage
(rasp-bench); Tracr's are its recorded wall-clock medians
(bench/tracr-reference.json), single-threaded Python, so CPU and wall agree
there up to descheduling.
"""
import json
import math
import os
import statistics

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

PASS_NAMES = {
    "InferBasesPass": "infer-bases",
    "ValidatePass": "validate",
    "LowerToCraftPass": "lower-to-craft",
    "PruneDirectionsPass": "prune-directions",
    "AllocateLayersPass": "allocate-layers",
    "ConvertCraftToLinalgPass": "convert",
}
SCOPES = ("compile to craft model/", "compile to tensor IR/")


# Reading rasp-bench documents ------------------------------------------------

def per_rep(doc, clock="cpu"):
    """{stage: [seconds per repetition]}: parse, every pass (renamed), the
    craft-model part (every pass before the conversion), lower, jit, total."""
    if not doc or "stages" not in doc:
        return None
    stages = {}
    model = [0.0] * doc["repetitions"]
    for stage in doc["stages"]:
        name, values = stage["name"], stage[clock]
        scope = next((s for s in SCOPES if name.startswith(s)), None)
        if scope:
            name = name[len(scope):]
            if "/" in name:  # an analysis timed inside a pass
                continue
            name = PASS_NAMES.get(name, name)
            if name != "convert":
                model = [m + v for m, v in zip(model, values)]
        elif name == "lower to LLVM dialect":
            name = "llvm"
        elif name == "JIT compile":
            name = "jit"
        stages[name] = values
    stages["model"] = model
    return stages


def med(values):
    return statistics.median(values) if values else None


def fmt_time(seconds):
    if seconds is None:
        return "—"
    if seconds < 1e-3:
        return f"{seconds * 1e6:.0f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:.3g} ms"
    return f"{seconds:.3g} s"


def fmt_ratio(ratio):
    if ratio is None:
        return "—"
    if ratio >= 10:
        return f"{ratio:,.0f}×"
    return f"{ratio:.1f}×" if ratio >= 1 else f"{ratio:.2g}×"


def fmt_int(value):
    return "—" if value is None else f"{value:,}"


def fmt_rss(doc):
    if not doc or "process" not in doc:
        return "—"
    return f"{doc['process']['peak_rss_kib'] / 1024:.0f} MB"


def stage_median(stages, name):
    return med(stages.get(name, [])) if stages else None


def speedup(tracr_seconds, ours):
    return tracr_seconds / ours if tracr_seconds and ours else None


def model_stats(config):
    doc = config.get("craft_model") or {}
    return doc.get("model")


def compile_summary(config):
    """Medians of one configuration: the craft-model stages from the
    many-repetition run, the later ones from the whole-compile run."""
    model = per_rep(config.get("craft_model"))
    jit = per_rep(config.get("jit"))
    summary = {}
    if model:
        for name in ("parse", "infer-bases", "validate", "lower-to-craft",
                     "model"):
            summary[name] = stage_median(model, name)
        # With the parse: the source text to the craft model.
        summary["parsed_model"] = med(
            [p + m for p, m in zip(model["parse"], model["model"])])
        # Layer allocation and the passes between it and the lowering
        # (model-size optimisations such as prune-directions).
        summary["allocate"] = sum(
            med(v) for k, v in model.items()
            if k not in ("parse", "infer-bases", "validate", "lower-to-craft",
                         "model", "context", "total",
                         "compile to craft model"))
    if jit:
        for name in ("convert", "llvm", "jit", "total"):
            summary[name] = stage_median(jit, name)
        summary["jit_model"] = stage_median(jit, "model")
    return summary


# Blocks ----------------------------------------------------------------------

def machine_block(results):
    m = results.get("machine", {})
    caches = ", ".join(f"{k} {v}" for k, v in m.get("caches", {}).items())
    lines = [
        f"* CPU: {m.get('cpu', '?')}, {m.get('cores', '?')} cores"
        f"{' (AVX-512)' if m.get('avx512') else ''}"
        f"{'; caches ' + caches if caches else ''}; memory "
        f"{m.get('memory_gib', '?')} GiB; Linux {m.get('kernel', '?')}; "
        f"LLVM/MLIR {m.get('llvm', '?')}",
        f"* commit {m.get('commit', '?')}, run started "
        f"{results.get('started', '?')}",
    ]
    numpy_docs = [d for c in results.get("throughput", [])
                  for t in ("1", "2") for d in c["numpy"][t] if "numpy" in d]
    if numpy_docs:
        d = numpy_docs[0]
        lines.append(f"* numpy {d['numpy']} with "
                     f"{', '.join(b for b in d['blas'] if 'openblas' in b) or ', '.join(d['blas'])}")
    for section, load in results.get("load", {}).items():
        lines.append(
            f"* {section}: {load['seconds']} s, load average (1/5/15 min) "
            f"{'/'.join(map(str, load['before']))} before, "
            f"{'/'.join(map(str, load['after']))} after")
    return "\n".join(lines)


def library_block(results, tracr):
    rows = [
        "| program | V | N | parse | infer-bases | validate | lower-to-craft "
        "| prune + allocate | **craft model** | Tracr (same stages) "
        "| speed-up | speed-up with parse | convert | LLVM lowering | JIT "
        "| **end to end** | peak RSS |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for config in results.get("library", []):
        name = config["program"]
        s = compile_summary(config)
        t = tracr["programs"].get(name, {}).get("total_median")
        rows.append(
            f"| {name} | {len(config['vocab'].split(','))} "
            f"| {config['max_seq_len']} | {fmt_time(s.get('parse'))} "
            f"| {fmt_time(s.get('infer-bases'))} "
            f"| {fmt_time(s.get('validate'))} "
            f"| {fmt_time(s.get('lower-to-craft'))} "
            f"| {fmt_time(s.get('allocate'))} "
            f"| **{fmt_time(s.get('model'))}** | {fmt_time(t)} "
            f"| {fmt_ratio(speedup(t, s.get('model')))} "
            f"| {fmt_ratio(speedup(t, s.get('parsed_model')))} "
            f"| {fmt_time(s.get('convert'))} "
            f"| {fmt_time(s.get('llvm'))} | {fmt_time(s.get('jit'))} "
            f"| **{fmt_time(s.get('total'))}** "
            f"| {fmt_rss(config.get('jit'))} |")
    process = []
    for config in results.get("library", []):
        runs = config.get("rasp_run")
        if isinstance(runs, list) and runs:
            best = min(runs, key=lambda r: r["wall"])
            process.append((config["program"], best))
    if process:
        walls = [r["wall"] for _, r in process]
        rows.append("")
        rows.append(
            f"`rasp-run` as a process (start-up, compile, JIT, one input; "
            f"best of 3 wall): {fmt_time(min(walls))} to "
            f"{fmt_time(max(walls))}, peak RSS "
            f"{min(r['peak_rss_kib'] for _, r in process) / 1024:.0f}-"
            f"{max(r['peak_rss_kib'] for _, r in process) / 1024:.0f} MB.")
    return "\n".join(rows)


def sizes_block(results):
    with open(os.path.join(ROOT, "utils", "tracr-models.json")) as f:
        ref = {p["program"]: p for p in json.load(f)["programs"]}
    rows = [
        "| program | V | N | layers Tracr / ours | heads per layer Tracr / "
        "ours | MLP hidden per layer Tracr / ours | residual Tracr / ours "
        "| params Tracr craft / dense | params ours blocks (non-zero) / "
        "dense |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for config in results.get("library", []):
        name = config["program"]
        m, r = model_stats(config), ref.get(name)
        if not m or not r:
            rows.append(f"| {name} | | | does not compile | | | | | |")
            continue
        rows.append(
            f"| {name} | {m['vocab_size']} | {m['max_seq_len']} "
            f"| {r['layers']} / {m['layers']} "
            f"| {r['heads_per_layer']} / {m['heads_per_layer']} "
            f"| {r['mlp_hidden_per_layer']} / {m['mlp_hidden_per_layer']} "
            f"| {r['d_model']} / {m['residual_width']} "
            f"| {r['craft_params']:,} / {r['haiku_params']:,} "
            f"| {m['params']['blocks']:,} ({m['params']['blocks_nonzero']:,})"
            f" / {m['params']['dense']:,} |")
    return "\n".join(rows)


def tracr_config(tracr, program, v, n):
    for c in tracr["sweeps"].get(program, []):
        if c["V"] == v and c["N"] == n:
            return c
    return None


def tracr_cell(ref):
    if ref is None:
        return "—"
    if ref["status"] == "ok":
        return fmt_time(ref["total"])
    if ref["status"] == "timeout":
        return "timeout (> 120 s)"
    return "skipped"


def sweep_grid(configs, tracr, program, value):
    sizes = sorted({c["max_seq_len"] for c in configs})
    vocabs = sorted({c["V"] for c in configs})
    rows = ["| V \\ N | " + " | ".join(map(str, sizes)) + " |",
            "|---|" + "---|" * len(sizes)]
    for v in vocabs:
        cells = []
        for n in sizes:
            c = next((c for c in configs
                      if c["V"] == v and c["max_seq_len"] == n), None)
            cells.append(value(c, tracr_config(tracr, program, v, n))
                         if c else "—")
        rows.append(f"| {v} | " + " | ".join(cells) + " |")
    return "\n".join(rows)


def speedup_cell(config, ref):
    s = compile_summary(config)
    if not s.get("model"):
        return "failed"
    if ref and ref["status"] == "ok":
        return (f"{fmt_time(s['model'])} "
                f"({fmt_ratio(speedup(ref['total'], s['model']))})")
    return f"{fmt_time(s['model'])} (Tracr: {tracr_cell(ref)})"


def e2e_cell(config, ref):
    s = compile_summary(config)
    if not s.get("total"):
        return "failed"
    return f"{fmt_time(s['total'])}, {fmt_rss(config.get('jit'))}"


def sweep_details(configs, tracr, program):
    rows = [
        "| V | N | residual ours / Tracr | block params ours (non-zero) / "
        "Tracr craft | parse | infer-bases | lower-to-craft | prune + "
        "allocate | craft model | convert | LLVM | JIT | end to end "
        "| peak RSS | Tracr | Tracr ÷ ours: craft model / with parse / end "
        "to end |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for c in configs:
        s = compile_summary(c)
        m = model_stats(c) or {}
        ref = tracr_config(tracr, program, c["V"], c["max_seq_len"])
        ok = ref and ref["status"] == "ok"
        params = m.get("params", {})
        ratio = " / ".join(
            fmt_ratio(speedup(ref["total"], s.get(key)))
            for key in ("model", "parsed_model", "total")) if ok else "—"
        rows.append(
            f"| {c['V']} | {c['max_seq_len']} "
            f"| {fmt_int(m.get('residual_width'))} / "
            f"{ref['d_model'] if ok else '—'} "
            f"| {fmt_int(params.get('blocks'))} "
            f"({fmt_int(params.get('blocks_nonzero'))}) / "
            f"{fmt_int(ref['craft_params']) if ok else '—'} "
            f"| {fmt_time(s.get('parse'))} | {fmt_time(s.get('infer-bases'))} "
            f"| {fmt_time(s.get('lower-to-craft'))} "
            f"| {fmt_time(s.get('allocate'))} "
            f"| {fmt_time(s.get('model'))} | {fmt_time(s.get('convert'))} "
            f"| {fmt_time(s.get('llvm'))} | {fmt_time(s.get('jit'))} "
            f"| {fmt_time(s.get('total'))} | {fmt_rss(c.get('jit'))} "
            f"| {tracr_cell(ref)} | {ratio} |")
    return "\n".join(rows)


def sweeps_block(results, tracr):
    parts = []
    for program, configs in results.get("sweeps", {}).items():
        parts.append(f"#### {program}\n\nOurs to the craft model (Tracr's "
                     "stages) and, in brackets, Tracr's time ÷ ours:\n")
        parts.append(sweep_grid(configs, tracr, program, speedup_cell))
        parts.append("\nOurs end to end (parse to JIT-compiled code) and the "
                     "peak RSS of the process:\n")
        parts.append(sweep_grid(configs, tracr, program, e2e_cell))
        parts.append("\n<details><summary>Every configuration</summary>\n")
        parts.append(sweep_details(configs, tracr, program))
        parts.append("\n</details>\n")
    return "\n".join(parts)


def fit(points):
    """Least-squares slope of log y against log x over the (x, y) points
    with both positive; None below 2 such points or when every x is equal.
    Every growth fit of the bench (sections 3, 6, 8, 9) is this one."""
    points = [(x, y) for x, y in points if x and y and x > 0 and y > 0]
    if len(points) < 2:
        return None
    xs = [math.log(x) for x, _ in points]
    ys = [math.log(y) for _, y in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    if sxx == 0:
        return None
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx


GROWTH_MIN_SECONDS = 1e-3


def growth_rows(results):
    """Per sweep program and selection of configurations (all, and those
    whose craft model takes at least GROWTH_MIN_SECONDS, where the fixed
    cost of a compile no longer dominates): slopes of log craft-model time
    against log residual width, block parameters and their non-zeros, and
    of log end-to-end time against log block parameters."""
    out = []
    for program, configs in results.get("sweeps", {}).items():
        points = []
        for c in configs:
            s, m = compile_summary(c), model_stats(c)
            if s.get("model") and s.get("total") and m:
                points.append((s["model"], m["residual_width"],
                               m["params"]["blocks"],
                               m["params"]["blocks_nonzero"], s["total"]))
        for selection, chosen in (
                ("all", points),
                ("≥ 1 ms", [p for p in points
                            if p[0] >= GROWTH_MIN_SECONDS])):
            row = {"program": program, "selection": selection,
                   "points": len(chosen)}
            if len(chosen) >= 3:
                row["width"] = fit([(p[1], p[0]) for p in chosen])
                row["blocks"] = fit([(p[2], p[0]) for p in chosen])
                row["nonzero"] = fit([(p[3], p[0]) for p in chosen])
                row["e2e"] = fit([(p[2], p[4]) for p in chosen])
                row["slowest"] = max(p[0] for p in chosen)
            out.append(row)
    return out


def growth_block(results, tracr):
    rows = [
        "| program | configurations | points | craft model vs residual "
        "width | vs block params | vs non-zero params | end to end vs block "
        "params | slowest craft model | Tracr: points (≥ 50 ms), slope vs "
        "d craft / vs MLP hidden |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    fmt = lambda x: "—" if x is None else f"{x:.2f}"
    for row in growth_rows(results):
        ref = tracr.get("growth", {}).get(row["program"], {})
        rows.append(
            f"| {row['program']} | {row['selection']} | {row['points']} "
            f"| {fmt(row.get('width'))} | {fmt(row.get('blocks'))} "
            f"| {fmt(row.get('nonzero'))} | {fmt(row.get('e2e'))} "
            f"| {fmt_time(row.get('slowest'))} "
            f"| {ref.get('points', '—')}, {fmt(ref.get('slope_vs_d_craft'))} "
            f"/ {fmt(ref.get('slope_vs_mlp_hidden'))} |")
    return "\n".join(rows)


def rates(docs, batch, threads, key="seq_per_s"):
    values = []
    for doc in docs:
        for r in (doc or {}).get("results", []):
            if r["batch"] == batch and r.get("threads", threads) == threads:
                values.extend(r[key])
    return values


def best(values):
    """Best of k: the highest rate, the one least disturbed by the other
    processes of a shared machine."""
    return max(values) if values else None


def fmt_rate(values):
    if not values:
        return "—"
    return f"{best(values):,.0f}"


def throughput_block(results):
    rows = [
        "| program | N | ours: residual, layers | numpy: d_model, heads x "
        "d_head, d_mlp | batch | JIT 1 thread | numpy 1 thread | ratio "
        "| JIT 2 threads | numpy 2 threads | ratio | outputs equal |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for c in results.get("throughput", []):
        jit = [d for d in c["jit"] if "results" in d]
        np1 = [d for d in c["numpy"]["1"] if "results" in d]
        np2 = [d for d in c["numpy"]["2"] if "results" in d]
        if not jit:
            continue
        m = jit[0]["model"]
        dims = "—"
        if np1:
            d = np1[0]
            dims = (f"{d['d_model']}, {d['n_heads']} x {d['d_head']}, "
                    f"{d['d_mlp']}")
        same = "—"
        if np1:
            same = "yes" if all(d["check_decoded"] == jit[0]["check_decoded"]
                                for d in np1 + np2 + jit) else "**no**"
        batches = sorted({r["batch"] for r in jit[0]["results"]})
        for batch in batches:
            j1, j2 = rates(jit, batch, 1), rates(jit, batch, 2)
            n1, n2 = rates(np1, batch, 1), rates(np2, batch, 2)
            r1 = best(j1) / best(n1) if j1 and n1 else None
            r2 = best(j2) / best(n2) if j2 and n2 else None
            rows.append(
                f"| {c['program']} | {c['max_seq_len']} "
                f"| {m['residual_width']}, {m['layers']} | {dims} | {batch} "
                f"| {fmt_rate(j1)} | {fmt_rate(n1)} | {fmt_ratio(r1)} "
                f"| {fmt_rate(j2)} | {fmt_rate(n2)} | {fmt_ratio(r2)} "
                f"| {same} |")
    blas = {b for c in results.get("throughput", [])
            for d in c["numpy"]["1"] if "blas" in d for b in d["blas"]}
    if blas:
        rows.append(f"\nnumpy's BLAS as loaded: {', '.join(sorted(blas))}.")
    return "\n".join(rows)


def verdict(met):
    return "met" if met else "**missed**"


def speedup_checks(results, tracr):
    """(Tracr seconds, label, summary) of every configuration Tracr
    finished that we measured."""
    checks = []
    for config in results.get("library", []):
        s = compile_summary(config)
        t = tracr["programs"].get(config["program"], {}).get("total_median")
        if t and s.get("model"):
            checks.append((t, f"library {config['program']}", s))
    for program, configs in results.get("sweeps", {}).items():
        for c in configs:
            ref = tracr_config(tracr, program, c["V"], c["max_seq_len"])
            s = compile_summary(c)
            if ref and ref["status"] == "ok" and s.get("model"):
                checks.append((ref["total"],
                               f"{program} V={c['V']} N={c['max_seq_len']}",
                               s))
    return checks


def speedup_line(checks, key, what, judge=True):
    ratios = [(t / s[key], label, t) for t, label, s in checks if s.get(key)]
    if not ratios:
        return None
    met = [r for r in ratios if r[0] >= 100]
    worst = min(ratios)
    line = (f"{what}: "
            f"{verdict(len(met) == len(ratios)) + '; ' if judge else ''}"
            f"≥ 100× on {len(met)} of {len(ratios)} configurations; Tracr "
            f"÷ ours from {fmt_ratio(worst[0])} ({worst[1]}) to "
            f"{fmt_ratio(max(ratios)[0])}, median "
            f"{fmt_ratio(med([r[0] for r in ratios]))}")
    missed = [r for r in ratios if r[0] < 100]
    above = [r for r in ratios if missed and r[2] > max(m[2] for m in missed)]
    if missed and above:
        line += (f". Every miss is a configuration Tracr compiles in at most "
                 f"{fmt_time(max(m[2] for m in missed))}; all {len(above)} "
                 f"configurations Tracr needs longer for reach 100×")
    return line + "."


def targets_block(results, tracr):
    lines = []
    checks = speedup_checks(results, tracr)
    for key, what in (
            ("model", "**≥ 100× Tracr** (craft model, Tracr's stages)"),
            ("parsed_model", "**≥ 100× Tracr** (with our parse of the "
             "source)"),
            ("total", "For comparison, end to end (with LLVM lowering and "
             "JIT, which Tracr's time does not include)")):
        line = speedup_line(checks, key, what, judge=key != "total")
        if line:
            lines.append("* " + line)
    for c in results.get("sweeps", {}).get("sort", []):
        if c["V"] == 100 and c["max_seq_len"] == 100:
            s = compile_summary(c)
            total = s.get("total")
            process = (c.get("jit") or {}).get("process", {})
            lines.append(
                f"* **sort V=100, N=100 under 5 s** (Tracr: timeout after "
                f"120 s at V=50/N=100 and V=100/N=50, so not run): "
                f"{verdict(total is not None and total < 5)}. Craft model "
                f"{fmt_time(s.get('model'))}, end to end "
                f"{fmt_time(total)} (CPU, median), peak RSS "
                f"{fmt_rss(c.get('jit'))}.")
    ratios = []
    for c in results.get("throughput", []):
        jit = [d for d in c["jit"] if "results" in d]
        for threads in ("1", "2"):
            nps = [d for d in c["numpy"][threads] if "results" in d]
            if not jit or not nps:
                continue
            for r in jit[0]["results"]:
                if r["threads"] != int(threads):
                    continue
                j = rates(jit, r["batch"], int(threads))
                n = rates(nps, r["batch"], int(threads))
                if j and n:
                    ratios.append((best(j) / best(n), r["batch"], threads,
                                   f"{c['program']} N={c['max_seq_len']}"))
    if ratios:
        worst = min(ratios)
        b1 = [r for r in ratios if r[1] == 1]
        lines.append(
            f"* **JIT ≥ numpy at every size, clearly better at batch 1**: "
            f"{verdict(worst[0] >= 1 and b1 and min(b1)[0] >= 1.5)}. "
            f"JIT ÷ numpy from {fmt_ratio(worst[0])} ({worst[3]}, batch "
            f"{worst[1]}, {worst[2]} thread(s)) to "
            f"{fmt_ratio(max(ratios)[0])}; at batch 1 from "
            f"{fmt_ratio(min(b1)[0]) if b1 else '—'}.")
    slopes = [f"{r['program']} {r['blocks']:.2f} ({r['selection']})"
              for r in growth_rows(results) if r.get("blocks") is not None]
    if slopes:
        lines.append("* **Growth** (slope of log craft-model time against "
                     "log block parameters; Tracr ≈ 2.5 against its "
                     "residual width): " + ", ".join(slopes) + ".")
    return "\n".join(lines)


def render(results, tracr):
    if not any(k in results for k in ("library", "sweeps", "throughput")):
        return {}
    blocks = {"machine": machine_block(results)}
    if "library" in results:
        blocks["library"] = library_block(results, tracr)
        blocks["sizes"] = sizes_block(results)
    if "sweeps" in results:
        blocks["sweeps"] = sweeps_block(results, tracr)
        blocks["growth"] = growth_block(results, tracr)
    if "throughput" in results:
        blocks["throughput"] = throughput_block(results)
    blocks["targets"] = targets_block(results, tracr)
    return blocks
