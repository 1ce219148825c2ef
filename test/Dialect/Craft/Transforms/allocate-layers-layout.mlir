// RUN: rasp-opt %s --allocate-layers --split-input-file | FileCheck %s

// The residual: the token embedding's range (tokens, BOS, one), the
// positions, then what each layer writes in order: heads before the MLP,
// components of one sublayer in program order. Categorical directions are
// `label:value`, numerical ones `label`.

// CHECK-LABEL: craft.model @order
// CHECK-SAME: labels = ["tokens:a", "tokens:b", "tokens:BOS", "one", "indices:0", "indices:1", "indices:2", "second", "first:True", "opp_index:-1", "opp_index:0", "opp_index:1", "late:x", "late:y"]
// CHECK-SAME: residual = [#craft.space<"tokens", ["a", "b"]>, #craft.space<"tokens", ["BOS"]>, #craft.space<"one">, #craft.space<"indices", [0, 1, 2]>, #craft.space<"second">, #craft.space<"first", [true]>, #craft.space<"opp_index", [-1, 0, 1]>, #craft.space<"late", ["x", "y"]>]
craft.program @order attributes {max_seq_len = 3 : i64, vocab = ["a", "b"]} {
  %tokens, %indices, %one, %bos = craft.embed
      tokens #craft.space<"tokens", ["a", "b"]>
      indices #craft.space<"indices", [0, 1, 2]>
      one #craft.space<"one">
      bos #craft.space<"tokens", ["BOS"]>
  %opp = craft.mlp(%indices : !craft.vec<3>)
      w1 dense<1.0> : tensor<3x3xf64> w2 dense<1.0> : tensor<3x3xf64>
      -> [#craft.space<"opp_index", [-1, 0, 1]>]
  %late = craft.attention_head query(%opp : !craft.vec<3>) key(%indices : !craft.vec<3>)
      value(%tokens : !craft.vec<2>) scale 1.0
      w_qk [#craft.qk<0, 0, dense<1.0> : tensor<3x3xf64>>]
      w_ov dense<1.0> : tensor<2x2xf64> -> #craft.space<"late", ["x", "y"]>
  %second = craft.attention_head query(%one : !craft.vec<1>) key(%bos : !craft.vec<1>)
      value(%one : !craft.vec<1>) scale 1.0
      w_qk [#craft.qk<0, 0, dense<1.0> : tensor<1x1xf64>>]
      w_ov dense<1.0> : tensor<1x1xf64> -> #craft.space<"second">
  %first = craft.attention_head query(%one : !craft.vec<1>) key(%bos : !craft.vec<1>)
      value(%one : !craft.vec<1>) scale 1.0
      w_qk [#craft.qk<0, 0, dense<1.0> : tensor<1x1xf64>>]
      w_ov dense<1.0> : tensor<1x1xf64> -> #craft.space<"first", [true]>
  craft.output %late : !craft.vec<2>
}

// -----

// Subspaces whose labels repeat an earlier residual label are renamed: after
// the NameLoc of their op where it has one, else with a numbered suffix. The
// first subspace in residual order keeps its label.

// CHECK-LABEL: craft.model @collisions
// CHECK-SAME: labels = ["tokens:a", "tokens:b", "tokens:BOS", "one", "indices:0", "indices:1", "x:0", "x:1", "y:0", "y:1", "x_2:0", "x_2:1", "x", "tokens_2:a", "w", "w_2"]
// CHECK: craft.layer 0 {
// CHECK-NEXT: craft.attention_head
// CHECK-SAME: -> #craft.space<"x", [0, 1]>
// CHECK-NEXT: craft.attention_head
// CHECK-SAME: -> #craft.space<"y", [0, 1]>
// CHECK-NEXT: craft.attention_head
// CHECK-SAME: -> #craft.space<"x_2", [0, 1]>
// CHECK-NEXT: craft.mlp
// CHECK-SAME: -> [#craft.space<"x">, #craft.space<"tokens_2", ["a"]>, #craft.space<"w">, #craft.space<"w_2">]
craft.program @collisions attributes {max_seq_len = 2 : i64, vocab = ["a", "b"]} {
  %tokens, %indices, %one, %bos = craft.embed
      tokens #craft.space<"tokens", ["a", "b"]>
      indices #craft.space<"indices", [0, 1]>
      one #craft.space<"one">
      bos #craft.space<"tokens", ["BOS"]>
  %x1 = craft.attention_head query(%one : !craft.vec<1>) key(%bos : !craft.vec<1>)
      value(%indices : !craft.vec<2>) scale 1.0
      w_qk [#craft.qk<0, 0, dense<1.0> : tensor<1x1xf64>>]
      w_ov dense<1.0> : tensor<2x2xf64> -> #craft.space<"x", [0, 1]> loc("x")
  // Same label and values: renamed after its NameLoc.
  %x2 = craft.attention_head query(%one : !craft.vec<1>) key(%bos : !craft.vec<1>)
      value(%indices : !craft.vec<2>) scale 1.0
      w_qk [#craft.qk<0, 0, dense<1.0> : tensor<1x1xf64>>]
      w_ov dense<1.0> : tensor<2x2xf64> -> #craft.space<"x", [0, 1]> loc(fused["prog.rasp":3:1, "y"])
  // Same again, its NameLoc taken too: a suffix.
  %x3 = craft.attention_head query(%one : !craft.vec<1>) key(%bos : !craft.vec<1>)
      value(%indices : !craft.vec<2>) scale 1.0
      w_qk [#craft.qk<0, 0, dense<1.0> : tensor<1x1xf64>>]
      w_ov dense<1.0> : tensor<2x2xf64> -> #craft.space<"x", [0, 1]> loc("x")
  // A numerical `x` has the label `x`, distinct from `x:0`: kept.
  %xn = craft.mlp(%one : !craft.vec<1>)
      w1 dense<1.0> : tensor<1x1xf64> w2 dense<1.0> : tensor<1x1xf64>
      -> [#craft.space<"x">]
  // `tokens:a` is the embedding's.
  %t = craft.mlp(%one : !craft.vec<1>)
      w1 dense<1.0> : tensor<1x1xf64> w2 dense<1.0> : tensor<1x1xf64>
      -> [#craft.space<"tokens", ["a"]>]
  // Two results of one MLP with one label.
  %w1, %w2 = craft.mlp(%one : !craft.vec<1>)
      w1 dense<1.0> : tensor<1x1xf64> w2 dense<1.0> : tensor<1x2xf64>
      -> [#craft.space<"w">, #craft.space<"w">]
  craft.output %x1 : !craft.vec<2>
}
