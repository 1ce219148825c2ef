// RUN: rasp-opt %s -split-input-file -verify-diagnostics -allow-unregistered-dialect

rasp.program @p {
  // expected-error @below {{sop value type must be i1, i64, f64, !rasp.str, !rasp.none or !rasp.any, got 'i32'}}
  %t = rasp.tokens : !rasp.sop<categorical, i32>
  rasp.output %t : !rasp.sop<categorical, i32>
}

// -----

rasp.program @p {
  // expected-error @below {{numerical sop must hold i1, i64 or f64 values, got '!rasp.str'}}
  %t = rasp.tokens : !rasp.sop<numerical, !rasp.str>
  rasp.output %t : !rasp.sop<numerical, !rasp.str>
}

// -----

// expected-error @below {{'rasp.program' op body must end with 'rasp.output'}}
rasp.program @no_output {
  %t = rasp.tokens : !rasp.sop<categorical, i64>
}

// -----

// expected-error @below {{'rasp.program' op expects a non-empty block}}
rasp.program @empty {
}

// -----

// expected-error @below {{'rasp.program' op vocabulary must not be empty}}
rasp.program @p attributes {vocab = []} {
  %t = rasp.tokens : !rasp.sop<categorical, i64>
  rasp.output %t : !rasp.sop<categorical, i64>
}

// -----

// expected-error @below {{'rasp.program' op vocabulary item unit is not a bool, int, float, string or tuple}}
rasp.program @p attributes {vocab = [unit]} {
  %t = rasp.tokens : !rasp.sop<categorical, i64>
  rasp.output %t : !rasp.sop<categorical, i64>
}

// -----

// expected-error @below {{'rasp.program' op vocabulary lists "a" twice}}
rasp.program @p attributes {vocab = ["a", "b", "a"]} {
  %t = rasp.tokens : !rasp.sop<categorical, !rasp.str>
  rasp.output %t : !rasp.sop<categorical, !rasp.str>
}

// -----

// expected-error @below {{'rasp.program' op vocabulary contains the BOS token 'BOS'}}
rasp.program @p attributes {vocab = ["a", "BOS"]} {
  %t = rasp.tokens : !rasp.sop<categorical, !rasp.str>
  rasp.output %t : !rasp.sop<categorical, !rasp.str>
}

// -----

// expected-error @below {{'rasp.program' op vocabulary contains the BOS token 'x'}}
rasp.program @p attributes {vocab = ["a", "x"], bos = "x"} {
  %t = rasp.tokens : !rasp.sop<categorical, !rasp.str>
  rasp.output %t : !rasp.sop<categorical, !rasp.str>
}

// -----

// expected-error @below {{attribute 'max_seq_len' failed to satisfy constraint: 64-bit signless integer attribute whose minimum value is 1}}
rasp.program @p attributes {max_seq_len = 0} {
  %t = rasp.tokens : !rasp.sop<categorical, i64>
  rasp.output %t : !rasp.sop<categorical, i64>
}

// -----

rasp.program @p {
  %t = rasp.tokens : !rasp.sop<categorical, i64>
  %s = rasp.select %t, %t, eq : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64>
  // expected-error @below {{'rasp.output' op operand #0 must be an SOp, but got '!rasp.selector'}}
  "rasp.output"(%s) : (!rasp.selector) -> ()
}

// -----

func.func @f() {
  %t = rasp.tokens : !rasp.sop<categorical, i64>
  // expected-error @below {{'rasp.output' op expects parent op 'rasp.program'}}
  rasp.output %t : !rasp.sop<categorical, i64>
}

// -----

rasp.program @p {
  %t = rasp.tokens : !rasp.sop<categorical, i64>
  // expected-error @below {{custom op 'rasp.select' expected string or keyword containing one of the following enum values for attribute 'predicate' [eq, lt, leq, gt, geq, neq, true, false]}}
  %s = rasp.select %t, %t, 3 : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64>
  rasp.output %t : !rasp.sop<categorical, i64>
}

// -----

rasp.program @p {
  %t = rasp.tokens : !rasp.sop<categorical, i64>
  // expected-error @below {{custom op 'rasp.select' expected string or keyword containing one of the following enum values for attribute 'predicate' [eq, lt, leq, gt, geq, neq, true, false]}}
  %s = rasp.select %t, %t, approx : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64>
  rasp.output %t : !rasp.sop<categorical, i64>
}

// -----

rasp.program @p {
  %t = rasp.tokens : !rasp.sop<categorical, i64>
  %s = rasp.select %t, %t, eq : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64>
  // expected-error @below {{'rasp.aggregate' op operand #1 must be an SOp, but got '!rasp.selector'}}
  %a = "rasp.aggregate"(%s, %s) : (!rasp.selector, !rasp.selector) -> !rasp.sop<categorical, i64>
  rasp.output %t : !rasp.sop<categorical, i64>
}

// -----

rasp.program @p {
  %t = rasp.tokens : !rasp.sop<categorical, i64>
  // expected-error @below {{'rasp.selector_width' op operand #0 must be a selector, but got '!rasp.sop<categorical, i64>'}}
  %w = "rasp.selector_width"(%t) : (!rasp.sop<categorical, i64>) -> !rasp.sop<categorical, i64>
  rasp.output %w : !rasp.sop<categorical, i64>
}

// -----

rasp.program @p {
  // expected-error @below {{'rasp.tokens' op value set entry "a" does not have the sop value type 'i64'}}
  %t = rasp.tokens {values = [1, "a"]} : !rasp.sop<categorical, i64>
  rasp.output %t : !rasp.sop<categorical, i64>
}

// -----

rasp.program @p {
  // expected-error @below {{'rasp.tokens' op value set lists 1 : i64 twice}}
  %t = rasp.tokens {values = [1, 2, 1]} : !rasp.sop<categorical, i64>
  rasp.output %t : !rasp.sop<categorical, i64>
}

// -----

rasp.program @p {
  // expected-error @below {{'rasp.indices' op indices must hold i64 values, got 'f64'}}
  %i = rasp.indices : !rasp.sop<categorical, f64>
  rasp.output %i : !rasp.sop<categorical, f64>
}

// -----

rasp.program @p {
  // expected-error @below {{'rasp.full' op fill value "a" does not have the sop value type 'i64'}}
  %f = rasp.full("a") : !rasp.sop<categorical, i64>
  rasp.output %f : !rasp.sop<categorical, i64>
}

// -----

rasp.program @p {
  %t = rasp.tokens : !rasp.sop<categorical, i64>
  // expected-error @below {{'rasp.map' op body must take 1 argument(s), got 2}}
  %m = rasp.map %t : !rasp.sop<categorical, i64> -> !rasp.sop<categorical, i64> {
  ^bb0(%x: i64, %y: i64):
    rasp.yield %x : i64
  }
  rasp.output %m : !rasp.sop<categorical, i64>
}

// -----

rasp.program @p {
  %t = rasp.tokens : !rasp.sop<categorical, i64>
  // expected-error @below {{'rasp.map' op body argument #0 must have type 'i64', got 'f64'}}
  %m = rasp.map %t : !rasp.sop<categorical, i64> -> !rasp.sop<categorical, f64> {
  ^bb0(%x: f64):
    rasp.yield %x : f64
  }
  rasp.output %m : !rasp.sop<categorical, f64>
}

// -----

rasp.program @p {
  %t = rasp.tokens : !rasp.sop<categorical, i64>
  // expected-error @below {{'rasp.map' op body must yield 'f64', got 'i64'}}
  %m = rasp.map %t : !rasp.sop<categorical, i64> -> !rasp.sop<categorical, f64> {
  ^bb0(%x: i64):
    rasp.yield %x : i64
  }
  rasp.output %m : !rasp.sop<categorical, f64>
}

// -----

rasp.program @p {
  %t = rasp.tokens : !rasp.sop<categorical, i64>
  // expected-error @below {{'rasp.map' op body must end with 'rasp.yield'}}
  %m = rasp.map %t : !rasp.sop<categorical, i64> -> !rasp.sop<categorical, i64> {
  ^bb0(%x: i64):
    "test.terminator"() : () -> ()
  }
  rasp.output %m : !rasp.sop<categorical, i64>
}

// -----

rasp.program @p {
  %t = rasp.tokens : !rasp.sop<categorical, i64>
  // expected-error @below {{'rasp.sequence_map' op body must take 2 argument(s), got 1}}
  %m = rasp.sequence_map %t, %t : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64> -> !rasp.sop<categorical, i64> {
  ^bb0(%x: i64):
    rasp.yield %x : i64
  }
  rasp.output %m : !rasp.sop<categorical, i64>
}

// -----

rasp.program @p {
  %t = rasp.tokens : !rasp.sop<categorical, i64>
  // expected-error @below {{'rasp.select_where' op body must yield 'i1', got 'i64'}}
  %s = rasp.select_where %t, %t : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64> {
  ^bb0(%k: i64, %q: i64):
    rasp.yield %k : i64
  }
  rasp.output %t : !rasp.sop<categorical, i64>
}

// -----

rasp.program @p {
  %t = rasp.tokens : !rasp.sop<categorical, i64>
  // expected-error @below {{'rasp.linear_sequence_map' op operands and result must be numerical sops}}
  %l = rasp.linear_sequence_map %t, %t coefficients(1.0, 1.0) : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64> -> !rasp.sop<numerical, f64>
  rasp.output %t : !rasp.sop<categorical, i64>
}

// -----

rasp.program @p {
  %t = rasp.tokens : !rasp.sop<numerical, i64>
  // expected-error @below {{'rasp.linear_sequence_map' op result must hold f64 values, got 'i64'}}
  %l = rasp.linear_sequence_map %t, %t coefficients(1.0, 1.0) : !rasp.sop<numerical, i64>, !rasp.sop<numerical, i64> -> !rasp.sop<numerical, i64>
  rasp.output %t : !rasp.sop<numerical, i64>
}

// -----

rasp.program @p {
  %t = rasp.tokens : !rasp.sop<categorical, !rasp.str>
  %s = rasp.select %t, %t, eq : !rasp.sop<categorical, !rasp.str>, !rasp.sop<categorical, !rasp.str>
  // expected-error @below {{'rasp.aggregate' op numerical aggregate needs an input of i1, i64 or f64 values, got '!rasp.str'}}
  %a = rasp.aggregate %s, %t : !rasp.sop<categorical, !rasp.str> -> !rasp.sop<numerical, f64>
  rasp.output %t : !rasp.sop<categorical, !rasp.str>
}

// -----

rasp.program @p {
  %t = rasp.tokens : !rasp.sop<numerical, i64>
  %s = rasp.select %t, %t, eq : !rasp.sop<numerical, i64>, !rasp.sop<numerical, i64>
  // expected-error @below {{'rasp.aggregate' op numerical aggregate must produce f64 values, got 'i64'}}
  %a = rasp.aggregate %s, %t : !rasp.sop<numerical, i64> -> !rasp.sop<numerical, i64>
  rasp.output %t : !rasp.sop<numerical, i64>
}

// -----

rasp.program @p {
  %t = rasp.tokens : !rasp.sop<categorical, i64>
  %s = rasp.select %t, %t, eq : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64>
  // expected-error @below {{'rasp.aggregate' op categorical aggregate must produce the input's value type 'i64', got 'f64'}}
  %a = rasp.aggregate %s, %t : !rasp.sop<categorical, i64> -> !rasp.sop<categorical, f64>
  rasp.output %t : !rasp.sop<categorical, i64>
}

// -----

rasp.program @p {
  %t = rasp.tokens : !rasp.sop<categorical, i64>
  %s = rasp.select %t, %t, eq : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64>
  // expected-error @below {{'rasp.aggregate' op default {a = 1 : i64} is not a value}}
  %a = rasp.aggregate %s, %t default({a = 1}) : !rasp.sop<categorical, i64> -> !rasp.sop<categorical, i64>
  rasp.output %t : !rasp.sop<categorical, i64>
}

// -----

rasp.program @p {
  %t = rasp.tokens : !rasp.sop<numerical, i64>
  %s = rasp.select %t, %t, eq : !rasp.sop<numerical, i64>, !rasp.sop<numerical, i64>
  // expected-error @below {{'rasp.aggregate' op numerical aggregate needs a numeric default, got "zero"}}
  %a = rasp.aggregate %s, %t default("zero") : !rasp.sop<numerical, i64> -> !rasp.sop<numerical, f64>
  rasp.output %t : !rasp.sop<numerical, i64>
}

// -----

rasp.program @p {
  %t = rasp.tokens : !rasp.sop<categorical, i64>
  %s = rasp.select %t, %t, eq : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64>
  // expected-error @below {{'rasp.aggregate' op default "a" does not have the sop value type 'i64'}}
  %a = rasp.aggregate %s, %t default("a") : !rasp.sop<categorical, i64> -> !rasp.sop<categorical, i64>
  rasp.output %t : !rasp.sop<categorical, i64>
}

// -----

rasp.program @p {
  %t = rasp.tokens : !rasp.sop<categorical, i64>
  %s = rasp.select %t, %t, eq : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64>
  // expected-error @below {{'rasp.selector_width' op selector width must hold i64 values, got 'i1'}}
  %w = rasp.selector_width %s : !rasp.sop<categorical, i1>
  rasp.output %t : !rasp.sop<categorical, i64>
}

// -----

rasp.program @p {
  %t = rasp.tokens : !rasp.sop<categorical, i64>
  %m = rasp.map %t : !rasp.sop<categorical, i64> -> !rasp.sop<categorical, !rasp.str> {
  ^bb0(%x: i64):
    // expected-error @below {{'rasp.constant' op value [1 : i32] is not a RASP value}}
    %c = rasp.constant([1 : i32]) : !rasp.str
    rasp.yield %c : !rasp.str
  }
  rasp.output %t : !rasp.sop<categorical, i64>
}

// -----

rasp.program @p {
  %t = rasp.tokens : !rasp.sop<categorical, i64>
  %m = rasp.map %t : !rasp.sop<categorical, i64> -> !rasp.sop<categorical, i64> {
  ^bb0(%x: i64):
    // expected-error @below {{'rasp.constant' op must produce !rasp.str, !rasp.none or !rasp.any; use 'arith.constant' for 'i64'}}
    %c = rasp.constant(1) : i64
    rasp.yield %c : i64
  }
  rasp.output %t : !rasp.sop<categorical, i64>
}

// -----

rasp.program @p {
  %t = rasp.tokens : !rasp.sop<categorical, i64>
  %m = rasp.map %t : !rasp.sop<categorical, i64> -> !rasp.sop<categorical, !rasp.str> {
  ^bb0(%x: i64):
    // expected-error @below {{'rasp.constant' op value unit does not have type '!rasp.str'}}
    %c = rasp.constant(unit) : !rasp.str
    rasp.yield %c : !rasp.str
  }
  rasp.output %t : !rasp.sop<categorical, i64>
}

// -----

rasp.program @p {
  %t = rasp.tokens : !rasp.sop<categorical, i64>
  %m = rasp.map %t : !rasp.sop<categorical, i64> -> !rasp.sop<categorical, i64> {
  ^bb0(%x: i64):
    %c = "test.value"() : () -> i32
    // expected-error @below {{'rasp.binary' op operand #1 must be a RASP value type (i1, i64, f64, !rasp.str, !rasp.none or !rasp.any), but got 'i32'}}
    %r = rasp.binary add %x, %c : i64, i32 -> i64
    rasp.yield %r : i64
  }
  rasp.output %t : !rasp.sop<categorical, i64>
}

// -----

rasp.program @p {
  %t = rasp.tokens : !rasp.sop<categorical, i64>
  %m = rasp.map %t : !rasp.sop<categorical, i64> -> !rasp.sop<categorical, i64> {
  ^bb0(%x: i64):
    // expected-error @below {{custom op 'rasp.unary' expected string or keyword containing one of the following enum values for attribute 'kind' [neg, pos, not, abs, int, float, bool, round, indicator]}}
    %r = rasp.unary sqrt %x : i64 -> i64
    rasp.yield %r : i64
  }
  rasp.output %t : !rasp.sop<categorical, i64>
}

// -----

func.func @f(%x: i64) {
  // expected-error @below {{'rasp.yield' op expects parent op to be one of 'rasp.map, rasp.sequence_map, rasp.select_where'}}
  rasp.yield %x : i64
}
