// Tracr rasp.numerical(lib.make_length()): the length as a numerical SOp.
// RUN: rasp-run --interpret %s < %S/Inputs/length_numerical.in \
// RUN:   | %python %rasp_src_root/test/Utils/compare-json-lines.py --numerical %S/Inputs/length_numerical.expected
// Causal: Tracr's CausalEvaluator on the same inputs.
// RUN: rasp-run --interpret --causal %s < %S/Inputs/length_numerical.causal.in \
// RUN:   | %python %rasp_src_root/test/Utils/compare-json-lines.py --numerical %S/Inputs/length_numerical.causal.expected
// Craft evaluator (float32) on the synthesised weights: the same vectors.
// RUN: rasp-run --mode=craft %s < %S/Inputs/length_numerical.in \
// RUN:   | %python %rasp_src_root/test/Utils/compare-json-lines.py --rtol 1e-4 --atol 1e-6 --numerical %S/Inputs/length_numerical.expected
// RUN: rasp-run --mode=craft --causal %s < %S/Inputs/length_numerical.causal.in \
// RUN:   | %python %rasp_src_root/test/Utils/compare-json-lines.py --rtol 1e-4 --atol 1e-6 --numerical %S/Inputs/length_numerical.causal.expected
// Compiled (JIT), this graph is checked against the craft evaluator, plain
// and causal, in unittests/Conversion/CraftToLinalg; the .rasp form runs
// compiled on these vectors in test/Examples.

!str = !rasp.sop<categorical, !rasp.str>
!num_int = !rasp.sop<numerical, i64>

rasp.program @length_numerical attributes {vocab = ["a", "b", "c", "d"], max_seq_len = 5 : i64} {
  %tokens = rasp.tokens : !str
  %all_true_selector = rasp.select %tokens, %tokens, true : !str, !str
  %length = rasp.selector_width %all_true_selector : !num_int
  rasp.output %length : !num_int
}
