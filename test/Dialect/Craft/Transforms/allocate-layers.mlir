// RUN: rasp-opt %s --allocate-layers --split-input-file | FileCheck %s
// RUN: rasp-opt %s --allocate-layers --split-input-file | rasp-opt --split-input-file > /dev/null

// Every component goes in the earliest sublayer of its kind after all its
// producers: here an attention head, the MLP that reads it (same layer) and a
// head that reads the MLP (next layer).

// CHECK-LABEL: craft.model @attn_mlp_attn
// CHECK: %[[T:.*]], %[[I:.*]], %[[ONE:.*]], %[[BOS:.*]] = craft.embed
// CHECK: %[[X:.*]], %[[Y:.*]] = craft.layer 0 {
// CHECK-NEXT: %[[XH:.*]] = craft.attention_head query(%[[ONE]] : !craft.vec<1>) key(%[[BOS]] : !craft.vec<1>) value(%[[T]] : !craft.vec<2>)
// CHECK: %[[YM:.*]] = craft.mlp(%[[XH]], %[[ONE]] : !craft.vec<2>, !craft.vec<1>)
// CHECK: craft.yield %[[XH]], %[[YM]] : !craft.vec<2>, !craft.vec<1>
// CHECK-NEXT: } : !craft.vec<2>, !craft.vec<1>
// CHECK: %[[Z:.*]] = craft.layer 1 {
// CHECK-NEXT: %[[ZH:.*]] = craft.attention_head query(%[[Y]] : !craft.vec<1>) key(%[[BOS]] : !craft.vec<1>) value(%[[X]] : !craft.vec<2>)
// CHECK: craft.yield %[[ZH]] : !craft.vec<2>
// CHECK: craft.output %[[Z]] : !craft.vec<2>
// CHECK-NOT: craft.program
craft.program @attn_mlp_attn attributes {max_seq_len = 2 : i64, vocab = ["a", "b"]} {
  %tokens, %indices, %one, %bos = craft.embed
      tokens #craft.space<"tokens", ["a", "b"]>
      indices #craft.space<"indices", [0, 1]>
      one #craft.space<"one">
      bos #craft.space<"tokens", ["BOS"]>
  %x = craft.attention_head query(%one : !craft.vec<1>) key(%bos : !craft.vec<1>)
      value(%tokens : !craft.vec<2>) scale 1.0
      w_qk [#craft.qk<0, 0, dense<1.0> : tensor<1x1xf64>>]
      w_ov dense<1.0> : tensor<2x2xf64> -> #craft.space<"x", ["a", "b"]>
  %y = craft.mlp(%x, %one : !craft.vec<2>, !craft.vec<1>)
      w1 dense<1.0> : tensor<3x1xf64> w2 dense<1.0> : tensor<1x1xf64>
      -> [#craft.space<"y">]
  %z = craft.attention_head query(%y : !craft.vec<1>) key(%bos : !craft.vec<1>)
      value(%x : !craft.vec<2>) scale 1.0
      w_qk [#craft.qk<0, 0, dense<1.0> : tensor<1x1xf64>>]
      w_ov dense<1.0> : tensor<2x2xf64> -> #craft.space<"z", ["a", "b"]>
  craft.output %z : !craft.vec<2>
}

// -----

// A chain that starts with an MLP: layer 0 has no heads, and every later
// component waits for its producer.

// CHECK-LABEL: craft.model @chain
// CHECK: %[[A:.*]] = craft.layer 0 {
// CHECK-NEXT: craft.mlp
// CHECK-SAME: -> [#craft.space<"a", [0, 1]>]
// CHECK: %[[B:.*]], %[[C:.*]] = craft.layer 1 {
// CHECK-NEXT: %[[BH:.*]] = craft.attention_head query(%[[A]] : !craft.vec<2>)
// CHECK-NEXT: %[[CM:.*]] = craft.mlp(%[[BH]] : !craft.vec<2>)
// CHECK: %[[D:.*]] = craft.layer 2 {
// CHECK-NEXT: craft.attention_head query(%[[C]] : !craft.vec<1>)
// CHECK: craft.output %[[D]]
craft.program @chain attributes {max_seq_len = 2 : i64, vocab = ["a", "b"]} {
  %tokens, %indices, %one, %bos = craft.embed
      tokens #craft.space<"tokens", ["a", "b"]>
      indices #craft.space<"indices", [0, 1]>
      one #craft.space<"one">
      bos #craft.space<"tokens", ["BOS"]>
  %a = craft.mlp(%tokens : !craft.vec<2>)
      w1 dense<1.0> : tensor<2x2xf64> w2 dense<1.0> : tensor<2x2xf64>
      -> [#craft.space<"a", [0, 1]>]
  %b = craft.attention_head query(%a : !craft.vec<2>) key(%indices : !craft.vec<2>)
      value(%tokens : !craft.vec<2>) scale 1.0
      w_qk [#craft.qk<0, 0, dense<1.0> : tensor<2x2xf64>>]
      w_ov dense<1.0> : tensor<2x2xf64> -> #craft.space<"b", ["a", "b"]>
  %c = craft.mlp(%b : !craft.vec<2>)
      w1 dense<1.0> : tensor<2x1xf64> w2 dense<1.0> : tensor<1x1xf64>
      -> [#craft.space<"c">]
  %d = craft.attention_head query(%c : !craft.vec<1>) key(%bos : !craft.vec<1>)
      value(%one : !craft.vec<1>) scale 1.0
      w_qk [#craft.qk<0, 0, dense<1.0> : tensor<1x1xf64>>]
      w_ov dense<1.0> : tensor<1x1xf64> -> #craft.space<"d">
  craft.output %d : !craft.vec<1>
}

// -----

// A diamond: two heads on the embedding share layer 0, the MLP that joins
// them follows in the same layer; a head that reads one of the heads must
// wait for layer 1 (heads of one sublayer run in parallel).

// CHECK-LABEL: craft.model @diamond
// CHECK: %[[P:.*]], %[[Q:.*]], %[[J:.*]] = craft.layer 0 {
// CHECK-NEXT: %[[PH:.*]] = craft.attention_head
// CHECK-SAME: -> #craft.space<"p">
// CHECK-NEXT: %[[QH:.*]] = craft.attention_head
// CHECK-SAME: -> #craft.space<"q">
// CHECK-NEXT: %[[JM:.*]] = craft.mlp(%[[PH]], %[[QH]] : !craft.vec<1>, !craft.vec<1>)
// CHECK: craft.yield %[[PH]], %[[QH]], %[[JM]]
// CHECK: %[[R:.*]] = craft.layer 1 {
// CHECK-NEXT: craft.attention_head query(%[[P]] : !craft.vec<1>)
// CHECK: craft.output %[[J]]
craft.program @diamond attributes {max_seq_len = 2 : i64, vocab = ["a", "b"]} {
  %tokens, %indices, %one, %bos = craft.embed
      tokens #craft.space<"tokens", ["a", "b"]>
      indices #craft.space<"indices", [0, 1]>
      one #craft.space<"one">
      bos #craft.space<"tokens", ["BOS"]>
  %p = craft.attention_head query(%one : !craft.vec<1>) key(%bos : !craft.vec<1>)
      value(%one : !craft.vec<1>) scale 1.0
      w_qk [#craft.qk<0, 0, dense<1.0> : tensor<1x1xf64>>]
      w_ov dense<1.0> : tensor<1x1xf64> -> #craft.space<"p">
  %r = craft.attention_head query(%p : !craft.vec<1>) key(%bos : !craft.vec<1>)
      value(%one : !craft.vec<1>) scale 1.0
      w_qk [#craft.qk<0, 0, dense<1.0> : tensor<1x1xf64>>]
      w_ov dense<1.0> : tensor<1x1xf64> -> #craft.space<"r">
  %q = craft.attention_head query(%indices : !craft.vec<2>) key(%indices : !craft.vec<2>)
      value(%one : !craft.vec<1>) scale 1.0
      w_qk [#craft.qk<0, 0, dense<1.0> : tensor<2x2xf64>>]
      w_ov dense<1.0> : tensor<1x1xf64> -> #craft.space<"q">
  %j = craft.mlp(%p, %q : !craft.vec<1>, !craft.vec<1>)
      w1 dense<1.0> : tensor<2x1xf64> w2 dense<1.0> : tensor<1x1xf64>
      -> [#craft.space<"j">]
  craft.output %j : !craft.vec<1>
}

// -----

// MLPs of one sublayer become one MLP: the union of their inputs in order of
// first use (`one` once), their hidden units side by side, W2 block-diagonal.

// CHECK-LABEL: craft.model @combine
// CHECK: %[[T:.*]], %[[I:.*]], %[[ONE:.*]], %[[BOS:.*]] = craft.embed
// CHECK: %[[U:.*]], %[[V:.*]], %[[W:.*]] = craft.layer 0 {
// CHECK-NEXT: %[[MU:.*]], %[[MV:.*]], %[[MW:.*]] = craft.mlp(%[[T]], %[[ONE]], %[[I]] : !craft.vec<2>, !craft.vec<1>, !craft.vec<2>)
// CHECK-SAME: w1 dense<{{\[\[}}1.000000e+00, 2.000000e+00, 0.000000e+00], [3.000000e+00, 4.000000e+00, 0.000000e+00], [5.000000e+00, 6.000000e+00, 9.000000e+00], [0.000000e+00, 0.000000e+00, 7.000000e+00], [0.000000e+00, 0.000000e+00, 8.000000e+00]]> : tensor<5x3xf64>
// CHECK-SAME: w2 dense<{{\[\[}}1.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00], [0.000000e+00, 1.000000e+00, 1.000000e+00, 0.000000e+00], [0.000000e+00, 0.000000e+00, 0.000000e+00, -1.000000e+00]]> : tensor<3x4xf64>
// CHECK-SAME: -> [#craft.space<"u", [0, 1]>, #craft.space<"v">, #craft.space<"w">]
// CHECK-NEXT: craft.yield %[[MU]], %[[MV]], %[[MW]] : !craft.vec<2>, !craft.vec<1>, !craft.vec<1>
// CHECK: craft.output %[[W]] : !craft.vec<1>
craft.program @combine attributes {max_seq_len = 2 : i64, vocab = ["a", "b"]} {
  %tokens, %indices, %one, %bos = craft.embed
      tokens #craft.space<"tokens", ["a", "b"]>
      indices #craft.space<"indices", [0, 1]>
      one #craft.space<"one">
      bos #craft.space<"tokens", ["BOS"]>
  %u, %v = craft.mlp(%tokens, %one : !craft.vec<2>, !craft.vec<1>)
      w1 dense<[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]> : tensor<3x2xf64>
      w2 dense<[[1.0, 0.0, 0.0], [0.0, 1.0, 1.0]]> : tensor<2x3xf64>
      -> [#craft.space<"u", [0, 1]>, #craft.space<"v">]
  %w = craft.mlp(%indices, %one : !craft.vec<2>, !craft.vec<1>)
      w1 dense<[[7.0], [8.0], [9.0]]> : tensor<3x1xf64> w2 dense<-1.0> : tensor<1x1xf64>
      -> [#craft.space<"w">]
  craft.output %w : !craft.vec<1>
}

// -----

// Heads grouped by craft.multi_head are placed one by one: a group is an
// allowance to run in parallel, not a constraint. Later components read the
// group's results.

// CHECK-LABEL: craft.model @groups
// CHECK: %[[G:.*]], %[[M:.*]] = craft.layer 0 {
// CHECK-NEXT: craft.attention_head
// CHECK-SAME: -> #craft.space<"g">
// CHECK-NEXT: craft.mlp
// CHECK-SAME: -> [#craft.space<"m">]
// CHECK: %[[H:.*]], %[[N:.*]] = craft.layer 1 {
// CHECK-NEXT: %[[HH:.*]] = craft.attention_head query(%[[M]] : !craft.vec<1>)
// CHECK-SAME: -> #craft.space<"h">
// CHECK-NEXT: craft.mlp(%[[G]], %[[HH]] : !craft.vec<1>, !craft.vec<1>)
// CHECK-NOT: craft.multi_head
// CHECK: craft.output %[[N]]
craft.program @groups attributes {max_seq_len = 2 : i64, vocab = ["a", "b"]} {
  %tokens, %indices, %one, %bos = craft.embed
      tokens #craft.space<"tokens", ["a", "b"]>
      indices #craft.space<"indices", [0, 1]>
      one #craft.space<"one">
      bos #craft.space<"tokens", ["BOS"]>
  %m = craft.mlp(%one : !craft.vec<1>)
      w1 dense<1.0> : tensor<1x1xf64> w2 dense<1.0> : tensor<1x1xf64>
      -> [#craft.space<"m">]
  %gh:2 = craft.multi_head {
    %g = craft.attention_head query(%one : !craft.vec<1>) key(%bos : !craft.vec<1>)
        value(%one : !craft.vec<1>) scale 1.0
        w_qk [#craft.qk<0, 0, dense<1.0> : tensor<1x1xf64>>]
        w_ov dense<1.0> : tensor<1x1xf64> -> #craft.space<"g">
    %h = craft.attention_head query(%m : !craft.vec<1>) key(%bos : !craft.vec<1>)
        value(%one : !craft.vec<1>) scale 1.0
        w_qk [#craft.qk<0, 0, dense<1.0> : tensor<1x1xf64>>]
        w_ov dense<1.0> : tensor<1x1xf64> -> #craft.space<"h">
    craft.yield %g, %h : !craft.vec<1>, !craft.vec<1>
  } : !craft.vec<1>, !craft.vec<1>
  %n = craft.mlp(%gh#0, %gh#1 : !craft.vec<1>, !craft.vec<1>)
      w1 dense<1.0> : tensor<2x1xf64> w2 dense<1.0> : tensor<1x1xf64>
      -> [#craft.space<"n">]
  craft.output %n : !craft.vec<1>
}

// -----

// Causal programs give causal models; heads keep their masks. Components
// nothing reads stay (dead directions are pruned later, not here).

// CHECK-LABEL: craft.model @causal
// CHECK-SAME: causal
// CHECK: craft.layer 0 {
// CHECK-NEXT: craft.attention_head
// CHECK-SAME: causal
// CHECK-SAME: -> #craft.space<"frac">
// CHECK-NEXT: craft.attention_head
// CHECK-SAME: -> #craft.space<"unused">
// CHECK-NEXT: craft.mlp
// CHECK-SAME: -> [#craft.space<"also_unused">]
craft.program @causal attributes {causal, max_seq_len = 2 : i64, vocab = ["a", "b"]} {
  %tokens, %indices, %one, %bos = craft.embed
      tokens #craft.space<"tokens", ["a", "b"]>
      indices #craft.space<"indices", [0, 1]>
      one #craft.space<"one">
      bos #craft.space<"tokens", ["BOS"]>
  %frac = craft.attention_head query(%one : !craft.vec<1>) key(%bos : !craft.vec<1>)
      value(%tokens : !craft.vec<2>) scale 1.0 causal
      w_qk [#craft.qk<0, 0, dense<-1.0> : tensor<1x1xf64>>]
      w_ov dense<[[1.0], [0.0]]> : tensor<2x1xf64> -> #craft.space<"frac">
  %unused = craft.attention_head query(%one : !craft.vec<1>) key(%bos : !craft.vec<1>)
      value(%one : !craft.vec<1>) scale 1.0 causal
      w_qk [#craft.qk<0, 0, dense<1.0> : tensor<1x1xf64>>]
      w_ov dense<1.0> : tensor<1x1xf64> -> #craft.space<"unused">
  %also_unused = craft.mlp(%indices : !craft.vec<2>)
      w1 dense<1.0> : tensor<2x1xf64> w2 dense<1.0> : tensor<1x1xf64>
      -> [#craft.space<"also_unused">]
  craft.output %frac : !craft.vec<1>
}

// -----

// A program without components is a model without layers.

// CHECK-LABEL: craft.model @identity
// CHECK-NEXT: %[[T:.*]], %{{.*}}, %{{.*}}, %{{.*}} = craft.embed
// CHECK-NEXT: craft.output %[[T]] : !craft.vec<2>
craft.program @identity attributes {max_seq_len = 2 : i64, vocab = ["a", "b"]} {
  %tokens, %indices, %one, %bos = craft.embed
      tokens #craft.space<"tokens", ["a", "b"]>
      indices #craft.space<"indices", [0, 1]>
      one #craft.space<"one">
      bos #craft.space<"tokens", ["BOS"]>
  craft.output %tokens : !craft.vec<2>
}
