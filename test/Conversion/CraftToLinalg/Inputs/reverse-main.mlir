// Calls @reverse on two sequences padded to 5 positions, [BOS a b c] and
// [BOS c b] + padding (ids: a = 0, b = 1, c = 2, BOS = 3), and prints the
// output subspace rounded to integers (the one-hots of the reversed tokens).
func.func private @printMemrefF32(tensor<*xf32>)

func.func @run() {
  %tokens = arith.constant dense<[[3, 0, 1, 2, 3], [3, 2, 1, 3, 3]]> : tensor<2x5xi32>
  %lengths = arith.constant dense<[4, 3]> : tensor<2xi32>
  %t = tensor.cast %tokens : tensor<2x5xi32> to tensor<?x?xi32>
  %l = tensor.cast %lengths : tensor<2xi32> to tensor<?xi32>
  %out = call @reverse(%t, %l) : (tensor<?x?xi32>, tensor<?xi32>) -> tensor<?x?x3xf32>
  %init = tensor.empty() : tensor<2x5x3xf32>
  %rounded = linalg.generic {
      indexing_maps = [affine_map<(b, n, d) -> (b, n, d)>, affine_map<(b, n, d) -> (b, n, d)>],
      iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%out : tensor<?x?x3xf32>) outs(%init : tensor<2x5x3xf32>) {
  ^bb0(%x: f32, %o: f32):
    %r = math.round %x : f32
    linalg.yield %r : f32
  } -> tensor<2x5x3xf32>
  %u = tensor.cast %rounded : tensor<2x5x3xf32> to tensor<*xf32>
  call @printMemrefF32(%u) : (tensor<*xf32>) -> ()
  return
}
