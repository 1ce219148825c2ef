// RUN: rasp-opt %s -split-input-file -verify-diagnostics --infer-bases --validate

// A numerical SOp is one float32 component of the residual stream: a value
// outside float32's range would come out as inf or 0 (printed wrongly), so
// it is refused at the SOp that produces it.

rasp.program @overflow attributes {vocab = [1, 2], max_seq_len = 2} {
  %t = rasp.tokens : !rasp.sop<categorical, i64>
  // expected-error @+1 {{'rasp.map' op can have the value 1e+39, which float32 cannot represent (magnitudes from 1.1754944e-38 to 3.4028235e+38, or 0): a numerical SOp is computed in float32}}
  %m = rasp.map %t : !rasp.sop<categorical, i64> -> !rasp.sop<numerical, f64> {
  ^bb0(%x: i64):
    %f = arith.sitofp %x : i64 to f64
    %c = arith.constant 1.0e39 : f64
    %y = arith.mulf %f, %c : f64
    rasp.yield %y : f64
  }
  rasp.output %m : !rasp.sop<numerical, f64>
}

// -----

rasp.program @underflow attributes {vocab = [1, 2], max_seq_len = 2} {
  %t = rasp.tokens : !rasp.sop<categorical, i64>
  // expected-error @+1 {{'rasp.map' op can have the value 1e-46, which float32 cannot represent}}
  %m = rasp.map %t : !rasp.sop<categorical, i64> -> !rasp.sop<numerical, f64> {
  ^bb0(%x: i64):
    %f = arith.sitofp %x : i64 to f64
    %c = arith.constant 1.0e-46 : f64
    %y = arith.mulf %f, %c : f64
    rasp.yield %y : f64
  }
  rasp.output %m : !rasp.sop<numerical, f64>
}

// -----

rasp.program @infinity attributes {vocab = [1, 2], max_seq_len = 2} {
  %t = rasp.tokens : !rasp.sop<categorical, i64>
  // expected-error @+1 {{'rasp.map' op can have the value inf, which no weight can produce: a numerical SOp is computed in float32}}
  %m = rasp.map %t : !rasp.sop<categorical, i64> -> !rasp.sop<numerical, f64> {
  ^bb0(%x: i64):
    %f = arith.sitofp %x : i64 to f64
    %c = arith.constant 1.0e308 : f64
    %y = arith.mulf %f, %c : f64
    %z = arith.mulf %y, %c : f64
    rasp.yield %z : f64
  }
  rasp.output %m : !rasp.sop<numerical, f64>
}

// -----

// The limits themselves and zero are representable; a categorical SOp's
// values are directions, not float32 numbers.
rasp.program @in_range attributes {vocab = [0, 1], max_seq_len = 2} {
  %t = rasp.tokens : !rasp.sop<categorical, i64>
  %m = rasp.map %t : !rasp.sop<categorical, i64> -> !rasp.sop<numerical, f64> {
  ^bb0(%x: i64):
    %f = arith.sitofp %x : i64 to f64
    %c = arith.constant 3.4028234663852886e38 : f64
    %y = arith.mulf %f, %c : f64
    rasp.yield %y : f64
  }
  %n = rasp.map %t : !rasp.sop<categorical, i64> -> !rasp.sop<numerical, f64> {
  ^bb0(%x: i64):
    %f = arith.sitofp %x : i64 to f64
    %c = arith.constant 1.1754943508222875e-38 : f64
    %y = arith.mulf %f, %c : f64
    rasp.yield %y : f64
  }
  %big = rasp.map %t : !rasp.sop<categorical, i64> -> !rasp.sop<categorical, f64> {
  ^bb0(%x: i64):
    %f = arith.sitofp %x : i64 to f64
    %c = arith.constant 1.0e39 : f64
    %y = arith.mulf %f, %c : f64
    rasp.yield %y : f64
  }
  rasp.output %m : !rasp.sop<numerical, f64>
}
