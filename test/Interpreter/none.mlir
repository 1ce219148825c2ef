// None propagation, as in Tracr: map, sequence_map and linear_sequence_map
// give None for a None input without evaluating anything; a built-in
// comparison on None is an error.
// RUN: rasp-run --interpret %s --program=map --input="a b c" \
// RUN:   | FileCheck %s --check-prefix=MAP
// RUN: rasp-run --interpret %s --program=sequence_map --input="a b c" \
// RUN:   | FileCheck %s --check-prefix=SEQMAP
// RUN: rasp-run --interpret %s --program=linear --input="1 2 3" \
// RUN:   | FileCheck %s --check-prefix=LINEAR
// RUN: not rasp-run --interpret %s --program=compare_none --input="a b" 2>&1 \
// RUN:   | FileCheck %s --check-prefix=COMPARE

!str = !rasp.sop<categorical, !rasp.str>
!int = !rasp.sop<categorical, i64>
!num_int = !rasp.sop<numerical, i64>
!num_float = !rasp.sop<numerical, f64>

// The body would fail on None (its argument is a !rasp.str), so not running
// it is observable.
// MAP: {{^}}[null, "a!", "b!"]{{$}}
rasp.program @map attributes {vocab = ["a", "b", "c"], max_seq_len = 4 : i64} {
  %indices = rasp.indices : !int
  %prev = rasp.select_where %indices, %indices : !int, !int {
  ^bb0(%k: i64, %q: i64):
    %one = arith.constant 1 : i64
    %k1 = arith.addi %k, %one : i64
    %eq = arith.cmpi eq, %q, %k1 : i64
    rasp.yield %eq : i1
  }
  %tokens = rasp.tokens : !str
  %shifted = rasp.aggregate %prev, %tokens : !str -> !str
  %bang = rasp.map %shifted : !str -> !str {
  ^bb0(%x: !rasp.str):
    %suffix = rasp.constant("!") : !rasp.str
    %y = rasp.binary add %x, %suffix : !rasp.str, !rasp.str -> !rasp.str
    rasp.yield %y : !rasp.str
  }
  rasp.output %bang : !str
}

// SEQMAP: {{^}}[null, "ab", "bc"]{{$}}
rasp.program @sequence_map attributes {vocab = ["a", "b", "c"], max_seq_len = 4 : i64} {
  %indices = rasp.indices : !int
  %prev = rasp.select_where %indices, %indices : !int, !int {
  ^bb0(%k: i64, %q: i64):
    %one = arith.constant 1 : i64
    %k1 = arith.addi %k, %one : i64
    %eq = arith.cmpi eq, %q, %k1 : i64
    rasp.yield %eq : i1
  }
  %tokens = rasp.tokens : !str
  %shifted = rasp.aggregate %prev, %tokens : !str -> !str
  %pair = rasp.sequence_map %shifted, %tokens : !str, !str -> !str {
  ^bb0(%x: !rasp.str, %y: !rasp.str):
    %xy = rasp.binary add %x, %y : !rasp.str, !rasp.str -> !rasp.str
    rasp.yield %xy : !rasp.str
  }
  rasp.output %pair : !str
}

// A numerical aggregate without default is None where nothing is selected.
// LINEAR: {{^}}[null, 3.0, 6.0]{{$}}
rasp.program @linear attributes {vocab = [1, 2, 3], max_seq_len = 4 : i64} {
  %indices = rasp.indices : !int
  %prev = rasp.select_where %indices, %indices : !int, !int {
  ^bb0(%k: i64, %q: i64):
    %one = arith.constant 1 : i64
    %k1 = arith.addi %k, %one : i64
    %eq = arith.cmpi eq, %q, %k1 : i64
    rasp.yield %eq : i1
  }
  %tokens = rasp.tokens : !num_int
  %shifted = rasp.aggregate %prev, %tokens : !num_int -> !num_float
  %tripled = rasp.linear_sequence_map %shifted, %shifted coefficients (2.0, 1.0)
      : !num_float, !num_float -> !num_float
  rasp.output %tripled : !num_float
}

// COMPARE: none.mlir:[[# @LINE + 12]]:{{[0-9]+}}: error: input line 1: evaluation failed at query position 0, key position 0: ValueError: key is None!
rasp.program @compare_none attributes {vocab = ["a", "b"], max_seq_len = 4 : i64} {
  %indices = rasp.indices : !int
  %prev = rasp.select_where %indices, %indices : !int, !int {
  ^bb0(%k: i64, %q: i64):
    %one = arith.constant 1 : i64
    %k1 = arith.addi %k, %one : i64
    %eq = arith.cmpi eq, %q, %k1 : i64
    rasp.yield %eq : i1
  }
  %tokens = rasp.tokens : !str
  %shifted = rasp.aggregate %prev, %tokens : !str -> !str
  %same = rasp.select %shifted, %tokens, eq : !str, !str
  %width = rasp.selector_width %same : !int
  rasp.output %width : !int
}
