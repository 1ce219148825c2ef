// Tracr rasp.numerical(lib.make_count_less_freq(n=2)): count_less_freq with
// a numerical final selector width.
// RUN: rasp-run --interpret %s < %S/Inputs/count_less_freq_numerical.in \
// RUN:   | %python %rasp_src_root/test/Utils/compare-json-lines.py --numerical %S/Inputs/count_less_freq_numerical.expected
// Causal: Tracr's CausalEvaluator on the same inputs.
// RUN: rasp-run --interpret --causal %s < %S/Inputs/count_less_freq_numerical.causal.in \
// RUN:   | %python %rasp_src_root/test/Utils/compare-json-lines.py --numerical %S/Inputs/count_less_freq_numerical.causal.expected
// Craft evaluator (float32) on the synthesised weights: the same vectors.
// RUN: rasp-run --mode=craft %s < %S/Inputs/count_less_freq_numerical.in \
// RUN:   | %python %rasp_src_root/test/Utils/compare-json-lines.py --rtol 1e-4 --atol 1e-6 --numerical %S/Inputs/count_less_freq_numerical.expected
// RUN: rasp-run --mode=craft --causal %s < %S/Inputs/count_less_freq_numerical.causal.in \
// RUN:   | %python %rasp_src_root/test/Utils/compare-json-lines.py --rtol 1e-4 --atol 1e-6 --numerical %S/Inputs/count_less_freq_numerical.causal.expected
// Compiled (JIT), this graph is checked against the craft evaluator, plain
// and causal, in unittests/Conversion/CraftToLinalg; the .rasp form runs
// compiled on these vectors in test/Examples.

!str = !rasp.sop<categorical, !rasp.str>
!int = !rasp.sop<categorical, i64>
!num_int = !rasp.sop<numerical, i64>

rasp.program @count_less_freq_numerical attributes {vocab = ["a", "b", "c", "d"], max_seq_len = 6 : i64} {
  %tokens = rasp.tokens : !str
  %same_tok = rasp.select %tokens, %tokens, eq : !str, !str
  %hist = rasp.selector_width %same_tok : !int
  %select_less = rasp.select_where %hist, %hist : !int, !int {
  ^bb0(%k: i64, %q: i64):
    %n = arith.constant 2 : i64
    %le = arith.cmpi sle, %k, %n : i64
    rasp.yield %le : i1
  }
  %count_less_freq = rasp.selector_width %select_less : !num_int
  rasp.output %count_less_freq : !num_int
}
