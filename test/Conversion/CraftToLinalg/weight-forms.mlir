// The weight forms for large matrices, forced on the small model of
// convert.mlir: dense_resource blobs, the lookup form of a W_QK block between
// two one-hot subspaces (argmax of query and key, packed 0/1 table), and the
// gather form of sparse products (per output column, its non-zero rows).
// RUN: rasp-opt --convert-craft-to-linalg="lookup-min-elements=4 sparse-min-elements=4 sparse-gather-cost=0 resource-min-elements=6" %S/convert.mlir | FileCheck %s
// RUN: rasp-opt --convert-craft-to-linalg="lookup-min-elements=4 sparse-min-elements=4 sparse-gather-cost=0 resource-min-elements=6" %S/convert.mlir | mlir-opt | FileCheck %s

// CHECK-LABEL: func.func @m(
// CHECK-DAG:     %[[SCALE:.*]] = arith.constant 4.000000e+01 : f32
// CHECK:         %[[M:.*]] = arith.muli
// Tables of 28 and 21 entries are resources; smaller weights stay literals.
// CHECK:         arith.constant dense_resource<token_embedding> : tensor<4x7xf32>
// CHECK:         arith.constant dense_resource<position_embedding> : tensor<3x7xf32>
// CHECK:         %[[X0:.*]] = tensor.insert_slice

// The one x bos block (1 entry) is still multiplied; then the indices x
// indices block (4 entries) is looked up: bit (row q, column k) of the packed
// table [[false, false], [true, false]].
// CHECK:         %[[S:.*]] = linalg.generic {{.*}}"reduction"]
// CHECK:         %[[BITS:.*]] = arith.constant dense<{{\[\[}}0], [1]]> : tensor<2x1xi64>
// CHECK:         %[[QIN:.*]] = tensor.extract_slice %[[X0]][0, 5] [%[[M]], 2] [1, 1]
// CHECK:         %[[QARG:.*]]:2 = linalg.generic {{.*}}iterator_types = ["parallel", "reduction"]} ins(%[[QIN]] : tensor<?x2xf32>) outs(%{{.*}}, %{{.*}} : tensor<?xi32>, tensor<?xf32>)
// CHECK:           %[[D:.*]] = linalg.index 1 : index
// CHECK:           %[[DI:.*]] = arith.index_cast %[[D]] : index to i32
// CHECK:           %[[GT:.*]] = arith.cmpf ogt
// CHECK:           arith.select %[[GT]], %[[DI]]
// CHECK:         %[[KARG:.*]]:2 = linalg.generic
// CHECK:         %[[QI:.*]] = tensor.reshape %[[QARG]]#0
// CHECK:         %[[QV:.*]] = tensor.reshape %[[QARG]]#1
// CHECK:         %[[KI:.*]] = tensor.reshape %[[KARG]]#0
// CHECK:         %[[KV:.*]] = tensor.reshape %[[KARG]]#1
// CHECK:         %[[LOOKED:.*]] = linalg.generic {{.*}} ins(%[[QI]], %[[QV]], %[[KI]], %[[KV]] : tensor<?x?xi32>, tensor<?x?xf32>, tensor<?x?xi32>, tensor<?x?xf32>) outs(%[[S]] : tensor<?x?x?xf32>)
// CHECK:         ^bb0(%[[QIE:.*]]: i32, %[[QVE:.*]]: f32, %[[KIE:.*]]: i32, %[[KVE:.*]]: f32, %[[ACC:.*]]: f32):
// CHECK:           %[[ROW:.*]] = arith.index_cast %[[QIE]] : i32 to index
// CHECK:           %[[COL:.*]] = arith.index_cast %[[KIE]] : i32 to index
// CHECK:           %[[WORD_INDEX:.*]] = arith.shrui %[[COL]], %{{.*}} : index
// CHECK:           %[[WORD:.*]] = tensor.extract %[[BITS]][%[[ROW]], %[[WORD_INDEX]]] : tensor<2x1xi64>
// CHECK:           %[[SHIFTED:.*]] = arith.shrui %[[WORD]], %{{.*}} : i64
// CHECK:           %[[BIT:.*]] = arith.andi %[[SHIFTED]], %{{.*}} : i64
// CHECK:           %[[W:.*]] = arith.uitofp %[[BIT]] : i64 to f32
// CHECK:           %[[BOTH:.*]] = arith.mulf %[[QVE]], %[[KVE]] : f32
// CHECK:           %[[TERM:.*]] = arith.mulf %[[BOTH]], %[[W]] : f32
// CHECK:           arith.addf %[[ACC]], %[[TERM]] : f32
// CHECK:         linalg.generic {{.*}} ins(%[[LOOKED]], %{{.*}} : tensor<?x?x?xf32>, tensor<?xi32>)
// CHECK:           arith.mulf %{{.*}}, %[[SCALE]] : f32

// W_OV (the identity) in gather form: column c reads row c.
// CHECK:         %[[VIN:.*]] = tensor.extract_slice %[[X0]][0, 0] [%[[M]], 3] [1, 1]
// CHECK:         %[[ROWS:.*]] = arith.constant dense<{{\[\[}}0], [1], [2]]> : tensor<3x1xi32>
// CHECK:         %[[VALS:.*]] = arith.constant dense<1.000000e+00> : tensor<3x1xf32>
// CHECK:         linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "reduction"]} ins(%[[ROWS]], %[[VALS]] : tensor<3x1xi32>, tensor<3x1xf32>) outs(%{{.*}} : tensor<?x3xf32>)
// CHECK:         ^bb0(%[[R:.*]]: i32, %[[V:.*]]: f32, %[[O:.*]]: f32):
// CHECK:           %[[MI:.*]] = linalg.index 0 : index
// CHECK:           %[[RI:.*]] = arith.index_cast %[[R]] : i32 to index
// CHECK:           %[[XV:.*]] = tensor.extract %[[VIN]][%[[MI]], %[[RI]]] : tensor<?x3xf32>
// CHECK:           %[[P:.*]] = arith.mulf %[[XV]], %[[V]] : f32
// CHECK:           arith.addf %[[O]], %[[P]] : f32
// CHECK:         linalg.batch_matmul

// W2 = diag(1, 2) in gather form.
// CHECK:         arith.constant dense<{{\[\[}}1.000000e+00], [2.000000e+00]]> : tensor<2x1xf32>
// CHECK:         return

// CHECK:       dialect_resources
// CHECK:         token_embedding: "0x04000000
// CHECK:         position_embedding: "0x04000000
