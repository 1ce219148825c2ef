// Tracr lib.make_sort_unique(vals=tokens, keys=1 - indices): sorting by
// decreasing position reverses the input.
// RUN: rasp-run --interpret %s < %S/Inputs/sort_unique_neg_indices.in \
// RUN:   | %python %rasp_src_root/test/Utils/compare-json-lines.py %S/Inputs/sort_unique_neg_indices.expected
// Causal: Tracr's CausalEvaluator on the same inputs.
// RUN: rasp-run --interpret --causal %s < %S/Inputs/sort_unique_neg_indices.causal.in \
// RUN:   | %python %rasp_src_root/test/Utils/compare-json-lines.py %S/Inputs/sort_unique_neg_indices.causal.expected
// Craft evaluator (float32) on the synthesised weights: the same vectors.
// RUN: rasp-run --mode=craft %s < %S/Inputs/sort_unique_neg_indices.in \
// RUN:   | %python %rasp_src_root/test/Utils/compare-json-lines.py --rtol 1e-4 --atol 1e-6 %S/Inputs/sort_unique_neg_indices.expected
// RUN: rasp-run --mode=craft --causal %s < %S/Inputs/sort_unique_neg_indices.causal.in \
// RUN:   | %python %rasp_src_root/test/Utils/compare-json-lines.py --rtol 1e-4 --atol 1e-6 %S/Inputs/sort_unique_neg_indices.causal.expected
// Compiled (JIT), this graph is checked against the craft evaluator, plain
// and causal, in unittests/Conversion/CraftToLinalg; the .rasp form runs
// compiled on these vectors in test/Examples.

!str = !rasp.sop<categorical, !rasp.str>
!int = !rasp.sop<categorical, i64>

rasp.program @sort_unique_neg_indices attributes {vocab = ["a", "b", "c", "d"], max_seq_len = 5 : i64} {
  %indices = rasp.indices : !int
  %keys = rasp.map %indices : !int -> !int {
  ^bb0(%x: i64):
    %one = arith.constant 1 : i64
    %d = arith.subi %one, %x : i64
    rasp.yield %d : i64
  }
  %smaller = rasp.select %keys, %keys, lt : !int, !int
  %target_pos = rasp.selector_width %smaller : !int
  %sel_new = rasp.select %target_pos, %indices, eq : !int, !int
  %tokens = rasp.tokens : !str
  %sort = rasp.aggregate %sel_new, %tokens : !str -> !str
  rasp.output %sort : !str
}
