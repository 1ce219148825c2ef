// Tracr make_sort(tokens, tokens, max_seq_len=100, min_key=1) at vocabulary
// 1..100: keys are tokens + indices / 100, 10 000 distinct values, so the
// selector width's W_QK block is 10 000 x 10 000 (Tracr times out here).

!int = !rasp.sop<categorical, i64>
!float = !rasp.sop<categorical, f64>

rasp.program @sort100 attributes {vocab = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64, 65, 66, 67, 68, 69, 70, 71, 72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 82, 83, 84, 85, 86, 87, 88, 89, 90, 91, 92, 93, 94, 95, 96, 97, 98, 99, 100], max_seq_len = 100 : i64} {
  %tokens = rasp.tokens : !int
  %indices = rasp.indices : !int
  %keys = rasp.sequence_map %tokens, %indices : !int, !int -> !float {
  ^bb0(%x: i64, %i: i64):
    %min_key = arith.constant 1 : i64
    %max_seq_len = arith.constant 100 : i64
    %scaled = arith.muli %min_key, %i : i64
    %frac = rasp.binary truediv %scaled, %max_seq_len : i64, i64 -> f64
    %key = rasp.binary add %x, %frac : i64, f64 -> f64
    rasp.yield %key : f64
  }
  %smaller = rasp.select %keys, %keys, lt : !float, !float
  %target_pos = rasp.selector_width %smaller : !int
  %sel_new = rasp.select %target_pos, %indices, eq : !int, !int
  %sort = rasp.aggregate %sel_new, %tokens : !int -> !int
  rasp.output %sort : !int
}
