// Tracr lib.make_reverse(tokens): opp_idx = length - indices - 1, then an
// aggregate that reads position opp_idx.
// RUN: rasp-run --interpret %s < %S/Inputs/reverse.in \
// RUN:   | %python %rasp_src_root/test/Utils/compare-json-lines.py %S/Inputs/reverse.expected
// Causal: Tracr's CausalEvaluator on the same inputs.
// RUN: rasp-run --interpret --causal %s < %S/Inputs/reverse.causal.in \
// RUN:   | %python %rasp_src_root/test/Utils/compare-json-lines.py %S/Inputs/reverse.causal.expected
// Craft evaluator (float32) on the synthesised weights: the same vectors.
// RUN: rasp-run --mode=craft %s < %S/Inputs/reverse.in \
// RUN:   | %python %rasp_src_root/test/Utils/compare-json-lines.py --rtol 1e-4 --atol 1e-6 %S/Inputs/reverse.expected
// RUN: rasp-run --mode=craft --causal %s < %S/Inputs/reverse.causal.in \
// RUN:   | %python %rasp_src_root/test/Utils/compare-json-lines.py --rtol 1e-4 --atol 1e-6 %S/Inputs/reverse.causal.expected
// Compiled (JIT), this graph is checked against the craft evaluator, plain
// and causal, in unittests/Conversion/CraftToLinalg; the .rasp form runs
// compiled on these vectors in test/Examples.

!str = !rasp.sop<categorical, !rasp.str>
!int = !rasp.sop<categorical, i64>

rasp.program @reverse attributes {vocab = ["a", "b", "c", "d"], max_seq_len = 5 : i64} {
  %indices = rasp.indices : !int
  %tokens = rasp.tokens : !str
  %all_true_selector = rasp.select %tokens, %tokens, true : !str, !str
  %length = rasp.selector_width %all_true_selector : !int
  %opp_idx = rasp.sequence_map %length, %indices : !int, !int -> !int {
  ^bb0(%x: i64, %y: i64):
    %d = arith.subi %x, %y : i64
    rasp.yield %d : i64
  }
  %opp_idx_1 = rasp.map %opp_idx : !int -> !int {
  ^bb0(%x: i64):
    %one = arith.constant 1 : i64
    %d = arith.subi %x, %one : i64
    rasp.yield %d : i64
  }
  %reverse_selector = rasp.select %indices, %opp_idx_1, eq : !int, !int
  %reverse = rasp.aggregate %reverse_selector, %tokens : !str -> !str
  rasp.output %reverse : !str
}
