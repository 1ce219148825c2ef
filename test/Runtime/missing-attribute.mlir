// The runtime needs the id range and the position limit to check inputs.
// RUN: not rasp-jit %s 2>&1 | FileCheck %s

// CHECK: missing-attribute.mlir:[[# @LINE + 1]]:1: error: model function needs a positive integer 'rasp.max_positions' attribute
func.func @model(%tokens: tensor<?x?xi32>, %lengths: tensor<?xi32>) -> tensor<?x?x3xf32>
    attributes {rasp.num_token_ids = 4 : i64} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %b = tensor.dim %tokens, %c0 : tensor<?x?xi32>
  %n = tensor.dim %tokens, %c1 : tensor<?x?xi32>
  %e = tensor.empty(%b, %n) : tensor<?x?x3xf32>
  return %e : tensor<?x?x3xf32>
}
