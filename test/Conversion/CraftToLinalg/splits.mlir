// RUN: rasp-opt --convert-craft-to-linalg="batch-size=2" %s | FileCheck %s --check-prefix=STATIC
// RUN: rasp-opt --convert-craft-to-linalg="batch-size=2" %s | grep -B1 return | FileCheck %s --check-prefix=STATIC-OUT
// RUN: rasp-opt --convert-craft-to-linalg="reshape-dynamic-splits=false" %s | FileCheck %s --check-prefix=EXPAND
// RUN: rasp-opt --convert-craft-to-linalg="reshape-dynamic-splits=false" %s | grep -B1 return | FileCheck %s --check-prefix=EXPAND-OUT
// RUN: rasp-opt --convert-craft-to-linalg="batch-size=2" %s | mlir-opt > /dev/null
// RUN: not rasp-opt --convert-craft-to-linalg="batch-size=-1" %s 2>&1 | FileCheck %s --check-prefix=NEGATIVE
//
// The same batch through the JIT from every form of the splits.
// RUN: rasp-opt --convert-craft-to-linalg %s | rasp-jit --input="3 1 0" --input="3 2 1" > %t.reshape
// RUN: rasp-opt --convert-craft-to-linalg="batch-size=2" %s | rasp-jit --input="3 1 0" --input="3 2 1" > %t.static
// RUN: rasp-opt --convert-craft-to-linalg="reshape-dynamic-splits=false" %s | rasp-jit --input="3 1 0" --input="3 2 1" > %t.expand
// RUN: diff %t.reshape %t.static
// RUN: diff %t.reshape %t.expand

// The splits of the B * N rows into B x N (queries, keys, values, readout).
// By default (convert.mlir) B and N are dynamic and the splits are
// tensor.reshape, the form MLIR 22 lowers; with a static batch size or
// reshape-dynamic-splits=false they are tensor.expand_shape with explicit
// output sizes (docs/CraftToLinalg.md).

// STATIC-LABEL: func.func @m(
// STATIC-SAME:      %[[TOKENS:.*]]: tensor<2x?xi32>, %{{.*}}: tensor<2xi32>) -> tensor<2x?x3xf32>
// STATIC-NOT:     tensor.reshape
// STATIC:         %[[N:.*]] = tensor.dim %[[TOKENS]], %{{.*}} : tensor<2x?xi32>
// STATIC:         call @[[HEAD:__rasp_head_[a-z_]*]](%{{.*}}, %{{.*}}, %{{.*}}, %[[N]],
// STATIC-NOT:     tensor.reshape
// The shared head function splits its rows by the static batch and the
// positions it is given.
// STATIC:       func.func private @[[HEAD]](
// STATIC-SAME:      %{{[^:]*}}: tensor<?x?xf32>, %{{[^:]*}}: tensor<?xi32>, %{{[^:]*}}: index, %[[HN:[^:]*]]: index
// STATIC:         %[[Q3:.*]] = tensor.expand_shape %{{.*}} {{\[\[}}0, 1], [2]] output_shape [2, %[[HN]], %{{.*}}] : tensor<?x?xf32> into tensor<2x?x?xf32>
// STATIC:         tensor.cast %[[Q3]] : tensor<2x?x?xf32> to tensor<?x?x?xf32>
// STATIC-NOT:     tensor.reshape
// The readout keeps the static batch of the signature.
// STATIC-OUT:      %[[OUT:.*]] = tensor.expand_shape %{{.*}} {{\[\[}}0, 1], [2]] output_shape [2, %{{.*}}, 3] : tensor<?x3xf32> into tensor<2x?x3xf32>
// STATIC-OUT-NEXT: return %[[OUT]] : tensor<2x?x3xf32>

// EXPAND-LABEL: func.func @m(
// EXPAND-SAME:      %[[TOKENS:.*]]: tensor<?x?xi32>, %{{.*}}: tensor<?xi32>) -> tensor<?x?x3xf32>
// EXPAND-NOT:     tensor.reshape
// EXPAND:         %[[B:.*]] = tensor.dim %[[TOKENS]], %{{.*}} : tensor<?x?xi32>
// EXPAND:         %[[N:.*]] = tensor.dim %[[TOKENS]], %{{.*}} : tensor<?x?xi32>
// EXPAND:         tensor.expand_shape %{{.*}} {{\[\[}}0, 1], [2]] output_shape [%[[B]], %[[N]], 3] : tensor<?x3xf32> into tensor<?x?x3xf32>
// EXPAND-NOT:     tensor.reshape
// EXPAND-LABEL: func.func private @__rasp_head_
// EXPAND:         tensor.expand_shape %{{.*}} {{\[\[}}0, 1], [2]] output_shape [%{{.*}}, %{{.*}}, %{{.*}}] : tensor<?x?xf32> into tensor<?x?x?xf32>
// EXPAND-NOT:     tensor.reshape
// EXPAND-OUT:      %[[OUT:.*]] = tensor.expand_shape %{{.*}} {{\[\[}}0, 1], [2]] output_shape [%{{.*}}, %{{.*}}, 3] : tensor<?x3xf32> into tensor<?x?x3xf32>
// EXPAND-OUT-NEXT: return %[[OUT]] : tensor<?x?x3xf32>

// NEGATIVE: error: batch-size must not be negative, got -1

craft.model @m attributes {
    vocab = ["c", "a", "b"], max_seq_len = 2 : i64, causal,
    residual = [#craft.space<"tokens", ["a", "b", "c"]>, #craft.space<"tokens", ["BOS"]>,
                #craft.space<"one">, #craft.space<"indices", [0, 1]>,
                #craft.space<"prev", ["a", "b", "c"]>, #craft.space<"is_a">, #craft.space<"is_b">],
    labels = ["tokens:a", "tokens:b", "tokens:c", "tokens:BOS", "one", "indices:0", "indices:1",
              "prev:a", "prev:b", "prev:c", "is_a", "is_b"]} {
  %tokens, %indices, %one, %bos = craft.embed
      tokens #craft.space<"tokens", ["a", "b", "c"]>
      indices #craft.space<"indices", [0, 1]>
      one #craft.space<"one">
      bos #craft.space<"tokens", ["BOS"]>
  %prev, %is_a, %is_b = craft.layer 0 {
    %h = craft.attention_head
        query(%indices, %one : !craft.vec<2>, !craft.vec<1>)
        key(%indices, %bos : !craft.vec<2>, !craft.vec<1>)
        value(%tokens : !craft.vec<3>) scale 40.0 causal
        w_qk [#craft.qk<0, 0, dense<[[false, false], [true, false]]> : tensor<2x2xi1>>,
              #craft.qk<1, 1, dense<0.5> : tensor<1x1xf64>>]
        w_ov dense<[[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]> : tensor<3x3xf64>
        -> #craft.space<"prev", ["a", "b", "c"]>
    %m:2 = craft.mlp(%h, %one : !craft.vec<3>, !craft.vec<1>)
        w1 dense<[[1.0, 0.0], [0.0, 1.0], [0.0, 0.0], [0.0, -0.5]]> : tensor<4x2xf64>
        w2 dense<[[1.0, 0.0], [0.0, 2.0]]> : tensor<2x2xf64>
        -> [#craft.space<"is_a">, #craft.space<"is_b">]
    craft.yield %h, %m#0, %m#1 : !craft.vec<3>, !craft.vec<1>, !craft.vec<1>
  } : !craft.vec<3>, !craft.vec<1>, !craft.vec<1>
  craft.output %prev : !craft.vec<3>
}
