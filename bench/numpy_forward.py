#!/usr/bin/env python3
"""Throughput of a dense numpy forward pass over weights exported by
`rasp-run --export=FILE.safetensors`.

  bench/numpy_forward.py MODEL.safetensors [--batches 1,32,512]
      [--repetitions 5] [--min-time 0.3]

The counterpart of `rasp-bench throughput`: the same model (the exported
tensors are the compiled model's weights in TransformerLens' dense layout,
docs/Export.md), the same full-length inputs (BOS + max_seq_len tokens, the
id formula of rasp-bench), float32, embedding + forward pass + argmax
decoding per position. The forward pass is utils/numpy-forward.py's
`Model.forward` on the whole batch: the residual stream is one (batch x
positions) x d_model matrix, so every projection is one BLAS call; attention
scores are one batched matmul per head. numpy calls whatever libblas.so.3
resolves to: set LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread
for OpenBLAS and OPENBLAS_NUM_THREADS for its threads (the document names
the library that was loaded and the thread count).

Prints one JSON document (schema rasp-bench-numpy/1): sequences/s and
sequences per CPU-second per batch size and repetition, and the decoded
outputs of the first --check-rows rows, which bench/run-benchmarks.py
compares with rasp-bench's.

Needs python3 and numpy only; the file is read by raspc's strict reader
(python/raspc, through utils/numpy-forward.py).
"""
import argparse
import importlib.util
import json
import os
import sys
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def load_numpy_forward():
    """utils/numpy-forward.py as a module: its reader and forward pass."""
    path = os.path.join(ROOT, "utils", "numpy-forward.py")
    spec = importlib.util.spec_from_file_location("numpy_forward_utils", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def blas_in_use():
    with open("/proc/self/maps") as maps:
        libs = {line.split()[-1] for line in maps if "blas" in line}
    return sorted(os.path.basename(lib) for lib in libs)


def token_ids(batch, positions, vocab_size, bos_id):
    """rasp-bench's inputs: BOS, then id (b*7 + p*3 + 1) mod V at p >= 1."""
    b = np.arange(batch)[:, None]
    p = np.arange(positions)[None, :]
    ids = (b * 7 + p * 3 + 1) % vocab_size
    ids[:, 0] = bos_id
    return ids


def decode(out):
    """Index of the decoded value per position: argmax, -1 below 1/2."""
    best = out.argmax(axis=2)
    peak = np.take_along_axis(out, best[..., None], axis=2)[..., 0]
    return np.where(peak >= 0.5, best, -1)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model")
    parser.add_argument("--batches", default="1,32,512")
    parser.add_argument("--repetitions", type=int, default=5)
    parser.add_argument("--min-time", type=float, default=0.3,
                        help="seconds per repetition")
    parser.add_argument("--check-rows", type=int, default=4)
    args = parser.parse_args()

    nf = load_numpy_forward()
    tensors, metadata = nf.safetensors.read(args.model)
    # Private aligned copies (the reader maps the file's buffer).
    exported = nf.export.Model.from_safetensors(
        {name: np.array(t) for name, t in tensors.items()}, metadata)
    model = nf.Model(exported)
    vocab_size = len(exported.vocab)
    bos_id = exported.bos_id
    positions = exported.max_seq_len + 1

    results = []
    for batch in [int(b) for b in args.batches.split(",")]:
        ids = token_ids(batch, positions, vocab_size, bos_id)
        decode(model.forward(ids))  # warm-up
        wall_rates, cpu_rates = [], []
        for _ in range(args.repetitions):
            runs = 0
            wall, cpu = time.perf_counter(), time.process_time()
            while True:
                decode(model.forward(ids))
                runs += 1
                elapsed = time.perf_counter() - wall
                if elapsed >= args.min_time:
                    break
            cpu_elapsed = max(time.process_time() - cpu, 1e-9)
            wall_rates.append(runs * batch / elapsed)
            cpu_rates.append(runs * batch / cpu_elapsed)
        results.append({"batch": batch, "seq_per_s": wall_rates,
                        "seq_per_cpu_s": cpu_rates})

    ids = token_ids(args.check_rows, positions, vocab_size, bos_id)
    check = decode(model.forward(ids))[:, 1:].tolist()
    json.dump({
        "schema": "rasp-bench-numpy/1",
        "model": args.model,
        "blas": blas_in_use(),
        "openblas_threads": os.environ.get("OPENBLAS_NUM_THREADS", ""),
        "numpy": np.__version__,
        "d_model": model.d_model,
        "n_layers": model.n_layers,
        "n_heads": model.n_heads,
        "d_head": exported.cfg["d_head"],
        "d_mlp": exported.cfg.get("d_mlp", 0),
        "positions": positions,
        "results": results,
        "check_decoded": check,
    }, sys.stdout)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
