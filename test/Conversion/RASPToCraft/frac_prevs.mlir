// RUN: rasp-opt %s --lower-to-craft="fuse-mlps=false fold-embeddings=false" --mlir-elide-elementsattrs-if-larger=16 | FileCheck %s
// RUN: rasp-opt %s --lower-to-craft --test-craft-evaluate="inputs=x/a/x/y/y,a/b/c,x/x/x/x/x precision=f32" -o /dev/null | FileCheck %s --check-prefix=EVAL
// RUN: rasp-opt %s --lower-to-craft="fuse-mlps=false fold-embeddings=false" --test-craft-evaluate="inputs=x/a/x/y/y,a/b/c,x/x/x/x/x precision=f32" -o /dev/null | FileCheck %s --check-prefix=EVAL

// The CHECK lines show the per-op constructions (fuse-mlps=false, no
// folded embeddings); the default lowering (fused MLPs, folded embeddings)
// computes the same values (EVAL, both modes) and is shown in fusion.mlir.

// frac_prevs: the numerical mean of (tokens == "x") over the prefix, then a
// discretising MLP on its value set (every fraction k/n, n <= 5) and a
// sequence_map that reads both (and returns the fraction).

// CHECK-LABEL: craft.program @frac_prevs
// CHECK: %[[T:.*]], %[[I:.*]], %[[ONE:.*]], %[[BOS:.*]] = craft.embed
// A categorical-to-numerical lookup: one unit for the positive values.
// CHECK: %[[BOOLS:.*]] = craft.mlp(%[[T]] : !craft.vec<5>) w1 dense<{{\[\[}}0.000000e+00], [0.000000e+00], [0.000000e+00], [1.000000e+00], [0.000000e+00]]> : tensor<5x1xf64> w2 dense<1.000000e+00> : tensor<1x1xf64> -> [#craft.space<"bools">]
// CHECK: %[[FRAC:.*]] = craft.attention_head query(%[[I]], %[[ONE]], %[[BOS]] : {{.*}}) key(%[[I]], %[[BOS]] : {{.*}}) value(%[[BOOLS]] : !craft.vec<1>)
// CHECK-SAME: w_ov dense<1.000000e+00> : tensor<1x1xf64> -> #craft.space<"frac_prevs">
// x > 1/2 has one step, between 1/2 and 3/5, and a base unit for False.
// CHECK: %[[HALF:.*]] = craft.mlp(%[[FRAC]], %[[ONE]], %[[BOS]] : {{.*}}) w1 {{.*}} : tensor<3x3xf64> w2 {{.*}} -> [#craft.space<"more_than_half", [false, true]>]
// A sequence_map reads its numerical operand through a one-hot of the
// classes of values it tells apart (here every value).
// CHECK: %[[VIEW:.*]] = craft.mlp(%[[FRAC]], %[[ONE]], %[[BOS]] : {{.*}}) {{.*}} -> [#craft.space<"frac_prevs_cls", [0.000000e+00, 2.000000e-01, {{.*}}, 1.000000e+00]>]
// CHECK: %[[USE:.*]] = craft.mlp(%[[VIEW]], %[[HALF]], %[[ONE]] : !craft.vec<11>, !craft.vec<2>, !craft.vec<1>) {{.*}} -> [#craft.space<"sequence_map_1">]
// CHECK: craft.output %[[USE]]

// EVAL: @frac_prevs: [1, 0.5, 0.666667, 0.5, 0.4]
// EVAL: @frac_prevs: [0, 0, 0]
// EVAL: @frac_prevs: [1, 1, 1, 1, 1]

rasp.program @frac_prevs attributes {vocab = ["a", "b", "c", "x", "y"], max_seq_len = 5 : i64} {
  %tokens = rasp.tokens {values = ["a", "b", "c", "x", "y"]} : !rasp.sop<categorical, !rasp.str>
  %indices = rasp.indices {values = [0, 1, 2, 3, 4]} : !rasp.sop<categorical, i64>
  %bools = rasp.map %tokens {values = [false, true]} : !rasp.sop<categorical, !rasp.str> -> !rasp.sop<numerical, i1> {
  ^bb0(%x: !rasp.str):
    %open = rasp.constant("x") : !rasp.str
    %eq = rasp.binary eq %x, %open : !rasp.str, !rasp.str -> i1
    rasp.yield %eq : i1
  } loc("bools")
  %prevs = rasp.select %indices, %indices, leq : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64>
  %frac = rasp.aggregate %prevs, %bools default(0) {values = [0.0, 0.2, 0.25, 0.3333333333333333, 0.4, 0.5, 0.6, 0.6666666666666666, 0.75, 0.8, 1.0]} : !rasp.sop<numerical, i1> -> !rasp.sop<numerical, f64> loc("frac_prevs")
  %half = rasp.map %frac {values = [false, true]} : !rasp.sop<numerical, f64> -> !rasp.sop<categorical, i1> {
  ^bb0(%x: f64):
    %c = arith.constant 0.5 : f64
    %gt = arith.cmpf ogt, %x, %c : f64
    rasp.yield %gt : i1
  } loc("more_than_half")
  %use = rasp.sequence_map %frac, %half {values = [0.0, 0.2, 0.25, 0.3333333333333333, 0.4, 0.5, 0.6, 0.6666666666666666, 0.75, 0.8, 1.0]} : !rasp.sop<numerical, f64>, !rasp.sop<categorical, i1> -> !rasp.sop<numerical, f64> {
  ^bb0(%x: f64, %h: i1):
    rasp.yield %x : f64
  }
  rasp.output %use : !rasp.sop<numerical, f64>
}
