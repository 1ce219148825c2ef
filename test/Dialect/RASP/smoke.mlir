// RUN: rasp-opt %s | rasp-opt | FileCheck %s
// CHECK-LABEL: rasp.program @reverse
// CHECK: rasp.output
rasp.program @reverse attributes {vocab = ["a", "b", "c", "d"], max_seq_len = 5 : i64} {
  %tokens = rasp.tokens : !rasp.sop<categorical, !rasp.str>
  %indices = rasp.indices : !rasp.sop<categorical, i64>
  %all = rasp.select %tokens, %tokens, true : !rasp.sop<categorical, !rasp.str>, !rasp.sop<categorical, !rasp.str>
  %length = rasp.selector_width %all : !rasp.sop<categorical, i64>
  %opp = rasp.sequence_map %length, %indices : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64> -> !rasp.sop<categorical, i64> {
  ^bb0(%l: i64, %i: i64):
    %0 = arith.subi %l, %i : i64
    %c1 = arith.constant 1 : i64
    %1 = arith.subi %0, %c1 : i64
    rasp.yield %1 : i64
  }
  %flip = rasp.select %indices, %opp, eq : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64>
  %rev = rasp.aggregate %flip, %tokens : !rasp.sop<categorical, !rasp.str> -> !rasp.sop<categorical, !rasp.str>
  %f = rasp.aggregate %flip, %indices default(0) {values = [0.0, 5.000000e-01]} : !rasp.sop<categorical, i64> -> !rasp.sop<numerical, f64>
  rasp.output %rev : !rasp.sop<categorical, !rasp.str>
}
