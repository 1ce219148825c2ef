// RUN: rasp-opt %s -split-input-file -verify-diagnostics --infer-bases --validate

// The input-dependent rule: a categorical aggregate is compiled faithfully
// only where its selected positions hold equal values. --validate warns unless
// it proves that for every input (docs/BasisInference.md, "warning rule").
// Programs without expected diagnostics must validate silently.

// Tracr's dynamic-validation "mean" case: several different tokens selected.
rasp.program @mean_of_tokens attributes {vocab = [1, 2, 3], max_seq_len = 4} {
  %t = rasp.tokens : !rasp.sop<categorical, i64>
  // expected-note @+1 {{selector defined here}}
  %all = rasp.select %t, %t, true : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64>
  // expected-warning @+1 {{categorical aggregate may have to average different values: where the selector picks several positions holding different values the compiled model outputs a mixture (the interpreter reports an error)}}
  %a = rasp.aggregate %all, %t : !rasp.sop<categorical, i64> -> !rasp.sop<categorical, i64>
  rasp.output %a : !rasp.sop<categorical, i64>
}

// -----

// sort_unique is faithful only if the keys are unique: equal tokens get the
// same target position.
rasp.program @sort_unique attributes {vocab = [1, 2, 3, 4], max_seq_len = 5} {
  %t = rasp.tokens : !rasp.sop<categorical, i64>
  %i = rasp.indices : !rasp.sop<categorical, i64>
  %smaller = rasp.select %t, %t, lt : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64>
  %target = rasp.selector_width %smaller : !rasp.sop<categorical, i64>
  // expected-note @+1 {{selector defined here}}
  %sel = rasp.select %target, %i, eq : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64>
  // expected-warning @+1 {{categorical aggregate may have to average different values}}
  %sort = rasp.aggregate %sel, %t : !rasp.sop<categorical, i64> -> !rasp.sop<categorical, i64>
  rasp.output %sort : !rasp.sop<categorical, i64>
}

// -----

// Positions holding the same token hold different indices.
rasp.program @indices_by_token attributes {vocab = ["a", "b"], max_seq_len = 3} {
  %t = rasp.tokens : !rasp.sop<categorical, !rasp.str>
  %i = rasp.indices : !rasp.sop<categorical, i64>
  // expected-note @+1 {{selector defined here}}
  %same = rasp.select %t, %t, eq : !rasp.sop<categorical, !rasp.str>, !rasp.sop<categorical, !rasp.str>
  // expected-warning @+1 {{categorical aggregate may have to average different values}}
  %a = rasp.aggregate %same, %i : !rasp.sop<categorical, i64> -> !rasp.sop<categorical, i64>
  rasp.output %a : !rasp.sop<categorical, i64>
}

// -----

// A custom predicate selecting keys whose values differ: 0 // 2 == 1 // 2.
rasp.program @predicate_groups_differ attributes {vocab = [0, 1, 2, 3], max_seq_len = 3} {
  %t = rasp.tokens : !rasp.sop<categorical, i64>
  // expected-note @+1 {{selector defined here}}
  %pair = rasp.select_where %t, %t : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64> {
  ^bb0(%k: i64, %q: i64):
    %c2 = arith.constant 2 : i64
    %k2 = arith.floordivsi %k, %c2 : i64
    %q2 = arith.floordivsi %q, %c2 : i64
    %eq = arith.cmpi eq, %k2, %q2 : i64
    rasp.yield %eq : i1
  }
  // expected-warning @+1 {{categorical aggregate may have to average different values}}
  %a = rasp.aggregate %pair, %t : !rasp.sop<categorical, i64> -> !rasp.sop<categorical, i64>
  rasp.output %a : !rasp.sop<categorical, i64>
}

// -----

// The same predicate is safe for a function of the keys it groups by: every
// selected key has the same k // 2.
rasp.program @predicate_groups_agree attributes {vocab = [0, 1, 2, 3], max_seq_len = 3} {
  %t = rasp.tokens : !rasp.sop<categorical, i64>
  %pair = rasp.select_where %t, %t : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64> {
  ^bb0(%k: i64, %q: i64):
    %c2 = arith.constant 2 : i64
    %k2 = arith.floordivsi %k, %c2 : i64
    %q2 = arith.floordivsi %q, %c2 : i64
    %eq = arith.cmpi eq, %k2, %q2 : i64
    rasp.yield %eq : i1
  }
  %half = rasp.map %t : !rasp.sop<categorical, i64> -> !rasp.sop<categorical, i64> {
  ^bb0(%x: i64):
    %c2 = arith.constant 2 : i64
    %h = arith.floordivsi %x, %c2 : i64
    rasp.yield %h : i64
  }
  %a = rasp.aggregate %pair, %half : !rasp.sop<categorical, i64> -> !rasp.sop<categorical, i64>
  rasp.output %a : !rasp.sop<categorical, i64>
}

// -----

// `eq` on the keys the aggregated SOp is a function of.
rasp.program @function_of_eq_keys attributes {vocab = ["a", "b"], max_seq_len = 3} {
  %t = rasp.tokens : !rasp.sop<categorical, !rasp.str>
  %same = rasp.select %t, %t, eq : !rasp.sop<categorical, !rasp.str>, !rasp.sop<categorical, !rasp.str>
  %isA = rasp.map %t : !rasp.sop<categorical, !rasp.str> -> !rasp.sop<categorical, i1> {
  ^bb0(%x: !rasp.str):
    %a = rasp.constant("a") : !rasp.str
    %eq = rasp.binary eq %x, %a : !rasp.str, !rasp.str -> i1
    rasp.yield %eq : i1
  }
  %r = rasp.aggregate %same, %t : !rasp.sop<categorical, !rasp.str> -> !rasp.sop<categorical, !rasp.str>
  %s = rasp.aggregate %same, %isA : !rasp.sop<categorical, i1> -> !rasp.sop<categorical, i1>
  rasp.output %s : !rasp.sop<categorical, i1>
}

// -----

// reverse: `eq` on indices, which hold distinct values, selects one key.
rasp.program @reverse attributes {vocab = ["a", "b", "c", "d"], max_seq_len = 5} {
  %t = rasp.tokens : !rasp.sop<categorical, !rasp.str>
  %i = rasp.indices : !rasp.sop<categorical, i64>
  %all = rasp.select %t, %t, true : !rasp.sop<categorical, !rasp.str>, !rasp.sop<categorical, !rasp.str>
  %len = rasp.selector_width %all : !rasp.sop<categorical, i64>
  %opp = rasp.sequence_map %len, %i : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64> -> !rasp.sop<categorical, i64> {
  ^bb0(%l: i64, %x: i64):
    %d = arith.subi %l, %x : i64
    %c1 = arith.constant 1 : i64
    %r = arith.subi %d, %c1 : i64
    rasp.yield %r : i64
  }
  %flip = rasp.select %i, %opp, eq : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64>
  %rev = rasp.aggregate %flip, %t : !rasp.sop<categorical, !rasp.str> -> !rasp.sop<categorical, !rasp.str>
  rasp.output %rev : !rasp.sop<categorical, !rasp.str>
}

// -----

// reverse with the roles swapped: the keys are opp_index = length - i - 1,
// distinct at distinct positions because length is the same everywhere.
rasp.program @reverse_by_opp_keys attributes {vocab = ["a", "b", "c", "d"], max_seq_len = 5} {
  %t = rasp.tokens : !rasp.sop<categorical, !rasp.str>
  %i = rasp.indices : !rasp.sop<categorical, i64>
  %all = rasp.select %t, %t, true : !rasp.sop<categorical, !rasp.str>, !rasp.sop<categorical, !rasp.str>
  %len = rasp.selector_width %all : !rasp.sop<categorical, i64>
  %opp = rasp.sequence_map %len, %i : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64> -> !rasp.sop<categorical, i64> {
  ^bb0(%l: i64, %x: i64):
    %d = arith.subi %l, %x : i64
    %c1 = arith.constant 1 : i64
    %r = arith.subi %d, %c1 : i64
    rasp.yield %r : i64
  }
  %flip = rasp.select %opp, %i, eq : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64>
  %rev = rasp.aggregate %flip, %t : !rasp.sop<categorical, !rasp.str> -> !rasp.sop<categorical, !rasp.str>
  rasp.output %rev : !rasp.sop<categorical, !rasp.str>
}

// -----

// Under causal masks "length" at position i is i + 1, so opp_index is 0
// everywhere: the same program gets the warning.
rasp.program @reverse_by_opp_keys_causal attributes {vocab = ["a", "b", "c", "d"], max_seq_len = 5, causal} {
  %t = rasp.tokens : !rasp.sop<categorical, !rasp.str>
  %i = rasp.indices : !rasp.sop<categorical, i64>
  %all = rasp.select %t, %t, true : !rasp.sop<categorical, !rasp.str>, !rasp.sop<categorical, !rasp.str>
  %len = rasp.selector_width %all : !rasp.sop<categorical, i64>
  %opp = rasp.sequence_map %len, %i : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64> -> !rasp.sop<categorical, i64> {
  ^bb0(%l: i64, %x: i64):
    %d = arith.subi %l, %x : i64
    %c1 = arith.constant 1 : i64
    %r = arith.subi %d, %c1 : i64
    rasp.yield %r : i64
  }
  // expected-note @+1 {{selector defined here}}
  %flip = rasp.select %opp, %i, eq : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64>
  // expected-warning @+1 {{categorical aggregate may have to average different values}}
  %rev = rasp.aggregate %flip, %t : !rasp.sop<categorical, !rasp.str> -> !rasp.sop<categorical, !rasp.str>
  rasp.output %rev : !rasp.sop<categorical, !rasp.str>
}

// -----

// shift_by: a custom predicate accepting at most one index per query.
rasp.program @shift_by_2 attributes {vocab = ["a", "b", "c", "d"], max_seq_len = 5} {
  %t = rasp.tokens : !rasp.sop<categorical, !rasp.str>
  %i = rasp.indices : !rasp.sop<categorical, i64>
  %sel = rasp.select_where %i, %i : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64> {
  ^bb0(%k: i64, %q: i64):
    %c2 = arith.constant 2 : i64
    %k2 = arith.addi %k, %c2 : i64
    %eq = arith.cmpi eq, %q, %k2 : i64
    rasp.yield %eq : i1
  }
  %shifted = rasp.aggregate %sel, %t : !rasp.sop<categorical, !rasp.str> -> !rasp.sop<categorical, !rasp.str>
  rasp.output %shifted : !rasp.sop<categorical, !rasp.str>
}

// -----

// Tracr's make_sort (min_key = 1, max_seq_len = 5): keys = x + i / 5 are
// distinct at distinct positions, so their ranks (target positions) are too
// and `eq` on the target positions selects one key.
rasp.program @sort attributes {vocab = [1, 2, 3, 4], max_seq_len = 5} {
  %t = rasp.tokens : !rasp.sop<categorical, i64>
  %i = rasp.indices : !rasp.sop<categorical, i64>
  %keys = rasp.sequence_map %t, %i : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64> -> !rasp.sop<categorical, f64> {
  ^bb0(%x: i64, %j: i64):
    %c5 = arith.constant 5 : i64
    %q = rasp.binary truediv %j, %c5 : i64, i64 -> f64
    %xf = arith.sitofp %x : i64 to f64
    %k = arith.addf %xf, %q : f64
    rasp.yield %k : f64
  }
  %smaller = rasp.select %keys, %keys, lt : !rasp.sop<categorical, f64>, !rasp.sop<categorical, f64>
  %target = rasp.selector_width %smaller : !rasp.sop<categorical, i64>
  %sel = rasp.select %target, %i, eq : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64>
  %sort = rasp.aggregate %sel, %t : !rasp.sop<categorical, i64> -> !rasp.sop<categorical, i64>
  rasp.output %sort : !rasp.sop<categorical, i64>
}

// -----

// Under causal masks a rank counts within a prefix only, so target positions
// may repeat: the same program now gets the warning.
rasp.program @sort_causal attributes {vocab = [1, 2, 3, 4], max_seq_len = 5, causal} {
  %t = rasp.tokens : !rasp.sop<categorical, i64>
  %i = rasp.indices : !rasp.sop<categorical, i64>
  %keys = rasp.sequence_map %t, %i : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64> -> !rasp.sop<categorical, f64> {
  ^bb0(%x: i64, %j: i64):
    %c5 = arith.constant 5 : i64
    %q = rasp.binary truediv %j, %c5 : i64, i64 -> f64
    %xf = arith.sitofp %x : i64 to f64
    %k = arith.addf %xf, %q : f64
    rasp.yield %k : f64
  }
  %smaller = rasp.select %keys, %keys, lt : !rasp.sop<categorical, f64>, !rasp.sop<categorical, f64>
  %target = rasp.selector_width %smaller : !rasp.sop<categorical, i64>
  // expected-note @+1 {{selector defined here}}
  %sel = rasp.select %target, %i, eq : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64>
  // expected-warning @+1 {{categorical aggregate may have to average different values}}
  %sort = rasp.aggregate %sel, %t : !rasp.sop<categorical, i64> -> !rasp.sop<categorical, i64>
  rasp.output %sort : !rasp.sop<categorical, i64>
}

// -----

// sort_freq: keys = -hist + i / 5, distinct because of the index term.
rasp.program @sort_freq attributes {vocab = [1, 2, 3, 4], max_seq_len = 5} {
  %t = rasp.tokens : !rasp.sop<categorical, i64>
  %i = rasp.indices : !rasp.sop<categorical, i64>
  %same = rasp.select %t, %t, eq : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64>
  %hist = rasp.selector_width %same : !rasp.sop<categorical, i64>
  %keys = rasp.sequence_map %hist, %i : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64> -> !rasp.sop<categorical, f64> {
  ^bb0(%h: i64, %j: i64):
    %c5 = arith.constant 5 : i64
    %q = rasp.binary truediv %j, %c5 : i64, i64 -> f64
    %hf = arith.sitofp %h : i64 to f64
    %k = arith.subf %q, %hf : f64
    rasp.yield %k : f64
  }
  %smaller = rasp.select %keys, %keys, lt : !rasp.sop<categorical, f64>, !rasp.sop<categorical, f64>
  %target = rasp.selector_width %smaller : !rasp.sop<categorical, i64>
  %sel = rasp.select %target, %i, eq : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64>
  %sort = rasp.aggregate %sel, %t : !rasp.sop<categorical, i64> -> !rasp.sop<categorical, i64>
  rasp.output %sort : !rasp.sop<categorical, i64>
}

// -----

// sort_unique_neg_indices: keys = 1 - i, an injective map of the indices.
rasp.program @sort_unique_neg_indices attributes {vocab = ["a", "b", "c", "d"], max_seq_len = 5} {
  %t = rasp.tokens : !rasp.sop<categorical, !rasp.str>
  %i = rasp.indices : !rasp.sop<categorical, i64>
  %keys = rasp.map %i : !rasp.sop<categorical, i64> -> !rasp.sop<categorical, i64> {
  ^bb0(%x: i64):
    %c1 = arith.constant 1 : i64
    %k = arith.subi %c1, %x : i64
    rasp.yield %k : i64
  }
  %smaller = rasp.select %keys, %keys, lt : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64>
  %target = rasp.selector_width %smaller : !rasp.sop<categorical, i64>
  %sel = rasp.select %target, %i, eq : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64>
  %sort = rasp.aggregate %sel, %t : !rasp.sop<categorical, !rasp.str> -> !rasp.sop<categorical, !rasp.str>
  rasp.output %sort : !rasp.sop<categorical, !rasp.str>
}

// -----

// A non-injective map of the indices loses the proof.
rasp.program @non_injective_keys attributes {vocab = ["a", "b"], max_seq_len = 4} {
  %t = rasp.tokens : !rasp.sop<categorical, !rasp.str>
  %i = rasp.indices : !rasp.sop<categorical, i64>
  %half = rasp.map %i : !rasp.sop<categorical, i64> -> !rasp.sop<categorical, i64> {
  ^bb0(%x: i64):
    %c2 = arith.constant 2 : i64
    %h = arith.floordivsi %x, %c2 : i64
    rasp.yield %h : i64
  }
  // expected-note @+1 {{selector defined here}}
  %sel = rasp.select %half, %i, eq : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64>
  // expected-warning @+1 {{categorical aggregate may have to average different values}}
  %a = rasp.aggregate %sel, %t : !rasp.sop<categorical, !rasp.str> -> !rasp.sop<categorical, !rasp.str>
  rasp.output %a : !rasp.sop<categorical, !rasp.str>
}

// -----

// Composite selectors: `and` with a part that selects one key, and `not neq`
// on the indices (the same predicate as `eq`, proved by enumeration).
rasp.program @composite attributes {vocab = ["a", "b"], max_seq_len = 4} {
  %t = rasp.tokens : !rasp.sop<categorical, !rasp.str>
  %i = rasp.indices : !rasp.sop<categorical, i64>
  %same = rasp.select %i, %i, eq : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64>
  %all = rasp.select %t, %t, true : !rasp.sop<categorical, !rasp.str>, !rasp.sop<categorical, !rasp.str>
  %both = rasp.selector_and %all, %same
  %a = rasp.aggregate %both, %t : !rasp.sop<categorical, !rasp.str> -> !rasp.sop<categorical, !rasp.str>
  %neq = rasp.select %i, %i, neq : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64>
  %notNeq = rasp.selector_not %neq
  %b = rasp.aggregate %notNeq, %t : !rasp.sop<categorical, !rasp.str> -> !rasp.sop<categorical, !rasp.str>
  rasp.output %b : !rasp.sop<categorical, !rasp.str>
}

// -----

// A single-valued input cannot differ; a numerical aggregate of arbitrary
// numbers is a true mean, which attention computes (no warning).
rasp.program @single_value_and_numerical_mean attributes {vocab = [1, 2, 3], max_seq_len = 4} {
  %t = rasp.tokens : !rasp.sop<categorical, i64>
  %one = rasp.full(1) : !rasp.sop<categorical, i64>
  %all = rasp.select %t, %t, true : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64>
  %a = rasp.aggregate %all, %one : !rasp.sop<categorical, i64> -> !rasp.sop<categorical, i64>
  %n = rasp.map %t : !rasp.sop<categorical, i64> -> !rasp.sop<numerical, i64> {
  ^bb0(%x: i64):
    rasp.yield %x : i64
  }
  %mean = rasp.aggregate %all, %n default(0) : !rasp.sop<numerical, i64> -> !rasp.sop<numerical, f64>
  rasp.output %mean : !rasp.sop<numerical, f64>
}

// -----

// One value, but also None where the shift selects nothing: averaging 1 with
// None is not a value either, so the warning stays.
rasp.program @single_value_or_none attributes {vocab = [1, 2, 3], max_seq_len = 4} {
  %t = rasp.tokens : !rasp.sop<categorical, i64>
  %i = rasp.indices : !rasp.sop<categorical, i64>
  %one = rasp.full(1) : !rasp.sop<categorical, i64>
  %next = rasp.select_where %i, %i : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64> {
  ^bb0(%k: i64, %q: i64):
    %c1 = arith.constant 1 : i64
    %k1 = arith.addi %k, %c1 : i64
    %eq = arith.cmpi eq, %q, %k1 : i64
    rasp.yield %eq : i1
  }
  %shifted = rasp.aggregate %next, %one : !rasp.sop<categorical, i64> -> !rasp.sop<categorical, i64>
  // expected-note @+1 {{selector defined here}}
  %all = rasp.select %t, %t, true : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64>
  // expected-warning @+1 {{categorical aggregate may have to average different values}}
  %a = rasp.aggregate %all, %shifted : !rasp.sop<categorical, i64> -> !rasp.sop<categorical, i64>
  rasp.output %a : !rasp.sop<categorical, i64>
}
