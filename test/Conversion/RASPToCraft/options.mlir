// RUN: rasp-opt %s --lower-to-craft | FileCheck %s --check-prefix=DERIVED
// RUN: rasp-opt %s --lower-to-craft="softmax-scale=100 mlp-slope=100" | FileCheck %s --check-prefix=TRACR

// Derived constants: the softmax scale from max_seq_len and the logit gap,
// the ramp slopes from the gaps 1/2 - 1/3 = 1/6 and 1 - 1/2 = 1/2 between
// the attention outputs of widths 2, 1 and 0 (slope 2 / gap; the first step
// is active below its ramp, the second above).
// DERIVED: craft.attention_head {{.*}} scale 19.40812
// DERIVED: craft.mlp{{.*}}w1 dense<{{\[\[}}0.000000e+00, -1.200000e+01, -1.200000e+01, 4.000000e+00, 4.000000e+00]

// Tracr's constants on request: one softmax coldness and one ramp slope.
// TRACR: craft.attention_head {{.*}} scale 1.000000e+02
// TRACR: craft.mlp{{.*}}w1 dense<{{\[\[}}0.000000e+00, -1.000000e+02, -1.000000e+02, 1.000000e+02, 1.000000e+02]

rasp.program @count attributes {vocab = ["a", "b"], max_seq_len = 3 : i64} {
  %t = rasp.tokens {values = ["a", "b"]} : !rasp.sop<categorical, !rasp.str>
  %s = rasp.select %t, %t, eq : !rasp.sop<categorical, !rasp.str>, !rasp.sop<categorical, !rasp.str>
  %h = rasp.selector_width %s {values = [0, 1, 2]} : !rasp.sop<categorical, i64>
  rasp.output %h : !rasp.sop<categorical, i64>
}

// Options that would build NaN or inverted blocks are refused.
// RUN: not rasp-opt %s --lower-to-craft="mlp-slope=-1" 2>&1 | FileCheck %s --check-prefix=NEGATIVE
// RUN: not rasp-opt %s --lower-to-craft="fuse-width-factor=nan" 2>&1 | FileCheck %s --check-prefix=NAN
// NEGATIVE: error: option 'mlp-slope' must be between 0 and 1e12, not -1
// NAN: error: option 'fuse-width-factor' must be between 0 and 1e12, not nan
