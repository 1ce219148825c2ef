// RUN: rasp-opt %s --fold-embeddings | FileCheck %s
// RUN: rasp-opt %s --fold-embeddings --allocate-layers | FileCheck %s --check-prefix=LAYOUT
// RUN: rasp-opt %s --test-craft-evaluate="inputs=a/b/b,b,a/a/a precision=f64" -o /dev/null | FileCheck %s --check-prefix=EVAL
// RUN: rasp-opt %s --fold-embeddings --test-craft-evaluate="inputs=a/b/b,b,a/a/a precision=f64" -o /dev/null | FileCheck %s --check-prefix=EVAL
// RUN: rasp-opt %s --fold-embeddings --test-craft-evaluate=inputs=a/b/b,b,a/a/a -o /dev/null | FileCheck %s --check-prefix=EVAL

// MLPs of the tokens alone (is_a, and not_a which also reads is_a), of the
// positions alone (first) and of nothing (seven, a constant) become tables
// of the embedding; an MLP of both (mixed) and one that is not zero at BOS
// (dirty) stay. The model computes the same either way (EVAL).

// CHECK-LABEL: craft.program @fold
// CHECK: %[[T:.*]], %[[I:.*]], %[[ONE:.*]], %[[BOS:.*]], %[[A:.*]], %[[FIRST:.*]], %[[SEVEN:.*]], %[[NOT:.*]] = craft.embed
// CHECK-SAME: folds [#craft.fold<tokens, #craft.space<"is_a", [false, true]>, dense<{{\[\[}}0.000000e+00, 1.000000e+00], [1.000000e+00, 0.000000e+00]]> : tensor<2x2xf64>>,
// CHECK-SAME: #craft.fold<indices, #craft.space<"first">, dense<{{\[\[}}1.000000e+00], [0.000000e+00], [0.000000e+00]]> : tensor<3x1xf64>>,
// CHECK-SAME: #craft.fold<tokens, #craft.space<"seven">, dense<7.000000e+00> : tensor<2x1xf64>>,
// CHECK-SAME: #craft.fold<tokens, #craft.space<"not_a", [false, true]>, dense<{{\[\[}}1.000000e+00, 0.000000e+00], [0.000000e+00, 1.000000e+00]]> : tensor<2x2xf64>>]
// CHECK-NEXT: %[[MIXED:.*]] = craft.mlp(%[[A]], %[[FIRST]] : !craft.vec<2>, !craft.vec<1>)
// CHECK-SAME: -> [#craft.space<"mixed">]
// CHECK-NEXT: %[[DIRTY:.*]] = craft.mlp(%[[ONE]] : !craft.vec<1>)
// CHECK-SAME: -> [#craft.space<"dirty">]
// CHECK-NEXT: %[[OUT:.*]] = craft.mlp(%[[NOT]], %[[MIXED]], %[[SEVEN]], %[[DIRTY]] :
// CHECK-NEXT: craft.output %[[OUT]]

// The token embedding writes one range (tokens, BOS, one, is_a, seven,
// not_a), the position embedding the next (indices, first).
// LAYOUT-LABEL: craft.model @fold
// LAYOUT-SAME: labels = ["tokens:a", "tokens:b", "tokens:BOS", "one", "is_a:False", "is_a:True", "seven", "not_a:False", "not_a:True", "indices:0", "indices:1", "indices:2", "first", "mixed", "dirty", "out"]

// out = 2 not_a + mixed + seven + dirty, dirty = 1, mixed = is_a:True + first
// EVAL: @fold: [10, 10, 10]
// EVAL-NEXT: @fold: [11]
// EVAL-NEXT: @fold: [10, 9, 9]

craft.program @fold attributes {vocab = ["a", "b"], max_seq_len = 3 : i64} {
  %tokens, %indices, %one, %bos = craft.embed
      tokens #craft.space<"tokens", ["a", "b"]>
      indices #craft.space<"indices", [0, 1, 2]>
      one #craft.space<"one">
      bos #craft.space<"tokens", ["BOS"]>
  %is_a = craft.mlp(%tokens : !craft.vec<2>)
      w1 dense<[[1.0, 0.0], [0.0, 1.0]]> : tensor<2x2xf64>
      w2 dense<[[0.0, 1.0], [1.0, 0.0]]> : tensor<2x2xf64>
      -> [#craft.space<"is_a", [false, true]>]
  %first = craft.mlp(%indices : !craft.vec<3>)
      w1 dense<[[1.0], [0.0], [0.0]]> : tensor<3x1xf64>
      w2 dense<1.0> : tensor<1x1xf64>
      -> [#craft.space<"first">]
  %seven = craft.mlp(%one, %bos : !craft.vec<1>, !craft.vec<1>)
      w1 dense<[[1.0], [-1.0]]> : tensor<2x1xf64>
      w2 dense<7.0> : tensor<1x1xf64>
      -> [#craft.space<"seven">]
  %not_a = craft.mlp(%is_a, %tokens : !craft.vec<2>, !craft.vec<2>)
      w1 dense<[[0.0, 1.0], [1.0, 0.0], [0.0, 0.0], [0.0, 0.0]]> : tensor<4x2xf64>
      w2 dense<[[1.0, 0.0], [0.0, 1.0]]> : tensor<2x2xf64>
      -> [#craft.space<"not_a", [false, true]>]
  %mixed = craft.mlp(%is_a, %first : !craft.vec<2>, !craft.vec<1>)
      w1 dense<[[0.0], [1.0], [1.0]]> : tensor<3x1xf64>
      w2 dense<1.0> : tensor<1x1xf64>
      -> [#craft.space<"mixed">]
  %dirty = craft.mlp(%one : !craft.vec<1>)
      w1 dense<1.0> : tensor<1x1xf64>
      w2 dense<1.0> : tensor<1x1xf64>
      -> [#craft.space<"dirty">]
  %out = craft.mlp(%not_a, %mixed, %seven, %dirty : !craft.vec<2>, !craft.vec<1>, !craft.vec<1>, !craft.vec<1>)
      w1 dense<[[0.0, 0.0, 0.0, 0.0], [2.0, 0.0, 0.0, 0.0], [0.0, 1.0, 0.0, 0.0], [0.0, 0.0, 1.0, 0.0], [0.0, 0.0, 0.0, 1.0]]> : tensor<5x4xf64>
      w2 dense<[[1.0], [1.0], [1.0], [1.0]]> : tensor<4x1xf64>
      -> [#craft.space<"out">]
  craft.output %out : !craft.vec<1>
}
