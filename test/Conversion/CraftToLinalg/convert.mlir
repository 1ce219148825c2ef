// RUN: rasp-opt --convert-craft-to-linalg %s | FileCheck %s
// RUN: rasp-opt --convert-craft-to-linalg %s | rasp-opt | FileCheck %s
// RUN: rasp-opt --convert-craft-to-linalg %s | mlir-opt > /dev/null

// Vocabulary order (c, a, b) differs from the token space's order (a, b, c).
// Layer 0: a causal head reading (indices, one) against (indices, bos) that
// writes `prev`, then an MLP reading prev and one writing is_a, is_b.
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
// CHECK-SAME:      %[[TOKENS:.*]]: tensor<?x?xi32>, %[[LENGTHS:.*]]: tensor<?xi32>) -> tensor<?x?x3xf32>
// CHECK-SAME:      rasp.max_positions = 3 : i64
// CHECK-SAME:      rasp.num_token_ids = 4 : i64
// CHECK-SAME:      rasp.output_encoding = "categorical"
// CHECK-SAME:      rasp.output_labels = ["prev:a", "prev:b", "prev:c"]
// CHECK-SAME:      rasp.output_values = ["a", "b", "c"]
// CHECK-SAME:      rasp.residual_labels = ["tokens:a", "tokens:b", "tokens:c", "tokens:BOS", "one", "indices:0", "indices:1", "prev:a", "prev:b", "prev:c", "is_a", "is_b"]
// CHECK-SAME:      rasp.token_labels = ["tokens:c", "tokens:a", "tokens:b", "tokens:BOS"]
// CHECK-DAG:     %[[SCALE:.*]] = arith.constant 4.000000e+01 : f32
// CHECK-DAG:     %[[NEG_INF:.*]] = arith.constant 0xFF800000 : f32
// CHECK:         %[[B:.*]] = tensor.dim %[[TOKENS]], %{{.*}} : tensor<?x?xi32>
// CHECK:         %[[N:.*]] = tensor.dim %[[TOKENS]], %{{.*}} : tensor<?x?xi32>
// CHECK:         %[[M:.*]] = arith.muli %[[B]], %[[N]] : index

// Embedding: token ids 0..2 are c, a, b, id 3 is BOS; every id sets `one`
// (column 4). Positions 1 and 2 set indices:0 and indices:1.
// CHECK:         %[[TOK:.*]] = arith.constant dense<{{\[\[}}0.000000e+00, 0.000000e+00, 1.000000e+00, 0.000000e+00, 1.000000e+00, 0.000000e+00, 0.000000e+00], [1.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 1.000000e+00, 0.000000e+00, 0.000000e+00], [0.000000e+00, 1.000000e+00, 0.000000e+00, 0.000000e+00, 1.000000e+00, 0.000000e+00, 0.000000e+00], [0.000000e+00, 0.000000e+00, 0.000000e+00, 1.000000e+00, 1.000000e+00, 0.000000e+00, 0.000000e+00]]> : tensor<4x7xf32>
// CHECK:         %[[POS:.*]] = arith.constant dense<{{\[\[}}0.000000e+00, {{.*}}], [0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 1.000000e+00, 0.000000e+00], [0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 1.000000e+00]]> : tensor<3x7xf32>
// CHECK:         %[[IDS:.*]] = tensor.collapse_shape %[[TOKENS]] {{\[\[}}0, 1]] : tensor<?x?xi32> into tensor<?xi32>
// CHECK:         %[[EMB:.*]] = linalg.generic {{.*}} ins(%[[IDS]] : tensor<?xi32>) outs(%{{.*}} : tensor<?x7xf32>)
// CHECK:           %[[ID:.*]] = arith.index_cast %{{.*}} : i32 to index
// CHECK:           %[[ROW:.*]] = linalg.index 0 : index
// CHECK:           %[[COL:.*]] = linalg.index 1 : index
// CHECK:           %[[P:.*]] = arith.remui %[[ROW]], %[[N]] : index
// CHECK:           tensor.extract %[[TOK]][%[[ID]], %[[COL]]] : tensor<4x7xf32>
// CHECK:           tensor.extract %[[POS]][%[[P]], %[[COL]]] : tensor<3x7xf32>
// CHECK:         %[[X0:.*]] = tensor.insert_slice %[[EMB]] into %{{.*}}[0, 0] [%[[M]], 7] [1, 1] : tensor<?x7xf32> into tensor<?x12xf32>

// The head: one query segment (one, indices: columns 4..6) times W_Q against
// the keys bos (column 3) and indices (columns 5, 6) copied side by side.
// CHECK:         %[[QIN:.*]] = tensor.extract_slice %[[X0]][0, 4] [%[[M]], 3] [1, 1]
// CHECK:         %[[WQ:.*]] = arith.constant dense<{{\[\[}}5.000000e-01, 0.000000e+00, 0.000000e+00], [0.000000e+00, 0.000000e+00, 0.000000e+00], [0.000000e+00, 1.000000e+00, 0.000000e+00]]> : tensor<3x3xf32>
// CHECK:         %[[Q:.*]] = linalg.matmul ins(%[[QIN]], %[[WQ]] : tensor<?x3xf32>, tensor<3x3xf32>)
// CHECK:         %[[KBOS:.*]] = tensor.extract_slice %[[X0]][0, 3] [%[[M]], 1] [1, 1]
// CHECK:         %[[K1:.*]] = tensor.insert_slice %[[KBOS]] into %{{.*}}[0, 0] [%[[M]], 1]
// CHECK:         %[[KIDX:.*]] = tensor.extract_slice %[[X0]][0, 5] [%[[M]], 2] [1, 1]
// CHECK:         %[[K:.*]] = tensor.insert_slice %[[KIDX]] into %[[K1]][0, 1] [%[[M]], 2]
// CHECK:         %[[Q3:.*]] = tensor.reshape %[[Q]]
// CHECK:         %[[K3:.*]] = tensor.reshape %[[K]]
// CHECK:         %[[S:.*]] = linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "parallel", "reduction"]{{.*}} ins(%[[Q3]], %[[K3]] : tensor<?x?x3xf32>, tensor<?x?x3xf32>)
// CHECK:         %[[MASKED:.*]] = linalg.generic {{.*}} ins(%[[S]], %[[LENGTHS]] : tensor<?x?x?xf32>, tensor<?xi32>)
// CHECK:           %[[I:.*]] = linalg.index 1 : index
// CHECK:           %[[J:.*]] = linalg.index 2 : index
// CHECK:           %[[REAL:.*]] = arith.cmpi ult, %[[J]], %{{.*}} : index
// CHECK:           %[[PAST:.*]] = arith.cmpi ule, %[[J]], %[[I]] : index
// CHECK:           %[[KEEP:.*]] = arith.andi %[[REAL]], %[[PAST]] : i1
// CHECK:           %[[SCALED:.*]] = arith.mulf %{{.*}}, %[[SCALE]] : f32
// CHECK:           arith.select %[[KEEP]], %[[SCALED]], %[[NEG_INF]] : f32
// Softmax: max, exp, sum, divide.
// CHECK:         %[[MAX:.*]] = linalg.generic {{.*}} ins(%[[MASKED]] : tensor<?x?x?xf32>)
// CHECK:           arith.maximumf
// CHECK:         %[[EXP:.*]] = linalg.generic {{.*}} ins(%[[MASKED]], %[[MAX]] : tensor<?x?x?xf32>, tensor<?x?xf32>)
// CHECK:           math.exp
// CHECK:         %[[SUM:.*]] = linalg.generic {{.*}} ins(%[[EXP]] : tensor<?x?x?xf32>)
// CHECK:         %[[PROBS:.*]] = linalg.generic {{.*}} ins(%[[EXP]], %[[SUM]] : tensor<?x?x?xf32>, tensor<?x?xf32>)
// CHECK:           arith.divf
// Values: tokens (columns 0..2) times W_OV, mixed, added into prev (7..9).
// CHECK:         %[[VIN:.*]] = tensor.extract_slice %[[X0]][0, 0] [%[[M]], 3] [1, 1]
// CHECK:         %[[V:.*]] = linalg.matmul ins(%[[VIN]], %{{.*}} : tensor<?x3xf32>, tensor<3x3xf32>)
// CHECK:         %[[V3:.*]] = tensor.reshape %[[V]]
// CHECK:         %[[MIX:.*]] = linalg.batch_matmul ins(%[[PROBS]], %[[V3]] : tensor<?x?x?xf32>, tensor<?x?x3xf32>)
// CHECK:         %[[MIX2:.*]] = tensor.collapse_shape %[[MIX]] {{\[\[}}0, 1], [2]]
// CHECK:         %[[OLD:.*]] = tensor.extract_slice %[[X0]][0, 7] [%[[M]], 3] [1, 1]
// CHECK:         %[[NEW:.*]] = linalg.add ins(%[[OLD]], %[[MIX2]] : tensor<?x3xf32>, tensor<?x3xf32>)
// CHECK:         %[[X1:.*]] = tensor.insert_slice %[[NEW]] into %[[X0]][0, 7] [%[[M]], 3] [1, 1]

// The MLP: prev (7..9) and one (4) are two segments accumulating into h.
// CHECK:         %[[H0:.*]] = linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<?x3xf32>, tensor<3x2xf32>)
// CHECK:         %[[BIAS:.*]] = arith.constant dense<{{\[\[}}0.000000e+00, -5.000000e-01]]> : tensor<1x2xf32>
// CHECK:         %[[H:.*]] = linalg.matmul ins(%{{.*}}, %[[BIAS]] : tensor<?x1xf32>, tensor<1x2xf32>) outs(%[[H0]] : tensor<?x2xf32>)
// CHECK:         %[[RELU:.*]] = linalg.generic {{.*}} ins(%[[H]] : tensor<?x2xf32>) outs(%[[H]] : tensor<?x2xf32>)
// CHECK:           arith.maximumf
// CHECK:         %[[Y:.*]] = linalg.matmul ins(%[[RELU]], %{{.*}} : tensor<?x2xf32>, tensor<2x2xf32>)
// CHECK:         %[[X2:.*]] = tensor.insert_slice %{{.*}} into %[[X1]][0, 10] [%[[M]], 2] [1, 1]

// The readout: prev's columns at every position.
// CHECK:         %[[OUT:.*]] = tensor.extract_slice %[[X2]][0, 7] [%[[M]], 3] [1, 1]
// CHECK:         %[[OUT3:.*]] = tensor.reshape %[[OUT]]
// CHECK-SAME:      -> tensor<?x?x3xf32>
// CHECK:         return %[[OUT3]] : tensor<?x?x3xf32>
// CHECK-NOT:     craft.
