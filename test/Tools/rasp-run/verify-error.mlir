// A program that parses but does not verify: located diagnostic, exit
// status 1, no output lines.
// RUN: not rasp-run --interpret %s --input="a" 2>&1 | FileCheck %s
// RUN: not rasp-run --interpret %s --input="a" 2>/dev/null | count 0

rasp.program @invalid attributes {vocab = ["a", "b"], max_seq_len = 4 : i64} {
  %tokens = rasp.tokens : !rasp.sop<categorical, !rasp.str>
  %i = rasp.indices : !rasp.sop<categorical, i64>
  %all = rasp.select %tokens, %tokens, true : !rasp.sop<categorical, !rasp.str>, !rasp.sop<categorical, !rasp.str>
  // CHECK: verify-error.mlir:[[# @LINE + 1]]:8: error: 'rasp.aggregate' op numerical aggregate must produce f64 values, got 'i64'
  %n = rasp.aggregate %all, %i : !rasp.sop<categorical, i64> -> !rasp.sop<numerical, i64>
  rasp.output %n : !rasp.sop<numerical, i64>
}
