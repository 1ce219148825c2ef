//===- CraftDialect.td - Craft dialect definition ----------*- tablegen -*-===//
//
// The `craft` dialect: transformer components with concrete weights acting on
// named subspaces of a residual stream (Tracr's "craft" level).
//
//===----------------------------------------------------------------------===//

#ifndef RASPDIALECT_DIALECT_CRAFT_IR_CRAFTDIALECT_TD
#define RASPDIALECT_DIALECT_CRAFT_IR_CRAFTDIALECT_TD

include "mlir/IR/OpBase.td"

def Craft_Dialect : Dialect {
  let name = "craft";
  let summary = "transformer components on named residual subspaces";
  let description = [{
    A `craft.program` is a compiled RASP program before layer allocation: a
    dataflow graph of transformer components (MLPs and attention heads) with
    concrete weights. This description fixes the semantics every producer
    (`--lower-to-craft`) and consumer (layer allocation, the conversion to
    linalg, the craft evaluator) relies on.

    **Positions.** For an input of `n` tokens the model runs on `n + 1`
    positions: position 0 holds the beginning-of-sequence token (BOS) and
    position `p >= 1` holds input token `p - 1`.

    **Subspaces.** Every SSA value of type `!craft.vec<d>` stands for a
    `d`-dimensional subspace of the residual stream. Its ordered basis is the
    `#craft.space` attribute that the defining op attaches to it (see
    `craft::getSpace(Value)`). At run time the value holds one `d`-vector per
    position. Different SSA values own disjoint sets of basis directions, so
    the residual stream is the direct sum of all subspaces of the program;
    a layout pass can give each value a contiguous range of the residual
    basis, labelled `label:value` (`tokens:a`, `indices:3`, `one`).

    **Dataflow.** A component reads its operand subspaces and writes its
    result subspaces. Results start at zero and are written exactly once, so
    the value of a result is precisely what the component adds to the
    residual stream. A component may run in any layer after the components
    that define its operands: attention heads in an attention sublayer, MLPs
    in the MLP sublayer that follows it.

    **Encodings.** A categorical subspace (`#craft.space<"x", [v0, v1, ...]>`)
    is one-hot: the value `vi` is the `i`-th basis vector and the zero vector
    means `None`. A numerical subspace (`#craft.space<"x">`) has a single
    direction holding the value itself.

    **Embedding.** `craft.embed` defines `tokens`, `indices`, `one` and
    `bos`. At position 0: `bos = 1`, `one = 1`, `tokens = 0`, `indices = 0`.
    At position `p >= 1`: `tokens` is the one-hot of token `p - 1`, `indices`
    the one-hot of `p - 1`, `one = 1` and `bos = 0`.

    **Clean BOS.** `--lower-to-craft` keeps every subspace that encodes an
    SOp at zero in position 0 (up to attention leakage below float32
    rounding, see docs/exactness.md); the weight constructions rely on it.
    Internal helper subspaces (e.g. a selector width's attention output)
    may be non-zero at position 0 and are only read by their own helper
    components.

    **Weights.** Weight matrices are rank-2 `ElementsAttr`s with static shape
    and element type `f64`, `f32` or `i1` (`true` is 1.0): dense, sparse
    (`sparse<...>`) or `dense_resource`. Large 0/1 tables are stored as
    bit-packed `i1`, permutation-like matrices as `sparse`. Rows and columns
    follow the concatenation of the operand (or result) bases in operand
    order. `RaspDialect/Dialect/Craft/IR/CraftWeights.h` iterates any of these
    forms.
  }];
  let cppNamespace = "::mlir::craft";
  let useDefaultAttributePrinterParser = 1;
  let useDefaultTypePrinterParser = 1;
}

class Craft_Op<string mnemonic, list<Trait> traits = []>
    : Op<Craft_Dialect, mnemonic, traits>;

#endif // RASPDIALECT_DIALECT_CRAFT_IR_CRAFTDIALECT_TD
