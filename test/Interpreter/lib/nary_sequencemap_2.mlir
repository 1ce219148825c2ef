// Tracr lib.make_nary_sequencemap(lambda x, y, z: x * y / z, indices,
// indices, tokens), folded into two sequence_maps as in nary_sequencemap_1:
// (indices * indices) / tokens, a categorical SOp of floats.
// RUN: rasp-run --interpret %s < %S/Inputs/nary_sequencemap_2.in \
// RUN:   | %python %rasp_src_root/test/Utils/compare-json-lines.py %S/Inputs/nary_sequencemap_2.expected
// Causal: Tracr's CausalEvaluator on the same inputs.
// RUN: rasp-run --interpret --causal %s < %S/Inputs/nary_sequencemap_2.causal.in \
// RUN:   | %python %rasp_src_root/test/Utils/compare-json-lines.py %S/Inputs/nary_sequencemap_2.causal.expected
// Craft evaluator (float32) on the synthesised weights: the same vectors.
// RUN: rasp-run --mode=craft %s < %S/Inputs/nary_sequencemap_2.in \
// RUN:   | %python %rasp_src_root/test/Utils/compare-json-lines.py --rtol 1e-4 --atol 1e-6 %S/Inputs/nary_sequencemap_2.expected
// RUN: rasp-run --mode=craft --causal %s < %S/Inputs/nary_sequencemap_2.causal.in \
// RUN:   | %python %rasp_src_root/test/Utils/compare-json-lines.py --rtol 1e-4 --atol 1e-6 %S/Inputs/nary_sequencemap_2.causal.expected
// Compiled (JIT), this graph is checked against the craft evaluator, plain
// and causal, in unittests/Conversion/CraftToLinalg; the .rasp form runs
// compiled on these vectors in test/Examples.

!int = !rasp.sop<categorical, i64>
!float = !rasp.sop<categorical, f64>

rasp.program @nary_sequencemap_2 attributes {vocab = [1, 2, 3], max_seq_len = 3 : i64} {
  %indices = rasp.indices : !int
  %x_times_y = rasp.sequence_map %indices, %indices : !int, !int -> !int {
  ^bb0(%x: i64, %y: i64):
    %p = arith.muli %x, %y : i64
    rasp.yield %p : i64
  }
  %tokens = rasp.tokens : !int
  %result = rasp.sequence_map %x_times_y, %tokens : !int, !int -> !float {
  ^bb0(%p: i64, %z: i64):
    %q = rasp.binary truediv %p, %z : i64, i64 -> f64
    rasp.yield %q : f64
  }
  rasp.output %result : !float
}
