// Tracr lib.detect_pattern(tokens, "ab"): true where "ab" ends. The first
// position has no predecessor: shift_by gives None and so does the result.
// RUN: rasp-run --interpret %s < %S/Inputs/detect_pattern_ab.in \
// RUN:   | %python %rasp_src_root/test/Utils/compare-json-lines.py %S/Inputs/detect_pattern_ab.expected
// Causal: Tracr's CausalEvaluator on the same inputs.
// RUN: rasp-run --interpret --causal %s < %S/Inputs/detect_pattern_ab.causal.in \
// RUN:   | %python %rasp_src_root/test/Utils/compare-json-lines.py %S/Inputs/detect_pattern_ab.causal.expected
// Craft evaluator (float32) on the synthesised weights: the same vectors.
// RUN: rasp-run --mode=craft %s < %S/Inputs/detect_pattern_ab.in \
// RUN:   | %python %rasp_src_root/test/Utils/compare-json-lines.py --rtol 1e-4 --atol 1e-6 %S/Inputs/detect_pattern_ab.expected
// RUN: rasp-run --mode=craft --causal %s < %S/Inputs/detect_pattern_ab.causal.in \
// RUN:   | %python %rasp_src_root/test/Utils/compare-json-lines.py --rtol 1e-4 --atol 1e-6 %S/Inputs/detect_pattern_ab.causal.expected
// Compiled (JIT), this graph is checked against the craft evaluator, plain
// and causal, in unittests/Conversion/CraftToLinalg; the .rasp form runs
// compiled on these vectors in test/Examples.

!str = !rasp.sop<categorical, !rasp.str>
!int = !rasp.sop<categorical, i64>
!bool = !rasp.sop<categorical, i1>

rasp.program @detect_pattern_ab attributes {vocab = ["a", "b"], max_seq_len = 5 : i64} {
  %indices = rasp.indices : !int
  %select_off_by_1 = rasp.select_where %indices, %indices : !int, !int {
  ^bb0(%k: i64, %q: i64):
    %offset = arith.constant 1 : i64
    %shifted = arith.addi %k, %offset : i64
    %eq = arith.cmpi eq, %q, %shifted : i64
    rasp.yield %eq : i1
  }
  %tokens = rasp.tokens : !str
  %is_a = rasp.map %tokens : !str -> !bool {
  ^bb0(%x: !rasp.str):
    %a = rasp.constant("a") : !rasp.str
    %eq = rasp.binary eq %x, %a : !rasp.str, !rasp.str -> i1
    rasp.yield %eq : i1
  }
  %shift_by_1 = rasp.aggregate %select_off_by_1, %is_a : !bool -> !bool
  %is_b = rasp.map %tokens : !str -> !bool {
  ^bb0(%x: !rasp.str):
    %b = rasp.constant("b") : !rasp.str
    %eq = rasp.binary eq %x, %b : !rasp.str, !rasp.str -> i1
    rasp.yield %eq : i1
  }
  %detect_pattern = rasp.sequence_map %shift_by_1, %is_b : !bool, !bool -> !bool {
  ^bb0(%x: i1, %y: i1):
    %and = arith.andi %x, %y : i1
    rasp.yield %and : i1
  }
  rasp.output %detect_pattern : !bool
}
