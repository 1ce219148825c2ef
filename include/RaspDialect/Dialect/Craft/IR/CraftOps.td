//===- CraftOps.td - Craft operations ----------------------*- tablegen -*-===//

#ifndef RASPDIALECT_DIALECT_CRAFT_IR_CRAFTOPS_TD
#define RASPDIALECT_DIALECT_CRAFT_IR_CRAFTOPS_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/OpAsmInterface.td"
include "mlir/IR/SymbolInterfaces.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "RaspDialect/Dialect/Craft/IR/CraftDialect.td"
include "RaspDialect/Dialect/Craft/IR/CraftAttrs.td"
include "RaspDialect/Dialect/Craft/IR/CraftInterfaces.td"

def Craft_Vec : Type<CPred<"::llvm::isa<::mlir::craft::VecType>($_self)">,
                     "a residual subspace", "::mlir::craft::VecType">;

def Craft_SpaceArrayAttr : TypedArrayAttrBase<Craft_SpaceAttr,
                                              "array of subspace bases">;
def Craft_QKBlockArrayAttr : TypedArrayAttrBase<Craft_QKBlockAttr,
                                                "array of W_QK blocks">;
def Craft_FoldArrayAttr : TypedArrayAttrBase<Craft_FoldAttr,
                                             "array of folded embedding tables">;

//===----------------------------------------------------------------------===//
// Program structure
//===----------------------------------------------------------------------===//

def Craft_ProgramOp : Craft_Op<"program", [
    Symbol, IsolatedFromAbove, SingleBlock, NoRegionArguments]> {
  let summary = "a compiled RASP program: components on residual subspaces";
  let description = [{
    A single block of components ending in `craft.output`, which names the
    subspace holding the program's output. The block starts with one
    `craft.embed`; components appear in a valid execution order (every
    operand is defined before use). The attributes are those of the source
    `rasp.program`: `vocab`, `max_seq_len` (without BOS), `bos` and `causal`.

    ```mlir
    craft.program @hist attributes {max_seq_len = 5 : i64} {
      %tokens, %indices, %one, %bos = craft.embed ...
      ...
      craft.output %hist : !craft.vec<6>
    }
    ```
  }];
  let arguments = (ins SymbolNameAttr:$sym_name,
                       OptionalAttr<ArrayAttr>:$vocab,
                       OptionalAttr<ConfinedAttr<I64Attr, [IntMinValue<1>]>>:$max_seq_len,
                       OptionalAttr<StrAttr>:$bos,
                       UnitAttr:$causal);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = "$sym_name attr-dict-with-keyword $body";
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// The terminator of the body.
    OutputOp getOutputOp();
    /// The subspace holding the program's output.
    ::mlir::Value getOutput();
    /// The `craft.embed` op of the body, or null.
    EmbedOp getEmbedOp();
  }];
}

def Craft_OutputOp : Craft_Op<"output", [
    Terminator, ParentOneOf<["ProgramOp", "ModelOp"]>]> {
  let summary = "names the output subspace of a program or model";
  let description = [{
    The model's output is read from this subspace at every position but
    the first (BOS): categorical outputs by argmax, numerical ones as the
    value of their single direction.
  }];
  let arguments = (ins Craft_Vec:$output);
  let assemblyFormat = "$output attr-dict `:` qualified(type($output))";
}

def Craft_EmbedOp : Craft_Op<"embed", [
    DeclareOpInterfaceMethods<OpAsmOpInterface, ["getAsmResultNames"]>,
    Pure, InferTypeOpAdaptor,
    DeclareOpInterfaceMethods<Craft_SpaceOpInterface>]> {
  let summary = "the token and position embedding";
  let description = [{
    The sources of the residual stream. At position 0 (BOS): `bos = 1`,
    `one = 1`, `tokens = 0`, `indices = 0`. At position `p >= 1`: `tokens` is
    the one-hot of input token `p - 1`, `indices` the one-hot of `p - 1`,
    `one = 1`, `bos = 0`. The BOS direction conventionally has the tokens
    label and the BOS name as its value (`tokens:BOS`) but is a subspace of
    its own.

    Optionally, `folds` lists more subspaces that the embedding writes, one
    result each after `bos` (`#craft.fold`): a table indexed by the token
    or by the position. At position `p >= 1` such a result holds the row of
    token `p - 1` (or of index `p - 1`); at BOS it is zero.

    A consumer builds the embedding matrices over its residual layout: the
    row of token `v` sets `tokens:v` to 1, `one` to 1 and, for every
    token-indexed fold, the fold's columns to the fold table's row of `v`;
    the BOS token's row sets `tokens:BOS` and `one` only. The row of
    position `p >= 1` sets `indices:(p - 1)` to 1 and, for every
    position-indexed fold, its columns to row `p - 1` of the table; the BOS
    position's row is zero.

    ```mlir
    %tokens, %indices, %one, %bos, %is_open = craft.embed
        tokens #craft.space<"tokens", ["(", ")"]>
        indices #craft.space<"indices", [0, 1, 2]>
        one #craft.space<"one">
        bos #craft.space<"tokens", ["BOS"]>
        folds [#craft.fold<tokens, #craft.space<"is_open">, dense<[[1.0], [0.0]]> : tensor<2x1xf64>>]
    ```
  }];
  let arguments = (ins Craft_SpaceAttr:$tokens_space,
                       Craft_SpaceAttr:$indices_space,
                       Craft_SpaceAttr:$one_space,
                       Craft_SpaceAttr:$bos_space,
                       OptionalAttr<Craft_FoldArrayAttr>:$folds);
  let results = (outs Craft_Vec:$tokens, Craft_Vec:$indices, Craft_Vec:$one,
                      Craft_Vec:$bos, Variadic<Craft_Vec>:$folded);
  let assemblyFormat = [{
    `tokens` qualified($tokens_space) `indices` qualified($indices_space)
    `one` qualified($one_space) `bos` qualified($bos_space)
    (`folds` $folds^)? attr-dict
  }];
  let hasVerifier = 1;
  let builders = [
    // Without folds, as before folds existed.
    OpBuilder<(ins "SpaceAttr":$tokens_space, "SpaceAttr":$indices_space,
                   "SpaceAttr":$one_space, "SpaceAttr":$bos_space), [{
      build($_builder, $_state, tokens_space, indices_space, one_space,
            bos_space, ::mlir::ArrayAttr());
    }]>
  ];
  let extraClassDeclaration = [{
    /// The folded tables, in the order of the `folded` results.
    ::llvm::SmallVector<FoldAttr> getFoldAttrs();
  }];
}

//===----------------------------------------------------------------------===//
// Components
//===----------------------------------------------------------------------===//

def Craft_MLPOp : Craft_Op<"mlp", [
    DeclareOpInterfaceMethods<OpAsmOpInterface, ["getAsmResultNames"]>,
    Pure, InferTypeOpAdaptor,
    DeclareOpInterfaceMethods<Craft_SpaceOpInterface>]> {
  let summary = "a ReLU MLP from input subspaces to output subspaces";
  let description = [{
    At every position, with `x` the concatenation of the inputs (in operand
    order) as a row vector:

        h = ReLU(x * w1)        // w1: [sum of input dims, hidden]
        y = h * w2              // w2: [hidden, sum of result dims]

    and `y` is split into the results in order, whose bases are `spaces`.
    The hidden size is the second dimension of `w1`. There are no bias
    vectors: a bias is the row of `w1` for an input `one` (which is 1 at
    every position), and a `bos` input lets a construction switch hidden
    units off at position 0 to keep BOS clean. MLPs placed in the same MLP
    sublayer combine into one `craft.mlp` by concatenating hidden units.

    ```mlir
    %y = craft.mlp(%x, %one, %bos : !craft.vec<2>, !craft.vec<1>, !craft.vec<1>)
        w1 dense<...> : tensor<4x3xf64> w2 dense<...> : tensor<3x1xf64>
        -> [#craft.space<"y">]
    ```
  }];
  let arguments = (ins Variadic<Craft_Vec>:$inputs, ElementsAttr:$w1,
                       ElementsAttr:$w2, Craft_SpaceArrayAttr:$spaces);
  let results = (outs Variadic<Craft_Vec>:$results);
  let assemblyFormat = [{
    `(` ($inputs^ `:` qualified(type($inputs)))? `)` `w1` $w1 `w2` $w2 `->` $spaces
    attr-dict
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// Number of hidden units (columns of w1).
    int64_t getHiddenSize();
  }];
}

def Craft_AttentionHeadOp : Craft_Op<"attention_head", [
    DeclareOpInterfaceMethods<OpAsmOpInterface, ["getAsmResultNames"]>,
    Pure, AttrSizedOperandSegments,
    InferTypeOpAdaptor,
    DeclareOpInterfaceMethods<Craft_SpaceOpInterface>]> {
  let summary = "one attention head with a bilinear query-key form";
  let description = [{
    With `q_i`, `k_j` the query and key operands (each a list of subspace
    vectors) at positions `i` and `j`, and `x_j` the concatenation of the
    value operands at `j`:

        logit(i, j) = scale * sum over blocks b of q_i[b.query] * b.weights * k_j[b.key]^T
        a(i, .)     = softmax over j in [0, n] (j <= i if `causal`) of logit(i, .)
        out_i       = sum_j a(i, j) * (x_j * w_ov)       // w_ov: [sum of value dims, dim]

    `w_qk` lists the non-zero blocks of the bilinear form (`#craft.qk`), in
    logit units; `scale` is the softmax inverse temperature chosen by the
    synthesis (no further `1/sqrt(d)` factor). The result's basis is
    `space`. Heads placed in the same attention sublayer can be grouped
    with `craft.multi_head`.

    ```mlir
    %r = craft.attention_head query(%opp, %one, %bos : !craft.vec<5>, !craft.vec<1>, !craft.vec<1>)
        key(%indices, %bos : !craft.vec<5>, !craft.vec<1>) value(%tokens : !craft.vec<2>)
        scale 4.5e+01
        w_qk [#craft.qk<0, 0, dense<...> : tensor<5x5xi1>>, #craft.qk<1, 1, dense<5.000000e-01> : tensor<1x1xf64>>]
        w_ov dense<[[1.0, 0.0], [0.0, 1.0]]> : tensor<2x2xf64>
        -> #craft.space<"reverse", ["a", "b"]>
    ```
  }];
  let arguments = (ins Variadic<Craft_Vec>:$queries, Variadic<Craft_Vec>:$keys,
                       Variadic<Craft_Vec>:$values, Craft_QKBlockArrayAttr:$w_qk,
                       ElementsAttr:$w_ov, F64Attr:$scale, UnitAttr:$causal,
                       Craft_SpaceAttr:$space);
  let results = (outs Craft_Vec:$result);
  let assemblyFormat = [{
    `query` `(` ($queries^ `:` qualified(type($queries)))? `)`
    `key` `(` ($keys^ `:` qualified(type($keys)))? `)`
    `value` `(` ($values^ `:` qualified(type($values)))? `)`
    `scale` $scale (`causal` $causal^)? `w_qk` $w_qk `w_ov` $w_ov
    `->` qualified($space) attr-dict
  }];
  let hasVerifier = 1;
}

def Craft_MultiHeadOp : Craft_Op<"multi_head", [
    RecursiveMemoryEffects, SingleBlock,
    DeclareOpInterfaceMethods<Craft_SpaceOpInterface>]> {
  let summary = "attention heads that run in parallel in one sublayer";
  let description = [{
    Groups `craft.attention_head` ops that read the residual stream as it is
    before the group and write their outputs side by side. The body holds
    only heads and a `craft.yield` returning every head's result; the
    results of the group are the yielded values.

    ```mlir
    %a, %b = craft.multi_head {
      %x = craft.attention_head ...
      %y = craft.attention_head ...
      craft.yield %x, %y : !craft.vec<3>, !craft.vec<1>
    } : !craft.vec<3>, !craft.vec<1>
    ```
  }];
  let results = (outs Variadic<Craft_Vec>:$results);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = "$body attr-dict `:` qualified(type($results))";
  let hasRegionVerifier = 1;
}

def Craft_YieldOp : Craft_Op<"yield", [
    Pure, Terminator, ParentOneOf<["MultiHeadOp", "LayerOp"]>]> {
  let summary = "returns the results of a multi-head group or a layer";
  let arguments = (ins Variadic<Craft_Vec>:$values);
  let assemblyFormat = "($values^ `:` qualified(type($values)))? attr-dict";
}

#endif // RASPDIALECT_DIALECT_CRAFT_IR_CRAFTOPS_TD
