// A function outside the calling convention is diagnosed at its location.
// RUN: not rasp-jit %s 2>&1 | FileCheck %s

// CHECK: invalid-model.mlir:[[# @LINE + 1]]:1: error: model function must have type (tensor<BxPxi32>, tensor<Bxi32>) -> tensor<BxPxWxf32>, got '(tensor<?x?xi64>, tensor<?xi32>) -> tensor<?x?x3xf32>'
func.func @model(%tokens: tensor<?x?xi64>, %lengths: tensor<?xi32>) -> tensor<?x?x3xf32>
    attributes {rasp.num_token_ids = 4 : i64, rasp.max_positions = 6 : i64} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %b = tensor.dim %tokens, %c0 : tensor<?x?xi64>
  %n = tensor.dim %tokens, %c1 : tensor<?x?xi64>
  %e = tensor.empty(%b, %n) : tensor<?x?x3xf32>
  return %e : tensor<?x?x3xf32>
}
