// Tracr lib.make_count(tokens, "a"): the number of "a" tokens.
// RUN: rasp-run --interpret %s < %S/Inputs/count_a.in \
// RUN:   | %python %rasp_src_root/test/Utils/compare-json-lines.py %S/Inputs/count_a.expected
// Causal: Tracr's CausalEvaluator on the same inputs.
// RUN: rasp-run --interpret --causal %s < %S/Inputs/count_a.causal.in \
// RUN:   | %python %rasp_src_root/test/Utils/compare-json-lines.py %S/Inputs/count_a.causal.expected
// Craft evaluator (float32) on the synthesised weights: the same vectors.
// RUN: rasp-run --mode=craft %s < %S/Inputs/count_a.in \
// RUN:   | %python %rasp_src_root/test/Utils/compare-json-lines.py --rtol 1e-4 --atol 1e-6 %S/Inputs/count_a.expected
// RUN: rasp-run --mode=craft --causal %s < %S/Inputs/count_a.causal.in \
// RUN:   | %python %rasp_src_root/test/Utils/compare-json-lines.py --rtol 1e-4 --atol 1e-6 %S/Inputs/count_a.causal.expected
// Compiled (JIT), this graph is checked against the craft evaluator, plain
// and causal, in unittests/Conversion/CraftToLinalg; the .rasp form runs
// compiled on these vectors in test/Examples.

!str = !rasp.sop<categorical, !rasp.str>
!int = !rasp.sop<categorical, i64>

rasp.program @count_a attributes {vocab = ["a", "b", "c"], max_seq_len = 8 : i64} {
  %tokens = rasp.tokens : !str
  %select_a = rasp.select_where %tokens, %tokens : !str, !str {
  ^bb0(%k: !rasp.str, %q: !rasp.str):
    %token = rasp.constant("a") : !rasp.str
    %eq = rasp.binary eq %k, %token : !rasp.str, !rasp.str -> i1
    rasp.yield %eq : i1
  }
  %count_a = rasp.selector_width %select_a : !int
  rasp.output %count_a : !int
}
