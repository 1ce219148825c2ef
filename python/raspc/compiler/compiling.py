"""Tracr's `compile_rasp_to_model` on this compiler.

    from raspc import rasp
    from raspc.compiler import compiling

    model = compiling.compile_rasp_to_model(program, vocab={1, 2, 3},
                                            max_seq_len=5,
                                            compiler_bos="BOS")
    out = model.apply(["BOS", 3, 1, 2])
    out.decoded                          # ['BOS', ...]: the JIT's outputs
    out.residuals[-1].shape              # (1, 4, d_model)

The program goes through the frontend (frontend.py: Python functions become
tables over the value sets the compiler infers), then the compiler's driver
(`--rasp-to-linalg`, the JIT); the result is an
`assemble.AssembledTransformerModel`.
"""
from . import assemble, frontend
from .. import rasp
from ..errors import UnsupportedError

__all__ = ["COMPILER_BOS", "COMPILER_PAD", "compile_rasp_to_model"]

COMPILER_BOS = "compiler_bos"
COMPILER_PAD = "compiler_pad"


def compile_rasp_to_model(program, vocab, max_seq_len, causal=False,
                          compiler_bos=COMPILER_BOS,
                          compiler_pad=COMPILER_PAD, mlp_exactness=100, *,
                          optimize=True, compile_options=""):
    """Compiles the RASP program `program` (an SOp) for inputs of at most
    `max_seq_len` tokens from `vocab` into a transformer, JIT-compiled.

    Arguments as Tracr's; `compiler_bos` and `compiler_pad` must not be in
    the vocabulary. `mlp_exactness` is accepted and checked (a positive
    number) but has no effect: this compiler derives each MLP's slopes from
    the values it must separate (docs/exactness.md), exact where Tracr's
    fixed slope is not. This compiler's own options: `optimize=False` turns
    the model-size optimisations off (one MLP per op, as Tracr); and
    `compile_options`, options of the `--rasp-to-linalg` pipeline as
    `rasp-run --compile-options` takes them.

    Raises ValueError (raspc.CompileError for the compiler's diagnostics,
    raspc.errors.FunctionError for a Python function that fails on a value
    its operands can hold) and NotImplementedError
    (raspc.errors.UnsupportedError) for constructs it does not compile.
    """
    if not isinstance(program, rasp.SOp):
        raise UnsupportedError(
            f"a program is an SOp, got {type(program).__name__}")
    for name, token in (("BOS", compiler_bos), ("PAD", compiler_pad)):
        if not isinstance(token, str):
            raise TypeError(f"the compiler {name} token must be a str, got "
                            f"{token!r}")
    vocab = list(vocab)
    if compiler_bos in vocab:
        raise ValueError("Compiler BOS token must not be present in the "
                         f"vocab. Found '{compiler_bos}' in {vocab}")
    if compiler_pad in vocab:
        raise ValueError("Compiler PAD token must not be present in the "
                         f"vocab. Found '{compiler_pad}' in {vocab}")
    if compiler_pad == compiler_bos:
        raise ValueError("the compiler BOS and PAD tokens must differ")
    if isinstance(mlp_exactness, bool) or not isinstance(
            mlp_exactness, (int, float)) or not mlp_exactness > 0:
        raise ValueError(f"mlp_exactness must be a positive number, got "
                         f"{mlp_exactness!r}")
    vocab = frontend.canonical_vocab(vocab)
    if not vocab:
        raise ValueError("the vocabulary must not be empty")
    handles, native = frontend.build(
        program, vocab, max_seq_len, bos=compiler_bos, causal=bool(causal),
        compile_options=compile_options, optimize=bool(optimize))
    return assemble.AssembledTransformerModel(
        native, native.compile(), vocab=vocab, max_seq_len=max_seq_len,
        bos=compiler_bos, pad=compiler_pad, causal=bool(causal))
