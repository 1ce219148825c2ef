// RUN: rasp-opt %s --infer-bases --validate | FileCheck %s

// Value sets of Tracr library programs compared with Tracr's basis inference
// (tracr/compiler/basis_inference.py; its sets are the residual labels of
// the compiled models). Categorical sets are equal; numerical aggregates are
// a correct superset: Tracr lists only 0, 1 and 1/n.

// make_sort(tokens, tokens, max_seq_len=5, min_key=1), vocab {1,2,3,4}.
// Tracr: keys {1.0, 1.2, ..., 4.8}, target_pos {0..5}, sort {1,2,3,4}.
// CHECK-LABEL: rasp.program @sort
// CHECK: rasp.sequence_map {{.*}} {values = array<f64: 1.000000e+00, 1.200000e+00, 1.400000e+00, 1.600000e+00, 1.800000e+00, 2.000000e+00, 2.200000e+00, 2.400000e+00, 2.600000e+00, 2.800000e+00, 3.000000e+00, 3.200000e+00, 3.400000e+00, 3.600000e+00, 3.800000e+00, 4.000000e+00, 4.200000e+00, 4.400000e+00, 4.600000e+00, 4.800000e+00>}
// CHECK: rasp.selector_width {{.*}} {values = [0, 1, 2, 3, 4, 5]}
// CHECK: rasp.aggregate {{.*}} {values = [1, 2, 3, 4]}
rasp.program @sort attributes {vocab = [1, 2, 3, 4], max_seq_len = 5} {
  %t = rasp.tokens : !rasp.sop<categorical, i64>
  %i = rasp.indices : !rasp.sop<categorical, i64>
  %keys = rasp.sequence_map %t, %i : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64> -> !rasp.sop<categorical, f64> {
  ^bb0(%x: i64, %j: i64):
    %c1 = arith.constant 1 : i64
    %c5 = arith.constant 5 : i64
    %mj = arith.muli %c1, %j : i64
    %q = rasp.binary truediv %mj, %c5 : i64, i64 -> f64
    %xf = arith.sitofp %x : i64 to f64
    %k = arith.addf %xf, %q : f64
    rasp.yield %k : f64
  }
  %smaller = rasp.select %keys, %keys, lt : !rasp.sop<categorical, f64>, !rasp.sop<categorical, f64>
  %target = rasp.selector_width %smaller : !rasp.sop<categorical, i64>
  %sel = rasp.select %target, %i, eq : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64>
  %sort = rasp.aggregate %sel, %t : !rasp.sop<categorical, i64> -> !rasp.sop<categorical, i64>
  rasp.output %sort : !rasp.sop<categorical, i64>
}

// make_shuffle_dyck(["()"]), vocab {(, )}, max_seq_len 5, as Tracr builds it.
// Tracr: opens/closes/has_neg {0, 1, 1/2, 1/3, 1/4, 1/5}; ours add e.g. 2/3,
// which frac_prevs reaches on "(()" at position 2. balance = opens - closes
// grows accordingly. Categorical SOps: equal to Tracr's.
// CHECK-LABEL: rasp.program @shuffle_dyck1
// CHECK: %[[OPENS:.*]] = rasp.aggregate {{.*}} default(0 : i64) {values = array<f64: 0.000000e+00, 2.000000e-01, 2.500000e-01, 0.33333333333333331, 4.000000e-01, 5.000000e-01, 6.000000e-01, 0.66666666666666663, 7.500000e-01, 8.000000e-01, 1.000000e+00>}
// CHECK: rasp.linear_sequence_map %[[OPENS]], {{.*}} {values = array<f64: -1.000000e+00, {{.*}}, -0.66666666666666663, {{.*}}, 0.000000e+00, {{.*}}, 0.66666666666666663, {{.*}}, 1.000000e+00>}
// CHECK: rasp.map {{.*}} {values = [false, true]}
// CHECK: %[[HASNEG:.*]] = rasp.aggregate {{.*}} default(0 : i64) {values = array<f64: 0.000000e+00, 2.000000e-01, 2.500000e-01, 0.33333333333333331, 4.000000e-01, 5.000000e-01, 6.000000e-01, 0.66666666666666663, 7.500000e-01, 8.000000e-01, 1.000000e+00>}
// CHECK: rasp.map {{.*}} {values = [false, true]}
// CHECK: rasp.sequence_map {{.*}} {values = [-1, 0, 1, 2, 3, 4]}
// CHECK: rasp.aggregate {{.*}} {values = [false, true]}
// CHECK: rasp.map %[[HASNEG]] {values = [false, true]}
// CHECK: rasp.sequence_map {{.*}} {values = [false, true]}
rasp.program @shuffle_dyck1 attributes {vocab = ["(", ")"], max_seq_len = 5} {
  %t = rasp.tokens : !rasp.sop<categorical, !rasp.str>
  %i = rasp.indices : !rasp.sop<categorical, i64>
  %isOpen = rasp.map %t : !rasp.sop<categorical, !rasp.str> -> !rasp.sop<numerical, i1> {
  ^bb0(%x: !rasp.str):
    %c = rasp.constant("(") : !rasp.str
    %eq = rasp.binary eq %x, %c : !rasp.str, !rasp.str -> i1
    rasp.yield %eq : i1
  }
  %isClose = rasp.map %t : !rasp.sop<categorical, !rasp.str> -> !rasp.sop<numerical, i1> {
  ^bb0(%x: !rasp.str):
    %c = rasp.constant(")") : !rasp.str
    %eq = rasp.binary eq %x, %c : !rasp.str, !rasp.str -> i1
    rasp.yield %eq : i1
  }
  %prevs = rasp.select %i, %i, leq : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64>
  %opens = rasp.aggregate %prevs, %isOpen default(0) : !rasp.sop<numerical, i1> -> !rasp.sop<numerical, f64>
  %closes = rasp.aggregate %prevs, %isClose default(0) : !rasp.sop<numerical, i1> -> !rasp.sop<numerical, f64>
  %balance = rasp.linear_sequence_map %opens, %closes coefficients (1.0, -1.0) : !rasp.sop<numerical, f64>, !rasp.sop<numerical, f64> -> !rasp.sop<numerical, f64>
  %anyNeg = rasp.map %balance : !rasp.sop<numerical, f64> -> !rasp.sop<numerical, i1> {
  ^bb0(%x: f64):
    %c0 = arith.constant 0.0 : f64
    %lt = arith.cmpf olt, %x, %c0 : f64
    rasp.yield %lt : i1
  }
  %all = rasp.select %i, %i, true : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64>
  %hasNeg = rasp.aggregate %all, %anyNeg default(0) : !rasp.sop<numerical, i1> -> !rasp.sop<numerical, f64>
  %allZero = rasp.map %balance : !rasp.sop<numerical, f64> -> !rasp.sop<categorical, i1> {
  ^bb0(%x: f64):
    %c0 = arith.constant 0.0 : f64
    %eq = arith.cmpf oeq, %x, %c0 : f64
    rasp.yield %eq : i1
  }
  %allTrue = rasp.select %t, %t, true : !rasp.sop<categorical, !rasp.str>, !rasp.sop<categorical, !rasp.str>
  %length = rasp.selector_width %allTrue : !rasp.sop<categorical, i64>
  %last = rasp.sequence_map %length, %length : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64> -> !rasp.sop<categorical, i64> {
  ^bb0(%l: i64, %m: i64):
    %c1 = arith.constant 1 : i64
    %r = arith.subi %l, %c1 : i64
    rasp.yield %r : i64
  }
  %selLast = rasp.select %i, %last, eq : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64>
  %lastZero = rasp.aggregate %selLast, %allZero : !rasp.sop<categorical, i1> -> !rasp.sop<categorical, i1>
  %notHasNeg = rasp.map %hasNeg : !rasp.sop<numerical, f64> -> !rasp.sop<categorical, i1> {
  ^bb0(%x: f64):
    %n = rasp.unary not %x : f64 -> i1
    rasp.yield %n : i1
  }
  %dyck = rasp.sequence_map %lastZero, %notHasNeg : !rasp.sop<categorical, i1>, !rasp.sop<categorical, i1> -> !rasp.sop<categorical, i1> {
  ^bb0(%a: i1, %b: i1):
    %r = arith.andi %a, %b : i1
    rasp.yield %r : i1
  }
  rasp.output %dyck : !rasp.sop<categorical, i1>
}

// make_nary_sequencemap(lambda x, y, z: x * y / z, indices, indices, tokens),
// vocab {1,2,3}, max_seq_len 3. Tracr pairs the two `indices` arguments as
// independent tuple components and lists 2/3 = 1 * 2 / 3 as well; here both
// factors are one SOp, so the set is exact and 2/3 is not in it.
// CHECK-LABEL: rasp.program @nary_sequencemap_2
// CHECK: rasp.sequence_map {{.*}} {values = array<f64: 0.000000e+00, 0.33333333333333331, 5.000000e-01, 1.000000e+00, 1.3333333333333333, 2.000000e+00, 4.000000e+00>}
rasp.program @nary_sequencemap_2 attributes {vocab = [1, 2, 3], max_seq_len = 3} {
  %t = rasp.tokens : !rasp.sop<categorical, i64>
  %i = rasp.indices : !rasp.sop<categorical, i64>
  %r = rasp.sequence_map %i, %t : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64> -> !rasp.sop<categorical, f64> {
  ^bb0(%x: i64, %z: i64):
    %xx = arith.muli %x, %x : i64
    %q = rasp.binary truediv %xx, %z : i64, i64 -> f64
    rasp.yield %q : f64
  }
  rasp.output %r : !rasp.sop<categorical, f64>
}
