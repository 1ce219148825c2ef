// RUN: rasp-opt %s --lower-to-craft --mlir-elide-elementsattrs-if-larger=16 | FileCheck %s
// RUN: rasp-opt %s --lower-to-craft --test-craft-evaluate=inputs=a/b/a/a/c/b -o /dev/null | FileCheck %s --check-prefix=EVAL

// Composite selectors, which Tracr refuses: an `and` of selects on different
// SOps sums their logits in one head; `or` and `not` are tabulated over the
// tuple of the SOps they read.

// CHECK-LABEL: craft.program @earlier_same
// CHECK: %[[T:.*]], %[[I:.*]], %[[ONE:.*]], %[[BOS:.*]] = craft.embed
// CHECK: craft.attention_head query(%[[T]], %[[I]], %[[ONE]], %[[BOS]] : {{.*}}) key(%[[T]], %[[I]], %[[BOS]] : {{.*}}) value(%[[BOS]] : !craft.vec<1>)
// Two factors: selected keys reach logit 2, which BOS ties from `one`.
// CHECK-SAME: w_qk [#craft.qk<0, 0, {{.*}} : tensor<3x3xi1>>, #craft.qk<1, 1, {{.*}} : tensor<6x6xi1>>, #craft.qk<2, 2, dense<2.000000e+00> : tensor<1x1xf64>>, #craft.qk<3, 2, dense<1.000000e+00> : tensor<1x1xf64>>]
// EVAL: @earlier_same: [0, 0, 1, 2, 0, 1]
rasp.program @earlier_same attributes {vocab = ["a", "b", "c"], max_seq_len = 6 : i64} {
  %t = rasp.tokens {values = ["a", "b", "c"]} : !rasp.sop<categorical, !rasp.str>
  %i = rasp.indices {values = [0, 1, 2, 3, 4, 5]} : !rasp.sop<categorical, i64>
  %same = rasp.select %t, %t, eq : !rasp.sop<categorical, !rasp.str>, !rasp.sop<categorical, !rasp.str>
  %before = rasp.select %i, %i, lt : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64>
  %both = rasp.selector_and %same, %before
  %w = rasp.selector_width %both {values = [0, 1, 2, 3, 4, 5, 6]} : !rasp.sop<categorical, i64> loc("earlier_same")
  rasp.output %w : !rasp.sop<categorical, i64>
}

// CHECK-LABEL: craft.program @either
// CHECK: %[[T:.*]], %[[I:.*]], %[[ONE:.*]], %[[BOS:.*]] = craft.embed
// One tuple feature serves both sides.
// CHECK: %[[TUP:.*]] = craft.mlp(%[[T]], %[[I]], %[[ONE]] : !craft.vec<3>, !craft.vec<6>, !craft.vec<1>) {{.*}} -> [#craft.space<"either_query_tuple", {{\[\[}}"a", 0], ["a", 1], {{.*}}, ["c", 5]]>]
// CHECK: craft.attention_head query(%[[TUP]], %[[ONE]], %[[BOS]] : !craft.vec<18>, !craft.vec<1>, !craft.vec<1>) key(%[[TUP]], %[[BOS]] : !craft.vec<18>, !craft.vec<1>)
// CHECK-SAME: w_qk [#craft.qk<0, 0, {{.*}} : tensor<18x18xi1>>, #craft.qk<1, 1, dense<1.000000e+00> : tensor<1x1xf64>>, #craft.qk<2, 1, dense<1.000000e+00> : tensor<1x1xf64>>]
// EVAL: @either: [3, 3, 4, 4, 5, 6]
rasp.program @either attributes {vocab = ["a", "b", "c"], max_seq_len = 6 : i64} {
  %t = rasp.tokens {values = ["a", "b", "c"]} : !rasp.sop<categorical, !rasp.str>
  %i = rasp.indices {values = [0, 1, 2, 3, 4, 5]} : !rasp.sop<categorical, i64>
  %same = rasp.select %t, %t, eq : !rasp.sop<categorical, !rasp.str>, !rasp.sop<categorical, !rasp.str>
  %before = rasp.select %i, %i, lt : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64>
  %any = rasp.selector_or %same, %before
  %w = rasp.selector_width %any {values = [0, 1, 2, 3, 4, 5, 6]} : !rasp.sop<categorical, i64> loc("either")
  rasp.output %w : !rasp.sop<categorical, i64>
}

// CHECK-LABEL: craft.program @different
// The complement of the equality table.
// CHECK: craft.attention_head
// CHECK-SAME: w_qk [#craft.qk<0, 0, dense<{{\[\[}}false, true, true], [true, false, true], [true, true, false]]> : tensor<3x3xi1>>
// EVAL: @different: [3, 4, 3, 3, 5, 4]
rasp.program @different attributes {vocab = ["a", "b", "c"], max_seq_len = 6 : i64} {
  %t = rasp.tokens {values = ["a", "b", "c"]} : !rasp.sop<categorical, !rasp.str>
  %same = rasp.select %t, %t, eq : !rasp.sop<categorical, !rasp.str>, !rasp.sop<categorical, !rasp.str>
  %diff = rasp.selector_not %same
  %w = rasp.selector_width %diff {values = [0, 1, 2, 3, 4, 5, 6]} : !rasp.sop<categorical, i64> loc("different")
  rasp.output %w : !rasp.sop<categorical, i64>
}

// CHECK-LABEL: craft.program @shift
// shift_by(1, tokens): nothing is selected at the first token, which is None.
// CHECK: craft.attention_head query(%indices, %one, %bos : {{.*}}) key(%indices, %bos : {{.*}}) value(%tokens : !craft.vec<3>)
// EVAL: @shift: [null, "a", "b", "a", "a", "c"]
rasp.program @shift attributes {vocab = ["a", "b", "c"], max_seq_len = 6 : i64} {
  %t = rasp.tokens {values = ["a", "b", "c"]} : !rasp.sop<categorical, !rasp.str>
  %i = rasp.indices {values = [0, 1, 2, 3, 4, 5]} : !rasp.sop<categorical, i64>
  %sel = rasp.select_where %i, %i : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64> {
  ^bb0(%k: i64, %q: i64):
    %c1 = arith.constant 1 : i64
    %k1 = arith.addi %k, %c1 : i64
    %eq = arith.cmpi eq, %q, %k1 : i64
    rasp.yield %eq : i1
  }
  %s = rasp.aggregate %sel, %t {values = ["a", "b", "c"]} : !rasp.sop<categorical, !rasp.str> -> !rasp.sop<categorical, !rasp.str> loc("shift")
  rasp.output %s : !rasp.sop<categorical, !rasp.str>
}

// CHECK-LABEL: craft.program @after_two
// Constant keys are read as one - bos: the table column goes to `one`, its
// negation to `bos`, so the BOS key stays at its own level.
// CHECK: craft.attention_head query(%indices, %one, %bos : {{.*}}) key(%one, %bos : !craft.vec<1>, !craft.vec<1>)
// CHECK-SAME: w_qk [#craft.qk<0, 0, dense<{{\[\[}}false], [false], [false], [true], [true], [true]]> : tensor<6x1xi1>>, #craft.qk<0, 1, dense<{{\[\[}}0.000000e+00], [0.000000e+00], [0.000000e+00], [-1.000000e+00], [-1.000000e+00], [-1.000000e+00]]> : tensor<6x1xf64>>, #craft.qk<1, 1, dense<1.000000e+00> : tensor<1x1xf64>>, #craft.qk<2, 1, dense<1.000000e+00> : tensor<1x1xf64>>]
// EVAL: @after_two: [0, 0, 0, 6, 6, 6]
rasp.program @after_two attributes {vocab = ["a", "b", "c"], max_seq_len = 6 : i64} {
  %i = rasp.indices {values = [0, 1, 2, 3, 4, 5]} : !rasp.sop<categorical, i64>
  %two = rasp.full(2) : !rasp.sop<categorical, i64>
  %sel = rasp.select %two, %i, lt : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64>
  %w = rasp.selector_width %sel {values = [0, 1, 2, 3, 4, 5, 6]} : !rasp.sop<categorical, i64> loc("after_two")
  rasp.output %w : !rasp.sop<categorical, i64>
}
