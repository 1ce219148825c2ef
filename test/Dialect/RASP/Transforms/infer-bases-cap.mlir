// RUN: rasp-opt %s -split-input-file -verify-diagnostics "--infer-bases=max-values=4"

// `max-values` caps every value set, so inference stops with a diagnostic
// instead of exploding.
rasp.program @tokens_over_cap attributes {vocab = [1, 2, 3, 4, 5], max_seq_len = 2} {
  // expected-error @+1 {{'rasp.tokens' op has more than 4 possible values; raise 'max-values' of --infer-bases to allow it}}
  %t = rasp.tokens : !rasp.sop<categorical, i64>
  // expected-note @+1 {{its value set is needed by this 'rasp.output'}}
  rasp.output %t : !rasp.sop<categorical, i64>
}

// -----

rasp.program @sequence_map_over_cap attributes {vocab = [1, 2, 3], max_seq_len = 2} {
  %t = rasp.tokens : !rasp.sop<categorical, i64>
  %i = rasp.indices : !rasp.sop<categorical, i64>
  // expected-error @+1 {{'rasp.sequence_map' op has more than 4 possible values; raise 'max-values' of --infer-bases to allow it}}
  %s = rasp.sequence_map %t, %i : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64> -> !rasp.sop<categorical, i64> {
  ^bb0(%x: i64, %y: i64):
    %c10 = arith.constant 10 : i64
    %z = arith.muli %y, %c10 : i64
    %r = arith.addi %x, %z : i64
    rasp.yield %r : i64
  }
  // expected-note @+1 {{its value set is needed by this 'rasp.output'}}
  rasp.output %s : !rasp.sop<categorical, i64>
}

// -----

// Means of {0, 1, 2} over up to 2 values: 0, 1, 2, 0.5, 1.5.
rasp.program @means_over_cap attributes {vocab = [0, 1, 2], max_seq_len = 2} {
  %t = rasp.tokens : !rasp.sop<numerical, i64>
  %i = rasp.indices : !rasp.sop<categorical, i64>
  %all = rasp.select %i, %i, true : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64>
  // expected-error @+1 {{'rasp.aggregate' op value set cannot be computed: more than 4 distinct means or sums (reached with 2 selected values); raise 'max-values' to allow it}}
  %m = rasp.aggregate %all, %t default(0) : !rasp.sop<numerical, i64> -> !rasp.sop<numerical, f64>
  // expected-note @+1 {{its value set is needed by this 'rasp.output'}}
  rasp.output %m : !rasp.sop<numerical, f64>
}

// -----

// The readers of a set that cannot be enumerated are named, once each.
rasp.program @readers_named attributes {vocab = [1, 2, 3, 4, 5], max_seq_len = 2} {
  // expected-error @+1 {{'rasp.tokens' op has more than 4 possible values}}
  %t = rasp.tokens : !rasp.sop<categorical, i64>
  // expected-note @+1 {{its value set is needed by this 'rasp.select'}}
  %s = rasp.select %t, %t, lt : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64>
  // expected-note @+1 {{its value set is needed by this 'rasp.aggregate'}}
  %a = rasp.aggregate %s, %t : !rasp.sop<categorical, i64> -> !rasp.sop<categorical, i64>
  rasp.output %a : !rasp.sop<categorical, i64>
}
