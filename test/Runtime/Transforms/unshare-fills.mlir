// RUN: rasp-opt %s --pass-pipeline='builtin.module(func.func(rasp-unshare-fills))' | FileCheck %s

// Two matmuls accumulate into one zero fill: each gets its own.
// CHECK-LABEL: func.func @shared
// CHECK:         %[[F1:.*]] = linalg.fill
// CHECK:         %[[F2:.*]] = linalg.fill
// CHECK:         linalg.matmul {{.*}} outs(%[[F2]]
// CHECK:         %[[F3:.*]] = linalg.fill
// CHECK:         linalg.matmul {{.*}} outs(%[[F3]]
func.func @shared(%a: tensor<?x4xf32>, %w: tensor<4x4xf32>, %e: tensor<?x4xf32>) -> (tensor<?x4xf32>, tensor<?x4xf32>) {
  %zero = arith.constant 0.0 : f32
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<?x4xf32>) -> tensor<?x4xf32>
  %0 = linalg.matmul ins(%a, %w : tensor<?x4xf32>, tensor<4x4xf32>) outs(%f : tensor<?x4xf32>) -> tensor<?x4xf32>
  %1 = linalg.matmul ins(%0, %w : tensor<?x4xf32>, tensor<4x4xf32>) outs(%f : tensor<?x4xf32>) -> tensor<?x4xf32>
  return %0, %1 : tensor<?x4xf32>, tensor<?x4xf32>
}
