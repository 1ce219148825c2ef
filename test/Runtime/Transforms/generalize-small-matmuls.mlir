// RUN: rasp-opt %s --pass-pipeline='builtin.module(func.func(rasp-generalize-small-matmuls{min-elements=16}))' | FileCheck %s

// A 2x4 weight (8 elements) is below the bound: a generic; 4x4 stays.
// CHECK-LABEL: func.func @matmuls
// CHECK:         linalg.generic
// CHECK-SAME:      iterator_types = ["parallel", "parallel", "reduction"]
// CHECK-SAME:      ins(%{{.*}}, %{{.*}} : tensor<?x2xf32>, tensor<2x4xf32>)
// CHECK:         linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<?x4xf32>, tensor<4x4xf32>)
func.func @matmuls(%a: tensor<?x2xf32>, %w: tensor<2x4xf32>, %b: tensor<?x4xf32>, %v: tensor<4x4xf32>, %acc: tensor<?x4xf32>) -> (tensor<?x4xf32>, tensor<?x4xf32>) {
  %0 = linalg.matmul ins(%a, %w : tensor<?x2xf32>, tensor<2x4xf32>) outs(%acc : tensor<?x4xf32>) -> tensor<?x4xf32>
  %1 = linalg.matmul ins(%b, %v : tensor<?x4xf32>, tensor<4x4xf32>) outs(%acc : tensor<?x4xf32>) -> tensor<?x4xf32>
  return %0, %1 : tensor<?x4xf32>, tensor<?x4xf32>
}
