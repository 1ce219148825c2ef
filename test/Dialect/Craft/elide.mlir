// RUN: rasp-opt %s --mlir-elide-elementsattrs-if-larger=4 | FileCheck %s

// Large weights are elided but their shapes stay visible.
// CHECK-LABEL: craft.program @big
// CHECK: craft.attention_head
// CHECK-SAME: w_qk [#craft.qk<0, 0, dense_resource<__elided__> : tensor<3x3xi1>>, #craft.qk<1, 1, dense<5.000000e-01> : tensor<1x1xf64>>]
// CHECK-SAME: w_ov dense_resource<__elided__> : tensor<3x3xf64> -> #craft.space<"agg", [1, 2, 3]>
// CHECK: craft.mlp
// CHECK-SAME: w1 dense_resource<__elided__> : tensor<3x3xf64> w2 dense_resource<__elided__> : tensor<3x3xf64>
craft.program @big attributes {max_seq_len = 3 : i64} {
  %tokens, %indices, %one, %bos = craft.embed
      tokens #craft.space<"tokens", [1, 2, 3]>
      indices #craft.space<"indices", [0, 1, 2]>
      one #craft.space<"one">
      bos #craft.space<"tokens", ["BOS"]>
  %agg = craft.attention_head
      query(%tokens, %one : !craft.vec<3>, !craft.vec<1>)
      key(%tokens, %bos : !craft.vec<3>, !craft.vec<1>)
      value(%tokens : !craft.vec<3>)
      scale 40.0
      w_qk [#craft.qk<0, 0, dense<[[true, false, false], [true, true, false], [true, true, true]]> : tensor<3x3xi1>>,
            #craft.qk<1, 1, dense<0.5> : tensor<1x1xf64>>]
      w_ov dense<[[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]> : tensor<3x3xf64>
      -> #craft.space<"agg", [1, 2, 3]>
  %m = craft.mlp(%agg : !craft.vec<3>)
      w1 dense<[[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]> : tensor<3x3xf64>
      w2 sparse<[[0, 2], [1, 1], [2, 0]], [1.0, 1.0, 1.0]> : tensor<3x3xf64>
      -> [#craft.space<"m", [1, 2, 3]>]
  craft.output %m : !craft.vec<3>
}
