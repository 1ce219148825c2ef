// RUN: rasp-opt %s | FileCheck %s
// RUN: rasp-opt %s | rasp-opt | FileCheck %s
// RUN: rasp-opt %s --mlir-print-op-generic | rasp-opt | FileCheck %s

// The table form of element functions (what raspc writes for Python
// functions), with tuple values: printed and parsed back.

!int = !rasp.sop<categorical, i64>
!str = !rasp.sop<categorical, !rasp.str>
!any = !rasp.sop<categorical, !rasp.any>

// CHECK-LABEL: rasp.program @tables
rasp.program @tables attributes {vocab = ["a", "b"], max_seq_len = 3 : i64} {
  %tokens = rasp.tokens : !str
  %indices = rasp.indices : !int
  // CHECK: rasp.map
  // CHECK: %{{.*}} = rasp.table(%{{.*}}) [0, 1, 2] -> [1, 2, 3] : (i64) -> i64
  %next = rasp.map %indices : !int -> !int {
  ^bb0(%x: i64):
    %y = rasp.table(%x) [0, 1, 2] -> [1, 2, 3] : (i64) -> i64
    rasp.yield %y : i64
  }
  // Tuples are arrays; None is unit.
  // CHECK: rasp.table(%{{.*}}, %{{.*}}) {{\[}}["a", 0], ["a", 1], ["b", 0], ["b", 1]] -> {{\[}}["a", 0], ["a", 1], ["b", [0, "x"]], unit] : (!rasp.str, i64) -> !rasp.any
  %pair = rasp.sequence_map %tokens, %indices : !str, !int -> !any {
  ^bb0(%t: !rasp.str, %i: i64):
    %p = rasp.table(%t, %i) [["a", 0], ["a", 1], ["b", 0], ["b", 1]] -> [["a", 0], ["a", 1], ["b", [0, "x"]], unit] : (!rasp.str, i64) -> !rasp.any
    rasp.yield %p : !rasp.any
  }
  // A tuple key of a one-argument table is the tuple itself.
  // CHECK: rasp.table(%{{.*}}) {{\[}}["a", 0], ["b", [0, "x"]]] -> [true, false] : (!rasp.any) -> i1
  %sel = rasp.select_where %pair, %pair : !any, !any {
  ^bb0(%k: !rasp.any, %q: !rasp.any):
    %s = rasp.table(%k) [["a", 0], ["b", [0, "x"]]] -> [true, false] : (!rasp.any) -> i1
    rasp.yield %s : i1
  }
  // CHECK: rasp.aggregate %{{.*}}, %{{.*}} {values = {{\[}}["a", 0], ["b", [0, "x"]]]} : !rasp.sop<categorical, !rasp.any> -> !rasp.sop<categorical, !rasp.any>
  %moved = rasp.aggregate %sel, %pair {values = [["a", 0], ["b", [0, "x"]]]} : !any -> !any
  rasp.output %moved : !any
}
