// RUN: rasp-opt %s --prune-directions | FileCheck %s
// RUN: rasp-opt %s --test-craft-evaluate="inputs=a/b/c,c/c,b precision=f32" -o /dev/null | FileCheck %s --check-prefix=EVAL
// RUN: rasp-opt %s --prune-directions --test-craft-evaluate="inputs=a/b/c,c/c,b precision=f32" -o /dev/null | FileCheck %s --check-prefix=EVAL

// key's direction key:2 is read by no row of the head's W_QK, and h's
// direction h:b by no row of out's W1: both go, and so do the hidden unit
// that only writes key:2 and the rows of W_OV and W1 that read h:b. The head
// `dead` writes nothing read, nor does pair's result `unused`, whose hidden
// unit goes too. The output and the embedding are kept whole. The model
// computes the same (EVAL).

// CHECK-LABEL: craft.program @prune
// CHECK: %[[T:.*]], %[[I:.*]], %[[ONE:.*]], %[[BOS:.*]] = craft.embed
// CHECK-NEXT: %[[KEY:.*]] = craft.mlp(%[[T]] : !craft.vec<3>) w1 dense<{{\[\[}}1.000000e+00, 0.000000e+00], [0.000000e+00, 1.000000e+00], [0.000000e+00, 0.000000e+00]]> : tensor<3x2xf64> w2 dense<{{\[\[}}1.000000e+00, 0.000000e+00], [0.000000e+00, 1.000000e+00]]> : tensor<2x2xf64> -> [#craft.space<"key", [0, 1]>]
// CHECK-NEXT: %[[H:.*]] = craft.attention_head query(%[[KEY]], %[[ONE]], %[[BOS]] : !craft.vec<2>, !craft.vec<1>, !craft.vec<1>) key(%[[I]], %[[BOS]] : !craft.vec<3>, !craft.vec<1>) value(%[[T]] : !craft.vec<3>)
// CHECK-SAME: w_qk [#craft.qk<0, 0, dense<{{\[\[}}true, false, false], [false, true, false]]> : tensor<2x3xi1>>
// CHECK-SAME: w_ov dense<{{\[\[}}1.000000e+00, 0.000000e+00], [0.000000e+00, 0.000000e+00], [0.000000e+00, 1.000000e+00]]> : tensor<3x2xf64> -> #craft.space<"h", ["a", "c"]>
// CHECK-NEXT: %[[USED:.*]] = craft.mlp(%[[T]] : !craft.vec<3>) w1 {{.*}} : tensor<3x1xf64> w2 {{.*}} : tensor<1x1xf64> -> [#craft.space<"used">]
// CHECK-NEXT: %[[OUT:.*]] = craft.mlp(%[[H]], %[[USED]] : !craft.vec<2>, !craft.vec<1>) w1 {{.*}} : tensor<3x3xf64> {{.*}} -> [#craft.space<"out">]
// CHECK-NEXT: craft.output %[[OUT]]

// EVAL: @prune: [11, 0, 0]
// EVAL-NEXT: @prune: [0, 0]
// EVAL-NEXT: @prune: [0]

craft.program @prune attributes {vocab = ["a", "b", "c"], max_seq_len = 3 : i64} {
  %tokens, %indices, %one, %bos = craft.embed
      tokens #craft.space<"tokens", ["a", "b", "c"]>
      indices #craft.space<"indices", [0, 1, 2]>
      one #craft.space<"one">
      bos #craft.space<"tokens", ["BOS"]>
  // key = the token's index in the vocabulary.
  %key = craft.mlp(%tokens : !craft.vec<3>)
      w1 dense<[[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]> : tensor<3x3xf64>
      w2 dense<[[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]> : tensor<3x3xf64>
      -> [#craft.space<"key", [0, 1, 2]>]
  // The token at position `key`, where key is 0 or 1.
  %h = craft.attention_head query(%key, %one, %bos : !craft.vec<3>, !craft.vec<1>, !craft.vec<1>)
      key(%indices, %bos : !craft.vec<3>, !craft.vec<1>) value(%tokens : !craft.vec<3>)
      scale 400.0
      w_qk [#craft.qk<0, 0, dense<[[true, false, false], [false, true, false], [false, false, false]]> : tensor<3x3xi1>>,
            #craft.qk<1, 1, dense<0.5> : tensor<1x1xf64>>,
            #craft.qk<2, 1, dense<1.0> : tensor<1x1xf64>>]
      w_ov dense<[[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]> : tensor<3x3xf64>
      -> #craft.space<"h", ["a", "b", "c"]>
  %dead = craft.attention_head query(%one : !craft.vec<1>) key(%bos : !craft.vec<1>)
      value(%tokens : !craft.vec<3>) scale 1.0
      w_qk [#craft.qk<0, 0, dense<1.0> : tensor<1x1xf64>>]
      w_ov dense<[[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]> : tensor<3x3xf64>
      -> #craft.space<"dead", ["a", "b", "c"]>
  %used, %unused = craft.mlp(%tokens : !craft.vec<3>)
      w1 dense<[[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]]> : tensor<3x2xf64>
      w2 dense<[[1.0, 0.0], [0.0, 1.0]]> : tensor<2x2xf64>
      -> [#craft.space<"used">, #craft.space<"unused">]
  // out = 10 [h = "a"] + 20 [h = "c"] + used.
  %out = craft.mlp(%h, %used : !craft.vec<3>, !craft.vec<1>)
      w1 dense<[[1.0, 0.0, 0.0], [0.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]> : tensor<4x3xf64>
      w2 dense<[[10.0], [20.0], [1.0]]> : tensor<3x1xf64>
      -> [#craft.space<"out">]
  craft.output %out : !craft.vec<1>
}
