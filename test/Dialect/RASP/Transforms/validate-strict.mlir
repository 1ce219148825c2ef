// RUN: rasp-opt %s -split-input-file -verify-diagnostics --infer-bases "--validate=tracr-strict"
// RUN: grep -v expected- %s | rasp-opt -split-input-file --infer-bases --validate -o /dev/null 2>&1 | count 0

// With tracr-strict, --validate also rejects what Tracr cannot compile
// although this compiler can; without it these programs validate silently
// (second RUN line, which drops the expectations: MLIR 22 reports unmet
// expectations of split files even without -verify-diagnostics).

rasp.program @constant_sop attributes {vocab = [1, 2], max_seq_len = 2} {
  // expected-error @+1 {{'rasp.full' op is not supported by Tracr (tracr-strict): Tracr cannot compile a constant sop}}
  %one = rasp.full(1) : !rasp.sop<categorical, i64>
  rasp.output %one : !rasp.sop<categorical, i64>
}

// -----

// Tracr's pair_balance uses a LinearSequenceMap; a fused `opens - closes`
// is a non-linear sequence map over numerical SOps.
rasp.program @numerical_sequence_map attributes {vocab = [0, 1], max_seq_len = 2} {
  %t = rasp.tokens : !rasp.sop<categorical, i64>
  %i = rasp.indices : !rasp.sop<categorical, i64>
  %n = rasp.map %t : !rasp.sop<categorical, i64> -> !rasp.sop<numerical, i64> {
  ^bb0(%x: i64):
    rasp.yield %x : i64
  }
  %prevs = rasp.select %i, %i, leq : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64>
  %frac = rasp.aggregate %prevs, %n default(0) : !rasp.sop<numerical, i64> -> !rasp.sop<numerical, f64>
  // expected-error @+1 {{'rasp.sequence_map' op is not supported by Tracr (tracr-strict): a non-linear sequence_map needs categorical operands and result}}
  %d = rasp.sequence_map %frac, %frac : !rasp.sop<numerical, f64>, !rasp.sop<numerical, f64> -> !rasp.sop<numerical, f64> {
  ^bb0(%x: f64, %y: f64):
    %r = arith.subf %x, %y : f64
    rasp.yield %r : f64
  }
  rasp.output %d : !rasp.sop<numerical, f64>
}

// -----

rasp.program @composite_selectors attributes {vocab = ["a", "b"], max_seq_len = 3} {
  %t = rasp.tokens : !rasp.sop<categorical, !rasp.str>
  %i = rasp.indices : !rasp.sop<categorical, i64>
  %same = rasp.select %t, %t, eq : !rasp.sop<categorical, !rasp.str>, !rasp.sop<categorical, !rasp.str>
  %before = rasp.select %i, %i, lt : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64>
  // expected-note @+1 {{selector defined here}}
  %both = rasp.selector_and %same, %before
  // expected-error @+1 {{'rasp.selector_width' op is not supported by Tracr (tracr-strict): Tracr cannot compile composite selectors}}
  %w = rasp.selector_width %both : !rasp.sop<categorical, i64>
  // expected-note @+1 {{selector defined here}}
  %notSame = rasp.selector_not %same
  // expected-error @+1 {{'rasp.aggregate' op is not supported by Tracr (tracr-strict): Tracr cannot compile composite selectors}}
  %a = rasp.aggregate %notSame, %t : !rasp.sop<categorical, !rasp.str> -> !rasp.sop<categorical, !rasp.str>
  rasp.output %w : !rasp.sop<categorical, i64>
}

// -----

rasp.program @mean_of_non_binary attributes {vocab = [1, 2], max_seq_len = 2} {
  %t = rasp.tokens : !rasp.sop<categorical, i64>
  %i = rasp.indices : !rasp.sop<categorical, i64>
  %n = rasp.map %t : !rasp.sop<categorical, i64> -> !rasp.sop<numerical, i64> {
  ^bb0(%x: i64):
    rasp.yield %x : i64
  }
  %prevs = rasp.select %i, %i, leq : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64>
  // expected-error @+1 {{'rasp.aggregate' op is not supported by Tracr (tracr-strict): a numerical aggregate may only average 0 and 1}}
  %m = rasp.aggregate %prevs, %n default(0) : !rasp.sop<numerical, i64> -> !rasp.sop<numerical, f64>
  rasp.output %m : !rasp.sop<numerical, f64>
}

// -----

// frac_prevs is Tracr-compilable: bool inputs.
rasp.program @frac_prevs attributes {vocab = ["(", "a"], max_seq_len = 3} {
  %t = rasp.tokens : !rasp.sop<categorical, !rasp.str>
  %i = rasp.indices : !rasp.sop<categorical, i64>
  %bools = rasp.map %t : !rasp.sop<categorical, !rasp.str> -> !rasp.sop<numerical, i1> {
  ^bb0(%x: !rasp.str):
    %open = rasp.constant("(") : !rasp.str
    %eq = rasp.binary eq %x, %open : !rasp.str, !rasp.str -> i1
    rasp.yield %eq : i1
  }
  %prevs = rasp.select %i, %i, leq : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64>
  %frac = rasp.aggregate %prevs, %bools default(0) : !rasp.sop<numerical, i1> -> !rasp.sop<numerical, f64>
  rasp.output %frac : !rasp.sop<numerical, f64>
}
