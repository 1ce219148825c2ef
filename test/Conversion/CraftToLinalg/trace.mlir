// RUN: rasp-opt "--convert-craft-to-linalg=trace=true" %s | FileCheck %s
// RUN: rasp-opt "--convert-craft-to-linalg=trace=true" %s | rasp-opt | FileCheck %s
// RUN: rasp-opt --convert-craft-to-linalg %s | FileCheck %s --check-prefix=PLAIN

// The traced variant of the model function (`rasp-run --trace`, --report):
// the same calls as the plain function, and a result whose columns hold the
// output subspace (3), then the residual stream after the embedding (12),
// the head's logits and pattern (P = 3 each), the residual after the
// attention (12), the MLP's hidden activations (2) and the residual after
// the MLP (12): 47 columns, listed in `rasp.trace`.
// The model is convert.mlir's.
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

// CHECK-LABEL: func.func @m(
// CHECK-SAME:      %[[TOKENS:.*]]: tensor<?x?xi32>, %[[LENGTHS:.*]]: tensor<?xi32>) -> tensor<?x?x47xf32>
// CHECK-SAME:      rasp.output_labels = ["prev:a", "prev:b", "prev:c"]
// CHECK-SAME:      rasp.trace = [{kind = "embedding", layer = -1 : i64, offset = 3 : i64, width = 12 : i64},
// CHECK-SAME:        {head = 0 : i64, kind = "logits", layer = 0 : i64, offset = 15 : i64, width = 3 : i64},
// CHECK-SAME:        {head = 0 : i64, kind = "pattern", layer = 0 : i64, offset = 18 : i64, width = 3 : i64},
// CHECK-SAME:        {kind = "attention", layer = 0 : i64, offset = 21 : i64, width = 12 : i64},
// CHECK-SAME:        {kind = "hidden", layer = 0 : i64, offset = 33 : i64, width = 2 : i64},
// CHECK-SAME:        {kind = "mlp", layer = 0 : i64, offset = 35 : i64, width = 12 : i64}]
// CHECK:         %[[EMBEDDED:.*]] = tensor.insert_slice %{{.*}} into %{{.*}}[0, 0] [%{{.*}}, 7] [1, 1] : tensor<?x7xf32> into tensor<?x12xf32>
// The head function is the plain one; its logits and pattern are used.
// CHECK:         %[[HEAD:.*]]:3 = call @__rasp_head_qdense_vdense(
// CHECK:         %[[ATTENDED:.*]] = tensor.cast %[[HEAD]]#0 : tensor<?x?xf32> to tensor<?x12xf32>
// The traced MLP function also returns the hidden activations.
// CHECK:         %[[MLP:.*]]:2 = call @__rasp_mlp_traced_dense_dense(%[[HEAD]]#0, {{.*}}) : ({{.*}}) -> (tensor<?x?xf32>, tensor<?x?xf32>)
// CHECK:         %[[HIDDEN:.*]] = tensor.cast %[[MLP]]#1 : tensor<?x?xf32> to tensor<?x2xf32>
// CHECK:         %[[UPDATED:.*]] = call @__rasp_add_columns(%[[HEAD]]#0, %[[MLP]]#0,
// CHECK:         %[[FINAL:.*]] = tensor.cast %[[UPDATED]] : tensor<?x?xf32> to tensor<?x12xf32>
// CHECK:         %[[OUTPUT:.*]] = tensor.extract_slice %[[FINAL]][0, 7] [%{{.*}}, 3] [1, 1]
// The packed result: every recorded tensor in its columns.
// CHECK:         %[[EMPTY:.*]] = tensor.empty(%{{.*}}) : tensor<?x47xf32>
// CHECK:         %[[ZEROS:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%[[EMPTY]] : tensor<?x47xf32>)
// CHECK:         %[[P0:.*]] = tensor.insert_slice %{{.*}} into %[[ZEROS]][0, 0] [%{{.*}}, 3] [1, 1] : tensor<?x3xf32> into tensor<?x47xf32>
// CHECK:         %[[P1:.*]] = tensor.insert_slice %[[EMBEDDED]] into %[[P0]][0, 3] [%{{.*}}, 12] [1, 1]
// CHECK:         %[[LOGITS:.*]] = tensor.collapse_shape %[[HEAD]]#1 {{\[\[}}0, 1], [2]] : tensor<?x?x?xf32> into tensor<?x?xf32>
// CHECK:         %[[P2:.*]] = tensor.insert_slice %[[LOGITS]] into %[[P1]][0, 15] [%{{.*}}, %{{.*}}] [1, 1]
// CHECK:         %[[PATTERN:.*]] = tensor.collapse_shape %[[HEAD]]#2 {{\[\[}}0, 1], [2]]
// CHECK:         %[[P3:.*]] = tensor.insert_slice %[[PATTERN]] into %[[P2]][0, 18] [%{{.*}}, %{{.*}}] [1, 1]
// CHECK:         %[[P4:.*]] = tensor.insert_slice %[[ATTENDED]] into %[[P3]][0, 21] [%{{.*}}, 12] [1, 1]
// CHECK:         %[[P5:.*]] = tensor.insert_slice %[[HIDDEN]] into %[[P4]][0, 33] [%{{.*}}, 2] [1, 1]
// CHECK:         %[[P6:.*]] = tensor.insert_slice %[[FINAL]] into %[[P5]][0, 35] [%{{.*}}, 12] [1, 1]
// CHECK:         %[[RESULT:.*]] = tensor.reshape %[[P6]](%{{.*}}) : (tensor<?x47xf32>, tensor<3xindex>) -> tensor<?x?x47xf32>
// CHECK:         return %[[RESULT]] : tensor<?x?x47xf32>
// CHECK-LABEL: func.func private @__rasp_head_qdense_vdense(
// CHECK-SAME:      -> (tensor<?x?xf32>, tensor<?x?x?xf32>, tensor<?x?x?xf32>)
// CHECK-LABEL: func.func private @__rasp_mlp_traced_dense_dense(
// CHECK:         %[[H:.*]] = linalg.matmul
// CHECK:         %[[RELU:.*]] = linalg.generic {{.*}} ins(%[[H]] : tensor<?x?xf32>)
// CHECK:         %[[Y:.*]] = linalg.matmul ins(%[[RELU]], %{{.*}} : tensor<?x?xf32>, tensor<?x?xf32>)
// CHECK:         return %[[Y]], %[[RELU]] : tensor<?x?xf32>, tensor<?x?xf32>

// Without `trace`: the output subspace alone, no `rasp.trace`, the plain MLP.
// PLAIN-LABEL: func.func @m(
// PLAIN-SAME:      -> tensor<?x?x3xf32>
// PLAIN-NOT:     rasp.trace
// PLAIN:         call @__rasp_mlp_dense_dense(
// PLAIN-NOT:     mlp_traced
