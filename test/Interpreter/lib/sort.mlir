// Tracr lib.make_sort(tokens, tokens, max_seq_len=5, min_key=1): keys are
// made unique with x + min_key * i / max_seq_len, then sorted as in
// make_sort_unique.
// RUN: rasp-run --interpret %s < %S/Inputs/sort.in \
// RUN:   | %python %rasp_src_root/test/Utils/compare-json-lines.py %S/Inputs/sort.expected
// Causal: Tracr's CausalEvaluator on the same inputs.
// RUN: rasp-run --interpret --causal %s < %S/Inputs/sort.causal.in \
// RUN:   | %python %rasp_src_root/test/Utils/compare-json-lines.py %S/Inputs/sort.causal.expected
// Craft evaluator (float32) on the synthesised weights: the same vectors.
// RUN: rasp-run --mode=craft %s < %S/Inputs/sort.in \
// RUN:   | %python %rasp_src_root/test/Utils/compare-json-lines.py --rtol 1e-4 --atol 1e-6 %S/Inputs/sort.expected
// RUN: rasp-run --mode=craft --causal %s < %S/Inputs/sort.causal.in \
// RUN:   | %python %rasp_src_root/test/Utils/compare-json-lines.py --rtol 1e-4 --atol 1e-6 %S/Inputs/sort.causal.expected
// Compiled (JIT), this graph is checked against the craft evaluator, plain
// and causal, in unittests/Conversion/CraftToLinalg; the .rasp form runs
// compiled on these vectors in test/Examples.

!int = !rasp.sop<categorical, i64>
!float = !rasp.sop<categorical, f64>

rasp.program @sort attributes {vocab = [1, 2, 3, 4], max_seq_len = 5 : i64} {
  %tokens = rasp.tokens : !int
  %indices = rasp.indices : !int
  %keys = rasp.sequence_map %tokens, %indices : !int, !int -> !float {
  ^bb0(%x: i64, %i: i64):
    %min_key = arith.constant 1 : i64
    %max_seq_len = arith.constant 5 : i64
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
