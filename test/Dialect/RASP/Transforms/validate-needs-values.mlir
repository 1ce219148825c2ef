// RUN: rasp-opt %s -verify-diagnostics --validate

// --validate reads the value sets --infer-bases stores in the IR.
rasp.program @no_values attributes {vocab = [1], max_seq_len = 1} {
  // expected-error @+1 {{'rasp.tokens' op has no value set: run --infer-bases before --validate}}
  %t = rasp.tokens : !rasp.sop<categorical, i64>
  rasp.output %t : !rasp.sop<categorical, i64>
}
