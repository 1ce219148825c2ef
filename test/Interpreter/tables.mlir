// Tables and tuples end to end: the table form of map, sequence_map and
// select_where (what raspc writes for Python functions), tuple values moved
// by aggregates and compared by built-in selects, in the interpreter, the
// craft evaluator and the compiled model, which must agree.
// RUN: rasp-run --interpret %s --program=nary --input="1 2 3" --input="3 3 1 2" | FileCheck %s --check-prefix=NARY
// RUN: rasp-run --mode=craft %s --program=nary --input="1 2 3" --input="3 3 1 2" | FileCheck %s --check-prefix=NARY
// RUN: rasp-run %s --program=nary --input="1 2 3" --input="3 3 1 2" | FileCheck %s --check-prefix=NARY
// RUN: rasp-run --interpret %s --program=sort_pairs --input="3 1 3 2" --input="2 2 1" | FileCheck %s --check-prefix=SORT
// RUN: rasp-run --mode=craft %s --program=sort_pairs --input="3 1 3 2" --input="2 2 1" | FileCheck %s --check-prefix=SORT
// RUN: rasp-run %s --program=sort_pairs --input="3 1 3 2" --input="2 2 1" | FileCheck %s --check-prefix=SORT
// RUN: rasp-run --interpret --causal %s --program=sort_pairs --input="3 1 3 2" | FileCheck %s --check-prefix=CAUSAL
// RUN: rasp-run --causal %s --program=sort_pairs --input="3 1 3 2" | FileCheck %s --check-prefix=CAUSAL
// RUN: rasp-run --interpret %s --program=shift_pairs --input="3 1 2" | FileCheck %s --check-prefix=SHIFT
// RUN: rasp-run %s --program=shift_pairs --input="3 1 2" | FileCheck %s --check-prefix=SHIFT
// RUN: rasp-opt %s --infer-bases | FileCheck %s --check-prefix=BASES

!int = !rasp.sop<categorical, i64>
!any = !rasp.sop<categorical, !rasp.any>

// Tracr's make_nary_sequencemap(lambda x, i: x - i, tokens, indices): the
// pairs (x, i) as tuple values, then a map of them.
// NARY: {{^}}[1, 1, 1]{{$}}
// NARY: {{^}}[3, 2, -1, -1]{{$}}
// BASES-LABEL: rasp.program @nary
// BASES: rasp.sequence_map {{.*}}{values = {{\[}}[1, 0], [1, 1], [1, 2], [1, 3], [2, 0], [2, 1], [2, 2], [2, 3], [3, 0], [3, 1], [3, 2], [3, 3]]}
// BASES: rasp.map {{.*}}{values = [-2, -1, 0, 1, 2, 3]}
rasp.program @nary attributes {vocab = [1, 2, 3], max_seq_len = 4 : i64} {
  %tokens = rasp.tokens : !int
  %indices = rasp.indices : !int
  %pairs = rasp.sequence_map %tokens, %indices : !int, !int -> !any {
  ^bb0(%x: i64, %i: i64):
    %p = rasp.table(%x, %i) [[1, 0], [1, 1], [1, 2], [1, 3], [2, 0], [2, 1], [2, 2], [2, 3], [3, 0], [3, 1], [3, 2], [3, 3]] -> [[1, 0], [1, 1], [1, 2], [1, 3], [2, 0], [2, 1], [2, 2], [2, 3], [3, 0], [3, 1], [3, 2], [3, 3]] : (i64, i64) -> !rasp.any
    rasp.yield %p : !rasp.any
  }
  %diff = rasp.map %pairs : !any -> !int {
  ^bb0(%p: !rasp.any):
    %d = rasp.table(%p) [[1, 0], [1, 1], [1, 2], [1, 3], [2, 0], [2, 1], [2, 2], [2, 3], [3, 0], [3, 1], [3, 2], [3, 3]] -> [1, 0, -1, -2, 2, 1, 0, -1, 3, 2, 1, 0] : (!rasp.any) -> i64
    rasp.yield %d : i64
  }
  rasp.output %diff : !int
}

// Sorting by the unique keys (token, index), compared as Python compares
// tuples: ties between equal tokens are broken by position.
// SORT: {{^}}[1, 2, 3, 3]{{$}}
// SORT: {{^}}[1, 2, 2]{{$}}
// Causal: position q sees the keys up to q only.
// CAUSAL: {{^}}[3, null, 3, null]{{$}}
rasp.program @sort_pairs attributes {vocab = [1, 2, 3], max_seq_len = 4 : i64} {
  %tokens = rasp.tokens : !int
  %indices = rasp.indices : !int
  %keys = rasp.sequence_map %tokens, %indices : !int, !int -> !any {
  ^bb0(%x: i64, %i: i64):
    %p = rasp.table(%x, %i) [[1, 0], [1, 1], [1, 2], [1, 3], [2, 0], [2, 1], [2, 2], [2, 3], [3, 0], [3, 1], [3, 2], [3, 3]] -> [[1, 0], [1, 1], [1, 2], [1, 3], [2, 0], [2, 1], [2, 2], [2, 3], [3, 0], [3, 1], [3, 2], [3, 3]] : (i64, i64) -> !rasp.any
    rasp.yield %p : !rasp.any
  }
  %smaller = rasp.select %keys, %keys, lt : !any, !any
  %target = rasp.selector_width %smaller : !int
  %move = rasp.select %target, %indices, eq : !int, !int
  %sorted = rasp.aggregate %move, %tokens : !int -> !int
  rasp.output %sorted : !int
}

// Tuples through an aggregate, decoded and printed as JSON arrays; a
// select_where in table form.
// SHIFT: {{^}}[null, [3, "odd"], [1, "odd"]]{{$}}
// BASES-LABEL: rasp.program @shift_pairs
// BASES: rasp.aggregate {{.*}}{values = {{\[}}[1, "odd"], [2, "even"], [3, "odd"]]}
rasp.program @shift_pairs attributes {vocab = [1, 2, 3], max_seq_len = 3 : i64} {
  %tokens = rasp.tokens : !int
  %indices = rasp.indices : !int
  %tagged = rasp.map %tokens : !int -> !any {
  ^bb0(%x: i64):
    %t = rasp.table(%x) [1, 2, 3] -> [[1, "odd"], [2, "even"], [3, "odd"]] : (i64) -> !rasp.any
    rasp.yield %t : !rasp.any
  }
  %prev = rasp.select_where %indices, %indices : !int, !int {
  ^bb0(%k: i64, %q: i64):
    %s = rasp.table(%k, %q) [[0, 0], [0, 1], [0, 2], [1, 0], [1, 1], [1, 2], [2, 0], [2, 1], [2, 2]] -> [false, true, false, false, false, true, false, false, false] : (i64, i64) -> i1
    rasp.yield %s : i1
  }
  %shifted = rasp.aggregate %prev, %tagged : !any -> !any
  rasp.output %shifted : !any
}
