// RUN: rasp-opt %s --split-input-file --rasp-insert-runtime-checks | FileCheck %s

// Indices the verifier cannot prove in bounds are checked before the op,
// with the op's location in the message (upstream's
// RuntimeVerifiableOpInterface for tensor.extract).

// CHECK-LABEL: func.func @extract(
// CHECK:         cf.assert %{{.*}}, "{{.*}}insert-runtime-checks.mlir:{{[0-9]+}}:{{[0-9]+}}: 'tensor.extract' out-of-bounds access"
// CHECK-NEXT:    tensor.extract
func.func @extract(%t: tensor<4x8xf32>, %i: index, %j: index) -> f32 {
  %v = tensor.extract %t[%i, %j] : tensor<4x8xf32>
  return %v : f32
}

// -----

// The slice must lie within the destination and its sizes equal the
// inserted tensor's.

// CHECK-LABEL: func.func @insert_slice(
// CHECK:         cf.assert %{{.*}}, "{{.*}}'tensor.insert_slice' writes past dimension 0 of the tensor"
// CHECK:         cf.assert %{{.*}}, "{{.*}}'tensor.insert_slice' writes past dimension 1 of the tensor"
// CHECK:         cf.assert %{{.*}}, "{{.*}}'tensor.insert_slice' slice size 0 differs from the inserted tensor's"
// CHECK-NOT:     slice size 1
// CHECK:         tensor.insert_slice
func.func @insert_slice(%s: tensor<?x2xf32>, %d: tensor<?x13xf32>, %n: index, %o: index) -> tensor<?x13xf32> {
  %r = tensor.insert_slice %s into %d[0, %o] [%n, 2] [1, 1] : tensor<?x2xf32> into tensor<?x13xf32>
  return %r : tensor<?x13xf32>
}

// -----

// A reshape keeps the element count (a product that wraps around does not
// count) and gives static dimensions their size.

// CHECK-LABEL: func.func @reshape(
// CHECK:         tensor.extract %{{.*}} : tensor<3xindex>
// CHECK:         tensor.extract %{{.*}} : tensor<3xindex>
// CHECK:         tensor.extract %{{.*}} : tensor<3xindex>
// CHECK:         cf.assert %{{.*}}, "{{.*}}'tensor.reshape' shape gives dimension 2 a size other than its type's"
// CHECK:         arith.mului_extended
// CHECK:         cf.assert %{{.*}}, "{{.*}}'tensor.reshape' shape does not hold the tensor's element count"
// CHECK:         tensor.reshape
func.func @reshape(%t: tensor<?x2xf32>, %shape: tensor<3xindex>) -> tensor<?x?x2xf32> {
  %r = tensor.reshape %t(%shape) : (tensor<?x2xf32>, tensor<3xindex>) -> tensor<?x?x2xf32>
  return %r : tensor<?x?x2xf32>
}

// -----

// CHECK-LABEL: func.func @expand(
// CHECK:         cf.assert %{{.*}}, "{{.*}}'tensor.expand_shape' output sizes do not multiply to source dimension 0"
// CHECK:         tensor.expand_shape
func.func @expand(%t: tensor<?x4xf32>, %b: index, %n: index) -> tensor<?x?x4xf32> {
  %e = tensor.expand_shape %t [[0, 1], [2]] output_shape [%b, %n, 4] : tensor<?x4xf32> into tensor<?x?x4xf32>
  return %e : tensor<?x?x4xf32>
}
