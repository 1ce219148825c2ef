// Tracr lib.make_shuffle_dyck(pairs=["()", "{}"]): shuffle_dyck1 over two
// bracket pairs; any_negative and all_zero combine the per-pair balances.
// RUN: rasp-run --interpret %s < %S/Inputs/shuffle_dyck2.in \
// RUN:   | %python %rasp_src_root/test/Utils/compare-json-lines.py %S/Inputs/shuffle_dyck2.expected
// Causal: Tracr's CausalEvaluator on the same inputs.
// RUN: rasp-run --interpret --causal %s < %S/Inputs/shuffle_dyck2.causal.in \
// RUN:   | %python %rasp_src_root/test/Utils/compare-json-lines.py %S/Inputs/shuffle_dyck2.causal.expected
// Every input up to a length (the recorded vectors are nearly all false).
// RUN: rasp-run --interpret %s < %S/Inputs/shuffle_dyck2.extra.in \
// RUN:   | %python %rasp_src_root/test/Utils/compare-json-lines.py %S/Inputs/shuffle_dyck2.extra.expected
// Craft evaluator (float32) on the synthesised weights: the same vectors.
// RUN: rasp-run --mode=craft %s < %S/Inputs/shuffle_dyck2.in \
// RUN:   | %python %rasp_src_root/test/Utils/compare-json-lines.py --rtol 1e-4 --atol 1e-6 %S/Inputs/shuffle_dyck2.expected
// RUN: rasp-run --mode=craft --causal %s < %S/Inputs/shuffle_dyck2.causal.in \
// RUN:   | %python %rasp_src_root/test/Utils/compare-json-lines.py --rtol 1e-4 --atol 1e-6 %S/Inputs/shuffle_dyck2.causal.expected
// RUN: rasp-run --mode=craft %s < %S/Inputs/shuffle_dyck2.extra.in \
// RUN:   | %python %rasp_src_root/test/Utils/compare-json-lines.py --rtol 1e-4 --atol 1e-6 %S/Inputs/shuffle_dyck2.extra.expected
// Compiled (JIT), this graph is checked against the craft evaluator, plain
// and causal, in unittests/Conversion/CraftToLinalg; the .rasp form runs
// compiled on these vectors in test/Examples.

!str = !rasp.sop<categorical, !rasp.str>
!int = !rasp.sop<categorical, i64>
!bool = !rasp.sop<categorical, i1>
!num_bool = !rasp.sop<numerical, i1>
!num_float = !rasp.sop<numerical, f64>

rasp.program @shuffle_dyck2 attributes {vocab = ["(", ")", "{", "}"], max_seq_len = 5 : i64} {
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
  %prevs_open_1 = rasp.select %indices, %indices, leq : !int, !int
  %bools_open_1 = rasp.map %tokens : !str -> !num_bool {
  ^bb0(%x: !rasp.str):
    %open = rasp.constant("(") : !rasp.str
    %eq = rasp.binary eq %x, %open : !rasp.str, !rasp.str -> i1
    rasp.yield %eq : i1
  }
  %opens_1 = rasp.aggregate %prevs_open_1, %bools_open_1 default(0) : !num_bool -> !num_float
  %prevs_close_1 = rasp.select %indices, %indices, leq : !int, !int
  %bools_close_1 = rasp.map %tokens : !str -> !num_bool {
  ^bb0(%x: !rasp.str):
    %close = rasp.constant(")") : !rasp.str
    %eq = rasp.binary eq %x, %close : !rasp.str, !rasp.str -> i1
    rasp.yield %eq : i1
  }
  %closes_1 = rasp.aggregate %prevs_close_1, %bools_close_1 default(0) : !num_bool -> !num_float
  %balance_1 = rasp.linear_sequence_map %opens_1, %closes_1 coefficients (1.0, -1.0)
      : !num_float, !num_float -> !num_float

  // balance_{} = pair_balance(tokens, "{", "}")
  %prevs_open_2 = rasp.select %indices, %indices, leq : !int, !int
  %bools_open_2 = rasp.map %tokens : !str -> !num_bool {
  ^bb0(%x: !rasp.str):
    %open = rasp.constant("{") : !rasp.str
    %eq = rasp.binary eq %x, %open : !rasp.str, !rasp.str -> i1
    rasp.yield %eq : i1
  }
  %opens_2 = rasp.aggregate %prevs_open_2, %bools_open_2 default(0) : !num_bool -> !num_float
  %prevs_close_2 = rasp.select %indices, %indices, leq : !int, !int
  %bools_close_2 = rasp.map %tokens : !str -> !num_bool {
  ^bb0(%x: !rasp.str):
    %close = rasp.constant("}") : !rasp.str
    %eq = rasp.binary eq %x, %close : !rasp.str, !rasp.str -> i1
    rasp.yield %eq : i1
  }
  %closes_2 = rasp.aggregate %prevs_close_2, %bools_close_2 default(0) : !num_bool -> !num_float
  %balance_2 = rasp.linear_sequence_map %opens_2, %closes_2 coefficients (1.0, -1.0)
      : !num_float, !num_float -> !num_float

  // all_zero = (balance_() == 0) and (balance_{} == 0)
  %zero_1 = rasp.map %balance_1 : !num_float -> !bool {
  ^bb0(%x: f64):
    %zero = arith.constant 0.0 : f64
    %eq = arith.cmpf oeq, %x, %zero : f64
    rasp.yield %eq : i1
  }
  %zero_2 = rasp.map %balance_2 : !num_float -> !bool {
  ^bb0(%x: f64):
    %zero = arith.constant 0.0 : f64
    %eq = arith.cmpf oeq, %x, %zero : f64
    rasp.yield %eq : i1
  }
  %all_zero = rasp.sequence_map %zero_1, %zero_2 : !bool, !bool -> !bool {
  ^bb0(%x: i1, %y: i1):
    %and = arith.andi %x, %y : i1
    rasp.yield %and : i1
  }
  %last_zero = rasp.aggregate %select_last, %all_zero : !bool -> !bool

  // any_negative = numerical((balance_() < 0) or (balance_{} < 0))
  %select_all = rasp.select %indices, %indices, true : !int, !int
  %negative_1 = rasp.map %balance_1 : !num_float -> !bool {
  ^bb0(%x: f64):
    %zero = arith.constant 0.0 : f64
    %lt = arith.cmpf olt, %x, %zero : f64
    rasp.yield %lt : i1
  }
  %negative_2 = rasp.map %balance_2 : !num_float -> !bool {
  ^bb0(%x: f64):
    %zero = arith.constant 0.0 : f64
    %lt = arith.cmpf olt, %x, %zero : f64
    rasp.yield %lt : i1
  }
  %any_negative_cat = rasp.sequence_map %negative_1, %negative_2 : !bool, !bool -> !bool {
  ^bb0(%x: i1, %y: i1):
    %or = arith.ori %x, %y : i1
    rasp.yield %or : i1
  }
  %any_negative = rasp.map %any_negative_cat : !bool -> !num_bool {
  ^bb0(%x: i1):
    rasp.yield %x : i1
  }
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
