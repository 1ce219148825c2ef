// RUN: rasp-opt %s | FileCheck %s
// RUN: rasp-opt %s | rasp-opt | FileCheck %s
// RUN: rasp-opt %s --mlir-print-op-generic | rasp-opt | FileCheck %s

// Every op of the rasp dialect, printed and parsed back.

// CHECK-LABEL: rasp.program @reverse
// CHECK-SAME: attributes {bos = "bos", causal, max_seq_len = 5 : i64, vocab = ["a", "b", "c", "d"]}
rasp.program @reverse attributes {vocab = ["a", "b", "c", "d"], max_seq_len = 5, bos = "bos", causal} {
  // CHECK: %[[T:.*]] = rasp.tokens : !rasp.sop<categorical, !rasp.str>
  %tokens = rasp.tokens : !rasp.sop<categorical, !rasp.str>
  // CHECK: %[[I:.*]] = rasp.indices {values = [0, 1, 2, 3, 4]} : !rasp.sop<categorical, i64>
  %indices = rasp.indices {values = [0, 1, 2, 3, 4]} : !rasp.sop<categorical, i64>
  // CHECK: %[[ALL:.*]] = rasp.select %[[T]], %[[T]], true : !rasp.sop<categorical, !rasp.str>, !rasp.sop<categorical, !rasp.str>
  %all = rasp.select %tokens, %tokens, true : !rasp.sop<categorical, !rasp.str>, !rasp.sop<categorical, !rasp.str>
  // CHECK: %[[LEN:.*]] = rasp.selector_width %[[ALL]] : !rasp.sop<categorical, i64>
  %length = rasp.selector_width %all : !rasp.sop<categorical, i64>
  // CHECK: %[[OPP:.*]] = rasp.sequence_map %[[LEN]], %[[I]] : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64> -> !rasp.sop<categorical, i64> {
  // CHECK: ^bb0(%[[L:.*]]: i64, %[[J:.*]]: i64):
  // CHECK:   %[[D:.*]] = arith.subi %[[L]], %[[J]] : i64
  // CHECK:   rasp.yield %{{.*}} : i64
  %opp = rasp.sequence_map %length, %indices : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64> -> !rasp.sop<categorical, i64> {
  ^bb0(%l: i64, %i: i64):
    %d = arith.subi %l, %i : i64
    %c1 = arith.constant 1 : i64
    %r = arith.subi %d, %c1 : i64
    rasp.yield %r : i64
  }
  // CHECK: %[[FLIP:.*]] = rasp.select %[[I]], %[[OPP]], eq
  %flip = rasp.select %indices, %opp, eq : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64>
  // CHECK: %[[REV:.*]] = rasp.aggregate %[[FLIP]], %[[T]] : !rasp.sop<categorical, !rasp.str> -> !rasp.sop<categorical, !rasp.str>
  %reverse = rasp.aggregate %flip, %tokens : !rasp.sop<categorical, !rasp.str> -> !rasp.sop<categorical, !rasp.str>
  // CHECK: rasp.output %[[REV]] : !rasp.sop<categorical, !rasp.str>
  rasp.output %reverse : !rasp.sop<categorical, !rasp.str>
}

// CHECK-LABEL: rasp.program @numerical
rasp.program @numerical {
  %tokens = rasp.tokens : !rasp.sop<categorical, !rasp.str>
  %indices = rasp.indices : !rasp.sop<categorical, i64>
  // CHECK: %[[B:.*]] = rasp.map %{{.*}} : !rasp.sop<categorical, !rasp.str> -> !rasp.sop<numerical, i1> {
  // CHECK:   %[[P:.*]] = rasp.constant("(") : !rasp.str
  // CHECK:   rasp.binary eq %{{.*}}, %[[P]] : !rasp.str, !rasp.str -> i1
  %bools = rasp.map %tokens : !rasp.sop<categorical, !rasp.str> -> !rasp.sop<numerical, i1> {
  ^bb0(%t: !rasp.str):
    %p = rasp.constant("(") : !rasp.str
    %eq = rasp.binary eq %t, %p : !rasp.str, !rasp.str -> i1
    rasp.yield %eq : i1
  }
  // CHECK: %[[PREVS:.*]] = rasp.select %{{.*}}, %{{.*}}, leq
  %prevs = rasp.select %indices, %indices, leq : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64>
  // CHECK: %[[F:.*]] = rasp.aggregate %[[PREVS]], %[[B]] default(0 : i64) {values = [0.000000e+00, 5.000000e-01, 1.000000e+00]} : !rasp.sop<numerical, i1> -> !rasp.sop<numerical, f64>
  %frac = rasp.aggregate %prevs, %bools default(0) {values = [0.0, 0.5, 1.0]} : !rasp.sop<numerical, i1> -> !rasp.sop<numerical, f64>
  // CHECK: rasp.linear_sequence_map %[[F]], %[[F]] coefficients(1.000000e+00, -2.000000e+00) : !rasp.sop<numerical, f64>, !rasp.sop<numerical, f64> -> !rasp.sop<numerical, f64>
  %lin = rasp.linear_sequence_map %frac, %frac coefficients (1.0, -2.0) : !rasp.sop<numerical, f64>, !rasp.sop<numerical, f64> -> !rasp.sop<numerical, f64>
  rasp.output %lin : !rasp.sop<numerical, f64>
}

// CHECK-LABEL: rasp.program @selectors
rasp.program @selectors {
  %indices = rasp.indices : !rasp.sop<categorical, i64>
  // CHECK: %[[C:.*]] = rasp.full(3 : i64) : !rasp.sop<categorical, i64>
  %c = rasp.full(3) : !rasp.sop<categorical, i64>
  // CHECK: %[[SHIFT:.*]] = rasp.select_where %{{.*}}, %{{.*}} : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64> {
  // CHECK: ^bb0(%[[K:.*]]: i64, %[[Q:.*]]: i64):
  // CHECK:   arith.cmpi eq
  // CHECK:   rasp.yield %{{.*}} : i1
  %shift = rasp.select_where %indices, %indices : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64> {
  ^bb0(%k: i64, %q: i64):
    %one = arith.constant 1 : i64
    %k1 = arith.addi %k, %one : i64
    %eq = arith.cmpi eq, %q, %k1 : i64
    rasp.yield %eq : i1
  }
  %lt = rasp.select %indices, %c, lt : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64>
  // CHECK: %[[AND:.*]] = rasp.selector_and %[[SHIFT]], %{{.*}}
  %and = rasp.selector_and %shift, %lt
  // CHECK: %[[OR:.*]] = rasp.selector_or %[[AND]], %{{.*}}
  %or = rasp.selector_or %and, %lt
  // CHECK: %[[NOT:.*]] = rasp.selector_not %[[OR]]
  %not = rasp.selector_not %or
  // CHECK: rasp.aggregate %[[NOT]], %{{.*}} default(unit) : !rasp.sop<categorical, i64> -> !rasp.sop<categorical, i64>
  %agg = rasp.aggregate %not, %indices default(unit) : !rasp.sop<categorical, i64> -> !rasp.sop<categorical, i64>
  rasp.output %agg : !rasp.sop<categorical, i64>
}

// Scalar ops of element functions: Python operators, helpers, boxing and lazy
// conditionals.
// CHECK-LABEL: rasp.program @scalars
rasp.program @scalars {
  %tokens = rasp.tokens : !rasp.sop<categorical, !rasp.any>
  // CHECK: rasp.map
  // CHECK: rasp.binary mod %{{.*}}, %{{.*}} : !rasp.any, i64 -> !rasp.any
  // CHECK: rasp.unary round %{{.*}} : f64 -> i64
  // CHECK: rasp.box %{{.*}} : i64
  // CHECK: rasp.unary bool %{{.*}} : !rasp.any -> i1
  // CHECK: scf.if
  // CHECK: rasp.constant(unit) : !rasp.none
  // CHECK: rasp.constant(2 : i64) : !rasp.any
  %m = rasp.map %tokens : !rasp.sop<categorical, !rasp.any> -> !rasp.sop<categorical, !rasp.any> {
  ^bb0(%x: !rasp.any):
    %two = arith.constant 2 : i64
    %r = rasp.binary mod %x, %two : !rasp.any, i64 -> !rasp.any
    %half = arith.constant 2.5 : f64
    %n = rasp.unary round %half : f64 -> i64
    %b = rasp.box %n : i64
    %c = rasp.unary bool %r : !rasp.any -> i1
    %v = scf.if %c -> (!rasp.any) {
      %none = rasp.constant(unit) : !rasp.none
      %bn = rasp.box %none : !rasp.none
      scf.yield %bn : !rasp.any
    } else {
      %k = rasp.constant(2) : !rasp.any
      scf.yield %k : !rasp.any
    }
    rasp.yield %v : !rasp.any
  }
  rasp.output %m : !rasp.sop<categorical, !rasp.any>
}

