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

// The model function: embedding, then one call per head, MLP and output
// slice, then the readout.
// CHECK-LABEL: func.func @m(
// CHECK-SAME:      %[[TOKENS:.*]]: tensor<?x?xi32>, %[[LENGTHS:.*]]: tensor<?xi32>) -> tensor<?x?x3xf32>
// CHECK-SAME:      rasp.max_positions = 3 : i64
// CHECK-SAME:      rasp.num_token_ids = 4 : i64
// CHECK-SAME:      rasp.output_encoding = "categorical"
// CHECK-SAME:      rasp.output_labels = ["prev:a", "prev:b", "prev:c"]
// CHECK-SAME:      rasp.output_values = ["a", "b", "c"]
// CHECK-SAME:      rasp.residual_labels = ["tokens:a", "tokens:b", "tokens:c", "tokens:BOS", "one", "indices:0", "indices:1", "prev:a", "prev:b", "prev:c", "is_a", "is_b"]
// CHECK-SAME:      rasp.token_labels = ["tokens:c", "tokens:a", "tokens:b", "tokens:BOS"]
// CHECK-DAG:     %[[C0:.*]] = arith.constant 0 : index
// CHECK-DAG:     %[[C7:.*]] = arith.constant 7 : index
// CHECK-DAG:     %[[C10:.*]] = arith.constant 10 : index
// CHECK-DAG:     %[[C2:.*]] = arith.constant 2 : index
// CHECK-DAG:     %[[SCALE:.*]] = arith.constant 4.000000e+01 : f32
// CHECK-DAG:     %[[CAUSAL:.*]] = arith.constant true
// CHECK:         %[[B:.*]] = tensor.dim %[[TOKENS]], %{{.*}} : tensor<?x?xi32>
// CHECK:         %[[N:.*]] = tensor.dim %[[TOKENS]], %{{.*}} : tensor<?x?xi32>
// CHECK:         %[[M:.*]] = arith.muli %[[B]], %[[N]] : index

// Embedding: token ids 0..2 are c, a, b, id 3 is BOS: the column of each
// id's one-hot, then the rest columns (`one`, column 4, and a zero column)
// and each column's index into them; every id sets `one`. The position table
// in the same form: positions 1 and 2 set the one-hot columns 5 and 6
// (indices:0 and indices:1), position 0 none, and no rest columns.
// CHECK:         %[[TOK:.*]] = arith.constant dense<[2, 0, 1, 3]> : tensor<4xi64>
// CHECK:         %[[REST:.*]] = arith.constant dense<{{\[\[}}1.000000e+00, 0.000000e+00], [1.000000e+00, 0.000000e+00], [1.000000e+00, 0.000000e+00], [1.000000e+00, 0.000000e+00]]> : tensor<4x2xf32>
// CHECK:         %[[RESTCOL:.*]] = arith.constant dense<[1, 1, 1, 1, 0, 1, 1]> : tensor<7xi64>
// CHECK:         %[[POS:.*]] = arith.constant dense<[-1, 5, 6]> : tensor<3xi64>
// CHECK:         %[[IDS:.*]] = tensor.collapse_shape %[[TOKENS]] {{\[\[}}0, 1]] : tensor<?x?xi32> into tensor<?xi32>
// CHECK:         %[[EMB:.*]] = linalg.generic {{.*}} ins(%[[IDS]] : tensor<?xi32>) outs(%{{.*}} : tensor<?x7xf32>)
// CHECK:           %[[ID:.*]] = arith.index_cast %{{.*}} : i32 to index
// CHECK:           %[[ROW:.*]] = linalg.index 0 : index
// CHECK:           %[[COL:.*]] = linalg.index 1 : index
// CHECK:           %[[P:.*]] = arith.remui %[[ROW]], %[[N]] : index
// CHECK:           tensor.extract %[[TOK]][%[[ID]]] : tensor<4xi64>
// CHECK:           arith.cmpi eq
// CHECK:           tensor.extract %[[RESTCOL]][%[[COL]]] : tensor<7xi64>
// CHECK:           tensor.extract %[[REST]][%[[ID]], %{{.*}}] : tensor<4x2xf32>
// CHECK:           tensor.extract %[[POS]][%[[P]]] : tensor<3xi64>
// CHECK:           arith.cmpi eq
// CHECK-NOT:       tensor.extract
// CHECK:           linalg.yield
// CHECK:         %[[X0:.*]] = tensor.insert_slice %[[EMB]] into %{{.*}}[0, 0] [%{{.*}}, 7] [1, 1] : tensor<?x7xf32> into tensor<?x12xf32>

// The head: W_Q (from one, indices: columns 4..6; factorised key space bos,
// indices) against the key columns 3, 5, 6; W_OV on tokens (0..2); the
// result goes to prev (offset 7).
// CHECK:         %[[WQ:.*]] = arith.constant dense<{{\[\[}}5.000000e-01, 0.000000e+00, 0.000000e+00], [0.000000e+00, 0.000000e+00, 0.000000e+00], [0.000000e+00, 1.000000e+00, 0.000000e+00]]> : tensor<3x3xf32>
// CHECK:         %[[QCOLS:.*]] = arith.constant dense<[4, 5, 6]> : tensor<3xi32>
// CHECK:         %[[KCOLS:.*]] = arith.constant dense<[3, 5, 6]> : tensor<3xi32>
// CHECK:         %[[WOV:.*]] = arith.constant dense<{{\[\[}}1.000000e+00, 0.000000e+00, 0.000000e+00], [0.000000e+00, 1.000000e+00, 0.000000e+00], [0.000000e+00, 0.000000e+00, 1.000000e+00]]> : tensor<3x3xf32>
// CHECK:         %[[VCOLS:.*]] = arith.constant dense<[0, 1, 2]> : tensor<3xi32>
// CHECK:         %[[X0D:.*]] = tensor.cast %[[X0]] : tensor<?x12xf32> to tensor<?x?xf32>
// CHECK:         %[[QCOLSD:.*]] = tensor.cast %[[QCOLS]] : tensor<3xi32> to tensor<?xi32>
// CHECK:         %[[WQD:.*]] = tensor.cast %[[WQ]] : tensor<3x3xf32> to tensor<?x?xf32>
// CHECK:         %[[KCOLSD:.*]] = tensor.cast %[[KCOLS]]
// CHECK:         %[[VCOLSD:.*]] = tensor.cast %[[VCOLS]]
// CHECK:         %[[WOVD:.*]] = tensor.cast %[[WOV]]
// CHECK:         %[[HEAD:.*]]:3 = call @__rasp_head_qdense_vdense(%[[X0D]], %[[LENGTHS]], %[[B]], %[[N]], %[[QCOLSD]], %[[WQD]], %[[KCOLSD]], %[[VCOLSD]], %[[WOVD]], %[[C7]], %[[SCALE]], %[[CAUSAL]])

// The MLP: prev (7..9) and one (4) gathered as one input of four columns
// (the bias is W1's last row); is_a, is_b are y's columns 0..1, added at 10.
// CHECK:         %[[W1:.*]] = arith.constant dense<{{\[\[}}1.000000e+00, 0.000000e+00], [0.000000e+00, 1.000000e+00], [0.000000e+00, 0.000000e+00], [0.000000e+00, -5.000000e-01]]> : tensor<4x2xf32>
// CHECK:         %[[INCOLS:.*]] = arith.constant dense<[7, 8, 9, 4]> : tensor<4xi32>
// CHECK:         %[[W2:.*]] = arith.constant dense<{{\[\[}}1.000000e+00, 0.000000e+00], [0.000000e+00, 2.000000e+00]]> : tensor<2x2xf32>
// CHECK:         %[[Y:.*]] = call @__rasp_mlp_dense_dense(%[[HEAD]]#0, %{{.*}}, %{{.*}}, %{{.*}})
// CHECK:         %[[X2:.*]] = call @__rasp_add_columns(%[[HEAD]]#0, %[[Y]], %[[C0]], %[[C10]], %[[C2]])

// The readout: prev's columns at every position.
// CHECK:         %[[X2S:.*]] = tensor.cast %[[X2]] : tensor<?x?xf32> to tensor<?x12xf32>
// CHECK:         %[[OUT:.*]] = tensor.extract_slice %[[X2S]][0, 7] [%{{.*}}, 3] [1, 1]
// CHECK:         %[[OUT3:.*]] = tensor.reshape %[[OUT]]
// CHECK-SAME:      -> tensor<?x?x3xf32>
// CHECK:         return %[[OUT3]] : tensor<?x?x3xf32>

// The head function, shared by every head with dense W_QK and W_OV.
// CHECK-LABEL: func.func private @__rasp_head_qdense_vdense(
// CHECK-SAME:      %[[X:[^:]*]]: tensor<?x?xf32>, %[[HLEN:[^:]*]]: tensor<?xi32>, %[[HB:[^:]*]]: index, %[[HN:[^:]*]]: index, %[[HQCOLS:[^:]*]]: tensor<?xi32>, %[[HWQ:[^:]*]]: tensor<?x?xf32>, %[[HKCOLS:[^:]*]]: tensor<?xi32>, %[[HVCOLS:[^:]*]]: tensor<?xi32>, %[[HWOV:[^:]*]]: tensor<?x?xf32>, %[[HOFF:[^:]*]]: index, %[[HSCALE:[^:]*]]: f32, %[[HCAUSAL:[^:]*]]: i1)
// CHECK-SAME:      -> (tensor<?x?xf32>, tensor<?x?x?xf32>, tensor<?x?x?xf32>)
// CHECK:         %[[NEG_INF:.*]] = arith.constant 0xFF800000 : f32
// The query input: x's columns at the entries of the table.
// CHECK:         %[[QIN:.*]] = linalg.generic {{.*}} ins(%[[HQCOLS]] : tensor<?xi32>)
// CHECK:           %[[R:.*]] = linalg.index 0 : index
// CHECK:           %[[C:.*]] = arith.index_cast %{{.*}} : i32 to index
// CHECK:           tensor.extract %[[X]][%[[R]], %[[C]]] : tensor<?x?xf32>
// CHECK:         %[[Q:.*]] = linalg.matmul ins(%[[QIN]], %[[HWQ]] : tensor<?x?xf32>, tensor<?x?xf32>)
// CHECK:         %[[K:.*]] = linalg.generic {{.*}} ins(%[[HKCOLS]] : tensor<?xi32>)
// CHECK:         %[[Q3:.*]] = tensor.reshape %[[Q]]
// CHECK:         %[[K3:.*]] = tensor.reshape %[[K]]
// CHECK:         %[[S:.*]] = linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "parallel", "reduction"]{{.*}} ins(%[[Q3]], %[[K3]] : tensor<?x?x?xf32>, tensor<?x?x?xf32>)
// Padding and (if the causal argument is set) later keys masked.
// CHECK:         %[[LOGITS:.*]] = linalg.generic {{.*}} ins(%[[S]], %[[HLEN]] : tensor<?x?x?xf32>, tensor<?xi32>)
// CHECK:           %[[I:.*]] = linalg.index 1 : index
// CHECK:           %[[J:.*]] = linalg.index 2 : index
// CHECK:           %[[REAL:.*]] = arith.cmpi ult, %[[J]], %{{.*}} : index
// CHECK:           %[[PAST:.*]] = arith.cmpi ule, %[[J]], %[[I]] : index
// CHECK:           %[[ALLOWED:.*]] = arith.select %[[HCAUSAL]], %[[PAST]], %[[REAL]] : i1
// CHECK:           %[[KEEP:.*]] = arith.andi %[[REAL]], %[[ALLOWED]] : i1
// CHECK:           %[[SCALED:.*]] = arith.mulf %{{.*}}, %[[HSCALE]] : f32
// CHECK:           arith.select %[[KEEP]], %[[SCALED]], %[[NEG_INF]] : f32
// Softmax: max, exp, sum, divide.
// CHECK:         %[[MAX:.*]] = linalg.generic {{.*}} ins(%[[LOGITS]] : tensor<?x?x?xf32>)
// CHECK:           arith.maximumf
// CHECK:         %[[EXP:.*]] = linalg.generic {{.*}} ins(%[[LOGITS]], %[[MAX]] : tensor<?x?x?xf32>, tensor<?x?xf32>)
// CHECK:           math.exp
// CHECK:         %[[SUM:.*]] = linalg.generic {{.*}} ins(%[[EXP]] : tensor<?x?x?xf32>)
// CHECK:         %[[PATTERN:.*]] = linalg.generic {{.*}} ins(%[[EXP]], %[[SUM]] : tensor<?x?x?xf32>, tensor<?x?xf32>)
// CHECK:           arith.divf
// Values: W_OV before mixing, then added at the output offset.
// CHECK:         %[[VIN:.*]] = linalg.generic {{.*}} ins(%[[HVCOLS]] : tensor<?xi32>)
// CHECK:         %[[V:.*]] = linalg.matmul ins(%[[VIN]], %[[HWOV]] : tensor<?x?xf32>, tensor<?x?xf32>)
// CHECK:         %[[V3:.*]] = tensor.reshape %[[V]]
// CHECK:         %[[MIX:.*]] = linalg.batch_matmul ins(%[[PATTERN]], %[[V3]] : tensor<?x?x?xf32>, tensor<?x?x?xf32>)
// CHECK:         %[[MIX2:.*]] = tensor.collapse_shape %[[MIX]] {{\[\[}}0, 1], [2]]
// CHECK:         %[[OLD:.*]] = tensor.extract_slice %[[X]][0, %[[HOFF]]] [%{{.*}}, %{{.*}}] [1, 1]
// CHECK:         %[[NEW:.*]] = linalg.add ins(%[[OLD]], %[[MIX2]] : tensor<?x?xf32>, tensor<?x?xf32>)
// CHECK:         %[[X1:.*]] = tensor.insert_slice %[[NEW]] into %[[X]][0, %[[HOFF]]]
// CHECK:         return %[[X1]], %[[LOGITS]], %[[PATTERN]]

// CHECK-LABEL: func.func private @__rasp_mlp_dense_dense(
// CHECK-SAME:      %[[MX:[^:]*]]: tensor<?x?xf32>, %[[MCOLS:[^:]*]]: tensor<?xi32>, %[[MW1:[^:]*]]: tensor<?x?xf32>, %[[MW2:[^:]*]]: tensor<?x?xf32>) -> tensor<?x?xf32>
// CHECK:         %[[MIN:.*]] = linalg.generic {{.*}} ins(%[[MCOLS]] : tensor<?xi32>)
// CHECK:         %[[H:.*]] = linalg.matmul ins(%[[MIN]], %[[MW1]] : tensor<?x?xf32>, tensor<?x?xf32>)
// CHECK:         %[[RELU:.*]] = linalg.generic {{.*}} ins(%[[H]] : tensor<?x?xf32>) outs(%[[H]] : tensor<?x?xf32>)
// CHECK:           arith.maximumf
// CHECK:         %[[MY:.*]] = linalg.matmul ins(%[[RELU]], %[[MW2]] : tensor<?x?xf32>, tensor<?x?xf32>)
// CHECK:         return %[[MY]]

// CHECK-LABEL: func.func private @__rasp_add_columns(
// CHECK-SAME:      %[[AX:[^:]*]]: tensor<?x?xf32>, %[[AY:[^:]*]]: tensor<?x?xf32>, %[[ACOL:[^:]*]]: index, %[[AOFF:[^:]*]]: index, %[[ADIM:[^:]*]]: index)
// CHECK:         %[[U:.*]] = tensor.extract_slice %[[AY]][0, %[[ACOL]]] [%{{.*}}, %[[ADIM]]] [1, 1]
// CHECK:         %[[CUR:.*]] = tensor.extract_slice %[[AX]][0, %[[AOFF]]] [%{{.*}}, %{{.*}}] [1, 1]
// CHECK:         %[[SUMX:.*]] = linalg.add ins(%[[CUR]], %[[U]] : tensor<?x?xf32>, tensor<?x?xf32>)
// CHECK:         tensor.insert_slice %[[SUMX]] into %[[AX]][0, %[[AOFF]]]
// CHECK-NOT:     craft.
