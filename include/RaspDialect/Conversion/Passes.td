//===- Passes.td - Conversion passes -----------------------*- tablegen -*-===//

#ifndef RASPDIALECT_CONVERSION_PASSES_TD
#define RASPDIALECT_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def LowerToCraftPass : Pass<"lower-to-craft", "::mlir::ModuleOp"> {
  let summary = "synthesise transformer weights for every SOp of a rasp program";
  let description = [{
    Replaces every `rasp.program` whose SOps carry their value sets (the
    `values` attributes written by `--infer-bases`) with a `craft.program`:
    one component per SOp reachable from the output, plus helper components
    where a construction needs them (a selector width's attention head and
    decoding MLP, tuple features of composite selectors, categorical views
    of numerical SOps that a selector or sequence_map reads).

    Constructions (docs/Craft.md) and the derivation of every sharpness
    constant (docs/exactness.md) are documented; each block is exact within
    float32 rounding on every reachable input, for max_seq_len up to at
    least 256. Anything that cannot be represented is a diagnostic at the
    op that needs it.

    ```mlir
    // Before
    rasp.program @hist attributes {vocab = ["a", "b"], max_seq_len = 2 : i64} {
      %t = rasp.tokens {values = ["a", "b"]} : !rasp.sop<categorical, !rasp.str>
      %s = rasp.select %t, %t, eq : !rasp.sop<categorical, !rasp.str>, !rasp.sop<categorical, !rasp.str>
      %h = rasp.selector_width %s {values = [0, 1, 2]} : !rasp.sop<categorical, i64>
      rasp.output %h : !rasp.sop<categorical, i64>
    }
    // After
    craft.program @hist attributes {max_seq_len = 2 : i64, vocab = ["a", "b"]} {
      %tokens, %indices, %one, %bos = craft.embed tokens #craft.space<"tokens", ["a", "b"]> ...
      %hist_sw_attn = craft.attention_head query(%tokens, %one, %bos : ...) key(%tokens, %bos : ...)
          value(%bos : !craft.vec<1>) scale ... -> #craft.space<"hist_sw_attn">
      %hist = craft.mlp(%hist_sw_attn, %one, %bos : ...) w1 ... w2 ... -> [#craft.space<"hist", [0, 1, 2]>]
      craft.output %hist : !craft.vec<3>
    }
    ```
  }];
  let dependentDialects = ["::mlir::craft::CraftDialect"];
  let options = [
    Option<"softmaxScale", "softmax-scale", "double", "0.0",
           "Softmax inverse temperature of every head; 0 derives it per head "
           "from max_seq_len and the logit gap (Tracr uses 100)">,
    Option<"mlpSlope", "mlp-slope", "double", "0.0",
           "Ramp slope of every discretising MLP step; 0 derives it from the "
           "gap between the values the step separates (Tracr's "
           "mlp_exactness, 100 by default)">,
    Option<"maxTableEntries", "max-table-entries", "int64_t", "1 << 26",
           "Largest table over value tuples a composite selector may need">,
  ];
}

#endif // RASPDIALECT_CONVERSION_PASSES_TD
