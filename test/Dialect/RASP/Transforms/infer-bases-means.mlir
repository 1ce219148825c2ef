// RUN: rasp-opt %s --infer-bases | %python %S/Inputs/check_means.py | FileCheck %s

// Numerical-aggregate value sets equal an independent Python brute force over
// every sequence of tokens, float rounding included.
// CHECK: OK: 4 value sets

rasp.program @floats attributes {vocab = [0.1, 0.2, 0.7], max_seq_len = 5} {
  %t = rasp.tokens : !rasp.sop<numerical, f64>
  %i = rasp.indices : !rasp.sop<categorical, i64>
  %all = rasp.select %i, %i, true : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64>
  %m = rasp.aggregate %all, %t default(0) : !rasp.sop<numerical, f64> -> !rasp.sop<numerical, f64>
  rasp.output %m : !rasp.sop<numerical, f64>
}

rasp.program @cancellation attributes {vocab = [0.1, 1.0e16, -1.0e16], max_seq_len = 4} {
  %t = rasp.tokens : !rasp.sop<numerical, f64>
  %i = rasp.indices : !rasp.sop<categorical, i64>
  %all = rasp.select %i, %i, true : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64>
  %m = rasp.aggregate %all, %t default(0) : !rasp.sop<numerical, f64> -> !rasp.sop<numerical, f64>
  rasp.output %m : !rasp.sop<numerical, f64>
}

rasp.program @ints attributes {vocab = [-3, 1, 8], max_seq_len = 5} {
  %t = rasp.tokens : !rasp.sop<numerical, i64>
  %i = rasp.indices : !rasp.sop<categorical, i64>
  %upto = rasp.select %i, %i, leq : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64>
  %m = rasp.aggregate %upto, %t default(0) : !rasp.sop<numerical, i64> -> !rasp.sop<numerical, f64>
  rasp.output %m : !rasp.sop<numerical, f64>
}

rasp.program @frac_prevs attributes {vocab = [0, 1], max_seq_len = 7} {
  %t = rasp.tokens : !rasp.sop<numerical, i64>
  %i = rasp.indices : !rasp.sop<categorical, i64>
  %upto = rasp.select %i, %i, leq : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64>
  %m = rasp.aggregate %upto, %t default(0) : !rasp.sop<numerical, i64> -> !rasp.sop<numerical, f64>
  rasp.output %m : !rasp.sop<numerical, f64>
}
