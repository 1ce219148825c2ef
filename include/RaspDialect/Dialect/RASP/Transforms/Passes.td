//===- Passes.td - RASP dialect passes ---------------------*- tablegen -*-===//

#ifndef RASPDIALECT_DIALECT_RASP_TRANSFORMS_PASSES_TD
#define RASPDIALECT_DIALECT_RASP_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def InferBasesPass : Pass<"infer-bases", "::mlir::ModuleOp"> {
  let summary = "annotate every SOp with its finite value set";
  let description = [{
    Basis inference: computes, for every `rasp.program` in the module, the
    exact set of values each SOp can hold (see `ValueSetAnalysis`) and stores
    it, sorted, in the op's `values` attribute. Element functions are
    evaluated on every value (pair) they can receive; an evaluation error is
    reported at the op with the offending values.

    The options override the program's `vocab`, `max_seq_len` and `bos`
    attributes (and `causal`, which the option can only set) and are
    written back to them, so the output is self-contained. Vocabulary items are parsed like `--vocab` of the tools:
    an int if they parse as one, else a float, else a string.

    ```mlir
    // rasp-opt "--infer-bases=vocab=1,2 max-seq-len=3"
    %t = rasp.tokens : !rasp.sop<categorical, i64>
    // becomes
    %t = rasp.tokens {values = [1, 2]} : !rasp.sop<categorical, i64>
    ```
  }];
  let options = [
    ListOption<"vocab", "vocab", "std::string",
               "token values (overrides the program's 'vocab')">,
    Option<"maxSeqLen", "max-seq-len", "int64_t", /*default=*/"0",
           "longest input without BOS (overrides 'max_seq_len'; 0: keep)">,
    Option<"bos", "bos", "std::string", /*default=*/"\"\"",
           "beginning-of-sequence token (overrides 'bos'; empty: keep)">,
    Option<"causal", "causal", "bool", /*default=*/"false",
           "compile with causal attention masks (sets 'causal'; false: keep)">,
    Option<"maxValues", "max-values", "int64_t", /*default=*/"100000",
           "largest value set inference may build before it gives up">
  ];
}

def ValidatePass : Pass<"validate", "::mlir::ModuleOp"> {
  let summary = "report what cannot be compiled faithfully";
  let description = [{
    Checks every `rasp.program` against what the compiled transformer can
    compute and reports at the offending op: errors for constructs that cannot
    be compiled (numerical select keys or queries, numerical tokens or
    indices, an aggregate whose input and output encodings differ, a
    categorical aggregate with a default other than None, a numerical one
    with a default other than 0), and warnings for categorical aggregates
    whose faithfulness depends on the input (several selected positions
    holding different values), unless that is proved impossible.

    Needs the value sets of `--infer-bases`. With `tracr-strict`, also rejects
    what Tracr cannot compile although this compiler can.
  }];
  let options = [
    Option<"tracrStrict", "tracr-strict", "bool", /*default=*/"false",
           "also reject constant sops, non-linear sequence maps over "
           "numerical sops, composite selectors and numerical aggregates of "
           "values other than 0 and 1, as Tracr does">
  ];
}

#endif // RASPDIALECT_DIALECT_RASP_TRANSFORMS_PASSES_TD
