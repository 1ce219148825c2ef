// RUN: rasp-opt %s --pass-pipeline='builtin.module(func.func(rasp-reorder-contractions))' | FileCheck %s

// batch_matmul (b, i, j, k; k the reduction) becomes a generic whose
// innermost loop is j, the output row.
// CHECK-DAG:   #[[$LHS:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>
// CHECK-DAG:   #[[$RHS:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d2, d3)>
// CHECK-DAG:   #[[$OUT:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>
// CHECK-LABEL: func.func @mix
// CHECK:         linalg.generic {indexing_maps = [#[[$LHS]], #[[$RHS]], #[[$OUT]]], iterator_types = ["parallel", "parallel", "reduction", "parallel"]}
func.func @mix(%p: tensor<?x?x?xf32>, %v: tensor<?x?x4xf32>, %acc: tensor<?x?x4xf32>) -> tensor<?x?x4xf32> {
  %0 = linalg.batch_matmul ins(%p, %v : tensor<?x?x?xf32>, tensor<?x?x4xf32>) outs(%acc : tensor<?x?x4xf32>) -> tensor<?x?x4xf32>
  return %0 : tensor<?x?x4xf32>
}

// Elementwise generics (no reduction innermost) are left alone.
// CHECK-LABEL: func.func @add
// CHECK:         linalg.add
func.func @add(%a: tensor<?x4xf32>, %b: tensor<?x4xf32>) -> tensor<?x4xf32> {
  %0 = linalg.add ins(%a, %b : tensor<?x4xf32>, tensor<?x4xf32>) outs(%a : tensor<?x4xf32>) -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}
