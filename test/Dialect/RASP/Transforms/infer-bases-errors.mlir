// RUN: rasp-opt %s -split-input-file -verify-diagnostics --infer-bases

// An element function failing on a value it can receive is a compile error
// naming the value, with a note at the failing body op.
rasp.program @map_division_by_zero attributes {vocab = [0, 1], max_seq_len = 2} {
  %t = rasp.tokens : !rasp.sop<categorical, i64>
  // expected-error @+1 {{'rasp.map' op cannot be evaluated on a value it can receive: ZeroDivisionError: integer division or modulo by zero (evaluating on 0)}}
  %m = rasp.map %t : !rasp.sop<categorical, i64> -> !rasp.sop<categorical, i64> {
  ^bb0(%x: i64):
    %c1 = arith.constant 1 : i64
    // expected-note @+1 {{evaluation failed here}}
    %y = arith.floordivsi %c1, %x : i64
    rasp.yield %y : i64
  }
  // Ops that depend on a failed op are skipped, not reported again.
  %n = rasp.map %m : !rasp.sop<categorical, i64> -> !rasp.sop<categorical, i64> {
  ^bb0(%x: i64):
    rasp.yield %x : i64
  }
  rasp.output %n : !rasp.sop<categorical, i64>
}

// -----

rasp.program @sequence_map_overflow attributes {vocab = [1, 9223372036854775807], max_seq_len = 2} {
  %t = rasp.tokens : !rasp.sop<categorical, i64>
  // expected-error @+1 {{'rasp.sequence_map' op cannot be evaluated on a value it can receive: OverflowError: result does not fit in a 64-bit int (evaluating on 1, 9223372036854775807)}}
  %s = rasp.sequence_map %t, %t : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64> -> !rasp.sop<categorical, i64> {
  ^bb0(%x: i64, %y: i64):
    // expected-note @+1 {{evaluation failed here}}
    %r = arith.addi %x, %y : i64
    rasp.yield %r : i64
  }
  rasp.output %s : !rasp.sop<categorical, i64>
}

// -----

rasp.program @select_where_failure attributes {vocab = ["a"], max_seq_len = 2} {
  %i = rasp.indices : !rasp.sop<categorical, i64>
  // expected-error @+1 {{'rasp.select_where' op cannot be evaluated on a value it can receive: ZeroDivisionError: integer modulo by zero (evaluating on 0, 0)}}
  %s = rasp.select_where %i, %i : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64> {
  ^bb0(%k: i64, %q: i64):
    // expected-note @+1 {{evaluation failed here}}
    %m = rasp.binary mod %k, %q : i64, i64 -> i64
    %c0 = arith.constant 0 : i64
    %eq = arith.cmpi eq, %m, %c0 : i64
    rasp.yield %eq : i1
  }
  %w = rasp.selector_width %s : !rasp.sop<categorical, i64>
  rasp.output %w : !rasp.sop<categorical, i64>
}

// -----

// A built-in ordering between a string and a number fails like Python's.
rasp.program @unorderable_select attributes {vocab = ["a", 1], max_seq_len = 2} {
  %t = rasp.tokens : !rasp.sop<categorical, !rasp.any>
  // expected-error @+1 {{'rasp.select' op cannot be evaluated on a value it can receive: TypeError: '<' not supported between instances of 'int' and 'str' (evaluating on 1, 'a')}}
  %s = rasp.select %t, %t, lt : !rasp.sop<categorical, !rasp.any>, !rasp.sop<categorical, !rasp.any>
  %w = rasp.selector_width %s : !rasp.sop<categorical, i64>
  rasp.output %w : !rasp.sop<categorical, i64>
}

// -----

rasp.program @vocab_type_mismatch attributes {vocab = [1, "b"], max_seq_len = 2} {
  // expected-error @+1 {{'rasp.tokens' op vocabulary item 'b' does not fit the tokens value type 'i64'}}
  %t = rasp.tokens : !rasp.sop<categorical, i64>
  rasp.output %t : !rasp.sop<categorical, i64>
}

// -----

// expected-error @+1 {{'rasp.program' op has no vocabulary: set the 'vocab' attribute or pass 'vocab' to --infer-bases}}
rasp.program @no_vocab attributes {max_seq_len = 2} {
  %t = rasp.tokens : !rasp.sop<categorical, i64>
  rasp.output %t : !rasp.sop<categorical, i64>
}

// -----

// expected-error @+1 {{'rasp.program' op has no maximum sequence length: set the 'max_seq_len' attribute or pass 'max-seq-len' to --infer-bases}}
rasp.program @no_max_seq_len attributes {vocab = [1]} {
  %t = rasp.tokens : !rasp.sop<categorical, i64>
  rasp.output %t : !rasp.sop<categorical, i64>
}

// -----

// Sums of up to max_seq_len values must fit a 64-bit int.
rasp.program @mean_overflow attributes {vocab = [1, 4611686018427387904], max_seq_len = 2} {
  %t = rasp.tokens : !rasp.sop<numerical, i64>
  %i = rasp.indices : !rasp.sop<categorical, i64>
  %all = rasp.select %i, %i, true : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64>
  // expected-error @+1 {{'rasp.aggregate' op value set cannot be computed: the sum of 2 selected values may overflow a 64-bit int}}
  %m = rasp.aggregate %all, %t default(0) : !rasp.sop<numerical, i64> -> !rasp.sop<numerical, f64>
  rasp.output %m : !rasp.sop<numerical, f64>
}

// -----

// NaN is unequal to itself: a value set cannot hold it. The message is the
// user's (what produces it), not the attribute verifier's.
rasp.program @nan attributes {vocab = [1, 2], max_seq_len = 2} {
  %t = rasp.tokens : !rasp.sop<categorical, i64>
  %inf = rasp.map %t : !rasp.sop<categorical, i64> -> !rasp.sop<categorical, f64> {
  ^bb0(%x: i64):
    %f = arith.sitofp %x : i64 to f64
    %c = arith.constant 1.0e308 : f64
    %y = arith.mulf %f, %c : f64
    %z = arith.mulf %y, %c : f64
    rasp.yield %z : f64
  }
  // expected-error @+1 {{'rasp.map' op can produce nan (e.g. from inf - inf or 0 * inf), which a compiled model cannot represent}}
  %nan = rasp.map %inf : !rasp.sop<categorical, f64> -> !rasp.sop<categorical, f64> {
  ^bb0(%x: f64):
    %y = arith.subf %x, %x : f64
    rasp.yield %y : f64
  }
  rasp.output %nan : !rasp.sop<categorical, f64>
}
