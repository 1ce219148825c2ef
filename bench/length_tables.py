"""Markdown tables of the length sweep (bench/run-benchmarks.py --sections
lengths) for BENCHMARKS.md, with a verdict per target and configuration.

The targets (issue 14), all on the craft model (the stages Tracr's time
covers: RASP to the layered craft model), in-process CPU time:

  tracr     never slower than Tracr;
  speed-up  at least 10x where Tracr needs 10 ms or more, at least 100x
            where it needs 100 ms or more;
  10 s      under 10 s where Tracr did not finish in 120 s (timeout, or
            skipped after a shorter length timed out);
  opt time  the default pipeline at most 1.5x the time of --optimize=false;
  opt mem   and at most 2x its memory: the peak RSS of the craft-model
            process above its RSS before the first compile (the loaded
            libraries); below MEMORY_FLOOR_MB both count as that floor.
"""
import statistics

SETTINGS = ("optimized", "unoptimized")
MEMORY_FLOOR_MB = 16
TRACR_LIMIT = 120


def med(values):
    return statistics.median(values) if values else None


def least(values):
    """The least of the repetitions: on a machine shared with other jobs,
    the repetition least disturbed by them."""
    return min(values) if values else None


def per_stage(doc, stage, clock="cpu"):
    """Per-repetition seconds of `stage` of a rasp-bench compile document:
    "model" (every pass of the craft-model pipeline), "total" (the whole
    compile, context excluded)."""
    if not doc or "stages" not in doc:
        return []
    if stage == "total":
        for s in doc["stages"]:
            if s["name"] == "total":
                return s[clock]
        return []
    reps = doc["repetitions"]
    model = [0.0] * reps
    found = False
    for s in doc["stages"]:
        for scope in ("compile to craft model/", "compile to tensor IR/"):
            if s["name"].startswith(scope):
                name = s["name"][len(scope):]
                if "/" in name or name == "ConvertCraftToLinalgPass":
                    continue
                model = [m + v for m, v in zip(model, s[clock])]
                found = True
    return model if found else []


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


def tracr_records(tracr):
    out = {}
    for r in tracr.get("lengths", {}).get("records", []):
        out[(r["program"], r["max_seq_len"])] = r
    return out


class Measured:
    """One setting (optimized / unoptimized) of one configuration."""

    def __init__(self, result):
        result = result or {}
        self.skipped = result.get("skipped")
        model = result.get("craft_model") or {}
        jit = result.get("jit") or {}
        self.error = model.get("error") or (
            None if model or self.skipped else "not run")
        self.model = least(per_stage(model, "model"))
        self.total = med(per_stage(jit, "total"))
        self.stats = model.get("model")
        peak = model.get("peak_rss_kib")
        before = model.get("rss_before_kib")
        self.memory_mb = (max(peak - before, 0) / 1024
                          if peak is not None and before is not None else None)
        self.peak_mb = ((jit.get("process") or model.get("process") or {})
                        .get("peak_rss_kib", 0) / 1024) or None

    @property
    def ok(self):
        return self.model is not None

    def failure(self):
        if self.ok:
            return None
        if self.skipped:
            return f"skipped ({self.skipped})"
        return "timeout" if self.error == "timeout" else "refused"


def verdicts(config, ref):
    """{target: (met: bool or None for n/a, text)} of one configuration."""
    opt = Measured(config.get("optimized"))
    noopt = Measured(config.get("unoptimized"))
    out = {}
    status = ref["status"] if ref else None
    t = ref["seconds"] if ref and status == "ok" else None
    if t is not None:
        if not opt.ok:
            out["tracr"] = (False, opt.failure())
        else:
            ratio = t / opt.model
            out["tracr"] = (ratio >= 1, fmt_ratio(ratio))
            need = 100 if t >= 0.1 else 10 if t >= 0.01 else None
            if need:
                out["speed-up"] = (ratio >= need, f"{fmt_ratio(ratio)} "
                                   f"(≥ {need}×)")
    elif status in ("timeout", "skipped"):
        met = opt.ok and opt.model < 10
        out["10 s"] = (met, fmt_time(opt.model) if opt.ok else
                       opt.failure())
    if opt.ok and noopt.ok:
        ratio = opt.model / noopt.model
        out["opt time"] = (ratio <= 1.5, f"{ratio:.2f}×")
        if opt.memory_mb is not None and noopt.memory_mb is not None:
            mem = (max(opt.memory_mb, MEMORY_FLOOR_MB) /
                   max(noopt.memory_mb, MEMORY_FLOOR_MB))
            out["opt mem"] = (mem <= 2, f"{mem:.2f}×")
    elif noopt.ok and not opt.ok:
        out["opt time"] = (False, f"default {opt.failure()}")
    return out


TARGETS = [
    ("tracr", "never slower than Tracr"),
    ("speed-up", "≥ 10× where Tracr needs ≥ 10 ms, ≥ 100× where it needs "
     "≥ 100 ms"),
    ("10 s", "under 10 s where Tracr did not finish in 120 s"),
    ("opt time", "default ≤ 1.5× the time of --optimize=false"),
    ("opt mem", "default ≤ 2× the memory of --optimize=false"),
]


def cell_mark(v):
    if v is None:
        return "n/a"
    met, text = v
    return f"{text}" if met else f"**{text}**"


def grid_block(configs, refs):
    lengths = sorted({c["max_seq_len"] for c in configs})
    programs = list(dict.fromkeys(c["program"] for c in configs))
    rows = ["| program | " + " | ".join(f"N = {n}" for n in lengths) + " |",
            "|---|" + "---|" * len(lengths)]
    for p in programs:
        cells = []
        for n in lengths:
            c = next((c for c in configs if c["program"] == p
                      and c["max_seq_len"] == n), None)
            if not c:
                cells.append("—")
                continue
            opt = Measured(c.get("optimized"))
            ref = refs.get((p, n))
            if not opt.ok:
                text = f"**{opt.failure()}**"
            else:
                text = fmt_time(opt.model)
            if ref and ref["status"] == "ok" and opt.ok:
                ratio = ref["seconds"] / opt.model
                v = verdicts(c, ref)
                met = all(m for m, _ in (v.get("tracr"), v.get("speed-up"))
                          if m is not None) if "speed-up" in v else \
                    v["tracr"][0]
                r = fmt_ratio(ratio)
                text += f" ({r})" if met else f" (**{r}**)"
            elif ref and ref["status"] != "ok":
                text += f" (Tracr {ref['status']})"
            cells.append(text)
        rows.append(f"| {p} | " + " | ".join(cells) + " |")
    return "\n".join(rows)


def details_block(configs, refs):
    rows = [
        "| program | N | Tracr | layers Tracr / default / unopt. "
        "| craft model default | unopt. | end to end default | unopt. "
        "| memory default / unopt. | " +
        " | ".join(name for name, _ in TARGETS) + " |",
        "|---|---|---|---|---|---|---|---|---|" + "---|" * len(TARGETS),
    ]
    for c in configs:
        ref = refs.get((c["program"], c["max_seq_len"]))
        opt = Measured(c.get("optimized"))
        noopt = Measured(c.get("unoptimized"))
        tracr = "—"
        if ref:
            tracr = (fmt_time(ref["seconds"]) if ref["status"] == "ok"
                     else ref["status"])
        layers = " / ".join(
            str(x) for x in (
                (ref or {}).get("stats", {}).get("num_layers", "—")
                if ref and ref["status"] == "ok" else "—",
                (opt.stats or {}).get("layers", "—"),
                (noopt.stats or {}).get("layers", "—")))
        mem = " / ".join(
            f"{m.memory_mb:.0f} MB" if m.memory_mb is not None else "—"
            for m in (opt, noopt))
        v = verdicts(c, ref)
        rows.append(
            f"| {c['program']} | {c['max_seq_len']} | {tracr} | {layers} "
            f"| {fmt_time(opt.model) if opt.ok else opt.failure()} "
            f"| {fmt_time(noopt.model) if noopt.ok else noopt.failure()} "
            f"| {fmt_time(opt.total)} | {fmt_time(noopt.total)} | {mem} | " +
            " | ".join(cell_mark(v.get(name)) for name, _ in TARGETS) + " |")
    return "\n".join(rows)


def targets_block(configs, refs):
    lines = []
    for name, what in TARGETS:
        judged, missed = 0, []
        for c in configs:
            v = verdicts(c, refs.get((c["program"], c["max_seq_len"])))
            if name not in v:
                continue
            judged += 1
            if not v[name][0]:
                missed.append(f"{c['program']} N={c['max_seq_len']} "
                              f"({v[name][1]})")
        if not judged:
            continue
        verdict = "met" if not missed else "**missed**"
        line = (f"* **{what}**: {verdict}; met on {judged - len(missed)} "
                f"of {judged} configurations")
        if missed:
            line += "; missed: " + ", ".join(missed)
        lines.append(line + ".")
    return "\n".join(lines)


def render(results, tracr):
    configs = results.get("lengths", [])
    refs = tracr_records(tracr)
    m = results.get("machine", {})
    header = (f"Run of {results.get('started', '?')} on commit "
              f"{m.get('commit', '?')} ({m.get('cpu', '?')}, "
              f"{m.get('cores', '?')} cores). Cells: our craft-model time "
              f"(default pipeline, least CPU time of the repetitions) and, in brackets, Tracr's "
              f"time ÷ ours (bold where a target is missed).\n")
    return {
        "lengths": header + "\n" + grid_block(configs, refs) +
        "\n\n<details><summary>Every configuration, with the verdict per "
        "target</summary>\n\n" + details_block(configs, refs) +
        "\n\n</details>",
        "lengths-targets": targets_block(configs, refs),
    }
