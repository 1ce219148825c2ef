// The weight forms for large matrices, forced on the small model of
// convert.mlir: dense_resource blobs, the lookup form of a W_QK block between
// two one-hot subspaces (argmax of query and key, packed 0/1 table), and the
// gather form of sparse products (per output column, its non-zero rows).
// RUN: rasp-opt --convert-craft-to-linalg="lookup-min-elements=4 sparse-min-elements=4 sparse-gather-cost=0 resource-min-elements=6" %S/convert.mlir | FileCheck %s
// RUN: rasp-opt --convert-craft-to-linalg="lookup-min-elements=4 sparse-min-elements=4 sparse-gather-cost=0 resource-min-elements=6" %S/convert.mlir | mlir-opt | FileCheck %s

// CHECK-LABEL: func.func @m(
// CHECK-DAG:     %[[C5:.*]] = arith.constant 5 : index
// CHECK-DAG:     %[[C2:.*]] = arith.constant 2 : index
// CHECK:         %[[B:.*]] = tensor.dim
// CHECK:         %[[N:.*]] = tensor.dim
// Tables of 8 and 7 entries are resources; smaller weights (the 4 token
// columns, the 3 position columns) stay literals.
// CHECK:         arith.constant dense_resource<token_embedding_rest> : tensor<4x2xf32>
// CHECK:         arith.constant dense_resource<token_embedding_rest_index> : tensor<7xi64>
// CHECK:         arith.constant dense<[-1, 5, 6]> : tensor<3xi64>
// CHECK:         %[[X0:.*]] = tensor.insert_slice

// The indices x indices block (4 entries) is looked up (query and key at
// columns 5..6): the table [[false, false], [true, false]] has at most one
// true per row, so it is stored as that column per row (-1 for none), into
// zero scores.
// CHECK:         %[[ZERO:.*]] = linalg.fill
// CHECK:         %[[MATCHES:.*]] = arith.constant dense<[-1, 0]> : tensor<2xi64>
// CHECK:         %[[LOOKED:.*]] = call @__rasp_lookup_match(%{{.*}}, %[[ZERO]], %{{.*}}, %[[C5]], %[[C2]], %[[C5]], %[[C2]], %[[B]], %[[N]])
// The one x bos block (1 entry) is still multiplied, in the head: W_Q
// [[0.5]] from column 4 against key column 3. W_OV (the identity) in
// gather form: column c reads row c.
// CHECK:         arith.constant dense<5.000000e-01> : tensor<1x1xf32>
// CHECK:         arith.constant dense<4> : tensor<1xi32>
// CHECK:         arith.constant dense<3> : tensor<1xi32>
// CHECK:         arith.constant dense<{{\[\[}}0], [1], [2]]> : tensor<3x1xi32>
// CHECK:         arith.constant dense<1.000000e+00> : tensor<3x1xf32>
// CHECK:         %[[HEAD:.*]]:3 = call @__rasp_head_qdense_vgather_lookup(%{{.*}}, %{{.*}}, %[[B]], %[[N]], %[[LOOKED]],
// W1 (prev and one: 4 rows) and W2 = diag(1, 2) in gather form.
// CHECK:         arith.constant dense<{{\[\[}}0, 0], [1, 3]]> : tensor<2x2xi32>
// CHECK:         arith.constant dense<{{\[\[}}1.000000e+00, 0.000000e+00], [1.000000e+00, -5.000000e-01]]> : tensor<2x2xf32>
// CHECK:         arith.constant dense<{{\[\[}}1.000000e+00], [2.000000e+00]]> : tensor<2x1xf32>
// CHECK:         call @__rasp_mlp_gather_gather(%[[HEAD]]#0,
// CHECK:         return

// CHECK-LABEL: func.func private @__rasp_lookup_match(
// CHECK-SAME:      %[[X:[^:]*]]: tensor<?x?xf32>, %[[S:[^:]*]]: tensor<?x?x?xf32>, %[[TABLE:[^:]*]]: tensor<?xi64>, %[[QOFF:[^:]*]]: index, %[[QDIM:[^:]*]]: index, %[[KOFF:[^:]*]]: index, %[[KDIM:[^:]*]]: index
// CHECK:         %[[QIN:.*]] = tensor.extract_slice %[[X]][0, %[[QOFF]]] [%{{.*}}, %[[QDIM]]] [1, 1]
// CHECK:         %[[QARG:.*]]:2 = linalg.generic {{.*}}iterator_types = ["parallel", "reduction"]} ins(%[[QIN]] : tensor<?x?xf32>) outs(%{{.*}}, %{{.*}} : tensor<?xi32>, tensor<?xf32>)
// CHECK:           %[[D:.*]] = linalg.index 1 : index
// CHECK:           %[[DI:.*]] = arith.index_cast %[[D]] : index to i32
// CHECK:           %[[GT:.*]] = arith.cmpf ogt
// CHECK:           arith.select %[[GT]], %[[DI]]
// CHECK:         %[[KIN:.*]] = tensor.extract_slice %[[X]][0, %[[KOFF]]] [%{{.*}}, %[[KDIM]]] [1, 1]
// CHECK:         %[[KARG:.*]]:2 = linalg.generic {{.*}} ins(%[[KIN]]
// CHECK:         %[[QI:.*]] = tensor.reshape %[[QARG]]#0
// CHECK:         %[[QV:.*]] = tensor.reshape %[[QARG]]#1
// CHECK:         %[[KI:.*]] = tensor.reshape %[[KARG]]#0
// CHECK:         %[[KV:.*]] = tensor.reshape %[[KARG]]#1
// CHECK:         %[[OUT:.*]] = linalg.generic {{.*}} ins(%[[QI]], %[[QV]], %[[KI]], %[[KV]] : tensor<?x?xi32>, tensor<?x?xf32>, tensor<?x?xi32>, tensor<?x?xf32>) outs(%[[S]] : tensor<?x?x?xf32>)
// CHECK:         ^bb0(%[[QIE:.*]]: i32, %[[QVE:.*]]: f32, %[[KIE:.*]]: i32, %[[KVE:.*]]: f32, %[[ACC:.*]]: f32):
// CHECK:           %[[ROW:.*]] = arith.index_cast %[[QIE]] : i32 to index
// CHECK:           %[[COL:.*]] = arith.index_cast %[[KIE]] : i32 to index
// The table holds each query direction's one matching key direction.
// CHECK:           %[[MATCH:.*]] = tensor.extract %[[TABLE]][%[[ROW]]] : tensor<?xi64>
// CHECK:           %[[KEY:.*]] = arith.index_cast %[[COL]] : index to i64
// CHECK:           %[[HIT:.*]] = arith.cmpi eq, %[[MATCH]], %[[KEY]] : i64
// CHECK:           %[[W:.*]] = arith.uitofp %[[HIT]] : i1 to f32
// CHECK:           %[[BOTH:.*]] = arith.mulf %[[QVE]], %[[KVE]] : f32
// CHECK:           %[[TERM:.*]] = arith.mulf %[[BOTH]], %[[W]] : f32
// CHECK:           arith.addf %[[ACC]], %[[TERM]] : f32
// CHECK:         return %[[OUT]]

// The head adds the dense blocks to the looked-up scores it is given.
// CHECK-LABEL: func.func private @__rasp_head_qdense_vgather_lookup(
// CHECK-SAME:      %[[HX:[^:]*]]: tensor<?x?xf32>, %{{[^:]*}}: tensor<?xi32>, %{{[^:]*}}: index, %{{[^:]*}}: index, %[[HS:[^:]*]]: tensor<?x?x?xf32>,
// CHECK:         linalg.generic {{.*}}"reduction"]} ins(%{{.*}}, %{{.*}} : tensor<?x?x?xf32>, tensor<?x?x?xf32>) outs(%[[HS]] : tensor<?x?x?xf32>)
// The gather form of W_OV: out[m, c] += x[m, rows[c, s]] * values[c, s].
// CHECK:         %[[VIN:.*]] = linalg.generic {{.*}} ins(%{{.*}} : tensor<?xi32>)
// CHECK:         linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "reduction"]} ins(%{{.*}}, %{{.*}} : tensor<?x?xi32>, tensor<?x?xf32>) outs(%{{.*}} : tensor<?x?xf32>)
// CHECK:         ^bb0(%[[R:.*]]: i32, %[[V:.*]]: f32, %[[O:.*]]: f32):
// CHECK:           %[[MI:.*]] = linalg.index 0 : index
// CHECK:           %[[RI:.*]] = arith.index_cast %[[R]] : i32 to index
// CHECK:           %[[XV:.*]] = tensor.extract %[[VIN]][%[[MI]], %[[RI]]] : tensor<?x?xf32>
// CHECK:           %[[P:.*]] = arith.mulf %[[XV]], %[[V]] : f32
// CHECK:           arith.addf %[[O]], %[[P]] : f32
// CHECK:         linalg.batch_matmul

// CHECK:       dialect_resources
// CHECK:         token_embedding_rest: "0x04000000
// CHECK:         token_embedding_rest_index: "0x08000000
