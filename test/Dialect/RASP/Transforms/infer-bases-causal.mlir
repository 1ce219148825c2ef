// RUN: rasp-opt %s --split-input-file "--infer-bases=causal=true" | FileCheck %s
// RUN: rasp-opt %s --split-input-file --infer-bases | FileCheck %s --check-prefix=KEEP

// `causal=true` sets the program's `causal` attribute (which basis inference
// and the lowering read); left unset, the attribute is kept as it is.

// CHECK-LABEL: rasp.program @plain
// CHECK-SAME: causal
// KEEP-LABEL: rasp.program @plain
// KEEP-NOT: causal
// KEEP: rasp.tokens
rasp.program @plain attributes {vocab = ["a"], max_seq_len = 2} {
  %t = rasp.tokens : !rasp.sop<categorical, !rasp.str>
  rasp.output %t : !rasp.sop<categorical, !rasp.str>
}

// -----

// CHECK-LABEL: rasp.program @already_causal
// CHECK-SAME: causal
// KEEP-LABEL: rasp.program @already_causal
// KEEP-SAME: causal
rasp.program @already_causal attributes {causal, vocab = ["a"], max_seq_len = 2} {
  %t = rasp.tokens : !rasp.sop<categorical, !rasp.str>
  rasp.output %t : !rasp.sop<categorical, !rasp.str>
}
