// RUN: rasp-opt %s | FileCheck %s
// RUN: rasp-opt %s -mlir-print-debuginfo | rasp-opt | FileCheck %s

// Results are named after the variable a frontend bound them to (NameLoc).
// CHECK-LABEL: rasp.program @names
// CHECK: %opp_index = rasp.map %indices
// CHECK: %flip = rasp.select %indices, %opp_index, eq
rasp.program @names {
  %i = rasp.indices : !rasp.sop<categorical, i64>
  %o = rasp.map %i : !rasp.sop<categorical, i64> -> !rasp.sop<categorical, i64> {
  ^bb0(%x: i64):
    %n = arith.constant 4 : i64
    %r = arith.subi %n, %x : i64
    rasp.yield %r : i64
  } loc("opp_index")
  %f = rasp.select %i, %o, eq : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64> loc("flip")
  %w = rasp.selector_width %f : !rasp.sop<categorical, i64>
  rasp.output %w : !rasp.sop<categorical, i64>
}
