// RUN: rasp-opt %s -split-input-file --infer-bases --lower-to-craft="encoding-remarks=true" -o /dev/null 2>&1 | FileCheck %s --check-prefix=REMARK
// RUN: rasp-opt %s -split-input-file --infer-bases --lower-to-craft | FileCheck %s
// RUN: rasp-opt %s -split-input-file --infer-bases --lower-to-craft --test-craft-evaluate=inputs=a/b/c/d/a/b/c,d,a/b -o /dev/null | FileCheck %s --check-prefix=EVAL
// RUN: rasp-opt %s -split-input-file --infer-bases --lower-to-craft="index-arithmetic=false" --test-craft-evaluate=inputs=a/b/c/d/a/b/c,d,a/b -o /dev/null | FileCheck %s --check-prefix=EVAL

// Affine positions of a selector width (docs/exactness.md, 7.4): the
// width's one-hot goes through a clean copy (clamp units: entries exactly 0
// or 1), then one MLP sums it with the position feature i into the exact
// integer x = length - indices - 1 and another, in the same layer, into x^2
// (the product of the width's indicator and i as ReLU(i + N e - N)); the
// selector is the quadratic head over (x, x^2) on the query side and
// (i, i^2) on the key side. index-arithmetic=false computes the same with
// tables (EVAL).

// REMARK: index-arithmetic-width.mlir:[[# @LINE + 41]]:{{[0-9]+}}: remark: position selector (key 0 * width + 1 * index + 0 == query 1 * width + -1 * index + -1) compiled as a quadratic form over exact numerical positions: 542 weights for the head and its exact width features instead of tables of 3104 entries

// CHECK-LABEL: craft.program @reverse
// CHECK: %[[T:.*]], %[[I:.*]], %[[ONE:.*]], %[[BOS:.*]] = craft.embed
// CHECK: %[[ATTN:.*]] = craft.attention_head query(%[[ONE]], %[[BOS]] {{.*}} -> #craft.space<"length_sw_attn">
// CHECK: %[[X:.*]] = craft.mlp(%[[I]] : !craft.vec<32>) {{.*}} -> [#craft.space<"indices_num">]
// CHECK: %[[ISQ:.*]] = craft.mlp(%[[I]] : !craft.vec<32>) {{.*}} -> [#craft.space<"indices_sq">]
// The categorical one-hot of length (0 .. 32) and its clean copy.
// CHECK: %[[LEN:.*]] = craft.mlp(%[[ATTN]], %[[ONE]], %[[BOS]] : {{.*}} -> [#craft.space<"length", [0, 1, 2,
// CHECK: %[[CLEAN:.*]] = craft.mlp(%[[LEN]], %[[ONE]] : !craft.vec<33>, !craft.vec<1>) {{.*}} -> [#craft.space<"length_clean", [0, 1, 2,
// x: a unit per width value w with output w - 1 (none for w = 1), and -i.
// CHECK: %[[Q:.*]] = craft.mlp(%[[CLEAN]], %[[X]] : !craft.vec<33>, !craft.vec<1>) w1 {{.*}} : tensor<34x33xi1> w2 dense<{{\[\[}}-1.000000e+00], [1.000000e+00], [2.000000e+00],
// CHECK-SAME: [3.100000e+01], [-1.000000e+00]]> : tensor<33x1xf64> -> [#craft.space<"length_pos">]
// x^2: (w - 1)^2 and the cross term -2 (w - 1) i per value, and i^2.
// CHECK: %[[QSQ:.*]] = craft.mlp(%[[CLEAN]], %[[X]], %[[ISQ]], %[[ONE]] : !craft.vec<33>, !craft.vec<1>, !craft.vec<1>, !craft.vec<1>) w1 {{.*}} : tensor<36x65xf64> w2 dense<{{\[\[}}1.000000e+00], [2.000000e+00], [1.000000e+00], [-2.000000e+00], [4.000000e+00], [-4.000000e+00],
// CHECK-SAME: [9.610000e+02], [-6.200000e+01], [1.000000e+00]]> : tensor<65x1xf64> -> [#craft.space<"length_pos_sq">]
// a = 1, b = -1, c = 0: -(i_k - x_q)^2.
// CHECK: craft.attention_head query(%[[Q]], %[[QSQ]], %[[ONE]], %[[BOS]] : {{.*}}) key(%[[X]], %[[ISQ]], %[[ONE]], %[[BOS]] : {{.*}}) value(%[[T]] : !craft.vec<4>)
// -2ab = 2 between x_q and i_k, -b^2 = -1 from x_q^2 to one, -a^2 = -1
// from one to i_k^2, the BOS column b^2 = 1 and c^2 - 1/2, and bos x bos.
// CHECK-SAME: w_qk [#craft.qk<0, 0, dense<2.000000e+00> : tensor<1x1xf64>>, #craft.qk<1, 2, dense<-1.000000e+00> : tensor<1x1xf64>>, #craft.qk<1, 3, dense<1.000000e+00> : tensor<1x1xf64>>, #craft.qk<2, 1, dense<-1.000000e+00> : tensor<1x1xf64>>, #craft.qk<2, 3, dense<-5.000000e-01> : tensor<1x1xf64>>, #craft.qk<3, 3, dense<1.000000e+00> : tensor<1x1xf64>>]

// EVAL: @reverse: ["c", "b", "a", "d", "c", "b", "a"]
// EVAL-NEXT: @reverse: ["d"]
// EVAL-NEXT: @reverse: ["b", "a"]

!str = !rasp.sop<categorical, !rasp.str>
!int = !rasp.sop<categorical, i64>

rasp.program @reverse attributes {vocab = ["a", "b", "c", "d"], max_seq_len = 32 : i64} {
  %tokens = rasp.tokens : !str
  %all = rasp.select %tokens, %tokens, true : !str, !str
  %length = rasp.selector_width %all : !int loc("length")
  %indices = rasp.indices : !int
  %opp = rasp.sequence_map %length, %indices : !int, !int -> !int {
  ^bb0(%l: i64, %i: i64):
    %0 = arith.subi %l, %i : i64
    %c1 = arith.constant 1 : i64
    %1 = arith.subi %0, %c1 : i64
    rasp.yield %1 : i64
  }
  %flip = rasp.select %indices, %opp, eq : !int, !int
  %out = rasp.aggregate %flip, %tokens : !str -> !str
  rasp.output %out : !str
}

// -----

// At N = 16 the tables are smaller than four times the exact features,
// which take two more layers: categorical, as before.
// REMARK: index-arithmetic-width.mlir:[[# @LINE + 23]]:{{[0-9]+}}: remark: position selector (key 0 * width + 1 * index + 0 == query 1 * width + -1 * index + -1) compiled as a categorical table: the categorical tables (784 entries) are not 4 times larger than the quadratic head and its exact width features (286), which take up to two more layers
// CHECK-LABEL: craft.program @short
// CHECK-NOT: _pos_sq
// CHECK: craft.output
// EVAL: @short: ["c", "b", "a", "d", "c", "b", "a"]
// EVAL-NEXT: @short: ["d"]
// EVAL-NEXT: @short: ["b", "a"]

!str = !rasp.sop<categorical, !rasp.str>
!int = !rasp.sop<categorical, i64>

rasp.program @short attributes {vocab = ["a", "b", "c", "d"], max_seq_len = 16 : i64} {
  %tokens = rasp.tokens : !str
  %all = rasp.select %tokens, %tokens, true : !str, !str
  %length = rasp.selector_width %all : !int
  %indices = rasp.indices : !int
  %opp = rasp.sequence_map %length, %indices : !int, !int -> !int {
  ^bb0(%l: i64, %i: i64):
    %0 = arith.subi %l, %i : i64
    %c1 = arith.constant 1 : i64
    %1 = arith.subi %0, %c1 : i64
    rasp.yield %1 : i64
  }
  %flip = rasp.select %indices, %opp, eq : !int, !int
  %out = rasp.aggregate %flip, %tokens : !str -> !str
  rasp.output %out : !str
}

// -----

// The second half of sort_unique: the key is the width itself (target_pos,
// 0 .. 64) and the query the position. No side mixes the width with
// positions, so there is no (width, position) table to save: the head reads
// target_pos's one-hot, as without index arithmetic, and the model keeps
// its layers.
// REMARK: index-arithmetic-width.mlir:[[# @LINE + 19]]:{{[0-9]+}}: remark: position selector (key 1 * width + 0 * index + 0 == query 0 * width + 1 * index + 0) compiled as a categorical table: no side mixes the width with positions, so there is no table of (width, position) pairs to save and the exact width features would only add layers
// CHECK-LABEL: craft.program @sort
// CHECK: %[[TP:.*]] = craft.mlp({{.*}} -> [#craft.space<"target_pos", [0, 1, 2,
// CHECK-NOT: target_pos_clean
// CHECK: craft.attention_head query(%{{.*}}) key(%[[TP]], {{.*}})
// Repeated keys share a target position: the positions nobody moves to
// select nothing and read the default (BOS), as in the interpreter.
// EVAL: @sort: ["a", null, "b", null, "c", null, "d"]
// EVAL-NEXT: @sort: ["d"]
// EVAL-NEXT: @sort: ["a", "b"]

!str = !rasp.sop<categorical, !rasp.str>
!int = !rasp.sop<categorical, i64>

rasp.program @sort attributes {vocab = ["a", "b", "c", "d"], max_seq_len = 64 : i64} {
  %tokens = rasp.tokens : !str
  %indices = rasp.indices : !int
  %smaller = rasp.select %tokens, %tokens, lt : !str, !str
  %target_pos = rasp.selector_width %smaller : !int loc("target_pos")
  %sel_new = rasp.select %target_pos, %indices, eq : !int, !int
  %out = rasp.aggregate %sel_new, %tokens : !str -> !str
  rasp.output %out : !str
}
