// RUN: rasp-opt %s --lower-to-craft="fuse-mlps=false fold-embeddings=false" --mlir-elide-elementsattrs-if-larger=16 | FileCheck %s
// RUN: rasp-opt %s --lower-to-craft --test-craft-evaluate=inputs=a/b/c/d,d,c/a/b/b/d -o /dev/null | FileCheck %s --check-prefix=EVAL
// RUN: rasp-opt %s --lower-to-craft="fuse-mlps=false fold-embeddings=false" --test-craft-evaluate=inputs=a/b/c/d,d,c/a/b/b/d -o /dev/null | FileCheck %s --check-prefix=EVAL

// The CHECK lines show the per-op constructions (fuse-mlps=false, no
// folded embeddings); the default lowering (fused MLPs, folded embeddings)
// computes the same values (EVAL, both modes) and is shown in fusion.mlir.

// Tracr's make_reverse: length, opp_index = length - indices - 1, then an
// aggregate that selects the opposite position.

// CHECK-LABEL: craft.program @reverse
// CHECK: %[[T:.*]], %[[I:.*]], %[[ONE:.*]], %[[BOS:.*]] = craft.embed
// select(tokens, tokens, True) keeps no table: every key is selected.
// CHECK: %[[LATT:.*]] = craft.attention_head query(%[[ONE]], %[[BOS]] : !craft.vec<1>, !craft.vec<1>) key(%[[BOS]] : !craft.vec<1>) value(%[[BOS]] : !craft.vec<1>)
// CHECK-SAME: w_qk [#craft.qk<1, 0, dense<1.000000e+00> : tensor<1x1xf64>>]
// CHECK-SAME: -> #craft.space<"length_sw_attn">
// CHECK: %[[LEN:.*]] = craft.mlp(%[[LATT]], %[[ONE]], %[[BOS]] : {{.*}}) {{.*}} -> [#craft.space<"length", [0, 1, 2, 3, 4, 5]>]
// The product hidden layer: one unit per (length, index) pair.
// CHECK: %[[OPP:.*]] = craft.mlp(%[[LEN]], %[[I]], %[[ONE]] : !craft.vec<6>, !craft.vec<5>, !craft.vec<1>) w1 {{.*}} : tensor<12x30xf64> w2 {{.*}} : tensor<30x10xf64> -> [#craft.space<"opp_index", [-5, -4, -3, -2, -1, 0, 1, 2, 3, 4]>]
// CHECK: %[[REV:.*]] = craft.attention_head query(%[[OPP]], %[[ONE]], %[[BOS]] : !craft.vec<10>, !craft.vec<1>, !craft.vec<1>) key(%[[I]], %[[BOS]] : !craft.vec<5>, !craft.vec<1>) value(%[[T]] : !craft.vec<4>)
// Aggregate: ln((N + 1) / 2^-26) / (1/2); BOS at 1/2 from `one`, 1 more from BOS.
// CHECK-SAME: scale 39.627
// CHECK-SAME: w_qk [#craft.qk<0, 0, dense_resource<__elided__> : tensor<10x5xi1>>, #craft.qk<1, 1, dense<5.000000e-01> : tensor<1x1xf64>>, #craft.qk<2, 1, dense<1.000000e+00> : tensor<1x1xf64>>]
// CHECK-SAME: -> #craft.space<"reverse", ["a", "b", "c", "d"]>
// CHECK: craft.output %[[REV]] : !craft.vec<4>

// EVAL: @reverse: ["d", "c", "b", "a"]
// EVAL: @reverse: ["d"]
// EVAL: @reverse: ["d", "b", "b", "a", "c"]

rasp.program @reverse attributes {vocab = ["a", "b", "c", "d"], max_seq_len = 5 : i64} {
  %tokens = rasp.tokens {values = ["a", "b", "c", "d"]} : !rasp.sop<categorical, !rasp.str>
  %indices = rasp.indices {values = [0, 1, 2, 3, 4]} : !rasp.sop<categorical, i64>
  %all = rasp.select %tokens, %tokens, true : !rasp.sop<categorical, !rasp.str>, !rasp.sop<categorical, !rasp.str>
  %length = rasp.selector_width %all {values = [0, 1, 2, 3, 4, 5]} : !rasp.sop<categorical, i64> loc("length")
  %opp = rasp.sequence_map %length, %indices {values = [-5, -4, -3, -2, -1, 0, 1, 2, 3, 4]} : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64> -> !rasp.sop<categorical, i64> {
  ^bb0(%l: i64, %i: i64):
    %0 = arith.subi %l, %i : i64
    %c1 = arith.constant 1 : i64
    %1 = arith.subi %0, %c1 : i64
    rasp.yield %1 : i64
  } loc("opp_index")
  %flip = rasp.select %indices, %opp, eq : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64>
  %reverse = rasp.aggregate %flip, %tokens {values = ["a", "b", "c", "d"]} : !rasp.sop<categorical, !rasp.str> -> !rasp.sop<categorical, !rasp.str> loc("reverse")
  rasp.output %reverse : !rasp.sop<categorical, !rasp.str>
}
