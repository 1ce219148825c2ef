"""Model growth with max_seq_len at a fixed vocabulary (issue 19):
bench/run-benchmarks.py --sections index_growth.

For reverse, shift_by(1), shift_by(2) and sort at vocabulary GROWTH_VOCAB
and max_seq_len 64, 128, 256, 512: block parameters, Tracr's dense layout
(embeddings included), MLP hidden units, residual width, `rasp-run` wall
time end to end (compile, JIT, one input) and peak memory, and the slope of
log(parameters) against log(N) fitted over the lengths (target: at most
1.1). --index-arithmetic=false on the compiler gives the "before" numbers
(GROWTH_OPTIONS), measured in the same run.
"""
import json
import os

from bench_tables import fit

GROWTH_LENGTHS = [64, 128, 256, 512]
GROWTH_VOCAB = 100
GROWTH_PROGRAMS = {
    "reverse": "out = reverse(tokens);",
    "shift_by_1": "out = shift_by(1, tokens);",
    "shift_by_2": "out = shift_by(2, tokens);",
    "sort": "out = sort(tokens, tokens, {N}, 1);",
}
# (setting, extra rasp-run options): the "before" setting keeps every
# position selector categorical.
GROWTH_OPTIONS = [
    ("index-arithmetic", []),
    ("tables", ["--compile-options=index-arithmetic=false"]),
]


def measure(runner, run_process):
    """One rasp-run process per (program, setting, N)."""
    lengths = [16, 32] if runner.smoke else GROWTH_LENGTHS
    names = ["shift_by_1"] if runner.smoke else list(GROWTH_PROGRAMS)
    if runner.args.programs:
        names = [p for p in runner.args.programs.split(",")
                 if p in GROWTH_PROGRAMS]
    if runner.args.lengths and not runner.smoke:
        lengths = [int(n) for n in runner.args.lengths.split(",")]
    vocab = ",".join(str(v) for v in range(1, GROWTH_VOCAB + 1))
    results = []
    for name in names:
        for setting, options in GROWTH_OPTIONS:
            for n in lengths:
                runner.note(f"growth {name} {setting} N={n}")
                path = runner.sweep_source(name, n, GROWTH_PROGRAMS[name])
                cmd = [os.path.join(runner.bin, "rasp-run"), path,
                       f"--vocab={vocab}", f"--max-seq-len={n}",
                       "--model-stats=json", "--input=1 2 3", "--no-cache",
                       *options]
                code, out, err, wall, cpu, rss = run_process(cmd)
                row = {"program": name, "setting": setting, "max_seq_len": n,
                       "wall": wall, "cpu": cpu, "peak_rss_kib": rss}
                if code != 0:
                    row["error"] = ("timeout" if code is None else
                                    err.strip()[-500:])
                else:
                    stats, _ = json.JSONDecoder().raw_decode(
                        out[out.index("{"):])
                    model = stats["models"][0]
                    row.update({
                        "params": model["params"]["blocks"],
                        "nonzero": model["params"].get("blocks_nonzero"),
                        "dense": model["params"]["dense"],
                        "hidden": sum(model["mlp_hidden_per_layer"]),
                        "width": model["residual_width"],
                        "layers": model["layers"]})
                results.append(row)
    return results


def slope(rows, key):
    """Slope of log(rows[key]) against log(max_seq_len)."""
    return fit([(r["max_seq_len"], r.get(key)) for r in rows])


def render(results):
    rows = results.get("index_growth", [])
    lines = [f"Vocabulary {GROWTH_VOCAB}; `rasp-run --no-cache` end to end "
             "(compile, JIT, one input), one process each. *tables*: "
             "`index-arithmetic=false` (every position selector a "
             "categorical table, the lowering before issue 19).", "",
             "| program | encoding | N | layers | block params | non-zero | "
             "dense layout | MLP hidden | width | wall | peak RSS |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        if "error" in r:
            lines.append(f"| {r['program']} | {r['setting']} | "
                         f"{r['max_seq_len']} | error: "
                         f"{r['error'].splitlines()[-1][:80]} ||||||||")
            continue
        lines.append(
            f"| {r['program']} | {r['setting']} | {r['max_seq_len']} | "
            f"{r.get('layers', '—')} | {r['params']:,} | "
            f"{r.get('nonzero') or 0:,} | {r['dense']:,} | {r['hidden']:,} | "
            f"{r['width']:,} | {r['wall']:.2f} s | "
            f"{r['peak_rss_kib'] / 1024:.0f} MB |")
    lines += ["", "Fitted slope of log(parameters) against log(N) "
              "(target <= 1.1):", "",
              "| program | encoding | block params | non-zero | dense layout | "
              "MLP hidden |", "|---|---|---|---|---|---|"]
    groups = {}
    for r in rows:
        groups.setdefault((r["program"], r["setting"]), []).append(r)
    for (program, setting), group in groups.items():
        cells = [slope(group, k)
                 for k in ("params", "nonzero", "dense", "hidden")]
        lines.append(f"| {program} | {setting} | " + " | ".join(
            "—" if c is None else f"{c:.2f}" for c in cells) + " |")
    return {"index-growth": "\n".join(lines)}
