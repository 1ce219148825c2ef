#!/usr/bin/env python3
"""Dense numpy forward pass of the model rasp-runtime-bench generates.

Same shapes (embedding, per layer an optional attention head of width
width/8 and a ReLU MLP of the residual width, output slice), float32, so the
sequences/s columns compare directly with rasp-runtime-bench. numpy's matmul
calls whatever BLAS libblas.so.3 resolves to; the script prints which one.

  bench/numpy_chain.py --widths 40,300,3000 --batches 1,32,512
"""
import argparse
import os
import time

import numpy as np


def blas_in_use():
    with open("/proc/self/maps") as maps:
        libs = {line.split()[-1] for line in maps if "blas" in line}
    return ", ".join(sorted(os.path.basename(l) for l in libs)) or "unknown"


def make_model(width, positions, layers, attention, rng):
    head = max(width // 8, 1)
    draw = lambda *shape: (rng.integers(-4, 5, shape) / 16).astype(np.float32)
    model = {"tok": draw(16, width), "pos": draw(positions, width), "layers": []}
    for _ in range(layers):
        layer = {"w1": draw(width, width), "b1": draw(width),
                 "w2": draw(width, width), "b2": draw(width)}
        if attention:
            layer.update(wq=draw(width, head), wk=draw(width, head),
                         wv=draw(width, head), wo=draw(head, width))
        model["layers"].append(layer)
    return model


def forward(model, tokens, lengths, out_width):
    batch, positions = tokens.shape
    x = (model["tok"][tokens] + model["pos"][:positions]).reshape(
        batch * positions, -1)
    keys = np.arange(positions)
    mask = keys[None, None, :] < lengths[:, None, None]
    for layer in model["layers"]:
        if "wq" in layer:
            q = (x @ layer["wq"]).reshape(batch, positions, -1)
            k = (x @ layer["wk"]).reshape(batch, positions, -1)
            v = (x @ layer["wv"]).reshape(batch, positions, -1)
            s = q @ k.transpose(0, 2, 1) / np.float32(np.sqrt(q.shape[-1]))
            s = np.where(mask, s, np.float32(-np.inf))
            p = np.exp(s - s.max(-1, keepdims=True))
            p /= p.sum(-1, keepdims=True)
            x = x + (p @ v).reshape(batch * positions, -1) @ layer["wo"]
        h = np.maximum(x @ layer["w1"] + layer["b1"], 0)
        x = x + h @ layer["w2"] + layer["b2"]
    return x[:, -out_width:].reshape(batch, positions, -1)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--widths", default="40,300,3000")
    parser.add_argument("--batches", default="1,32,512")
    parser.add_argument("--positions", type=int, default=10)
    parser.add_argument("--layers", type=int, default=2)
    parser.add_argument("--attention", action="store_true")
    parser.add_argument("--min-time", type=float, default=0.5)
    args = parser.parse_args()
    rng = np.random.default_rng(1)
    print(f"numpy {np.__version__}, BLAS: {blas_in_use()}, "
          f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', '')}")
    print(f"positions {args.positions}, layers {args.layers}, "
          f"{'attention + MLP' if args.attention else 'MLP matmul chain'}\n")
    print("| width | batch | seq/s | seq/CPU-s |\n|---|---|---|---|")
    for width in map(int, args.widths.split(",")):
        model = make_model(width, args.positions, args.layers, args.attention,
                           rng)
        for batch in map(int, args.batches.split(",")):
            tokens = rng.integers(0, 16, (batch, args.positions))
            lengths = np.full(batch, args.positions)
            forward(model, tokens, lengths, 8)
            runs, start, cpu = 0, time.perf_counter(), time.process_time()
            while time.perf_counter() - start < args.min_time:
                forward(model, tokens, lengths, 8)
                runs += 1
            wall = time.perf_counter() - start
            cpu = time.process_time() - cpu
            print(f"| {width} | {batch} | {runs * batch / wall:.0f} | "
                  f"{runs * batch / cpu:.0f} |", flush=True)


if __name__ == "__main__":
    main()
