// RUN: rasp-opt %s --rasp-outline-kernels | FileCheck %s

// Two masks with different scales and shapes, and a fill: the masks share
// one kernel over fully dynamic memrefs (the scale, captured by the body,
// is an argument); the fill gets its own.
// CHECK-LABEL: func.func @model
// CHECK-SAME:    (%[[A:.*]]: memref<2x3x3xf32>, %[[B:.*]]: memref<?x4x4xf32, strided<[32, 8, 1], offset: ?>>, %[[L:.*]]: memref<?xi32>)
// CHECK-DAG:     %[[S1:.*]] = arith.constant 5.000000e-01 : f32
// CHECK-DAG:     %[[S2:.*]] = arith.constant 2.000000e+00 : f32
// CHECK:         %[[CA:.*]] = memref.cast %[[A]] : memref<2x3x3xf32> to memref<?x?x?xf32, strided<[?, ?, ?], offset: ?>>
// CHECK:         %[[CL:.*]] = memref.cast %[[L]] : memref<?xi32> to memref<?xi32, strided<[?], offset: ?>>
// CHECK:         call @__rasp_kernel(%[[CA]], %[[CL]], %[[S1]])
// CHECK:         %[[CB:.*]] = memref.cast %[[B]]
// CHECK:         call @__rasp_kernel(%[[CB]], %{{.*}}, %[[S2]])
// CHECK:         %[[CA2:.*]] = memref.cast %[[A]]
// CHECK:         call @__rasp_kernel_0(%{{.*}}, %[[CA2]])
// CHECK-NOT:     linalg.
// CHECK:         return
// A value used twice (input and output) is one argument.
// CHECK:       func.func private @__rasp_kernel(%[[X:.*]]: memref<?x?x?xf32, strided<[?, ?, ?], offset: ?>>, %[[LEN:.*]]: memref<?xi32, strided<[?], offset: ?>>, %[[SCALE:.*]]: f32)
// CHECK-SAME:    passthrough = ["noinline"]
// CHECK-NEXT:    linalg.generic {{.*}} ins(%[[X]], %[[LEN]] : {{.*}}) outs(%[[X]] :
// CHECK:           arith.mulf %{{.*}}, %[[SCALE]] : f32
// CHECK:       func.func private @__rasp_kernel_0(%{{.*}}: f32, %{{.*}}: memref<?x?x?xf32, strided<[?, ?, ?], offset: ?>>)
// CHECK-NEXT:    linalg.fill
// CHECK-NOT:   func.func private @__rasp_kernel_1
#map = affine_map<(b, i, j) -> (b, i, j)>
#len = affine_map<(b, i, j) -> (b)>
func.func @model(%a: memref<2x3x3xf32>, %b: memref<?x4x4xf32, strided<[32, 8, 1], offset: ?>>, %len: memref<?xi32>) {
  %s1 = arith.constant 0.5 : f32
  %s2 = arith.constant 2.0 : f32
  %zero = arith.constant 0.0 : f32
  linalg.generic {indexing_maps = [#map, #len, #map], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%a, %len : memref<2x3x3xf32>, memref<?xi32>) outs(%a : memref<2x3x3xf32>) {
  ^bb0(%v: f32, %l: i32, %o: f32):
    %r = arith.mulf %v, %s1 : f32
    linalg.yield %r : f32
  }
  linalg.generic {indexing_maps = [#map, #len, #map], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%b, %len : memref<?x4x4xf32, strided<[32, 8, 1], offset: ?>>, memref<?xi32>) outs(%b : memref<?x4x4xf32, strided<[32, 8, 1], offset: ?>>) {
  ^bb0(%v: f32, %l: i32, %o: f32):
    %r = arith.mulf %v, %s2 : f32
    linalg.yield %r : f32
  }
  linalg.fill ins(%zero : f32) outs(%a : memref<2x3x3xf32>)
  return
}
