// RUN: rasp-opt %s --split-input-file --rasp-convert-to-llvm --reconcile-unrealized-casts --rasp-check-llvm-dialect | FileCheck %s

// Every dialect the pipeline leaves for the last conversion, in one pass:
// allocations through the generic functions (the runtime's buffer pool),
// math, arith, index, cf, ub and func, with the C interface wrapper.

// CHECK-NOT:   llvm.func @malloc
// CHECK-DAG:   llvm.func @_mlir_memref_to_llvm_alloc(i64) -> !llvm.ptr
// CHECK-DAG:   llvm.func @_mlir_memref_to_llvm_free(!llvm.ptr)
// CHECK-LABEL: llvm.func @model(
// CHECK:         llvm.call @_mlir_memref_to_llvm_alloc(
// CHECK:         llvm.intr.exp(
// CHECK:         llvm.fadd
// CHECK:         llvm.add
// CHECK:         llvm.br ^
// CHECK:         llvm.mlir.poison : f32
// CHECK:         llvm.call @_mlir_memref_to_llvm_free(
// CHECK-LABEL: llvm.func @_mlir_ciface_model(
// CHECK:         llvm.call @model(
// CHECK-NOT:   llvm.func @malloc
func.func @model(%x: f32, %i: index) -> (f32, f32) attributes {llvm.emit_c_interface} {
  %buffer = memref.alloc(%i) : memref<?xf32>
  %c0 = arith.constant 0 : index
  memref.store %x, %buffer[%c0] : memref<?xf32>
  %y = memref.load %buffer[%c0] : memref<?xf32>
  %e = math.exp %y : f32
  %s = arith.addf %e, %x : f32
  %j = index.add %i, %i
  cf.br ^next(%s : f32)
^next(%v: f32):
  %p = ub.poison : f32
  memref.dealloc %buffer : memref<?xf32>
  return %v, %p : f32, f32
}

// -----

// A failed cf.assert (--rasp-insert-runtime-checks) calls the runtime's
// __rasp_check_failed with its message, which ends the run with an error;
// upstream's lowering would abort the process. Equal messages share a
// global.

// CHECK-LABEL: llvm.func @checked(
// CHECK:         llvm.cond_br %{{.*}}, ^[[OK:.*]], ^[[FAIL:.*]]
// CHECK:       ^[[FAIL]]:
// CHECK:         llvm.call @__rasp_check_failed(%{{.*}}) : (!llvm.ptr) -> ()
// CHECK-NEXT:    llvm.unreachable
// CHECK:       ^[[OK]]:
// CHECK-NOT:   llvm.func @abort
func.func @checked(%c: i1, %d: i1) {
  cf.assert %c, "model.mlir:3:5: 'tensor.extract' out-of-bounds access"
  cf.assert %d, "model.mlir:3:5: 'tensor.extract' out-of-bounds access"
  return
}
