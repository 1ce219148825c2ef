//===- CraftAttrs.td - Craft attributes and types ----------*- tablegen -*-===//

#ifndef RASPDIALECT_DIALECT_CRAFT_IR_CRAFTATTRS_TD
#define RASPDIALECT_DIALECT_CRAFT_IR_CRAFTATTRS_TD

include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/BuiltinAttributeInterfaces.td"
include "mlir/IR/EnumAttr.td"
include "RaspDialect/Dialect/Craft/IR/CraftDialect.td"

class Craft_Attr<string name, string attrMnemonic, list<Trait> traits = []>
    : AttrDef<Craft_Dialect, name, traits> {
  let mnemonic = attrMnemonic;
}

class Craft_Type<string name, string typeMnemonic, list<Trait> traits = []>
    : TypeDef<Craft_Dialect, name, traits> {
  let mnemonic = typeMnemonic;
}

//===----------------------------------------------------------------------===//
// Types
//===----------------------------------------------------------------------===//

def Craft_VecType : Craft_Type<"Vec", "vec"> {
  let summary = "a subspace of the residual stream";
  let description = [{
    An SSA value of this type stands for a `dim`-dimensional subspace of the
    residual stream; at run time it holds one `dim`-vector per position. The
    basis of the subspace is the `#craft.space` the defining op gives it.

    ```mlir
    !craft.vec<4>
    ```
  }];
  let parameters = (ins "unsigned":$dim);
  let assemblyFormat = "`<` $dim `>`";
}

//===----------------------------------------------------------------------===//
// Directions and spaces
//===----------------------------------------------------------------------===//

def Craft_DirectionAttr : Craft_Attr<"Direction", "dir"> {
  let summary = "a basis direction of the residual stream";
  let description = [{
    A direction is a label plus, for categorical subspaces, the value it
    one-hot encodes; numerical and scalar directions have a label alone.
    Values are RASP value attributes (bool, i64, f64, string) or arrays of
    them (tuples, for the pair features of composite selectors).

    ```mlir
    #craft.dir<"tokens", "a">
    #craft.dir<"indices", 3>
    #craft.dir<"one">
    ```
  }];
  let parameters = (ins "::mlir::StringAttr":$label,
                        OptionalParameter<"::mlir::Attribute">:$value);
  let assemblyFormat = "`<` $label (`,` $value^)? `>`";
  let extraClassDeclaration = [{
    /// The residual-basis label: `label:value`, or `label` alone. Values are
    /// printed like Python's `str()` (strings unquoted).
    std::string str() const;
  }];
}

def Craft_SpaceAttr : Craft_Attr<"Space", "space"> {
  let summary = "the ordered basis of a subspace";
  let description = [{
    With `values`, a categorical subspace: one direction `label:v` per value,
    in the given order (the SOp's sorted value set). Without, a numerical
    subspace: the single direction `label`. The value list may be empty (a
    categorical SOp that is always `None`).

    ```mlir
    #craft.space<"tokens", ["a", "b", "c"]>
    #craft.space<"frac_prevs">
    ```
  }];
  let parameters = (ins "::mlir::StringAttr":$label,
                        OptionalParameter<"::mlir::ArrayAttr">:$values);
  let assemblyFormat = "`<` $label (`,` $values^)? `>`";
  let genVerifyDecl = 1;
  let builders = [
    AttrBuilderWithInferredContext<(ins "::mlir::StringAttr":$label), [{
      return $_get(label.getContext(), label, ::mlir::ArrayAttr());
    }]>
  ];
  let extraClassDeclaration = [{
    /// True for a one-hot (categorical) subspace.
    bool isCategorical() const { return static_cast<bool>(getValues()); }
    bool isNumerical() const { return !isCategorical(); }
    /// Number of basis directions.
    unsigned getDim() const {
      return isCategorical() ? getValues().size() : 1;
    }
    /// The `i`-th basis direction.
    DirectionAttr getDirection(unsigned i) const;
    /// Index of the direction encoding `value` (compared as attributes), or
    /// std::nullopt.
    std::optional<unsigned> indexOf(::mlir::Attribute value) const;
  }];
}

//===----------------------------------------------------------------------===//
// Attention weights
//===----------------------------------------------------------------------===//

def Craft_ElementsParameter : AttrParameter<"::mlir::ElementsAttr",
                                            "a weight matrix"> {
  let parser = [{ ::mlir::craft::parseWeights($_parser) }];
}

def Craft_QKBlockAttr : Craft_Attr<"QKBlock", "qk"> {
  let summary = "one block of an attention head's bilinear query-key form";
  let description = [{
    The block of `W_QK` between query operand `query` and key operand `key`
    of a `craft.attention_head`: a `dim(query) x dim(key)` weight matrix.
    Blocks that are not listed are zero.

    ```mlir
    #craft.qk<0, 0, dense<[[true, false], [false, true]]> : tensor<2x2xi1>>
    #craft.qk<1, 1, dense<5.000000e-01> : tensor<1x1xf64>>
    ```
  }];
  let parameters = (ins "unsigned":$query, "unsigned":$key,
                        Craft_ElementsParameter:$weights);
  let assemblyFormat = "`<` $query `,` $key `,` $weights `>`";
}

//===----------------------------------------------------------------------===//
// Folded embedding tables
//===----------------------------------------------------------------------===//

def Craft_EmbedSourceTokens : I32EnumAttrCase<"Tokens", 0, "tokens">;
def Craft_EmbedSourceIndices : I32EnumAttrCase<"Indices", 1, "indices">;
def Craft_EmbedSource : I32EnumAttr<"EmbedSource",
    "what a folded embedding table is indexed by",
    [Craft_EmbedSourceTokens, Craft_EmbedSourceIndices]> {
  let cppNamespace = "::mlir::craft";
  let genSpecializedAttr = 0;
}

def Craft_FoldAttr : Craft_Attr<"Fold", "fold"> {
  let summary = "a subspace written by the token or the position embedding";
  let description = [{
    An extra result of `craft.embed`: the subspace `space`, which the token
    embedding (`source` = `tokens`) or the position embedding (`source` =
    `indices`) writes directly. `table` has one row per direction of the
    `tokens` (or `indices`) space, in its order, and one column per
    direction of `space`: at position `p >= 1` the subspace holds the row
    of token `p - 1` (of index `p - 1`); at BOS it is zero. It replaces an
    MLP that reads only the tokens (or only the positions): the row is that
    MLP's output for the one-hot of the token (`--fold-embeddings`).

    ```mlir
    #craft.fold<tokens, #craft.space<"is_open">, dense<[[1.0], [0.0]]> : tensor<2x1xf64>>
    ```
  }];
  let parameters = (ins EnumParameter<Craft_EmbedSource>:$source,
                        "SpaceAttr":$space,
                        Craft_ElementsParameter:$table);
  let assemblyFormat = "`<` $source `,` qualified($space) `,` $table `>`";
}

#endif // RASPDIALECT_DIALECT_CRAFT_IR_CRAFTATTRS_TD
