// Tracr make_sort(tokens, tokens, max_seq_len=64, min_key=1): keys are
// tokens + indices / 64, distinct for every input up to length 64.

!int = !rasp.sop<categorical, i64>
!float = !rasp.sop<categorical, f64>

rasp.program @sort64 attributes {vocab = [1, 2, 3, 4], max_seq_len = 64 : i64} {
  %tokens = rasp.tokens : !int
  %indices = rasp.indices : !int
  %keys = rasp.sequence_map %tokens, %indices : !int, !int -> !float {
  ^bb0(%x: i64, %i: i64):
    %min_key = arith.constant 1 : i64
    %max_seq_len = arith.constant 64 : i64
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
