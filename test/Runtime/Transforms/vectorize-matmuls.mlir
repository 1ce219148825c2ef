// RUN: rasp-opt %s --pass-pipeline='builtin.module(func.func(rasp-vectorize-matmuls))' | FileCheck %s

// M dynamic, K = 4, N = 40: 8-row tiles, then 4-, 2- and 1-row tiles for the
// tail; 32 columns then a static tail of 8; the accumulator is carried in
// registers through the k loop and updated with FMAs.
// CHECK-LABEL: func.func @kernel
// CHECK-NOT:     linalg.matmul
// CHECK:         scf.for {{.*}} step %c8
// CHECK:           vector.transfer_read {{.*}} : tensor<8x32xf32>, vector<8x32xf32>
// CHECK:           scf.for {{.*}} iter_args
// CHECK-COUNT-8:     vector.fma {{.*}} : vector<32xf32>
// CHECK:           vector.transfer_write {{.*}} : vector<8x32xf32>, tensor<8x32xf32>
// CHECK:           vector.fma {{.*}} : vector<8xf32>
// CHECK:         scf.for {{.*}} step %c4
// CHECK:           vector.fma {{.*}} : vector<32xf32>
// CHECK:         scf.for {{.*}} step %c2
// CHECK:           vector.fma {{.*}} : vector<32xf32>
// CHECK-NOT:     linalg.matmul
func.func @kernel(%a: tensor<?x4xf32>, %b: tensor<4x40xf32>, %c: tensor<?x40xf32>) -> tensor<?x40xf32> {
  %0 = linalg.matmul ins(%a, %b : tensor<?x4xf32>, tensor<4x40xf32>) outs(%c : tensor<?x40xf32>) -> tensor<?x40xf32>
  return %0 : tensor<?x40xf32>
}
