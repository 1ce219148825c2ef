// RUN: rasp-opt %s --rasp-outline-matmul-kernels | FileCheck %s

// Matmuls with static K and N become calls; equal operand types share one
// private noinline kernel.
// CHECK-LABEL: func.func @layers
// CHECK:         %[[A:.*]] = call @__rasp_matmul(%{{.*}}, %{{.*}}, %{{.*}}) : (tensor<?x8xf32>, tensor<8x8xf32>, tensor<?x8xf32>) -> tensor<?x8xf32>
// CHECK:         call @__rasp_matmul(%[[A]], %{{.*}}, %{{.*}}) : (tensor<?x8xf32>, tensor<8x8xf32>, tensor<?x8xf32>)
// CHECK:         call @__rasp_matmul_0(%{{.*}}) : (tensor<?x8xf32>, tensor<8x4xf32>, tensor<?x4xf32>)
// A dynamic K stays in place.
// CHECK:         linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<?x?xf32>, tensor<?x4xf32>)
// CHECK:       func.func private @__rasp_matmul(%{{.*}}: tensor<?x8xf32>, %{{.*}}: tensor<8x8xf32>, %{{.*}}: tensor<?x8xf32>) -> tensor<?x8xf32>
// CHECK-SAME:    passthrough = ["noinline"]
// CHECK-NEXT:    linalg.matmul
// CHECK:       func.func private @__rasp_matmul_0
// CHECK-NOT:   func.func private @__rasp_matmul
func.func @layers(%x: tensor<?x8xf32>, %w1: tensor<8x8xf32>, %w2: tensor<8x8xf32>, %w3: tensor<8x4xf32>, %acc8: tensor<?x8xf32>, %acc4: tensor<?x4xf32>, %d: tensor<?x?xf32>, %dw: tensor<?x4xf32>) -> (tensor<?x4xf32>, tensor<?x4xf32>) {
  %0 = linalg.matmul ins(%x, %w1 : tensor<?x8xf32>, tensor<8x8xf32>) outs(%acc8 : tensor<?x8xf32>) -> tensor<?x8xf32>
  %1 = linalg.matmul ins(%0, %w2 : tensor<?x8xf32>, tensor<8x8xf32>) outs(%acc8 : tensor<?x8xf32>) -> tensor<?x8xf32>
  %2 = linalg.matmul ins(%1, %w3 : tensor<?x8xf32>, tensor<8x4xf32>) outs(%acc4 : tensor<?x4xf32>) -> tensor<?x4xf32>
  %3 = linalg.matmul ins(%d, %dw : tensor<?x?xf32>, tensor<?x4xf32>) outs(%acc4 : tensor<?x4xf32>) -> tensor<?x4xf32>
  return %2, %3 : tensor<?x4xf32>, tensor<?x4xf32>
}
