// The tensor IR of the calling convention needs nothing of ours: upstream
// mlir-opt lowers it and mlir-runner runs it, with the same numbers as the
// JIT runtime (jit-tiny-model.test) and the C++ reference (RuntimeTests).
//
// RUN: cat %S/Inputs/tiny-model.mlir %s \
// RUN: | mlir-opt --pass-pipeline="builtin.module(one-shot-bufferize{bufferize-function-boundaries function-boundary-type-conversion=identity-layout-map},convert-linalg-to-loops,buffer-deallocation-pipeline,convert-bufferization-to-memref,convert-scf-to-cf,expand-strided-metadata,lower-affine,finalize-memref-to-llvm,convert-math-to-llvm,convert-arith-to-llvm,convert-index-to-llvm,convert-cf-to-llvm,convert-func-to-llvm,reconcile-unrealized-casts)" \
// RUN: | mlir-runner -e main -entry-point-result=void -shared-libs=%llvm_shlib_dir/libmlir_runner_utils%shlibext,%llvm_shlib_dir/libmlir_c_runner_utils%shlibext \
// RUN: | FileCheck %s

func.func private @printMemrefF32(tensor<*xf32>)

// Two sequences padded to 4 positions: [BOS a b c] and [BOS c] + padding.
func.func @main() {
  %tokens = arith.constant dense<[[0, 1, 2, 3], [0, 3, 0, 0]]> : tensor<2x4xi32>
  %lengths = arith.constant dense<[4, 2]> : tensor<2xi32>
  %t = tensor.cast %tokens : tensor<2x4xi32> to tensor<?x?xi32>
  %l = tensor.cast %lengths : tensor<2xi32> to tensor<?xi32>
  %out = call @model(%t, %l) : (tensor<?x?xi32>, tensor<?xi32>) -> tensor<?x?x3xf32>
  %u = tensor.cast %out : tensor<?x?x3xf32> to tensor<*xf32>
  call @printMemrefF32(%u) : (tensor<*xf32>) -> ()
  return
}

// CHECK: rank = 3 offset = 0 sizes = [2, 4, 3]
// CHECK: [0.00509644, 0.205913, -0.237749]
// CHECK: [-0.200198, 0.636925, -0.010643]
// CHECK: [0.0968885, -0.0852112, 0.101826]
// CHECK: [0.208074, 0.347195, 0.211519]
// The second row's real positions; its padded ones are unspecified.
// CHECK: [0.00509644, 0.205913, -0.237749]
// CHECK: [-0.213404, 0.341013, 0.310884]
