"""Compiling raspc.rasp programs: Tracr's `tracr.compiler` on this compiler.

- `raspc.compiler.compiling.compile_rasp_to_model`: Tracr's entry point,
  returning an `assemble.AssembledTransformerModel` run by the JIT;
- `raspc.compiler.lib`: Tracr-style library programs (make_length,
  make_reverse, make_sort, ...);
- `raspc.compiler.frontend`: how expressions become the compiler's
  `rasp.program` (Python functions as tables over inferred value sets).

Importing this package loads no native code; compiling does.
"""
