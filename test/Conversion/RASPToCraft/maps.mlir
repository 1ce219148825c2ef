// RUN: rasp-opt %s --lower-to-craft="fuse-mlps=false fold-embeddings=false" | FileCheck %s
// RUN: rasp-opt %s --lower-to-craft --test-craft-evaluate=inputs=1/3/2/2 -o /dev/null | FileCheck %s --check-prefix=EVAL
// RUN: rasp-opt %s --lower-to-craft="fuse-mlps=false fold-embeddings=false" --test-craft-evaluate=inputs=1/3/2/2 -o /dev/null | FileCheck %s --check-prefix=EVAL

// The CHECK lines show the per-op constructions (fuse-mlps=false, no
// folded embeddings); the default lowering (fused MLPs, folded embeddings)
// computes the same values (EVAL, both modes) and is shown in fusion.mlir.

// CHECK-LABEL: craft.program @numeric
// CHECK: %[[T:.*]], %[[I:.*]], %[[ONE:.*]], %[[BOS:.*]] = craft.embed
// x - 2 keeps its negative values: a positive and a negative unit.
// CHECK: %[[SH:.*]] = craft.mlp(%[[I]] : !craft.vec<4>) w1 dense<{{\[\[}}0.000000e+00, 2.000000e+00], [0.000000e+00, 1.000000e+00], [0.000000e+00, 0.000000e+00], [1.000000e+00, 0.000000e+00]]> : tensor<4x2xf64> w2 dense<{{\[\[}}1.000000e+00], [-1.000000e+00]]> : tensor<2x1xf64> -> [#craft.space<"shifted">]
// x * x - 1 is not affine on {-2, -1, 0, 1}: a discretising MLP.
// CHECK: %[[SQ:.*]] = craft.mlp(%[[SH]], %[[ONE]], %[[BOS]] : !craft.vec<1>, !craft.vec<1>, !craft.vec<1>) {{.*}} -> [#craft.space<"squared">]
// CHECK: %[[LIN:.*]] = craft.mlp(%[[SH]], %[[SQ]] : !craft.vec<1>, !craft.vec<1>) w1 dense<{{\[\[}}1.000000e+00, -1.000000e+00, 0.000000e+00, 0.000000e+00], [0.000000e+00, 0.000000e+00, 1.000000e+00, -1.000000e+00]]> : tensor<2x4xf64> w2 dense<{{\[\[}}2.000000e+00], [-2.000000e+00], [-5.000000e-01], [5.000000e-01]]> : tensor<4x1xf64> -> [#craft.space<"combo">]
// CHECK: craft.output %[[LIN]]
// shifted = [-2, -1, 0, 1], squared = [3, 0, -1, 0]
// EVAL: @numeric: [-5.5, -2, 0.5, 2]
rasp.program @numeric attributes {vocab = [1, 2, 3], max_seq_len = 4 : i64} {
  %i = rasp.indices {values = [0, 1, 2, 3]} : !rasp.sop<categorical, i64>
  %sh = rasp.map %i {values = [-2, -1, 0, 1]} : !rasp.sop<categorical, i64> -> !rasp.sop<numerical, i64> {
  ^bb0(%x: i64):
    %c2 = arith.constant 2 : i64
    %y = arith.subi %x, %c2 : i64
    rasp.yield %y : i64
  } loc("shifted")
  %sq = rasp.map %sh {values = [-1, 0, 3]} : !rasp.sop<numerical, i64> -> !rasp.sop<numerical, i64> {
  ^bb0(%x: i64):
    %c1 = arith.constant 1 : i64
    %s = arith.muli %x, %x : i64
    %y = arith.subi %s, %c1 : i64
    rasp.yield %y : i64
  } loc("squared")
  %lin = rasp.linear_sequence_map %sh, %sq coefficients (2.0, -0.5) {values = [-5.5, -2.0, 0.5, 2.0]} : !rasp.sop<numerical, i64>, !rasp.sop<numerical, i64> -> !rasp.sop<numerical, f64> loc("combo")
  rasp.output %lin : !rasp.sop<numerical, f64>
}

// CHECK-LABEL: craft.program @constants
// CHECK: %[[T:.*]], %[[I:.*]], %[[ONE:.*]], %[[BOS:.*]] = craft.embed
// tokens + full(10) is a map of tokens: no component for the constant.
// CHECK-NEXT: %[[P:.*]] = craft.mlp(%[[T]] : !craft.vec<3>) {{.*}} -> [#craft.space<"plus_ten", [11, 12, 13]>]
// The identity map reuses plus_ten's subspace, and + full(7) is again a map.
// CHECK-NEXT: %[[SUM:.*]] = craft.mlp(%[[P]] : !craft.vec<3>) w1 dense<{{\[\[}}1.800000e+01], [1.900000e+01], [2.000000e+01]]> : tensor<3x1xf64> w2 dense<1.000000e+00> : tensor<1x1xf64> -> [#craft.space<"sequence_map_1">]
// A numerical operand of a sequence_map is read through a one-hot of the
// classes of values the function tells apart (here every value).
// CHECK-NEXT: %[[VIEW:.*]] = craft.mlp(%[[SUM]], %[[ONE]], %[[BOS]] : {{.*}}) {{.*}} -> [#craft.space<"sequence_map_1_cls", [18, 19, 20]>]
// CHECK-NEXT: %[[OUT:.*]] = craft.mlp(%[[VIEW]], %[[P]], %[[ONE]] : !craft.vec<3>, !craft.vec<3>, !craft.vec<1>)
// CHECK-NEXT: craft.output %[[OUT]]
// EVAL: @constants: [18, 20, 19, 19]
rasp.program @constants attributes {vocab = [1, 2, 3], max_seq_len = 4 : i64} {
  %t = rasp.tokens {values = [1, 2, 3]} : !rasp.sop<categorical, i64>
  %ten = rasp.full(10) : !rasp.sop<categorical, i64>
  %p = rasp.sequence_map %t, %ten {values = [11, 12, 13]} : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64> -> !rasp.sop<categorical, i64> {
  ^bb0(%x: i64, %y: i64):
    %s = arith.addi %x, %y : i64
    rasp.yield %s : i64
  } loc("plus_ten")
  %same = rasp.map %p {values = [11, 12, 13]} : !rasp.sop<categorical, i64> -> !rasp.sop<categorical, i64> {
  ^bb0(%x: i64):
    rasp.yield %x : i64
  }
  %seven = rasp.full(7) : !rasp.sop<numerical, i64> loc("seven")
  %sum = rasp.sequence_map %same, %seven {values = [18, 19, 20]} : !rasp.sop<categorical, i64>, !rasp.sop<numerical, i64> -> !rasp.sop<numerical, i64> {
  ^bb0(%x: i64, %y: i64):
    %s = arith.addi %x, %y : i64
    rasp.yield %s : i64
  }
  %out = rasp.sequence_map %sum, %same {values = [18, 19, 20]} : !rasp.sop<numerical, i64>, !rasp.sop<categorical, i64> -> !rasp.sop<numerical, i64> {
  ^bb0(%x: i64, %y: i64):
    rasp.yield %x : i64
  }
  rasp.output %out : !rasp.sop<numerical, i64>
}

// CHECK-LABEL: craft.program @constant_output
// A constant output is materialised: one unit, 1 except at BOS.
// CHECK: %[[SEVEN:.*]] = craft.mlp(%one, %bos : !craft.vec<1>, !craft.vec<1>) w1 dense<{{\[\[}}1.000000e+00], [-1.000000e+00]]> : tensor<2x1xf64> w2 dense<7.000000e+00> : tensor<1x1xf64> -> [#craft.space<"seven">]
// CHECK: craft.output %[[SEVEN]]
// EVAL: @constant_output: [7, 7, 7, 7]
rasp.program @constant_output attributes {vocab = [1, 2, 3], max_seq_len = 4 : i64} {
  %seven = rasp.full(7) : !rasp.sop<numerical, i64> loc("seven")
  rasp.output %seven : !rasp.sop<numerical, i64>
}
