// Tracr lib.make_shuffle_dyck(pairs=["()"]): true everywhere iff the
// parentheses are balanced (no prefix closes more than it opened, and the
// last position is balanced).
// RUN: rasp-run --interpret %s < %S/Inputs/shuffle_dyck1.in \
// RUN:   | %python %rasp_src_root/test/Utils/compare-json-lines.py %S/Inputs/shuffle_dyck1.expected
// Causal: Tracr's CausalEvaluator on the same inputs.
// RUN: rasp-run --interpret --causal %s < %S/Inputs/shuffle_dyck1.causal.in \
// RUN:   | %python %rasp_src_root/test/Utils/compare-json-lines.py %S/Inputs/shuffle_dyck1.causal.expected
// Craft evaluator (float32) on the synthesised weights: the same vectors.
// RUN: rasp-run --mode=craft %s < %S/Inputs/shuffle_dyck1.in \
// RUN:   | %python %rasp_src_root/test/Utils/compare-json-lines.py --rtol 1e-4 --atol 1e-6 %S/Inputs/shuffle_dyck1.expected
// RUN: rasp-run --mode=craft --causal %s < %S/Inputs/shuffle_dyck1.causal.in \
// RUN:   | %python %rasp_src_root/test/Utils/compare-json-lines.py --rtol 1e-4 --atol 1e-6 %S/Inputs/shuffle_dyck1.causal.expected
// Compiled (JIT), this graph is checked against the craft evaluator, plain
// and causal, in unittests/Conversion/CraftToLinalg; the .rasp form runs
// compiled on these vectors in test/Examples.

!str = !rasp.sop<categorical, !rasp.str>
!int = !rasp.sop<categorical, i64>
!bool = !rasp.sop<categorical, i1>
!num_bool = !rasp.sop<numerical, i1>
!num_float = !rasp.sop<numerical, f64>

rasp.program @shuffle_dyck1 attributes {vocab = ["(", ")"], max_seq_len = 5 : i64} {
  %indices = rasp.indices : !int
  %tokens = rasp.tokens : !str
  %all_true_selector = rasp.select %tokens, %tokens, true : !str, !str
  %length = rasp.selector_width %all_true_selector : !int
  %last_index = rasp.map %length : !int -> !int {
  ^bb0(%x: i64):
    %one = arith.constant 1 : i64
    %d = arith.subi %x, %one : i64
    rasp.yield %d : i64
  }
  %select_last = rasp.select %indices, %last_index, eq : !int, !int

  // balance_() = pair_balance(tokens, "(", ")")
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
  %balance = rasp.linear_sequence_map %opens, %closes coefficients (1.0, -1.0)
      : !num_float, !num_float -> !num_float

  %all_zero = rasp.map %balance : !num_float -> !bool {
  ^bb0(%x: f64):
    %zero = arith.constant 0.0 : f64
    %eq = arith.cmpf oeq, %x, %zero : f64
    rasp.yield %eq : i1
  }
  %last_zero = rasp.aggregate %select_last, %all_zero : !bool -> !bool

  // Tracr fuses Map(lambda x: x, Map(lambda x: x < 0, balance)) into one map.
  %any_negative = rasp.map %balance : !num_float -> !num_bool {
  ^bb0(%x: f64):
    %zero = arith.constant 0.0 : f64
    %lt = arith.cmpf olt, %x, %zero : f64
    rasp.yield %lt : i1
  }
  %select_all = rasp.select %indices, %indices, true : !int, !int
  %has_neg = rasp.aggregate %select_all, %any_negative default(0) : !num_bool -> !num_float
  %not_has_neg = rasp.map %has_neg : !num_float -> !bool {
  ^bb0(%x: f64):
    %not = rasp.unary not %x : f64 -> i1
    rasp.yield %not : i1
  }
  %shuffle_dyck = rasp.sequence_map %last_zero, %not_has_neg : !bool, !bool -> !bool {
  ^bb0(%x: i1, %y: i1):
    %and = arith.andi %x, %y : i1
    rasp.yield %and : i1
  }
  rasp.output %shuffle_dyck : !bool
}
