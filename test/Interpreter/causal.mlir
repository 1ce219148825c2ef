// Causal evaluation (Tracr's CausalEvaluator): every selector, composites
// included, is masked to keys at or before the query, so position i sees
// only the prefix ending at i.
// RUN: rasp-run --interpret %s --program=length --input="a b c" \
// RUN:   | FileCheck %s --check-prefix=LENGTH
// RUN: rasp-run --interpret --causal %s --program=length --input="a b c" \
// RUN:   | FileCheck %s --check-prefix=LENGTH-CAUSAL
// RUN: rasp-run --interpret %s --program=composite --input="a b c" \
// RUN:   | FileCheck %s --check-prefix=COMPOSITE
// RUN: rasp-run --interpret --causal %s --program=composite --input="a b c" \
// RUN:   | FileCheck %s --check-prefix=COMPOSITE-CAUSAL
// RUN: rasp-run --interpret --causal %s --program=prefix_mean --input="a b a b" \
// RUN:   | FileCheck %s --check-prefix=MEAN-CAUSAL

!str = !rasp.sop<categorical, !rasp.str>
!int = !rasp.sop<categorical, i64>
!num_bool = !rasp.sop<numerical, i1>
!num_float = !rasp.sop<numerical, f64>

// LENGTH: {{^}}[3, 3, 3]{{$}}
// LENGTH-CAUSAL: {{^}}[1, 2, 3]{{$}}
rasp.program @length attributes {vocab = ["a", "b", "c"], max_seq_len = 4 : i64} {
  %tokens = rasp.tokens : !str
  %all = rasp.select %tokens, %tokens, true : !str, !str
  %length = rasp.selector_width %all : !int
  rasp.output %length : !int
}

// The mask applies to the result of selector_not too: not(k == q) selects
// the keys before the query, not also those after it.
// COMPOSITE: {{^}}[2, 2, 2]{{$}}
// COMPOSITE-CAUSAL: {{^}}[0, 1, 2]{{$}}
rasp.program @composite attributes {vocab = ["a", "b", "c"], max_seq_len = 4 : i64} {
  %indices = rasp.indices : !int
  %same = rasp.select %indices, %indices, eq : !int, !int
  %other = rasp.selector_not %same
  %width = rasp.selector_width %other : !int
  rasp.output %width : !int
}

// select(true) under the mask averages the prefix; one selected value is
// the value itself (True, printed as 1 in a numerical output).
// MEAN-CAUSAL: {{^}}[1, 0.5, 0.6666666666666666, 0.5]{{$}}
rasp.program @prefix_mean attributes {vocab = ["a", "b"], max_seq_len = 4 : i64} {
  %tokens = rasp.tokens : !str
  %is_a = rasp.map %tokens : !str -> !num_bool {
  ^bb0(%x: !rasp.str):
    %a = rasp.constant("a") : !rasp.str
    %eq = rasp.binary eq %x, %a : !rasp.str, !rasp.str -> i1
    rasp.yield %eq : i1
  }
  %all = rasp.select %tokens, %tokens, true : !str, !str
  %frac = rasp.aggregate %all, %is_a default(0) : !num_bool -> !num_float
  rasp.output %frac : !num_float
}
