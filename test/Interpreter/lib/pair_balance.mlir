// Tracr lib.make_pair_balance(tokens, "(", ")"): frac_prevs of "(" minus
// frac_prevs of ")".
// RUN: rasp-run --interpret %s < %S/Inputs/pair_balance.in \
// RUN:   | %python %rasp_src_root/test/Utils/compare-json-lines.py --numerical %S/Inputs/pair_balance.expected
// Causal: Tracr's CausalEvaluator on the same inputs.
// RUN: rasp-run --interpret --causal %s < %S/Inputs/pair_balance.causal.in \
// RUN:   | %python %rasp_src_root/test/Utils/compare-json-lines.py --numerical %S/Inputs/pair_balance.causal.expected
// Craft evaluator (float32) on the synthesised weights: the same vectors.
// RUN: rasp-run --mode=craft %s < %S/Inputs/pair_balance.in \
// RUN:   | %python %rasp_src_root/test/Utils/compare-json-lines.py --rtol 1e-4 --atol 1e-6 --numerical %S/Inputs/pair_balance.expected
// RUN: rasp-run --mode=craft --causal %s < %S/Inputs/pair_balance.causal.in \
// RUN:   | %python %rasp_src_root/test/Utils/compare-json-lines.py --rtol 1e-4 --atol 1e-6 --numerical %S/Inputs/pair_balance.causal.expected
// Compiled (JIT), this graph is checked against the craft evaluator, plain
// and causal, in unittests/Conversion/CraftToLinalg; the .rasp form runs
// compiled on these vectors in test/Examples.

!str = !rasp.sop<categorical, !rasp.str>
!int = !rasp.sop<categorical, i64>
!num_bool = !rasp.sop<numerical, i1>
!num_float = !rasp.sop<numerical, f64>

rasp.program @pair_balance attributes {vocab = ["a", "b", "c", "(", ")"], max_seq_len = 10 : i64} {
  %indices = rasp.indices : !int
  %tokens = rasp.tokens : !str
  %prevs_open = rasp.select %indices, %indices, leq : !int, !int
  %bools_open = rasp.map %tokens : !str -> !num_bool {
  ^bb0(%x: !rasp.str):
    %open = rasp.constant("(") : !rasp.str
    %eq = rasp.binary eq %x, %open : !rasp.str, !rasp.str -> i1
    rasp.yield %eq : i1
  }
  %opens = rasp.aggregate %prevs_open, %bools_open default(0) : !num_bool -> !num_float
  %prevs_close = rasp.select %indices, %indices, leq : !int, !int
  %bools_close = rasp.map %tokens : !str -> !num_bool {
  ^bb0(%x: !rasp.str):
    %close = rasp.constant(")") : !rasp.str
    %eq = rasp.binary eq %x, %close : !rasp.str, !rasp.str -> i1
    rasp.yield %eq : i1
  }
  %closes = rasp.aggregate %prevs_close, %bools_close default(0) : !num_bool -> !num_float
  %pair_balance = rasp.linear_sequence_map %opens, %closes coefficients (1.0, -1.0)
      : !num_float, !num_float -> !num_float
  rasp.output %pair_balance : !num_float
}
