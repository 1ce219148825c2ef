// RUN: rasp-opt %s --infer-bases | FileCheck %s
// RUN: rasp-opt %s --infer-bases | rasp-opt --infer-bases | FileCheck %s

// Every value-set rule of basis inference (docs/BasisInference.md), one
// program per rule. Sets are sorted; value types are preserved exactly.

// CHECK-LABEL: rasp.program @primitives
// CHECK-SAME: max_seq_len = 3 : i64, vocab = ["b", "a", "c"]
// CHECK: rasp.tokens {values = ["a", "b", "c"]}
// CHECK: rasp.indices {values = [0, 1, 2]}
// CHECK: rasp.selector_width %{{.*}} {values = [0, 1, 2, 3]}
// CHECK: rasp.full(7 : i64) {values = [7]}
// CHECK: rasp.full("z") {values = ["z"]}
// CHECK: rasp.full(unit) {values = []}
rasp.program @primitives attributes {vocab = ["b", "a", "c"], max_seq_len = 3} {
  %t = rasp.tokens : !rasp.sop<categorical, !rasp.str>
  %i = rasp.indices : !rasp.sop<categorical, i64>
  %all = rasp.select %t, %t, true : !rasp.sop<categorical, !rasp.str>, !rasp.sop<categorical, !rasp.str>
  %w = rasp.selector_width %all : !rasp.sop<categorical, i64>
  %f = rasp.full(7) : !rasp.sop<categorical, i64>
  %s = rasp.full("z") : !rasp.sop<categorical, !rasp.str>
  %n = rasp.full(unit) : !rasp.sop<categorical, !rasp.none>
  rasp.output %w : !rasp.sop<categorical, i64>
}

// Tokens take the tokens' value type: ints widen to floats.
// CHECK-LABEL: rasp.program @float_tokens
// CHECK: rasp.tokens {values = array<f64: 1.000000e+00, 2.500000e+00>}
rasp.program @float_tokens attributes {vocab = [1, 2.5], max_seq_len = 1} {
  %t = rasp.tokens : !rasp.sop<categorical, f64>
  rasp.output %t : !rasp.sop<categorical, f64>
}

// Maps evaluate their body on every input value. A None result is dropped:
// None is the absence of a value, not a member of the set.
// CHECK-LABEL: rasp.program @maps
// CHECK: %[[T:.*]] = rasp.tokens {values = [1, 2, 3]}
// CHECK: rasp.map %[[T]] {values = [2, 3, 4]}
// CHECK: rasp.map %[[T]] {values = [false, true]}
// CHECK: rasp.map %[[T]] {values = array<f64: 5.000000e-01, 1.000000e+00, 1.500000e+00>}
// CHECK: rasp.map %[[T]] {values = [1, "b"]}
rasp.program @maps attributes {vocab = [1, 2, 3], max_seq_len = 4} {
  %t = rasp.tokens : !rasp.sop<categorical, i64>
  %inc = rasp.map %t : !rasp.sop<categorical, i64> -> !rasp.sop<categorical, i64> {
  ^bb0(%x: i64):
    %c1 = arith.constant 1 : i64
    %y = arith.addi %x, %c1 : i64
    rasp.yield %y : i64
  }
  %lt = rasp.map %t : !rasp.sop<categorical, i64> -> !rasp.sop<categorical, i1> {
  ^bb0(%x: i64):
    %c2 = arith.constant 2 : i64
    %y = arith.cmpi slt, %x, %c2 : i64
    rasp.yield %y : i1
  }
  %half = rasp.map %t : !rasp.sop<categorical, i64> -> !rasp.sop<categorical, f64> {
  ^bb0(%x: i64):
    %c2 = arith.constant 2 : i64
    %y = rasp.binary truediv %x, %c2 : i64, i64 -> f64
    rasp.yield %y : f64
  }
  // 1 -> 1, 2 -> "b", 3 -> None.
  %mixed = rasp.map %t : !rasp.sop<categorical, i64> -> !rasp.sop<categorical, !rasp.any> {
  ^bb0(%x: i64):
    %c1 = arith.constant 1 : i64
    %c2 = arith.constant 2 : i64
    %is1 = arith.cmpi eq, %x, %c1 : i64
    %r = scf.if %is1 -> (!rasp.any) {
      %b = rasp.box %x : i64
      scf.yield %b : !rasp.any
    } else {
      %is2 = arith.cmpi eq, %x, %c2 : i64
      %s = scf.if %is2 -> (!rasp.any) {
        %str = rasp.constant("b") : !rasp.any
        scf.yield %str : !rasp.any
      } else {
        %none = rasp.constant(unit) : !rasp.any
        scf.yield %none : !rasp.any
      }
      scf.yield %s : !rasp.any
    }
    rasp.yield %r : !rasp.any
  }
  rasp.output %inc : !rasp.sop<categorical, i64>
}

// Sequence maps evaluate their body on every pair: reverse's opp_index.
// CHECK-LABEL: rasp.program @sequence_map
// CHECK: %[[LEN:.*]] = rasp.selector_width %{{.*}} {values = [0, 1, 2, 3]}
// CHECK: rasp.sequence_map %[[LEN]], %{{.*}} {values = [-3, -2, -1, 0, 1, 2]}
rasp.program @sequence_map attributes {vocab = ["a"], max_seq_len = 3} {
  %t = rasp.tokens : !rasp.sop<categorical, !rasp.str>
  %i = rasp.indices : !rasp.sop<categorical, i64>
  %all = rasp.select %t, %t, true : !rasp.sop<categorical, !rasp.str>, !rasp.sop<categorical, !rasp.str>
  %len = rasp.selector_width %all : !rasp.sop<categorical, i64>
  %opp = rasp.sequence_map %len, %i : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64> -> !rasp.sop<categorical, i64> {
  ^bb0(%l: i64, %x: i64):
    %d = arith.subi %l, %x : i64
    %c1 = arith.constant 1 : i64
    %r = arith.subi %d, %c1 : i64
    rasp.yield %r : i64
  }
  rasp.output %opp : !rasp.sop<categorical, i64>
}

// Linear sequence maps: {a*x + b*y}, as floats.
// CHECK-LABEL: rasp.program @linear
// CHECK: rasp.linear_sequence_map {{.*}} {values = array<f64: -2.000000e+00, 0.000000e+00, 2.000000e+00, 4.000000e+00>}
rasp.program @linear attributes {vocab = [0, 1, 2], max_seq_len = 2} {
  %t = rasp.tokens : !rasp.sop<numerical, i64>
  %i = rasp.indices : !rasp.sop<numerical, i64>
  %d = rasp.linear_sequence_map %t, %i coefficients (2.0, -2.0) : !rasp.sop<numerical, i64>, !rasp.sop<numerical, i64> -> !rasp.sop<numerical, f64>
  rasp.output %d : !rasp.sop<numerical, f64>
}

// A categorical aggregate holds the input's values; a non-None default is
// added only where the selector may select nothing (not for `true`).
// CHECK-LABEL: rasp.program @categorical_aggregate
// CHECK: rasp.aggregate %{{.*}} {values = ["a", "b"]}
// CHECK: rasp.aggregate %{{.*}} default("z") {values = ["a", "b", "z"]}
// CHECK: rasp.aggregate %{{.*}} default("z") {values = ["a", "b"]}
rasp.program @categorical_aggregate attributes {vocab = ["a", "b"], max_seq_len = 3} {
  %t = rasp.tokens : !rasp.sop<categorical, !rasp.str>
  %i = rasp.indices : !rasp.sop<categorical, i64>
  %prev = rasp.select_where %i, %i : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64> {
  ^bb0(%k: i64, %q: i64):
    %c1 = arith.constant 1 : i64
    %k1 = arith.addi %k, %c1 : i64
    %eq = arith.cmpi eq, %q, %k1 : i64
    rasp.yield %eq : i1
  }
  %all = rasp.select %i, %i, true : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64>
  %shifted = rasp.aggregate %prev, %t : !rasp.sop<categorical, !rasp.str> -> !rasp.sop<categorical, !rasp.str>
  %padded = rasp.aggregate %prev, %t default("z") : !rasp.sop<categorical, !rasp.str> -> !rasp.sop<categorical, !rasp.str>
  %never = rasp.aggregate %all, %t default("z") : !rasp.sop<categorical, !rasp.str> -> !rasp.sop<categorical, !rasp.str>
  rasp.output %shifted : !rasp.sop<categorical, !rasp.str>
}

// frac_prevs at max_seq_len 4: every k/n with 0 <= k <= n <= 4, so 2/3 and
// 3/4 are there (Tracr lists only 0, 1 and 1/n). `leq` on one SOp always
// selects the query itself, so the default adds nothing.
// CHECK-LABEL: rasp.program @frac_prevs
// CHECK: %[[B:.*]] = rasp.map %{{.*}} {values = [false, true]}
// CHECK: rasp.aggregate %{{.*}}, %[[B]] default(0 : i64)
// CHECK-SAME: {values = array<f64: 0.000000e+00, 2.500000e-01, 0.33333333333333331, 5.000000e-01, 0.66666666666666663, 7.500000e-01, 1.000000e+00>}
rasp.program @frac_prevs attributes {vocab = ["(", ")", "a"], max_seq_len = 4} {
  %t = rasp.tokens : !rasp.sop<categorical, !rasp.str>
  %i = rasp.indices : !rasp.sop<categorical, i64>
  %bools = rasp.map %t : !rasp.sop<categorical, !rasp.str> -> !rasp.sop<numerical, i1> {
  ^bb0(%x: !rasp.str):
    %open = rasp.constant("(") : !rasp.str
    %eq = rasp.binary eq %x, %open : !rasp.str, !rasp.str -> i1
    rasp.yield %eq : i1
  }
  %prevs = rasp.select %i, %i, leq : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64>
  %frac = rasp.aggregate %prevs, %bools default(0) : !rasp.sop<numerical, i1> -> !rasp.sop<numerical, f64>
  rasp.output %frac : !rasp.sop<numerical, f64>
}

// Numerical aggregates of general values: every mean of 1..N values.
// Means of {1, 3} over up to 3 values: 1, 3, 2, 5/3, 7/3; the default 0 is
// added where the selector (`lt`) may select nothing.
// CHECK-LABEL: rasp.program @numerical_means
// CHECK: rasp.aggregate {{.*}} default(0 : i64) {values = array<f64: 0.000000e+00, 1.000000e+00, 1.6666666666666667, 2.000000e+00, 2.3333333333333335, 3.000000e+00>}
// Floats: the means exactly as the interpreter computes them in doubles,
// e.g. (0.1 + 0.1 + 0.1) / 3 = 0.10000000000000002 (the same set as Python's
// left-to-right `sum(xs) / len(xs)`). `true` always selects, so no default.
// CHECK: rasp.aggregate {{.*}} default(0 : i64) {values = array<f64: 1.000000e-01, 0.10000000000000002, 0.13333333333333333, 0.15000000000000002, 0.16666666666666666, 2.000000e-01, 0.20000000000000004>}
rasp.program @numerical_means attributes {vocab = [1, 3], max_seq_len = 3} {
  %t = rasp.tokens : !rasp.sop<numerical, i64>
  %i = rasp.indices : !rasp.sop<categorical, i64>
  %before = rasp.select %i, %i, lt : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64>
  %all = rasp.select %i, %i, true : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64>
  %m = rasp.aggregate %before, %t default(0) : !rasp.sop<numerical, i64> -> !rasp.sop<numerical, f64>
  %f = rasp.map %t : !rasp.sop<numerical, i64> -> !rasp.sop<numerical, f64> {
  ^bb0(%x: i64):
    %c1 = arith.constant 1 : i64
    %tenth = arith.constant 0.1 : f64
    %fifth = arith.constant 0.2 : f64
    %is1 = arith.cmpi eq, %x, %c1 : i64
    %r = arith.select %is1, %tenth, %fifth : f64
    rasp.yield %r : f64
  }
  %fm = rasp.aggregate %all, %f default(0) : !rasp.sop<numerical, f64> -> !rasp.sop<numerical, f64>
  rasp.output %m : !rasp.sop<numerical, f64>
}

// Two numerical aggregates over one selector select equally many keys at
// every position: their linear combination only combines means of equally
// many values (halves with halves, thirds with thirds), never 1/2 - 1/3.
// CHECK-LABEL: rasp.program @shared_selector_means
// (1/3 - 1 and 0 - 2/3 round apart, as in the interpreter.)
// CHECK: rasp.linear_sequence_map {{.*}} {values = array<f64: -1.000000e+00, -0.66666666666666674, -0.66666666666666663, -5.000000e-01, -0.33333333333333337, -0.33333333333333331, 0.000000e+00, 0.33333333333333331, 0.33333333333333337, 5.000000e-01, 0.66666666666666663, 0.66666666666666674, 1.000000e+00>}
rasp.program @shared_selector_means attributes {vocab = [0, 1], max_seq_len = 3} {
  %t = rasp.tokens : !rasp.sop<numerical, i64>
  %i = rasp.indices : !rasp.sop<categorical, i64>
  %prevs = rasp.select %i, %i, leq : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64>
  %a = rasp.aggregate %prevs, %t default(0 : i64) : !rasp.sop<numerical, i64> -> !rasp.sop<numerical, f64>
  %b = rasp.aggregate %prevs, %t default(0 : i64) : !rasp.sop<numerical, i64> -> !rasp.sop<numerical, f64>
  %d = rasp.linear_sequence_map %a, %b coefficients (1.0, -1.0) : !rasp.sop<numerical, f64>, !rasp.sop<numerical, f64> -> !rasp.sop<numerical, f64>
  rasp.output %d : !rasp.sop<numerical, f64>
}

// Where the selector may select nothing both aggregates hold their defaults
// together: 3 - 0 = 3 joins the set, 3 - 1/2 does not. Over two selectors
// the counts are independent: 1/2 - 1/3 = 1/6 is a value.
// CHECK-LABEL: rasp.program @shared_selector_defaults
// CHECK: rasp.linear_sequence_map {{.*}} {values = array<f64: -1.000000e+00, {{.*}}, 1.000000e+00, 3.000000e+00>}
// CHECK: rasp.linear_sequence_map {{.*}} {values = array<f64: {{.*}}, -0.33333333333333331, -0.16666666666666669, {{.*}}>}
rasp.program @shared_selector_defaults attributes {vocab = [0, 1], max_seq_len = 3} {
  %t = rasp.tokens : !rasp.sop<numerical, i64>
  %i = rasp.indices : !rasp.sop<categorical, i64>
  %before = rasp.select %i, %i, lt : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64>
  %a = rasp.aggregate %before, %t default(3 : i64) : !rasp.sop<numerical, i64> -> !rasp.sop<numerical, f64>
  %b = rasp.aggregate %before, %t default(0 : i64) : !rasp.sop<numerical, i64> -> !rasp.sop<numerical, f64>
  %d = rasp.linear_sequence_map %a, %b coefficients (1.0, -1.0) : !rasp.sop<numerical, f64>, !rasp.sop<numerical, f64> -> !rasp.sop<numerical, f64>
  %prevs = rasp.select %i, %i, leq : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64>
  %c = rasp.aggregate %prevs, %t default(0 : i64) : !rasp.sop<numerical, i64> -> !rasp.sop<numerical, f64>
  %e = rasp.linear_sequence_map %c, %b coefficients (1.0, -1.0) : !rasp.sop<numerical, f64>, !rasp.sop<numerical, f64> -> !rasp.sop<numerical, f64>
  %s = rasp.linear_sequence_map %d, %e coefficients (1.0, 1.0) : !rasp.sop<numerical, f64>, !rasp.sop<numerical, f64> -> !rasp.sop<numerical, f64>
  rasp.output %s : !rasp.sop<numerical, f64>
}
