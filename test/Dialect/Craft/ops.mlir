// RUN: rasp-opt %s | rasp-opt | FileCheck %s
// RUN: rasp-opt %s --mlir-print-op-generic | rasp-opt | FileCheck %s

// CHECK-LABEL: craft.program @hist
// CHECK-SAME: max_seq_len = 2
// CHECK: %[[T:.*]], %[[I:.*]], %[[ONE:.*]], %[[BOS:.*]] = craft.embed tokens #craft.space<"tokens", ["a", "b"]> indices #craft.space<"indices", [0, 1]> one #craft.space<"one"> bos #craft.space<"tokens", ["BOS"]>
// CHECK: %[[ATT:.*]] = craft.attention_head query(%[[T]], %[[ONE]], %[[BOS]] : !craft.vec<2>, !craft.vec<1>, !craft.vec<1>) key(%[[T]], %[[BOS]] : !craft.vec<2>, !craft.vec<1>) value(%[[BOS]] : !craft.vec<1>)
// CHECK-SAME: scale 2.000000e+01 w_qk [#craft.qk<0, 0, dense<{{\[\[}}true, false], [false, true]]> : tensor<2x2xi1>>, #craft.qk<1, 1, dense<1.000000e+00> : tensor<1x1xf64>>, #craft.qk<2, 1, dense<1.000000e+00> : tensor<1x1xf64>>]
// CHECK-SAME: w_ov dense<1.000000e+00> : tensor<1x1xf64> -> #craft.space<"hist_sw_attn">
// CHECK: %[[H:.*]] = craft.mlp(%[[ATT]], %[[ONE]], %[[BOS]] : !craft.vec<1>, !craft.vec<1>, !craft.vec<1>)
// CHECK-SAME: w1 sparse<{{.*}}> : tensor<3x4xf64> w2 dense<{{.*}}> : tensor<4x3xf64> -> [#craft.space<"hist", [0, 1, 2]>]
// CHECK: craft.output %[[H]] : !craft.vec<3>
craft.program @hist attributes {vocab = ["a", "b"], max_seq_len = 2 : i64} {
  %tokens, %indices, %one, %bos = craft.embed
      tokens #craft.space<"tokens", ["a", "b"]>
      indices #craft.space<"indices", [0, 1]>
      one #craft.space<"one">
      bos #craft.space<"tokens", ["BOS"]>
  %attn = craft.attention_head
      query(%tokens, %one, %bos : !craft.vec<2>, !craft.vec<1>, !craft.vec<1>)
      key(%tokens, %bos : !craft.vec<2>, !craft.vec<1>)
      value(%bos : !craft.vec<1>)
      scale 20.0
      w_qk [#craft.qk<0, 0, dense<[[true, false], [false, true]]> : tensor<2x2xi1>>,
            #craft.qk<1, 1, dense<1.0> : tensor<1x1xf64>>,
            #craft.qk<2, 1, dense<1.0> : tensor<1x1xf64>>]
      w_ov dense<1.0> : tensor<1x1xf64>
      -> #craft.space<"hist_sw_attn">
  %hist = craft.mlp(%attn, %one, %bos : !craft.vec<1>, !craft.vec<1>, !craft.vec<1>)
      w1 sparse<[[0, 0], [0, 1], [1, 0], [1, 1], [2, 0], [2, 1], [2, 2], [2, 3]],
                [8.0, -8.0, -5.0, 6.0, -9.0, -9.0, -9.0, -9.0]> : tensor<3x4xf64>
      w2 dense<[[1.0, -1.0, 0.0], [-1.0, 1.0, 0.0], [0.0, 1.0, -1.0], [0.0, -1.0, 1.0]]> : tensor<4x3xf64>
      -> [#craft.space<"hist", [0, 1, 2]>]
  craft.output %hist : !craft.vec<3>
}

// CHECK-LABEL: craft.program @grouped
// CHECK: %[[A:.*]]:2 = craft.multi_head {
// CHECK: %[[X:.*]] = craft.attention_head
// CHECK-SAME: causal
// CHECK: %[[Y:.*]] = craft.attention_head
// CHECK: craft.yield %[[X]], %[[Y]] : !craft.vec<1>, !craft.vec<2>
// CHECK: } : !craft.vec<1>, !craft.vec<2>
// CHECK: craft.mlp(%[[A]]#0, %[[A]]#1 : !craft.vec<1>, !craft.vec<2>)
// CHECK-SAME: -> [#craft.space<"p", {{\[\[}}1, "a"], [1, "b"]]>, #craft.space<"q", []>]
// CHECK: craft.output %[[A]]#0 : !craft.vec<1>
craft.program @grouped attributes {causal} {
  %tokens, %indices, %one, %bos = craft.embed
      tokens #craft.space<"tokens", ["a", "b"]>
      indices #craft.space<"indices", [0, 1]>
      one #craft.space<"one">
      bos #craft.space<"tokens", ["BOS"]>
  %a:2 = craft.multi_head {
    %x = craft.attention_head query(%one : !craft.vec<1>) key(%bos : !craft.vec<1>)
        value(%indices : !craft.vec<2>) scale 1.0 causal
        w_qk [#craft.qk<0, 0, dense<0.5> : tensor<1x1xf64>>]
        w_ov dense<[[0.0], [1.0]]> : tensor<2x1xf64> -> #craft.space<"m">
    %y = craft.attention_head query() key() value(%tokens : !craft.vec<2>) scale 1.0
        w_qk [] w_ov dense<[[1.0, 0.0], [0.0, 1.0]]> : tensor<2x2xf32>
        -> #craft.space<"n", [true, false]>
    craft.yield %x, %y : !craft.vec<1>, !craft.vec<2>
  } : !craft.vec<1>, !craft.vec<2>
  %p, %q = craft.mlp(%a#0, %a#1 : !craft.vec<1>, !craft.vec<2>)
      w1 dense<1.0> : tensor<3x2xf64> w2 dense<0.0> : tensor<2x2xf64>
      -> [#craft.space<"p", [[1, "a"], [1, "b"]]>, #craft.space<"q", []>]
  craft.output %a#0 : !craft.vec<1>
}

// Subspaces the embedding writes from a table over the tokens or the
// positions (#craft.fold): one more result each, named after its label.
// CHECK-LABEL: craft.program @folded
// CHECK: %[[T:.*]], %[[I:.*]], %[[ONE:.*]], %[[BOS:.*]], %[[OPEN:.*]], %[[LAST:.*]] = craft.embed tokens #craft.space<"tokens", ["(", ")"]> indices #craft.space<"indices", [0, 1]> one #craft.space<"one"> bos #craft.space<"tokens", ["BOS"]>
// CHECK-SAME: folds [#craft.fold<tokens, #craft.space<"is_open">, dense<{{\[\[}}1.000000e+00], [0.000000e+00]]> : tensor<2x1xf64>>, #craft.fold<indices, #craft.space<"first", [false, true]>, dense<{{\[\[}}0.000000e+00, 1.000000e+00], [1.000000e+00, 0.000000e+00]]> : tensor<2x2xf64>>]
// CHECK: craft.output %[[LAST]] : !craft.vec<2>
craft.program @folded attributes {vocab = ["(", ")"], max_seq_len = 2 : i64} {
  %tokens, %indices, %one, %bos, %is_open, %first = craft.embed
      tokens #craft.space<"tokens", ["(", ")"]>
      indices #craft.space<"indices", [0, 1]>
      one #craft.space<"one">
      bos #craft.space<"tokens", ["BOS"]>
      folds [#craft.fold<tokens, #craft.space<"is_open">, dense<[[1.0], [0.0]]> : tensor<2x1xf64>>,
             #craft.fold<indices, #craft.space<"first", [false, true]>, dense<[[0.0, 1.0], [1.0, 0.0]]> : tensor<2x2xf64>>]
  craft.output %first : !craft.vec<2>
}
