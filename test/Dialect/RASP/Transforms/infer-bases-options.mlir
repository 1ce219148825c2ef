// RUN: rasp-opt %s "--infer-bases=vocab=x,2,2.5 max-seq-len=2 bos=START" | FileCheck %s
// RUN: rasp-opt %s "--infer-bases=max-seq-len=1" | FileCheck %s --check-prefix=KEEP

// The options override the program's attributes and are written back, so the
// output is self-contained. Vocabulary items parse as int, float or string.

// CHECK-LABEL: rasp.program @options
// CHECK-SAME: bos = "START", max_seq_len = 2 : i64, vocab = ["x", 2, 2.500000e+00]
// CHECK: rasp.tokens {values = [2, 2.500000e+00, "x"]}
// CHECK: rasp.indices {values = [0, 1]}
// CHECK: rasp.selector_width %{{.*}} {values = [0, 1, 2]}

// Options left unset keep the attributes.
// KEEP-LABEL: rasp.program @options
// KEEP-SAME: bos = "B", max_seq_len = 1 : i64, vocab = ["a", "b"]
// KEEP: rasp.tokens {values = ["a", "b"]}
// KEEP: rasp.indices {values = [0]}
rasp.program @options attributes {vocab = ["a", "b"], max_seq_len = 3, bos = "B"} {
  %t = rasp.tokens : !rasp.sop<categorical, !rasp.any>
  %i = rasp.indices : !rasp.sop<categorical, i64>
  %all = rasp.select %t, %t, true : !rasp.sop<categorical, !rasp.any>, !rasp.sop<categorical, !rasp.any>
  %w = rasp.selector_width %all : !rasp.sop<categorical, i64>
  rasp.output %w : !rasp.sop<categorical, i64>
}
