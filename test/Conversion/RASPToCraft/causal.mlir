// RUN: rasp-opt %s --lower-to-craft | FileCheck %s
// RUN: rasp-opt %s --lower-to-craft --test-craft-evaluate=inputs=a/b/a/a -o /dev/null | FileCheck %s --check-prefix=EVAL

// A causal program: every head, selector widths included (RASP's causal
// evaluator masks every selector), only sees keys up to the query.

// CHECK-LABEL: craft.program @causal_counts attributes {causal
// CHECK: craft.attention_head {{.*}} scale {{[0-9.e+]*}} causal w_qk
// CHECK: craft.attention_head {{.*}} scale {{[0-9.e+]*}} causal w_qk
// CHECK-SAME: -> #craft.space<"frac_a">
// Under the mask select(tokens, tokens, True) selects the prefix: its width
// is the prefix length, its mean the fraction of "a" so far.
// EVAL: @causal_counts: [2, 2.5, 3.66667, 4.75]
rasp.program @causal_counts attributes {vocab = ["a", "b"], max_seq_len = 4 : i64, causal} {
  %t = rasp.tokens {values = ["a", "b"]} : !rasp.sop<categorical, !rasp.str>
  %all = rasp.select %t, %t, true : !rasp.sop<categorical, !rasp.str>, !rasp.sop<categorical, !rasp.str>
  %n = rasp.selector_width %all {values = [0, 1, 2, 3, 4]} : !rasp.sop<categorical, i64> loc("prefix_length")
  %is_a = rasp.map %t {values = [false, true]} : !rasp.sop<categorical, !rasp.str> -> !rasp.sop<numerical, i1> {
  ^bb0(%x: !rasp.str):
    %a = rasp.constant("a") : !rasp.str
    %eq = rasp.binary eq %x, %a : !rasp.str, !rasp.str -> i1
    rasp.yield %eq : i1
  }
  %frac = rasp.aggregate %all, %is_a default(0) {values = [0.0, 0.25, 0.3333333333333333, 0.5, 0.6666666666666666, 0.75, 1.0]} : !rasp.sop<numerical, i1> -> !rasp.sop<numerical, f64> loc("frac_a")
  %both = rasp.sequence_map %n, %frac {values = [0.0, 0.25, 0.3333333333333333, 0.5, 0.6666666666666666, 0.75, 1.0, 1.25, 1.3333333333333333, 1.5, 1.6666666666666665, 1.75, 2.0, 2.25, 2.3333333333333335, 2.5, 2.6666666666666665, 2.75, 3.0, 3.25, 3.3333333333333335, 3.5, 3.6666666666666665, 3.75, 4.0, 4.25, 4.333333333333333, 4.5, 4.666666666666667, 4.75, 5.0]} : !rasp.sop<categorical, i64>, !rasp.sop<numerical, f64> -> !rasp.sop<numerical, f64> {
  ^bb0(%c: i64, %f: f64):
    %cf = arith.sitofp %c : i64 to f64
    %r = arith.addf %cf, %f : f64
    rasp.yield %r : f64
  }
  rasp.output %both : !rasp.sop<numerical, f64>
}
