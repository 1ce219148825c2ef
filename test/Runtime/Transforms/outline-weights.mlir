// RUN: rasp-opt %s -allow-unregistered-dialect -split-input-file --pass-pipeline='builtin.module(func.func(rasp-outline-weights{min-elements=4}))' | FileCheck %s

// Constants with at least 4 elements become trailing read-only arguments
// that carry their value; equal ones share an argument; small ones, splats
// and i1 tensors stay.
// CHECK-LABEL: func.func @model
// CHECK-SAME:    (%{{.*}}: tensor<?x?xi32>, %{{.*}}: tensor<?xi32>,
// CHECK-SAME:     %[[W:.*]]: tensor<2x2xf32> {bufferization.writable = false, rasp.weight = dense<{{\[}}[1.000000e+00, 2.000000e+00], [3.000000e+00, 4.000000e+00]]> : tensor<2x2xf32>},
// CHECK-SAME:     %[[I:.*]]: tensor<4xi32> {bufferization.writable = false, rasp.weight = dense<[1, 2, 3, 4]> : tensor<4xi32>})
// CHECK-NOT:     arith.constant dense<{{\[}}[1.0
// CHECK:         %[[SMALL:.*]] = arith.constant dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32>
// CHECK:         %[[SPLAT:.*]] = arith.constant dense<1.000000e+00> : tensor<8xf32>
// CHECK:         %[[BITS:.*]] = arith.constant dense<[true, false, true, false]> : tensor<4xi1>
// CHECK:         "test.use"(%[[W]], %[[W]], %[[I]], %[[SMALL]], %[[SPLAT]], %[[BITS]])
func.func @model(%tokens: tensor<?x?xi32>, %lengths: tensor<?xi32>) {
  %w = arith.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %same = arith.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %i = arith.constant dense<[1, 2, 3, 4]> : tensor<4xi32>
  %small = arith.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %splat = arith.constant dense<1.0> : tensor<8xf32>
  %bits = arith.constant dense<[true, false, true, false]> : tensor<4xi1>
  "test.use"(%w, %same, %i, %small, %splat, %bits) : (tensor<2x2xf32>, tensor<2x2xf32>, tensor<4xi32>, tensor<2xf32>, tensor<8xf32>, tensor<4xi1>) -> ()
  return
}

// -----

// A private function keeps its signature (its callers would need the new
// arguments too).
// CHECK-LABEL: func.func private @helper()
// CHECK:         arith.constant dense<[1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00]>
func.func private @helper() -> tensor<4xf32> {
  %w = arith.constant dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>
  return %w : tensor<4xf32>
}

// -----

// A small dense_resource constant becomes a literal; a large one an
// argument.
// CHECK-LABEL: func.func @resources
// CHECK-SAME:    %{{.*}}: tensor<4xf32> {bufferization.writable = false, rasp.weight = dense_resource<big> : tensor<4xf32>}
// CHECK:         arith.constant dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32>
func.func @resources(%tokens: tensor<?x?xi32>, %lengths: tensor<?xi32>) {
  %small = arith.constant dense_resource<small> : tensor<2xf32>
  %big = arith.constant dense_resource<big> : tensor<4xf32>
  "test.use"(%small, %big) : (tensor<2xf32>, tensor<4xf32>) -> ()
  return
}

{-#
  dialect_resources: {
    builtin: {
      small: "0x040000000000803F00000040",
      big: "0x040000000000803F000000400000404000008040"
    }
  }
#-}
