// Tracr lib.make_sort_unique(vals=tokens, keys=tokens): each token moves to
// the number of smaller tokens (inputs have distinct tokens).
// RUN: rasp-run --interpret %s < %S/Inputs/sort_unique.in \
// RUN:   | %python %rasp_src_root/test/Utils/compare-json-lines.py %S/Inputs/sort_unique.expected
// Causal: Tracr's CausalEvaluator on the same inputs.
// RUN: rasp-run --interpret --causal %s < %S/Inputs/sort_unique.causal.in \
// RUN:   | %python %rasp_src_root/test/Utils/compare-json-lines.py %S/Inputs/sort_unique.causal.expected
// Craft evaluator (float32) on the synthesised weights: the same vectors.
// RUN: rasp-run --mode=craft %s < %S/Inputs/sort_unique.in \
// RUN:   | %python %rasp_src_root/test/Utils/compare-json-lines.py --rtol 1e-4 --atol 1e-6 %S/Inputs/sort_unique.expected
// RUN: rasp-run --mode=craft --causal %s < %S/Inputs/sort_unique.causal.in \
// RUN:   | %python %rasp_src_root/test/Utils/compare-json-lines.py --rtol 1e-4 --atol 1e-6 %S/Inputs/sort_unique.causal.expected
// Compiled (JIT), this graph is checked against the craft evaluator, plain
// and causal, in unittests/Conversion/CraftToLinalg; the .rasp form runs
// compiled on these vectors in test/Examples.

!int = !rasp.sop<categorical, i64>

rasp.program @sort_unique attributes {vocab = [1, 2, 3, 4], max_seq_len = 5 : i64} {
  %tokens = rasp.tokens : !int
  %smaller = rasp.select %tokens, %tokens, lt : !int, !int
  %target_pos = rasp.selector_width %smaller : !int
  %indices = rasp.indices : !int
  %sel_new = rasp.select %target_pos, %indices, eq : !int, !int
  %sort = rasp.aggregate %sel_new, %tokens : !int -> !int
  rasp.output %sort : !int
}
