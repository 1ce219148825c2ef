// A program that does not parse: located diagnostics, exit status 1 and no
// output lines, whatever the inputs.
// RUN: not rasp-run --interpret %s --input="a" --input="b" 2>&1 | FileCheck %s
// RUN: not rasp-run --interpret %s --input="a" --input="b" 2>/dev/null | count 0

rasp.program @broken attributes {vocab = ["a", "b"], max_seq_len = 4 : i64} {
  %tokens = rasp.tokens : !rasp.sop<categorical, !rasp.str>
  // CHECK: parse-error.mlir:[[# @LINE + 1]]:27: error: expected SSA operand
  %w = rasp.selector_width : !rasp.sop<categorical, i64>
  rasp.output %w : !rasp.sop<categorical, i64>
}
