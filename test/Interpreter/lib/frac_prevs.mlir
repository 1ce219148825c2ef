// Tracr lib.make_frac_prevs(tokens == "("): the fraction of positions up to
// and including this one that hold "(".
// RUN: rasp-run --interpret %s < %S/Inputs/frac_prevs.in \
// RUN:   | %python %rasp_src_root/test/Utils/compare-json-lines.py --numerical %S/Inputs/frac_prevs.expected
// Causal: Tracr's CausalEvaluator on the same inputs.
// RUN: rasp-run --interpret --causal %s < %S/Inputs/frac_prevs.causal.in \
// RUN:   | %python %rasp_src_root/test/Utils/compare-json-lines.py --numerical %S/Inputs/frac_prevs.causal.expected
// Craft evaluator (float32) on the synthesised weights: the same vectors.
// RUN: rasp-run --mode=craft %s < %S/Inputs/frac_prevs.in \
// RUN:   | %python %rasp_src_root/test/Utils/compare-json-lines.py --rtol 1e-4 --atol 1e-6 --numerical %S/Inputs/frac_prevs.expected
// RUN: rasp-run --mode=craft --causal %s < %S/Inputs/frac_prevs.causal.in \
// RUN:   | %python %rasp_src_root/test/Utils/compare-json-lines.py --rtol 1e-4 --atol 1e-6 --numerical %S/Inputs/frac_prevs.causal.expected
// Compiled (JIT), this graph is checked against the craft evaluator, plain
// and causal, in unittests/Conversion/CraftToLinalg; the .rasp form runs
// compiled on these vectors in test/Examples.

!str = !rasp.sop<categorical, !rasp.str>
!int = !rasp.sop<categorical, i64>
!num_bool = !rasp.sop<numerical, i1>
!num_float = !rasp.sop<numerical, f64>

rasp.program @frac_prevs attributes {vocab = ["a", "b", "c", "(", ")"], max_seq_len = 10 : i64} {
  %indices = rasp.indices : !int
  %prevs = rasp.select %indices, %indices, leq : !int, !int
  %tokens = rasp.tokens : !str
  %bools = rasp.map %tokens : !str -> !num_bool {
  ^bb0(%x: !rasp.str):
    %open = rasp.constant("(") : !rasp.str
    %eq = rasp.binary eq %x, %open : !rasp.str, !rasp.str -> i1
    rasp.yield %eq : i1
  }
  %frac_prevs = rasp.aggregate %prevs, %bools default(0) : !num_bool -> !num_float
  rasp.output %frac_prevs : !num_float
}
