// RUN: rasp-opt %s --rasp-to-craft-model -split-input-file -verify-diagnostics

// A program the pipeline cannot compile reports located errors and fails.

// expected-error @below {{'rasp.program' op has no vocabulary: set the 'vocab' attribute or pass 'vocab' to --infer-bases}}
rasp.program @no_vocab {
  %t = rasp.tokens : !rasp.sop<categorical, !rasp.str>
  rasp.output %t : !rasp.sop<categorical, !rasp.str>
}
