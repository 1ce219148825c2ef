// Tracr lib.shift_by(1, tokens): position i holds token i - 1; position 0
// selects nothing and is None.
// RUN: rasp-run --interpret %s < %S/Inputs/shift_by_1.in \
// RUN:   | %python %rasp_src_root/test/Utils/compare-json-lines.py %S/Inputs/shift_by_1.expected
// Causal: Tracr's CausalEvaluator on the same inputs.
// RUN: rasp-run --interpret --causal %s < %S/Inputs/shift_by_1.causal.in \
// RUN:   | %python %rasp_src_root/test/Utils/compare-json-lines.py %S/Inputs/shift_by_1.causal.expected
// Craft evaluator (float32) on the synthesised weights: the same vectors.
// RUN: rasp-run --mode=craft %s < %S/Inputs/shift_by_1.in \
// RUN:   | %python %rasp_src_root/test/Utils/compare-json-lines.py --rtol 1e-4 --atol 1e-6 %S/Inputs/shift_by_1.expected
// RUN: rasp-run --mode=craft --causal %s < %S/Inputs/shift_by_1.causal.in \
// RUN:   | %python %rasp_src_root/test/Utils/compare-json-lines.py --rtol 1e-4 --atol 1e-6 %S/Inputs/shift_by_1.causal.expected
// Compiled (JIT), this graph is checked against the craft evaluator, plain
// and causal, in unittests/Conversion/CraftToLinalg; the .rasp form runs
// compiled on these vectors in test/Examples.

!str = !rasp.sop<categorical, !rasp.str>
!int = !rasp.sop<categorical, i64>

rasp.program @shift_by_1 attributes {vocab = ["a", "b", "c", "d"], max_seq_len = 5 : i64} {
  %indices = rasp.indices : !int
  %select_off_by_offset = rasp.select_where %indices, %indices : !int, !int {
  ^bb0(%k: i64, %q: i64):
    %offset = arith.constant 1 : i64
    %shifted = arith.addi %k, %offset : i64
    %eq = arith.cmpi eq, %q, %shifted : i64
    rasp.yield %eq : i1
  }
  %tokens = rasp.tokens : !str
  %shift_by = rasp.aggregate %select_off_by_offset, %tokens : !str -> !str
  rasp.output %shift_by : !str
}
