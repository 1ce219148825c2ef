// Tracr lib.make_count_less_freq(n=2): how many positions hold a token that
// occurs at most twice.
// RUN: rasp-run --interpret %s < %S/Inputs/count_less_freq.in \
// RUN:   | %python %rasp_src_root/test/Utils/compare-json-lines.py %S/Inputs/count_less_freq.expected
// Causal: Tracr's CausalEvaluator on the same inputs.
// RUN: rasp-run --interpret --causal %s < %S/Inputs/count_less_freq.causal.in \
// RUN:   | %python %rasp_src_root/test/Utils/compare-json-lines.py %S/Inputs/count_less_freq.causal.expected
// Craft evaluator (float32) on the synthesised weights: the same vectors.
// RUN: rasp-run --mode=craft %s < %S/Inputs/count_less_freq.in \
// RUN:   | %python %rasp_src_root/test/Utils/compare-json-lines.py --rtol 1e-4 --atol 1e-6 %S/Inputs/count_less_freq.expected
// RUN: rasp-run --mode=craft --causal %s < %S/Inputs/count_less_freq.causal.in \
// RUN:   | %python %rasp_src_root/test/Utils/compare-json-lines.py --rtol 1e-4 --atol 1e-6 %S/Inputs/count_less_freq.causal.expected
// Compiled (JIT), this graph is checked against the craft evaluator, plain
// and causal, in unittests/Conversion/CraftToLinalg; the .rasp form runs
// compiled on these vectors in test/Examples.

!str = !rasp.sop<categorical, !rasp.str>
!int = !rasp.sop<categorical, i64>

rasp.program @count_less_freq attributes {vocab = ["a", "b", "c", "d"], max_seq_len = 6 : i64} {
  %tokens = rasp.tokens : !str
  %same_tok = rasp.select %tokens, %tokens, eq : !str, !str
  %hist = rasp.selector_width %same_tok : !int
  %select_less = rasp.select_where %hist, %hist : !int, !int {
  ^bb0(%k: i64, %q: i64):
    %n = arith.constant 2 : i64
    %le = arith.cmpi sle, %k, %n : i64
    rasp.yield %le : i1
  }
  %count_less_freq = rasp.selector_width %select_less : !int
  rasp.output %count_less_freq : !int
}
