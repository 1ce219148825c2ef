// Tracr lib.make_length(): the sequence length at every position.
// RUN: rasp-run --interpret %s < %S/Inputs/length.in \
// RUN:   | %python %rasp_src_root/test/Utils/compare-json-lines.py %S/Inputs/length.expected
// Causal: Tracr's CausalEvaluator on the same inputs.
// RUN: rasp-run --interpret --causal %s < %S/Inputs/length.causal.in \
// RUN:   | %python %rasp_src_root/test/Utils/compare-json-lines.py %S/Inputs/length.causal.expected
// Craft evaluator (float32) on the synthesised weights: the same vectors.
// RUN: rasp-run --mode=craft %s < %S/Inputs/length.in \
// RUN:   | %python %rasp_src_root/test/Utils/compare-json-lines.py --rtol 1e-4 --atol 1e-6 %S/Inputs/length.expected
// RUN: rasp-run --mode=craft --causal %s < %S/Inputs/length.causal.in \
// RUN:   | %python %rasp_src_root/test/Utils/compare-json-lines.py --rtol 1e-4 --atol 1e-6 %S/Inputs/length.causal.expected
// Compiled (JIT), this graph is checked against the craft evaluator, plain
// and causal, in unittests/Conversion/CraftToLinalg; the .rasp form runs
// compiled on these vectors in test/Examples.

!str = !rasp.sop<categorical, !rasp.str>
!int = !rasp.sop<categorical, i64>

rasp.program @length attributes {vocab = ["a", "b", "c", "d"], max_seq_len = 5 : i64} {
  %tokens = rasp.tokens : !str
  %all_true_selector = rasp.select %tokens, %tokens, true : !str, !str
  %length = rasp.selector_width %all_true_selector : !int
  rasp.output %length : !int
}
