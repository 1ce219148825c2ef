// The tensor IR of --rasp-to-linalg needs nothing of ours: Debian's mlir-opt
// parses it, upstream passes lower it to LLVM and mlir-runner runs it on a
// padded batch of two sequences. The driver (Inputs/reverse-main.mlir) is
// appended to the function with the module braces removed, as two modules
// cannot call each other.
//
// RUN: rasp-opt --rasp-to-linalg %s | sed -e '/^module {$/d' -e '/^}$/d' > %t.model.mlir
// RUN: cat %t.model.mlir %S/Inputs/reverse-main.mlir \
// RUN: | mlir-opt --pass-pipeline="builtin.module(one-shot-bufferize{bufferize-function-boundaries function-boundary-type-conversion=identity-layout-map},convert-linalg-to-loops,buffer-deallocation-pipeline,convert-bufferization-to-memref,convert-scf-to-cf,expand-strided-metadata,lower-affine,finalize-memref-to-llvm,convert-math-to-llvm,convert-arith-to-llvm,convert-index-to-llvm,convert-cf-to-llvm,convert-func-to-llvm,reconcile-unrealized-casts)" \
// RUN: | mlir-runner -e run -entry-point-result=void -shared-libs=%llvm_shlib_dir/libmlir_runner_utils%shlibext,%llvm_shlib_dir/libmlir_c_runner_utils%shlibext \
// RUN: | FileCheck %s

// CHECK: rank = 3 offset = 0 sizes = [2, 5, 3]
// [BOS a b c] reversed is c b a; BOS reads nothing.
// CHECK-NEXT: {{\[\[\[}}0,    0,    0],
// CHECK-NEXT:   [0,    0,    1],
// CHECK-NEXT:   [0,    1,    0],
// CHECK-NEXT:   [1,    0,    0],
// CHECK-NEXT:   [{{.*}}]],
// [BOS c b] reversed is b c; the padded positions are unspecified.
// CHECK-NEXT:  {{\[\[}}0,    0,    0],
// CHECK-NEXT:   [0,    1,    0],
// CHECK-NEXT:   [0,    0,    1],
// CHECK-NEXT:   [{{.*}}],
// CHECK-NEXT:   [{{.*}}]]]

// Tracr's make_reverse: opp_index = length - indices - 1, then an aggregate
// that reads position opp_index.
!str = !rasp.sop<categorical, !rasp.str>
!int = !rasp.sop<categorical, i64>

rasp.program @reverse attributes {vocab = ["a", "b", "c"], max_seq_len = 4 : i64} {
  %tokens = rasp.tokens : !str
  %indices = rasp.indices : !int
  %all = rasp.select %tokens, %tokens, true : !str, !str
  %length = rasp.selector_width %all : !int
  %opp = rasp.sequence_map %length, %indices : !int, !int -> !int {
  ^bb0(%n: i64, %i: i64):
    %one = arith.constant 1 : i64
    %d = arith.subi %n, %i : i64
    %e = arith.subi %d, %one : i64
    rasp.yield %e : i64
  }
  %flip = rasp.select %indices, %opp, eq : !int, !int
  %reverse = rasp.aggregate %flip, %tokens : !str -> !str
  rasp.output %reverse : !str
}

