// RUN: rasp-opt %s -split-input-file -verify-diagnostics --infer-bases --validate

// Errors: constructs the compiled model cannot compute (Tracr's
// validating.py rules), at the offending op, with the reason.

rasp.program @numerical_tokens attributes {vocab = [1, 2], max_seq_len = 2} {
  // expected-error @+1 {{'rasp.tokens' op must be categorical: every token value is embedded as its own direction}}
  %t = rasp.tokens : !rasp.sop<numerical, i64>
  rasp.output %t : !rasp.sop<numerical, i64>
}

// -----

rasp.program @numerical_indices attributes {vocab = [1, 2], max_seq_len = 2} {
  // expected-error @+1 {{'rasp.indices' op must be categorical: every position is embedded as its own direction}}
  %i = rasp.indices : !rasp.sop<numerical, i64>
  rasp.output %i : !rasp.sop<numerical, i64>
}

// -----

rasp.program @numerical_keys attributes {vocab = [1, 2], max_seq_len = 2} {
  %t = rasp.tokens : !rasp.sop<categorical, i64>
  // expected-note @+1 {{keys defined here}}
  %n = rasp.map %t : !rasp.sop<categorical, i64> -> !rasp.sop<numerical, i64> {
  ^bb0(%x: i64):
    rasp.yield %x : i64
  }
  // expected-error @+1 {{'rasp.select' op keys must be categorical: attention compares one direction per value, a numerical sop has only one}}
  %s = rasp.select %n, %t, eq : !rasp.sop<numerical, i64>, !rasp.sop<categorical, i64>
  %w = rasp.selector_width %s : !rasp.sop<categorical, i64>
  rasp.output %w : !rasp.sop<categorical, i64>
}

// -----

rasp.program @numerical_queries attributes {vocab = [1, 2], max_seq_len = 2} {
  %t = rasp.tokens : !rasp.sop<categorical, i64>
  // expected-note @+1 {{queries defined here}}
  %n = rasp.map %t : !rasp.sop<categorical, i64> -> !rasp.sop<numerical, i64> {
  ^bb0(%x: i64):
    rasp.yield %x : i64
  }
  // expected-error @+1 {{'rasp.select_where' op queries must be categorical: attention compares one direction per value, a numerical sop has only one}}
  %s = rasp.select_where %t, %n : !rasp.sop<categorical, i64>, !rasp.sop<numerical, i64> {
  ^bb0(%k: i64, %q: i64):
    %eq = arith.cmpi eq, %k, %q : i64
    rasp.yield %eq : i1
  }
  %w = rasp.selector_width %s : !rasp.sop<categorical, i64>
  rasp.output %w : !rasp.sop<categorical, i64>
}

// -----

rasp.program @categorical_aggregate_of_numerical attributes {vocab = [0, 1], max_seq_len = 2} {
  %t = rasp.tokens : !rasp.sop<categorical, i64>
  %i = rasp.indices : !rasp.sop<categorical, i64>
  %n = rasp.map %t : !rasp.sop<categorical, i64> -> !rasp.sop<numerical, i64> {
  ^bb0(%x: i64):
    rasp.yield %x : i64
  }
  %s = rasp.select %i, %i, eq : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64>
  // expected-error @+1 {{'rasp.aggregate' op categorical aggregate of a numerical sop: the output encoding must match the input's (convert the input with a map first)}}
  %a = rasp.aggregate %s, %n : !rasp.sop<numerical, i64> -> !rasp.sop<categorical, i64>
  rasp.output %a : !rasp.sop<categorical, i64>
}

// -----

rasp.program @numerical_aggregate_of_categorical attributes {vocab = [0, 1], max_seq_len = 2} {
  %t = rasp.tokens : !rasp.sop<categorical, i64>
  %i = rasp.indices : !rasp.sop<categorical, i64>
  %s = rasp.select %i, %i, leq : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64>
  // expected-error @+1 {{'rasp.aggregate' op numerical aggregate of a categorical sop: the output encoding must match the input's (convert the input with a map first)}}
  %a = rasp.aggregate %s, %t default(0) : !rasp.sop<categorical, i64> -> !rasp.sop<numerical, f64>
  rasp.output %a : !rasp.sop<numerical, f64>
}

// -----

rasp.program @categorical_default attributes {vocab = ["a", "b"], max_seq_len = 2} {
  %t = rasp.tokens : !rasp.sop<categorical, !rasp.str>
  %i = rasp.indices : !rasp.sop<categorical, i64>
  %s = rasp.select %i, %i, lt : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64>
  // expected-error @+1 {{'rasp.aggregate' op categorical aggregate only supports None as default, got 'z': positions selecting nothing read the zero vector}}
  %a = rasp.aggregate %s, %t default("z") : !rasp.sop<categorical, !rasp.str> -> !rasp.sop<categorical, !rasp.str>
  rasp.output %a : !rasp.sop<categorical, !rasp.str>
}

// -----

rasp.program @numerical_default attributes {vocab = [0, 1], max_seq_len = 2} {
  %t = rasp.tokens : !rasp.sop<categorical, i64>
  %i = rasp.indices : !rasp.sop<categorical, i64>
  %n = rasp.map %t : !rasp.sop<categorical, i64> -> !rasp.sop<numerical, i64> {
  ^bb0(%x: i64):
    rasp.yield %x : i64
  }
  %s = rasp.select %i, %i, lt : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64>
  // expected-error @+1 {{'rasp.aggregate' op numerical aggregate only supports 0 as default, got 1: positions selecting nothing read the zero vector}}
  %a = rasp.aggregate %s, %n default(1) : !rasp.sop<numerical, i64> -> !rasp.sop<numerical, f64>
  // expected-error @+1 {{'rasp.aggregate' op numerical aggregate only supports 0 as default, got None: positions selecting nothing read the zero vector}}
  %b = rasp.aggregate %s, %n : !rasp.sop<numerical, i64> -> !rasp.sop<numerical, f64>
  // A default of 0.0 or False is 0.
  %c = rasp.aggregate %s, %n default(0.0) : !rasp.sop<numerical, i64> -> !rasp.sop<numerical, f64>
  %d = rasp.aggregate %s, %n default(false) : !rasp.sop<numerical, i64> -> !rasp.sop<numerical, f64>
  rasp.output %a : !rasp.sop<numerical, f64>
}
