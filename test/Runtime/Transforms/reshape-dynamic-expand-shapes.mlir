// RUN: rasp-opt %s --pass-pipeline='builtin.module(func.func(rasp-reshape-dynamic-expand-shapes))' | FileCheck %s

// Splitting one dimension into two dynamic ones becomes tensor.reshape.
// CHECK-LABEL: func.func @split_rows
// CHECK-SAME:    (%[[X:.*]]: tensor<?x4xf32>, %[[B:.*]]: index, %[[N:.*]]: index)
// CHECK:         %[[C4:.*]] = arith.constant 4 : index
// CHECK:         %[[SHAPE:.*]] = tensor.from_elements %[[B]], %[[N]], %[[C4]] : tensor<3xindex>
// CHECK:         %[[R:.*]] = tensor.reshape %[[X]](%[[SHAPE]]) : (tensor<?x4xf32>, tensor<3xindex>) -> tensor<?x?x4xf32>
// CHECK:         return %[[R]]
func.func @split_rows(%x: tensor<?x4xf32>, %b: index, %n: index) -> tensor<?x?x4xf32> {
  %r = tensor.expand_shape %x [[0, 1], [2]] output_shape [%b, %n, 4] : tensor<?x4xf32> into tensor<?x?x4xf32>
  return %r : tensor<?x?x4xf32>
}

// One dynamic size per group lowers upstream: unchanged.
// CHECK-LABEL: func.func @one_dynamic
// CHECK:         tensor.expand_shape
func.func @one_dynamic(%x: tensor<?x4xf32>, %b: index) -> tensor<?x2x4xf32> {
  %r = tensor.expand_shape %x [[0, 1], [2]] output_shape [%b, 2, 4] : tensor<?x4xf32> into tensor<?x2x4xf32>
  return %r : tensor<?x2x4xf32>
}
