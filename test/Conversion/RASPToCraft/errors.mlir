// RUN: rasp-opt %s --split-input-file --verify-diagnostics --lower-to-craft="max-table-entries=1000"
// RUN: rasp-opt %s --split-input-file --verify-diagnostics --lower-to-craft="max-table-entries=1000 fuse-mlps=false"

rasp.program @missing_values attributes {vocab = [1, 2], max_seq_len = 2 : i64} {
  %t = rasp.tokens {values = [1, 2]} : !rasp.sop<categorical, i64>
  // expected-error @below {{'rasp.map' op has no 'values' attribute; run --infer-bases before --lower-to-craft}}
  %m = rasp.map %t : !rasp.sop<categorical, i64> -> !rasp.sop<categorical, i64> {
  ^bb0(%x: i64):
    rasp.yield %x : i64
  }
  rasp.output %m : !rasp.sop<categorical, i64>
}

// -----

rasp.program @not_in_value_set attributes {vocab = [1, 2], max_seq_len = 2 : i64} {
  %t = rasp.tokens {values = [1, 2]} : !rasp.sop<categorical, i64>
  // expected-error @below {{'rasp.map' op cannot be lowered to craft: the function yields 3 for input 2, which is not in the output value set}}
  %m = rasp.map %t {values = [2]} : !rasp.sop<categorical, i64> -> !rasp.sop<categorical, i64> {
  ^bb0(%x: i64):
    %c1 = arith.constant 1 : i64
    %y = arith.addi %x, %c1 : i64
    rasp.yield %y : i64
  }
  rasp.output %m : !rasp.sop<categorical, i64>
}

// -----

rasp.program @evaluation_error attributes {vocab = [0, 1], max_seq_len = 2 : i64} {
  %t = rasp.tokens {values = [0, 1]} : !rasp.sop<categorical, i64>
  // expected-error @below {{'rasp.map' op cannot be lowered to craft: ZeroDivisionError: float division by zero (evaluating on 0)}}
  %m = rasp.map %t {values = [1.0]} : !rasp.sop<categorical, i64> -> !rasp.sop<categorical, f64> {
  ^bb0(%x: i64):
    %one = arith.constant 1.0 : f64
    %xf = arith.sitofp %x : i64 to f64
    %y = arith.divf %one, %xf : f64
    rasp.yield %y : f64
  }
  rasp.output %m : !rasp.sop<categorical, f64>
}

// -----

rasp.program @mixed_encodings attributes {vocab = [1, 2], max_seq_len = 2 : i64} {
  %t = rasp.tokens {values = [1, 2]} : !rasp.sop<categorical, i64>
  %n = rasp.map %t {values = [1, 2]} : !rasp.sop<categorical, i64> -> !rasp.sop<numerical, i64> {
  ^bb0(%x: i64):
    rasp.yield %x : i64
  }
  %s = rasp.select %t, %t, eq : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64>
  // expected-error @below {{'rasp.aggregate' op cannot be lowered to craft: a categorical aggregate of a numerical SOp}}
  %a = rasp.aggregate %s, %n {values = [1, 2]} : !rasp.sop<numerical, i64> -> !rasp.sop<categorical, i64>
  rasp.output %a : !rasp.sop<categorical, i64>
}

// -----

rasp.program @numerical_default attributes {vocab = [1, 2], max_seq_len = 2 : i64} {
  %t = rasp.tokens {values = [1, 2]} : !rasp.sop<categorical, i64>
  %n = rasp.map %t {values = [1, 2]} : !rasp.sop<categorical, i64> -> !rasp.sop<numerical, i64> {
  ^bb0(%x: i64):
    rasp.yield %x : i64
  }
  %s = rasp.select %t, %t, eq : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64>
  // expected-error @below {{'rasp.aggregate' op cannot be lowered to craft: the default of a numerical aggregate must be 0, got 1}}
  %a = rasp.aggregate %s, %n default(1) {values = [1.0, 2.0]} : !rasp.sop<numerical, i64> -> !rasp.sop<numerical, f64>
  rasp.output %a : !rasp.sop<numerical, f64>
}

// -----

rasp.program @categorical_default attributes {vocab = [1, 2], max_seq_len = 2 : i64} {
  %t = rasp.tokens {values = [1, 2]} : !rasp.sop<categorical, i64>
  %s = rasp.select %t, %t, eq : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64>
  // expected-error @below {{'rasp.aggregate' op cannot be lowered to craft: the default of a categorical aggregate must be None, got 1}}
  %a = rasp.aggregate %s, %t default(1) {values = [1, 2]} : !rasp.sop<categorical, i64> -> !rasp.sop<categorical, i64>
  rasp.output %a : !rasp.sop<categorical, i64>
}

// -----

rasp.program @comparison_type_error attributes {vocab = ["a"], max_seq_len = 2 : i64} {
  %t = rasp.tokens {values = ["a"]} : !rasp.sop<categorical, !rasp.str>
  %i = rasp.indices {values = [0, 1]} : !rasp.sop<categorical, i64>
  // expected-error @below {{'rasp.select' op cannot be lowered to craft: TypeError: '<' not supported between instances of 'int' and 'str' (evaluating on key 0 and query 'a')}}
  %s = rasp.select %i, %t, lt : !rasp.sop<categorical, i64>, !rasp.sop<categorical, !rasp.str>
  %w = rasp.selector_width %s {values = [0, 1, 2]} : !rasp.sop<categorical, i64>
  rasp.output %w : !rasp.sop<categorical, i64>
}

// -----

rasp.program @selector_too_large attributes {vocab = [0, 1, 2, 3, 4, 5], max_seq_len = 6 : i64} {
  %t = rasp.tokens {values = [0, 1, 2, 3, 4, 5]} : !rasp.sop<categorical, i64>
  %i = rasp.indices {values = [0, 1, 2, 3, 4, 5]} : !rasp.sop<categorical, i64>
  %a = rasp.select %t, %t, eq : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64>
  %b = rasp.select %i, %i, lt : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64>
  %or = rasp.selector_or %a, %b
  // expected-error @below {{'rasp.selector_width' op cannot be lowered to craft: a factor of this selector needs a table over 36 query tuples and 36 key tuples, more than the limit of 1000 entries}}
  %w = rasp.selector_width %or {values = [0, 1, 2, 3, 4, 5, 6]} : !rasp.sop<categorical, i64>
  rasp.output %w : !rasp.sop<categorical, i64>
}

// -----

rasp.program @bad_width_values attributes {vocab = [1], max_seq_len = 2 : i64} {
  %t = rasp.tokens {values = [1]} : !rasp.sop<categorical, i64>
  %s = rasp.select %t, %t, eq : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64>
  // expected-error @below {{'rasp.selector_width' op cannot be lowered to craft: selector width value -1 is negative}}
  %w = rasp.selector_width %s {values = [-1, 0, 1]} : !rasp.sop<categorical, i64>
  rasp.output %w : !rasp.sop<categorical, i64>
}

// -----

rasp.program @numerical_tokens attributes {vocab = [1], max_seq_len = 2 : i64} {
  // expected-error @below {{'rasp.tokens' op cannot be lowered to craft: tokens must be categorical}}
  %t = rasp.tokens {values = [1]} : !rasp.sop<numerical, i64>
  rasp.output %t : !rasp.sop<numerical, i64>
}

// -----

// expected-error @below {{'rasp.program' op cannot be lowered to craft: no vocabulary (a 'vocab' attribute or 'values' on rasp.tokens)}}
rasp.program @no_vocab attributes {max_seq_len = 2 : i64} {
  %i = rasp.indices {values = [0, 1]} : !rasp.sop<categorical, i64>
  rasp.output %i : !rasp.sop<categorical, i64>
}

// -----

// expected-error @below {{'rasp.program' op cannot be lowered to craft: no max_seq_len (a 'max_seq_len' attribute or 'values' on rasp.indices)}}
rasp.program @no_length attributes {vocab = [1]} {
  %t = rasp.tokens : !rasp.sop<categorical, i64>
  rasp.output %t : !rasp.sop<categorical, i64>
}

// -----

rasp.program @too_close attributes {vocab = [1, 2], max_seq_len = 2 : i64} {
  %t = rasp.tokens {values = [1, 2]} : !rasp.sop<categorical, i64>
  %n = rasp.map %t {values = [1, 2]} : !rasp.sop<categorical, i64> -> !rasp.sop<numerical, i64> {
  ^bb0(%x: i64):
    rasp.yield %x : i64
  }
  %s = rasp.select %t, %t, eq : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64>
  %a = rasp.aggregate %s, %n default(0) {values = [0.1, 0.10000000000000002]} : !rasp.sop<numerical, i64> -> !rasp.sop<numerical, f64>
  // expected-error @below {{'rasp.map' op cannot be lowered to craft: the values 0.1 and 0.10000000000000002 must map to different outputs but are too close to be told apart in float32}}
  %m = rasp.map %a {values = [false, true]} : !rasp.sop<numerical, f64> -> !rasp.sop<categorical, i1> {
  ^bb0(%x: f64):
    %c = arith.constant 0.1 : f64
    %gt = arith.cmpf ogt, %x, %c : f64
    rasp.yield %gt : i1
  }
  rasp.output %m : !rasp.sop<categorical, i1>
}
