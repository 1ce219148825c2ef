//===- CraftModelOps.td - Layered craft models -------------*- tablegen -*-===//
//
// The form of a compiled program after layer allocation: a `craft.model` of
// `craft.layer`s, each an attention sublayer followed by an MLP sublayer, and
// the residual layout that later conversions read.
//
//===----------------------------------------------------------------------===//

#ifndef RASPDIALECT_DIALECT_CRAFT_IR_CRAFTMODELOPS_TD
#define RASPDIALECT_DIALECT_CRAFT_IR_CRAFTMODELOPS_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/OpAsmInterface.td"
include "mlir/IR/SymbolInterfaces.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "RaspDialect/Dialect/Craft/IR/CraftDialect.td"
include "RaspDialect/Dialect/Craft/IR/CraftAttrs.td"
include "RaspDialect/Dialect/Craft/IR/CraftInterfaces.td"
include "RaspDialect/Dialect/Craft/IR/CraftOps.td"

def Craft_ModelOp : Craft_Op<"model", [
    Symbol, IsolatedFromAbove, SingleBlock, NoRegionArguments]> {
  let summary = "a layered transformer with its residual layout";
  let description = [{
    What `--allocate-layers` makes of a `craft.program`: the same
    components, arranged as a transformer. The body holds one `craft.embed`,
    then `craft.layer` ops numbered 0, 1, 2, ... in order, then
    `craft.output`. Layer `i` is an attention sublayer followed by an MLP
    sublayer (see `craft.layer`); a model with `L` layers has `L` attention
    and `L` MLP sublayers, some of which may be empty. Components keep the
    semantics of `craft.program`: every subspace is written once, by the
    embedding or by one layer, and read by later sublayers.

    **Residual layout.** The residual stream is one ordered basis in which
    every subspace owns a contiguous range. `residual` lists the basis of
    every subspace of the model exactly once (the four of `craft.embed` and
    every result of every layer), in residual order: the range of entry `i`
    starts at the sum of the dimensions of the entries before it, and the
    residual width is the sum of all dimensions. A consumer finds the range
    of any value through its basis (`craft::getSpace`) with
    `craft::ResidualLayout`. `labels` names each residual dimension in
    order, as `DirectionAttr::str()` prints its direction: `tokens:a`,
    `indices:3`, `opp_index:-1`, `tokens:BOS`, and `one` or `frac` for
    numerical directions. Labels are unique in a model, so they identify
    residual dimensions in exported weights; the verifier checks that they
    are exactly the directions of `residual`.

    `--allocate-layers` orders the residual as: the token embedding's range
    (`tokens`, then the BOS direction, then `one`, which every token row
    sets), the position embedding's range (`indices`), then the subspaces
    written by each layer in layer order (heads, then MLP results).

    The attributes `vocab`, `max_seq_len`, `bos` and `causal` are those of
    the source program.

    ```mlir
    craft.model @hist attributes {
        labels = ["tokens:a", "tokens:b", "tokens:BOS", "one", "indices:0",
                  "indices:1", "hist_sw_attn", "hist:0", "hist:1", "hist:2"],
        max_seq_len = 2 : i64,
        residual = [#craft.space<"tokens", ["a", "b"]>,
                    #craft.space<"tokens", ["BOS"]>, #craft.space<"one">,
                    #craft.space<"indices", [0, 1]>,
                    #craft.space<"hist_sw_attn">,
                    #craft.space<"hist", [0, 1, 2]>]} {
      %tokens, %indices, %one, %bos = craft.embed ...
      %hist_sw_attn, %hist = craft.layer 0 {
        %a = craft.attention_head query(%tokens, %one, %bos : ...) ...
        %h = craft.mlp(%a, %one, %bos : ...) ...
        craft.yield %a, %h : !craft.vec<1>, !craft.vec<3>
      } : !craft.vec<1>, !craft.vec<3>
      craft.output %hist : !craft.vec<3>
    }
    ```
  }];
  let arguments = (ins SymbolNameAttr:$sym_name,
                       Craft_SpaceArrayAttr:$residual,
                       StrArrayAttr:$labels,
                       OptionalAttr<ArrayAttr>:$vocab,
                       OptionalAttr<ConfinedAttr<I64Attr, [IntMinValue<1>]>>:$max_seq_len,
                       OptionalAttr<StrAttr>:$bos,
                       UnitAttr:$causal);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = "$sym_name attr-dict-with-keyword $body";
  let hasRegionVerifier = 1;
  let extraClassDeclaration = [{
    /// The terminator of the body.
    OutputOp getOutputOp();
    /// The subspace holding the model's output.
    ::mlir::Value getOutput();
    /// The `craft.embed` op of the body, or null.
    EmbedOp getEmbedOp();
    /// The layers, in order.
    ::llvm::iterator_range<::mlir::Block::op_iterator<LayerOp>> getLayers();
    /// Number of layers.
    unsigned getNumLayers();
    /// Sum of the dimensions of the residual subspaces.
    int64_t getResidualWidth();
  }];
}

def Craft_LayerOp : Craft_Op<"layer", [
    HasParent<"ModelOp">, SingleBlock, NoRegionArguments,
    RecursiveMemoryEffects,
    DeclareOpInterfaceMethods<OpAsmOpInterface, ["getAsmResultNames"]>,
    DeclareOpInterfaceMethods<Craft_SpaceOpInterface>]> {
  let summary = "one transformer layer: attention sublayer, then MLP sublayer";
  let description = [{
    The body holds the layer's attention heads (its attention sublayer),
    then at most one `craft.mlp` (its MLP sublayer: the MLPs allocated to
    it, combined into one by concatenating hidden units), then a
    `craft.yield` of every result of those ops, in order. The layer's
    results are the yielded values: exactly the subspaces this layer writes
    to the residual stream.

    Heads run in parallel on the residual stream as it is before the layer,
    so they read only values defined outside the layer; the MLP runs after
    them and may read their results. Everything a component reads outside
    the layer was written by the embedding or an earlier layer. `index` is
    the layer's position in the model, from 0.

    ```mlir
    %opp_index_attn, %opp_index = craft.layer 1 {
      %a = craft.attention_head query(...) key(...) value(...) ...
      %m = craft.mlp(%a, %indices, %one : ...) ... -> [#craft.space<"opp_index", [...]>]
      craft.yield %a, %m : !craft.vec<1>, !craft.vec<5>
    } : !craft.vec<1>, !craft.vec<5>
    ```
  }];
  let arguments = (ins ConfinedAttr<I64Attr, [IntNonNegative]>:$index);
  let results = (outs Variadic<Craft_Vec>:$results);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = [{
    $index $body attr-dict (`:` qualified(type($results))^)?
  }];
  let hasRegionVerifier = 1;
  let extraClassDeclaration = [{
    /// The heads of the attention sublayer, in order.
    ::llvm::iterator_range<::mlir::Block::op_iterator<AttentionHeadOp>>
    getHeads();
    /// The MLP sublayer, or null if it is empty.
    MLPOp getMLP();
    /// The terminator of the body.
    YieldOp getYieldOp();
  }];
}

#endif // RASPDIALECT_DIALECT_CRAFT_IR_CRAFTMODELOPS_TD
