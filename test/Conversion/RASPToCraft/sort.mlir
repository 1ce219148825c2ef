// RUN: rasp-opt %s --lower-to-craft="fuse-mlps=false fold-embeddings=false" --mlir-elide-elementsattrs-if-larger=16 | FileCheck %s
// RUN: rasp-opt %s --lower-to-craft --test-craft-evaluate=inputs=3/1/2,2/1/2/4,4/4/1/3/2,1 -o /dev/null | FileCheck %s --check-prefix=EVAL
// RUN: rasp-opt %s --lower-to-craft="fuse-mlps=false fold-embeddings=false" --test-craft-evaluate=inputs=3/1/2,2/1/2/4,4/4/1/3/2,1 -o /dev/null | FileCheck %s --check-prefix=EVAL

// The CHECK lines show the per-op constructions (fuse-mlps=false, no
// folded embeddings); the default lowering (fused MLPs, folded embeddings)
// computes the same values (EVAL, both modes) and is shown in fusion.mlir.

// Tracr's make_sort(tokens, tokens, max_seq_len=5, min_key=1): unique keys
// tokens + indices / 5, their rank by selector width, and an aggregate that
// moves every token to its rank.

// CHECK-LABEL: craft.program @sort
// CHECK: %[[T:.*]], %[[I:.*]], %[[ONE:.*]], %[[BOS:.*]] = craft.embed
// CHECK: %[[KEYS:.*]] = craft.mlp(%[[T]], %[[I]], %[[ONE]] : !craft.vec<4>, !craft.vec<5>, !craft.vec<1>) {{.*}} -> [#craft.space<"keys", [1.000000e+00, 1.200000e+00, {{.*}}, 4.800000e+00]>]
// CHECK: %[[ATT:.*]] = craft.attention_head query(%[[KEYS]], %[[ONE]], %[[BOS]] : !craft.vec<20>, !craft.vec<1>, !craft.vec<1>) key(%[[KEYS]], %[[BOS]] : !craft.vec<20>, !craft.vec<1>) value(%[[BOS]] : !craft.vec<1>)
// CHECK-SAME: w_qk [#craft.qk<0, 0, dense_resource<__elided__> : tensor<20x20xi1>>
// CHECK-SAME: -> #craft.space<"target_pos_sw_attn">
// CHECK: %[[POS:.*]] = craft.mlp(%[[ATT]], %[[ONE]], %[[BOS]] : {{.*}}) {{.*}} -> [#craft.space<"target_pos", [0, 1, 2, 3, 4, 5]>]
// CHECK: %[[SORT:.*]] = craft.attention_head query(%[[I]], %[[ONE]], %[[BOS]] : !craft.vec<5>, !craft.vec<1>, !craft.vec<1>) key(%[[POS]], %[[BOS]] : !craft.vec<6>, !craft.vec<1>) value(%[[T]] : !craft.vec<4>)
// CHECK-SAME: -> #craft.space<"sort", [1, 2, 3, 4]>
// CHECK: craft.output %[[SORT]] : !craft.vec<4>

// EVAL: @sort: [1, 2, 3]
// EVAL: @sort: [1, 2, 2, 4]
// EVAL: @sort: [1, 2, 3, 4, 4]
// EVAL: @sort: [1]

rasp.program @sort attributes {vocab = [1, 2, 3, 4], max_seq_len = 5 : i64} {
  %tokens = rasp.tokens {values = [1, 2, 3, 4]} : !rasp.sop<categorical, i64>
  %indices = rasp.indices {values = [0, 1, 2, 3, 4]} : !rasp.sop<categorical, i64>
  %keys = rasp.sequence_map %tokens, %indices {values = [1.0, 1.2, 1.4, 1.6, 1.8, 2.0, 2.2, 2.4, 2.6, 2.8, 3.0, 3.2, 3.4, 3.6, 3.8, 4.0, 4.2, 4.4, 4.6, 4.8]} : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64> -> !rasp.sop<categorical, f64> {
  ^bb0(%x: i64, %i: i64):
    %xf = arith.sitofp %x : i64 to f64
    %if = arith.sitofp %i : i64 to f64
    %c5 = arith.constant 5.0 : f64
    %d = arith.divf %if, %c5 : f64
    %k = arith.addf %xf, %d : f64
    rasp.yield %k : f64
  } loc("keys")
  %smaller = rasp.select %keys, %keys, lt : !rasp.sop<categorical, f64>, !rasp.sop<categorical, f64>
  %target_pos = rasp.selector_width %smaller {values = [0, 1, 2, 3, 4, 5]} : !rasp.sop<categorical, i64> loc("target_pos")
  %sel = rasp.select %target_pos, %indices, eq : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64>
  %sort = rasp.aggregate %sel, %tokens {values = [1, 2, 3, 4]} : !rasp.sop<categorical, i64> -> !rasp.sop<categorical, i64> loc("sort")
  rasp.output %sort : !rasp.sop<categorical, i64>
}
