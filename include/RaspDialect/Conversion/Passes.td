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

    With `fuse-mlps` (the default), elementwise SOps (maps, sequence maps,
    linear combinations, selector-width decoding) get no MLP of their own:
    each SOp that an attention head or the output reads is written by one
    MLP computed straight from the attention outputs and embeddings it
    depends on, so a program needs about as many layers as its longest
    chain of attention ops (docs/Fusion.md). `fuse-mlps=false` gives one
    MLP per op.

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
    Option<"fuseMLPs", "fuse-mlps", "bool", "true",
           "Compute each SOp an attention head or the output needs with one "
           "MLP straight from the attention outputs and embeddings it "
           "depends on, instead of one MLP per elementwise op "
           "(docs/Fusion.md)">,
    Option<"fuseWidthFactor", "fuse-width-factor", "double", "4.0",
           "A fused MLP may have this many times the hidden units of the "
           "MLPs it replaces (at least 64); wider ones are split at their "
           "operands">,
    Option<"maxFusedDomain", "max-fused-domain", "int64_t", "1 << 16",
           "Most input combinations a fused MLP over several inputs may "
           "tabulate">,
    Option<"factorSelectors", "factor-selectors", "bool", "true",
           "Count a selector over a sequence_map of two SOps with one head "
           "per rectangle of the relation, without computing the "
           "sequence_map first (needs fuse-mlps)">,
    Option<"maxSelectorRectangles", "max-selector-rectangles", "int64_t",
           "4", "Most heads a factorised selector width may use">,
    Option<"foldEmbeddings", "fold-embeddings", "bool", "true",
           "Place MLPs that read only the tokens or only the positions in "
           "the embedding, which --fold-embeddings (scheduled after this "
           "pass by the pipelines) folds them into">,
    Option<"maxFusedWork", "max-fused-work", "int64_t", "1 << 20",
           "Largest estimated work of one fused MLP's table and synthesis "
           "(table points x ((leaves + 1) x log2 of the points + 32)); "
           "beyond, the SOp is computed from its operands' subspaces">,
    Option<"fusionSavings", "fusion-savings", "double", "64.0",
           "A fused table is built only while its estimated work stays "
           "within this many times that of the MLPs it replaces (their "
           "hidden units, class views for numerical operands); beyond, its "
           "operands are materialised">,
    Option<"fusionRemarks", "fusion-remarks", "bool", "false",
           "Emit a remark at every SOp whose fused MLP is not used, saying "
           "why (estimated work, table size, or the synthesis' refusal)">,
    Option<"indexArithmetic", "index-arithmetic", "bool", "true",
           "Compile a selector relating two positions linearly (key index "
           "== m * query index + d, as in shift_by) as a head whose score is "
           "the exact quadratic form -(i_k - m i_q - d)^2 over numerical "
           "position features, where that is smaller than the categorical "
           "table (docs/exactness.md, section 7)">,
    Option<"encodingRemarks", "encoding-remarks", "bool", "false",
           "Emit a remark at every selector index-arithmetic considered, "
           "saying which encoding it chose and why">,
  ];
  let statistics = [
    Statistic<"fusionFallbacks", "fusion-fallbacks",
              "Fused MLPs computed from their operands instead (estimated "
              "cost too large or refused by the synthesis)">,
    Statistic<"quadraticSelectors", "quadratic-selectors",
              "Selectors compiled as quadratic forms over position "
              "features">,
    Statistic<"exactWidthFeatures", "exact-width-features",
              "Exact numerical values (and squares) of affine positions "
              "of selector widths built for quadratic heads">,
  ];
}

def ConvertCraftToLinalgPass : Pass<"convert-craft-to-linalg", "::mlir::ModuleOp"> {
  let summary = "turn layered craft models into tensor IR in the runtime's calling convention";
  let description = [{
    Replaces every `craft.model` (after `--allocate-layers`) with a
    `func.func` of the same name in the model calling convention of the JIT
    runtime (docs/runtime.md), using only upstream `func`, `linalg`,
    `tensor`, `arith` and `math` ops, so any MLIR toolchain can compile it.
    It calls private functions with dynamic shapes, one per kind of
    component (`@__rasp_head_*`, `@__rasp_mlp_*`, `@__rasp_lookup_*`,
    `@__rasp_add_columns`), shared by all components of that kind, so the
    code grows with the number of kinds rather than layers and heads:

    ```mlir
    func.func @reverse(%tokens: tensor<?x?xi32>, %lengths: tensor<?xi32>) -> tensor<?x?x4xf32>
        attributes {rasp.num_token_ids = 5 : i64, rasp.max_positions = 6 : i64,
                    rasp.residual_labels = [...], rasp.token_labels = [...],
                    rasp.output_encoding = "categorical", rasp.output_values = [...],
                    rasp.output_labels = [...]}
    ```

    Token ids are the `vocab` items in order, then BOS; position 0 is BOS.
    The residual stream is one `(batch * positions) x width` tensor: the
    embedding is a gather from the token and position tables
    (`craft::buildEmbeddingTables`); every head and MLP reads the columns of
    a table (its residual segments) and adds its result into its own column
    range. A head computes
    `q = x[query slices] * W_Q` against the key slices (W_QK factorised per
    its `#craft.qk` blocks), scales the logits, masks keys past
    `%lengths` (and later positions when causal) with `-inf`, applies the
    softmax as explicit generics, and mixes `x[value slices] * W_OV`. MLPs
    are `ReLU(x[input slices] * W1) * W2`. The result is the output
    subspace's columns at every position. docs/CraftToLinalg.md has the
    details, including the gather form of large sparse matrices and the
    lookup form of large W_QK blocks between one-hot subspaces.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::func::FuncDialect",
    "::mlir::linalg::LinalgDialect", "::mlir::math::MathDialect",
    "::mlir::tensor::TensorDialect"
  ];
  let options = [
    Option<"resourceMinElements", "resource-min-elements", "int64_t",
           "1 << 16",
           "Weight tensors with at least this many elements become "
           "dense_resource blobs">,
    Option<"sparseMinElements", "sparse-min-elements", "int64_t", "1 << 16",
           "Weight matrices with at least this many entries use the gather "
           "form when it is cheaper; 0 disables">,
    Option<"sparseGatherCost", "sparse-gather-cost", "double", "4.0",
           "Cost of a gathered multiply-add relative to a dense one (0: "
           "always gather above sparse-min-elements)">,
    Option<"lookupMinElements", "lookup-min-elements", "int64_t", "1 << 16",
           "W_QK blocks between categorical subspaces with at least this many "
           "entries are looked up at the argmax directions; 0 disables">,
    Option<"specializeMinElements", "specialize-min-elements", "int64_t",
           "1024",
           "A head or MLP with a dense weight of at least this many entries "
           "gets a function with static shapes of its own; smaller ones of "
           "the same kind share one with dynamic shapes; 0: always shared">,
    Option<"batchSize", "batch-size", "int64_t", "0",
           "A static batch size for the function's signature (every call "
           "then passes exactly this many rows); 0: dynamic">,
    Option<"reshapeDynamicSplits", "reshape-dynamic-splits", "bool", "true",
           "Split the rows into batch x positions with tensor.reshape where "
           "both are dynamic (MLIR 22's expand-strided-metadata crashes on "
           "such a tensor.expand_shape); false: tensor.expand_shape "
           "everywhere, for toolchains with a lowering of their own">,
    Option<"trace", "trace", "bool", "false",
           "Build the traced variant of the model function: its result "
           "holds the output subspace, then the residual stream after the "
           "embedding and after every sublayer, every head's logits and "
           "pattern and every MLP's hidden activations, where the function's "
           "`rasp.trace` attribute says (what `rasp-run --trace` shows)">,
  ];
}

#endif // RASPDIALECT_CONVERSION_PASSES_TD
