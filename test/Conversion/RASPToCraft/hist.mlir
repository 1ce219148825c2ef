// RUN: rasp-opt %s --lower-to-craft | FileCheck %s
// RUN: rasp-opt %s --lower-to-craft --test-craft-evaluate=inputs=a/b/a/c,d,b/b/b/b/b -o /dev/null | FileCheck %s --check-prefix=EVAL
// RUN: rasp-opt %s --lower-to-craft | rasp-opt --test-craft-evaluate="inputs=a/b/a/c precision=f64" -o /dev/null | FileCheck %s --check-prefix=EVAL64

// hist = selector_width(select(tokens, tokens, ==)): an attention head that
// always attends to BOS, averaging it to 1 / (w + 1), and an MLP decoding w.

// CHECK-LABEL: craft.program @hist
// CHECK: %[[T:.*]], %[[I:.*]], %[[ONE:.*]], %[[BOS:.*]] = craft.embed tokens #craft.space<"tokens", ["a", "b", "c", "d"]> indices #craft.space<"indices", [0, 1, 2, 3, 4]> one #craft.space<"one"> bos #craft.space<"tokens", ["BOS"]>
// CHECK: %[[ATT:.*]] = craft.attention_head query(%[[T]], %[[ONE]], %[[BOS]] : !craft.vec<4>, !craft.vec<1>, !craft.vec<1>) key(%[[T]], %[[BOS]] : !craft.vec<4>, !craft.vec<1>) value(%[[BOS]] : !craft.vec<1>)
// Selector width: ln((N + 1) / 2^-26) with a logit gap of 1.
// CHECK-SAME: scale 19.813
// The equality table, then BOS tied with the selected level (1) from the
// `one` query and one unit more from the BOS query.
// CHECK-SAME: w_qk [#craft.qk<0, 0, dense<{{\[\[}}true, false, false, false], [false, true, false, false], [false, false, true, false], [false, false, false, true]]> : tensor<4x4xi1>>, #craft.qk<1, 1, dense<1.000000e+00> : tensor<1x1xf64>>, #craft.qk<2, 1, dense<1.000000e+00> : tensor<1x1xf64>>]
// CHECK-SAME: w_ov dense<1.000000e+00> : tensor<1x1xf64> -> #craft.space<"hist_sw_attn">
// Decoder: a base unit and two units per step between the six widths.
// CHECK: %[[H:.*]] = craft.mlp(%[[ATT]], %[[ONE]], %[[BOS]] : !craft.vec<1>, !craft.vec<1>, !craft.vec<1>) w1 {{.*}} : tensor<3x11xf64> w2 {{.*}} : tensor<11x6xf64> -> [#craft.space<"hist", [0, 1, 2, 3, 4, 5]>]
// CHECK: craft.output %[[H]] : !craft.vec<6>
// CHECK-NOT: rasp.

// EVAL: @hist: [2, 1, 2, 1]
// EVAL: @hist: [1]
// EVAL: @hist: [5, 5, 5, 5, 5]
// EVAL64: @hist: [2, 1, 2, 1]

rasp.program @hist attributes {vocab = ["a", "b", "c", "d"], max_seq_len = 5 : i64} {
  %t = rasp.tokens {values = ["a", "b", "c", "d"]} : !rasp.sop<categorical, !rasp.str>
  %s = rasp.select %t, %t, eq : !rasp.sop<categorical, !rasp.str>, !rasp.sop<categorical, !rasp.str>
  %h = rasp.selector_width %s {values = [0, 1, 2, 3, 4, 5]} : !rasp.sop<categorical, i64> loc("hist")
  rasp.output %h : !rasp.sop<categorical, i64>
}
