// Tracr lib.make_nary_sequencemap(lambda x, y, z: x + y - z, tokens, tokens,
// indices). Tracr packs the arguments into tuples with two SequenceMaps and
// unpacks them in a Map; RASP values have no tuples, so this folds the
// function into the two sequence_maps instead: (tokens + tokens) - indices.
// RUN: rasp-run --interpret %s < %S/Inputs/nary_sequencemap_1.in \
// RUN:   | %python %rasp_src_root/test/Utils/compare-json-lines.py %S/Inputs/nary_sequencemap_1.expected
// Causal: Tracr's CausalEvaluator on the same inputs.
// RUN: rasp-run --interpret --causal %s < %S/Inputs/nary_sequencemap_1.causal.in \
// RUN:   | %python %rasp_src_root/test/Utils/compare-json-lines.py %S/Inputs/nary_sequencemap_1.causal.expected
// Craft evaluator (float32) on the synthesised weights: the same vectors.
// RUN: rasp-run --mode=craft %s < %S/Inputs/nary_sequencemap_1.in \
// RUN:   | %python %rasp_src_root/test/Utils/compare-json-lines.py --rtol 1e-4 --atol 1e-6 %S/Inputs/nary_sequencemap_1.expected
// RUN: rasp-run --mode=craft --causal %s < %S/Inputs/nary_sequencemap_1.causal.in \
// RUN:   | %python %rasp_src_root/test/Utils/compare-json-lines.py --rtol 1e-4 --atol 1e-6 %S/Inputs/nary_sequencemap_1.causal.expected
// Compiled (JIT), this graph is checked against the craft evaluator, plain
// and causal, in unittests/Conversion/CraftToLinalg; the .rasp form runs
// compiled on these vectors in test/Examples.

!int = !rasp.sop<categorical, i64>

rasp.program @nary_sequencemap_1 attributes {vocab = [1, 2, 3], max_seq_len = 5 : i64} {
  %tokens = rasp.tokens : !int
  %x_plus_y = rasp.sequence_map %tokens, %tokens : !int, !int -> !int {
  ^bb0(%x: i64, %y: i64):
    %s = arith.addi %x, %y : i64
    rasp.yield %s : i64
  }
  %indices = rasp.indices : !int
  %result = rasp.sequence_map %x_plus_y, %indices : !int, !int -> !int {
  ^bb0(%s: i64, %z: i64):
    %d = arith.subi %s, %z : i64
    rasp.yield %d : i64
  }
  rasp.output %result : !int
}
