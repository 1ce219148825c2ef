// RUN: rasp-opt %s --pass-pipeline='builtin.module(func.func(rasp-approximate-math))' | FileCheck %s

// math.exp becomes arithmetic (a polynomial and an exponent bit shift).
// CHECK-LABEL: func.func @exp
// CHECK-NOT:     math.exp
// CHECK:         math.fma
// CHECK:         arith.shli
func.func @exp(%x: f32) -> f32 {
  %e = math.exp %x : f32
  return %e : f32
}
