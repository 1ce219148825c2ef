// RUN: rasp-opt %s -split-input-file --infer-bases --lower-to-craft="encoding-remarks=true" -o /dev/null 2>&1 | FileCheck %s --check-prefix=REMARK
// RUN: rasp-opt %s -split-input-file --infer-bases --lower-to-craft | FileCheck %s
// RUN: rasp-opt %s -split-input-file --infer-bases --lower-to-craft --fold-embeddings | FileCheck %s --check-prefix=FOLD
// RUN: rasp-opt %s -split-input-file --infer-bases --lower-to-craft --test-craft-evaluate=inputs=a/b/c/d/a/b/c/d/a/b/c/d,c,d/a -o /dev/null | FileCheck %s --check-prefix=EVAL
// RUN: rasp-opt %s -split-input-file --infer-bases --lower-to-craft="index-arithmetic=false" --test-craft-evaluate=inputs=a/b/c/d/a/b/c/d/a/b/c/d,c,d/a -o /dev/null | FileCheck %s --check-prefix=EVAL

// A selector relating positions linearly (key index == m * query index + d)
// becomes a head over the position features i and i^2 with the score
// -(i_k - m i_q - d)^2 (docs/exactness.md, section 7), where that is smaller
// than the |query values| x |key values| table; index-arithmetic=false
// keeps the tables and computes the same (EVAL).

// shift_by(2): q == k + 2, so i_k = i_q - 2 (a = 1, b = -1, c = 2).
// REMARK: index-arithmetic.mlir:[[# @LINE + 28]]:{{[0-9]+}}: remark: position selector (key index == 1 * query index + -2) compiled as a quadratic form over numerical positions: 88 weights instead of a table of 144 entries

// The position features i and i^2: one-unit MLPs of the index one-hot,
// which --fold-embeddings turns into embedding tables (FOLD).
// CHECK-LABEL: craft.program @shift
// CHECK: %[[T:.*]], %[[I:.*]], %[[ONE:.*]], %[[BOS:.*]] = craft.embed
// CHECK: %[[X:.*]] = craft.mlp(%[[I]] : !craft.vec<12>) w1 dense<{{\[\[}}0.000000e+00], [1.000000e+00], [2.000000e+00]{{.*}} -> [#craft.space<"indices_num">]
// CHECK: %[[SQ:.*]] = craft.mlp(%[[I]] : !craft.vec<12>) w1 dense<{{\[\[}}0.000000e+00], [1.000000e+00], [4.000000e+00], [9.000000e+00]{{.*}} -> [#craft.space<"indices_sq">]
// CHECK: craft.attention_head query(%[[X]], %[[SQ]], %[[ONE]], %[[BOS]] : !craft.vec<1>, !craft.vec<1>, !craft.vec<1>, !craft.vec<1>) key(%[[X]], %[[SQ]], %[[ONE]], %[[BOS]] : !craft.vec<1>, !craft.vec<1>, !craft.vec<1>, !craft.vec<1>) value(%[[T]] : !craft.vec<4>)
// FOLD-LABEL: craft.program @shift
// FOLD: craft.embed {{.*}}#craft.fold<indices, #craft.space<"indices_num">{{.*}}#craft.fold<indices, #craft.space<"indices_sq">
// FOLD-NOT: craft.mlp
// FOLD: craft.output
// -2ab = 2 between i_q and i_k; -a^2 = -1 from one to i_k^2; -2ac = -4
// from one to i_k; -b^2 = -1 from i_q^2 to one; -2bc = 4 from i_q to one;
// -c^2 = -4; the BOS column: b^2, 2bc = -4, c^2 - 1/2 and 1 from bos.
// CHECK-SAME: w_qk [#craft.qk<0, 0, dense<2.000000e+00> : tensor<1x1xf64>>, #craft.qk<0, 2, dense<4.000000e+00> : tensor<1x1xf64>>, #craft.qk<0, 3, dense<-4.000000e+00> : tensor<1x1xf64>>, #craft.qk<1, 2, dense<-1.000000e+00> : tensor<1x1xf64>>, #craft.qk<1, 3, dense<1.000000e+00> : tensor<1x1xf64>>, #craft.qk<2, 0, dense<-4.000000e+00> : tensor<1x1xf64>>, #craft.qk<2, 1, dense<-1.000000e+00> : tensor<1x1xf64>>, #craft.qk<2, 2, dense<-4.000000e+00> : tensor<1x1xf64>>, #craft.qk<2, 3, dense<3.500000e+00> : tensor<1x1xf64>>, #craft.qk<3, 3, dense<1.000000e+00> : tensor<1x1xf64>>]

// EVAL: @shift: [null, null, "a", "b", "c", "d", "a", "b", "c", "d", "a", "b"]
// EVAL-NEXT: @shift: [null]
// EVAL-NEXT: @shift: [null, null]

!str = !rasp.sop<categorical, !rasp.str>
!int = !rasp.sop<categorical, i64>

rasp.program @shift attributes {vocab = ["a", "b", "c", "d"], max_seq_len = 12 : i64} {
  %tokens = rasp.tokens : !str
  %indices = rasp.indices : !int
  %sel = rasp.select_where %indices, %indices : !int, !int {
  ^bb0(%k: i64, %q: i64):
    %c2 = arith.constant 2 : i64
    %0 = arith.addi %k, %c2 : i64
    %1 = arith.cmpi eq, %q, %0 : i64
    rasp.yield %1 : i1
  }
  %out = rasp.aggregate %sel, %tokens : !str -> !str
  rasp.output %out : !str
}

// -----

// select(indices, 11 - indices, ==) reads the positions backwards (a
// reverse of a fixed length), and a selector width counts it (BOS tied
// with the selected level).
// REMARK: index-arithmetic.mlir:[[# @LINE + 19]]:{{[0-9]+}}: remark: position selector (key index == -1 * query index + 11) compiled as a quadratic form over numerical positions: 88 weights instead of a table of 144 entries
// CHECK-LABEL: craft.program @mirror
// CHECK: craft.attention_head {{.*}} scale 20.5867
// EVAL: @mirror: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]
// EVAL-NEXT: @mirror: [0]
// EVAL-NEXT: @mirror: [0, 0]

!str = !rasp.sop<categorical, !rasp.str>
!int = !rasp.sop<categorical, i64>

rasp.program @mirror attributes {vocab = ["a", "b", "c", "d"], max_seq_len = 12 : i64} {
  %tokens = rasp.tokens : !str
  %indices = rasp.indices : !int
  %opp = rasp.map %indices : !int -> !int {
  ^bb0(%x: i64):
    %c11 = arith.constant 11 : i64
    %0 = arith.subi %c11, %x : i64
    rasp.yield %0 : i64
  }
  %sel = rasp.select %indices, %opp, eq : !int, !int
  %w = rasp.selector_width %sel : !int
  rasp.output %w : !int
}
