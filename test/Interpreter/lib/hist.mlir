// Tracr lib.make_hist(): how often each position's token occurs.
// RUN: rasp-run --interpret %s < %S/Inputs/hist.in \
// RUN:   | %python %rasp_src_root/test/Utils/compare-json-lines.py %S/Inputs/hist.expected
// Causal: Tracr's CausalEvaluator on the same inputs.
// RUN: rasp-run --interpret --causal %s < %S/Inputs/hist.causal.in \
// RUN:   | %python %rasp_src_root/test/Utils/compare-json-lines.py %S/Inputs/hist.causal.expected
// Craft evaluator (float32) on the synthesised weights: the same vectors.
// RUN: rasp-run --mode=craft %s < %S/Inputs/hist.in \
// RUN:   | %python %rasp_src_root/test/Utils/compare-json-lines.py --rtol 1e-4 --atol 1e-6 %S/Inputs/hist.expected
// RUN: rasp-run --mode=craft --causal %s < %S/Inputs/hist.causal.in \
// RUN:   | %python %rasp_src_root/test/Utils/compare-json-lines.py --rtol 1e-4 --atol 1e-6 %S/Inputs/hist.causal.expected
// Compiled (JIT), this graph is checked against the craft evaluator, plain
// and causal, in unittests/Conversion/CraftToLinalg; the .rasp form runs
// compiled on these vectors in test/Examples.

!str = !rasp.sop<categorical, !rasp.str>
!int = !rasp.sop<categorical, i64>

rasp.program @hist attributes {vocab = ["a", "b", "c", "d"], max_seq_len = 5 : i64} {
  %tokens = rasp.tokens : !str
  %same_tok = rasp.select %tokens, %tokens, eq : !str, !str
  %hist = rasp.selector_width %same_tok : !int
  rasp.output %hist : !int
}
