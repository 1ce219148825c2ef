// A buffer the machine cannot allocate (here 4 TB per position) is an
// error of the run, not a write through the null pointer the allocation
// returned (the generated code cannot check it).
// RUN: not rasp-jit %s --input="0 1" --input="0" --num-threads=1 2>&1 | FileCheck %s
// CHECK: error: the compiled model could not allocate {{[0-9]+}} bytes for rows 0 to 1 (out of memory; run fewer rows at once or free memory)

func.func @model(%tokens: tensor<?x?xi32>, %lengths: tensor<?xi32>) -> tensor<?x?x3xf32>
    attributes {rasp.num_token_ids = 2 : i64, rasp.max_positions = 4 : i64} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %zero = arith.constant 0.0 : f32
  %b = tensor.dim %tokens, %c0 : tensor<?x?xi32>
  %n = tensor.dim %tokens, %c1 : tensor<?x?xi32>
  %huge = tensor.empty(%b, %n) : tensor<?x?x1000000000000xf32>
  %filled = linalg.fill ins(%zero : f32) outs(%huge : tensor<?x?x1000000000000xf32>) -> tensor<?x?x1000000000000xf32>
  %out = tensor.extract_slice %filled[0, 0, 0] [%b, %n, 3] [1, 1, 1] : tensor<?x?x1000000000000xf32> to tensor<?x?x3xf32>
  return %out : tensor<?x?x3xf32>
}
