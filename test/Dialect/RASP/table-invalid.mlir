// RUN: rasp-opt %s -split-input-file -verify-diagnostics

// The verifier of rasp.table.

rasp.program @p {
  %i = rasp.indices : !rasp.sop<categorical, i64>
  %m = rasp.map %i : !rasp.sop<categorical, i64> -> !rasp.sop<categorical, i64> {
  ^bb0(%x: i64):
    // expected-error @below {{'rasp.table' op has 2 keys but 1 results}}
    %y = rasp.table(%x) [0, 1] -> [1] : (i64) -> i64
    rasp.yield %y : i64
  }
  rasp.output %m : !rasp.sop<categorical, i64>
}

// -----

rasp.program @p {
  %i = rasp.indices : !rasp.sop<categorical, i64>
  %m = rasp.map %i : !rasp.sop<categorical, i64> -> !rasp.sop<categorical, i64> {
  ^bb0(%x: i64):
    // expected-error @below {{'rasp.table' op must take at least one argument}}
    %y = rasp.table() [] -> [] : () -> i64
    rasp.yield %y : i64
  }
  rasp.output %m : !rasp.sop<categorical, i64>
}

// -----

rasp.program @p {
  %i = rasp.indices : !rasp.sop<categorical, i64>
  %m = rasp.map %i : !rasp.sop<categorical, i64> -> !rasp.sop<categorical, i64> {
  ^bb0(%x: i64):
    // expected-error @below {{'rasp.table' op key #1 holds "1", which is not a value of type 'i64'}}
    %y = rasp.table(%x) [0, "1"] -> [1, 2] : (i64) -> i64
    rasp.yield %y : i64
  }
  rasp.output %m : !rasp.sop<categorical, i64>
}

// -----

rasp.program @p {
  %i = rasp.indices : !rasp.sop<categorical, i64>
  %m = rasp.map %i : !rasp.sop<categorical, i64> -> !rasp.sop<categorical, i64> {
  ^bb0(%x: i64):
    // expected-error @below {{'rasp.table' op key #0 holds unit, which is not a value of type 'i64'}}
    %y = rasp.table(%x) [unit] -> [1] : (i64) -> i64
    rasp.yield %y : i64
  }
  rasp.output %m : !rasp.sop<categorical, i64>
}

// -----

rasp.program @p {
  %i = rasp.indices : !rasp.sop<categorical, i64>
  %m = rasp.map %i : !rasp.sop<categorical, i64> -> !rasp.sop<categorical, i64> {
  ^bb0(%x: i64):
    // expected-error @below {{'rasp.table' op lists the key 0 : i64 twice}}
    %y = rasp.table(%x) [0, 0] -> [1, 2] : (i64) -> i64
    rasp.yield %y : i64
  }
  rasp.output %m : !rasp.sop<categorical, i64>
}

// -----

rasp.program @p {
  %i = rasp.indices : !rasp.sop<categorical, i64>
  %m = rasp.map %i : !rasp.sop<categorical, i64> -> !rasp.sop<categorical, i64> {
  ^bb0(%x: i64):
    // None is no i64: a table that may give None yields !rasp.any.
    // expected-error @below {{'rasp.table' op result #1 unit is not a value of type 'i64'}}
    %y = rasp.table(%x) [0, 1] -> [1, unit] : (i64) -> i64
    rasp.yield %y : i64
  }
  rasp.output %m : !rasp.sop<categorical, i64>
}

// -----

rasp.program @p {
  %i = rasp.indices : !rasp.sop<categorical, i64>
  %m = rasp.map %i : !rasp.sop<categorical, i64> -> !rasp.sop<categorical, !rasp.any> {
  ^bb0(%x: i64):
    // Tuples have no static type.
    // expected-error @below {{'rasp.table' op result #0 [1, 2] is not a value of type '!rasp.str'}}
    %y = rasp.table(%x) [0] -> [[1, 2]] : (i64) -> !rasp.str
    %b = rasp.box %y : !rasp.str
    rasp.yield %b : !rasp.any
  }
  rasp.output %m : !rasp.sop<categorical, !rasp.any>
}

// -----

rasp.program @p {
  %i = rasp.indices : !rasp.sop<categorical, i64>
  %s = rasp.select_where %i, %i : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64> {
  ^bb0(%k: i64, %q: i64):
    // expected-error @below {{'rasp.table' op key #0 must be an array of 2 arguments, got 0}}
    %r = rasp.table(%k, %q) [0] -> [true] : (i64, i64) -> i1
    rasp.yield %r : i1
  }
  %w = rasp.selector_width %s : !rasp.sop<categorical, i64>
  rasp.output %w : !rasp.sop<categorical, i64>
}

// -----

rasp.program @p {
  %i = rasp.indices : !rasp.sop<categorical, i64>
  %s = rasp.select_where %i, %i : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64> {
  ^bb0(%k: i64, %q: i64):
    // expected-error @below {{'rasp.table' op key #0 must be an array of 2 arguments, got [0, 1, 2]}}
    %r = rasp.table(%k, %q) [[0, 1, 2]] -> [true] : (i64, i64) -> i1
    rasp.yield %r : i1
  }
  %w = rasp.selector_width %s : !rasp.sop<categorical, i64>
  rasp.output %w : !rasp.sop<categorical, i64>
}
