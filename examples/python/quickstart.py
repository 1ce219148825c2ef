"""Compile a RASP program written in Python, run it, and plot its residual
stream: Tracr's quick start on this compiler (docs/Python.md).

    PYTHONPATH=build/python_packages /usr/bin/python3 \
        examples/python/quickstart.py [--output residuals.png]

Only the imports differ from a Tracr notebook (`from tracr.rasp import
rasp`, `from tracr.compiler import compiling`).
"""
import argparse

import matplotlib

matplotlib.use("Agg")  # write a file, no display needed
import matplotlib.pyplot as plt  # noqa: E402

from raspc import rasp  # noqa: E402
from raspc.compiler import compiling  # noqa: E402


def make_reverse(sop):
    """`sop` back to front: position i reads position length - i - 1."""
    everything = rasp.Select(rasp.tokens, rasp.tokens, rasp.Comparison.TRUE)
    length = rasp.SelectorWidth(everything).named("length")
    opp_idx = (length - rasp.indices - 1).named("opp_idx")
    flip = rasp.Select(rasp.indices, opp_idx, rasp.Comparison.EQ)
    return rasp.Aggregate(flip.named("flip"), sop).named("reverse")


def plot_residuals(model, tokens, out, path):
    """One heat map per stage of the residual stream (rows: the input's
    positions, columns: the named residual dimensions)."""
    stages = [("embeddings", out.input_embeddings)]
    for i, residual in enumerate(out.residuals):
        kind = "attn" if i % 2 == 0 else "mlp"
        stages.append((f"layer {i // 2} {kind}", residual))
    labels = model.residual_labels
    fig, axes = plt.subplots(len(stages), 1, sharex=True,
                             figsize=(max(6, 0.3 * len(labels)),
                                      1.3 * len(stages) + 1.5))
    for ax, (title, residual) in zip(axes, stages):
        ax.imshow(residual[0], cmap="coolwarm", vmin=-1, vmax=1,
                  aspect="auto")
        ax.set_ylabel(title, rotation=0, ha="right", va="center")
        ax.set_yticks(range(len(tokens)))
        ax.set_yticklabels([str(t) for t in tokens], fontsize=6)
    axes[-1].set_xticks(range(len(labels)))
    axes[-1].set_xticklabels(labels, rotation=90, fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", default="residuals.png",
                        help="where to write the plot (PNG)")
    args = parser.parse_args()

    program = make_reverse(rasp.tokens)
    print("evaluate:", program(["a", "b", "c"]))

    model = compiling.compile_rasp_to_model(
        program, vocab={"a", "b", "c", "d"}, max_seq_len=5,
        compiler_bos="BOS")
    tokens = ["BOS", "a", "b", "c"]
    out = model.apply(tokens)
    print("decoded: ", out.decoded)
    print(f"layers: {model.model_config.num_layers}, "
          f"residual width: {len(model.residual_labels)}")

    plot_residuals(model, tokens, out, args.output)
    print("wrote", args.output)


if __name__ == "__main__":
    main()
