//===- Passes.td - Craft dialect passes --------------------*- tablegen -*-===//

#ifndef RASPDIALECT_DIALECT_CRAFT_TRANSFORMS_PASSES_TD
#define RASPDIALECT_DIALECT_CRAFT_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def AllocateLayersPass : Pass<"allocate-layers", "::mlir::ModuleOp"> {
  let summary = "arrange the components of craft programs as transformer layers";
  let description = [{
    Replaces every `craft.program` with a `craft.model` of the same name
    (see `craft.model`, `craft.layer`):

    - **Placement.** Each attention head and MLP goes in the earliest
      sublayer of its kind after all the components whose results it reads
      (`LayerSchedule`; sublayers alternate attention, MLP, attention, ...).
      This as-soon-as-possible schedule needs the fewest layers of any
      placement that respects the dependencies, so never more than Tracr's
      allocation of the same components.
    - **Sublayers.** The heads of an attention sublayer stay separate heads
      of one layer (grouping by `craft.multi_head` is dissolved); the MLPs
      of an MLP sublayer are combined into one `craft.mlp` that reads the
      union of their inputs and concatenates their hidden units and results.
    - **Residual layout.** One ordered residual basis: the token embedding
      (`tokens`, BOS, `one`), the positions (`indices`), then what each
      layer writes, in order. Every subspace is kept, also those nothing
      reads. Labels are the directions' `label:value` names; the labels of
      subspaces come from `--lower-to-craft` (NameLocs of the source ops,
      else generated names). Where two subspaces would share a residual
      label, the later one is renamed after the NameLoc of its op, or gets
      a `_2`, `_3`, ... suffix.

    ```mlir
    // Before
    craft.program @p {
      %tokens, %indices, %one, %bos = craft.embed ...
      %a = craft.mlp(%tokens ...) ... -> [#craft.space<"a", [0, 1]>]
      %b = craft.attention_head query(%a ...) key(%indices ...) value(%tokens ...) ...
      %c = craft.mlp(%indices ...) ... -> [#craft.space<"c">]
      craft.output %b : !craft.vec<2>
    }
    // After: %c joins %a in the MLP sublayer of layer 0
    craft.model @p attributes {labels = [...], residual = [...]} {
      %tokens, %indices, %one, %bos = craft.embed ...
      %a, %c = craft.layer 0 {
        %0:2 = craft.mlp(%tokens, %indices ...) ... -> [#craft.space<"a", [0, 1]>, #craft.space<"c">]
        craft.yield %0#0, %0#1 : !craft.vec<2>, !craft.vec<1>
      } : !craft.vec<2>, !craft.vec<1>
      %b = craft.layer 1 {
        %h = craft.attention_head query(%a ...) ...
        craft.yield %h : !craft.vec<2>
      } : !craft.vec<2>
      craft.output %b : !craft.vec<2>
    }
    ```
  }];
  let dependentDialects = ["::mlir::craft::CraftDialect"];
}

def FoldEmbeddingsPass : Pass<"fold-embeddings", "::mlir::ModuleOp"> {
  let summary = "let the embeddings write MLPs of the tokens or positions alone";
  let description = [{
    In every `craft.program`, replaces each `craft.mlp` that reads only the
    tokens (or only the positions), `one`, `bos` and subspaces already
    folded from the same embedding by a folded table of `craft.embed`
    (`#craft.fold`): row `r` of the table is the MLP's output (computed in
    double) at a position holding token (index) `r`. An MLP that does not
    write exactly zero at BOS is kept. The model then computes these
    subspaces in the embedding, before the first layer
    (docs/Fusion.md, "Embedding folding").

    ```mlir
    // Before
    %tokens, %indices, %one, %bos = craft.embed tokens #craft.space<"tokens", ["(", ")"]> ...
    %is_open = craft.mlp(%tokens : !craft.vec<2>) w1 dense<[[1.0], [0.0]]> : tensor<2x1xf64>
        w2 dense<1.0> : tensor<1x1xf64> -> [#craft.space<"is_open">]
    // After
    %tokens, %indices, %one, %bos, %is_open = craft.embed tokens #craft.space<"tokens", ["(", ")"]> ...
        folds [#craft.fold<tokens, #craft.space<"is_open">, dense<[[1.0], [0.0]]> : tensor<2x1xf64>>]
    ```
  }];
  let dependentDialects = ["::mlir::craft::CraftDialect"];
}

def PruneDirectionsPass : Pass<"prune-directions", "::mlir::ModuleOp"> {
  let summary = "drop residual directions, hidden units and components nothing reads";
  let description = [{
    In every `craft.program`, removes each direction of a component's
    result that no live weight reads (its row of every consumer's W1, W_OV
    and W_QK blocks is zero), then each MLP hidden unit that writes only
    removed directions, then each component that writes nothing read.
    The output subspace and the embedding are kept whole, and so are heads
    grouped in `craft.multi_head`. Removed entries were zero in every
    consumer, so the model computes exactly what it computed before (also
    in float32); categorical subspaces list only the values they keep
    (docs/Fusion.md, "Residual economy").

    ```mlir
    // Before: opp_index has values -3..2, but the select reads only 0..2.
    %opp = craft.mlp(...) ... -> [#craft.space<"opp_index", [-3, -2, -1, 0, 1, 2]>]
    %rev = craft.attention_head query(%opp, ...) ...
    // After
    %opp = craft.mlp(...) ... -> [#craft.space<"opp_index", [0, 1, 2]>]
    ```
  }];
  let dependentDialects = ["::mlir::craft::CraftDialect"];
}

def CraftModelStatsPass : Pass<"craft-model-stats", "::mlir::ModuleOp"> {
  let summary = "print the size of every craft.model";
  let description = [{
    Prints, for every `craft.model` in the module, to standard output:
    layers, heads per layer, MLP hidden width per layer, residual width, the
    dimensions and parameter count of every head and MLP, the total number
    of block parameters (entries of W_QK, W_OV, W1 and W2 on their own
    subspaces, like Tracr's craft parameter count) and how many are
    non-zero, and the parameter count of the same model in Tracr's dense
    layout (every layer padded to the most heads, the widest head and the
    widest MLP, with embeddings and biases). With `json`, one JSON document
    of schema `rasp-craft-model-stats/1` (docs/LayerAllocation.md). The IR
    is not changed.
  }];
  let options = [
    Option<"json", "json", "bool", /*default=*/"false",
           "print JSON instead of text">
  ];
}

#endif // RASPDIALECT_DIALECT_CRAFT_TRANSFORMS_PASSES_TD
