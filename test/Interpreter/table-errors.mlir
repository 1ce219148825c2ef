// Tables that cannot be evaluated: a value the operand can hold that is not
// a key (basis inference reports it, before anything runs), and keys that
// are equal in Python (1 and 1.0).
// RUN: not rasp-opt %s --split-input-file --infer-bases 2>&1 | FileCheck %s

!int = !rasp.sop<categorical, i64>
!any = !rasp.sop<categorical, !rasp.any>

// CHECK: error: 'rasp.map' op cannot be evaluated on a value it can receive: the function's table has no entry for these arguments (evaluating on 2)
rasp.program @partial attributes {vocab = [1, 2], max_seq_len = 3 : i64} {
  %tokens = rasp.tokens : !int
  %m = rasp.map %tokens : !int -> !int {
  ^bb0(%x: i64):
    %y = rasp.table(%x) [1] -> [10] : (i64) -> i64
    rasp.yield %y : i64
  }
  rasp.output %m : !int
}

// -----

!int = !rasp.sop<categorical, i64>
!any = !rasp.sop<categorical, !rasp.any>

// CHECK: error: 'rasp.table' op lists equal keys 1 and 1.0
rasp.program @equal_keys attributes {vocab = [1], max_seq_len = 3 : i64} {
  %tokens = rasp.tokens : !any
  %m = rasp.map %tokens : !any -> !int {
  ^bb0(%x: !rasp.any):
    %y = rasp.table(%x) [1, 1.0] -> [10, 20] : (!rasp.any) -> i64
    rasp.yield %y : i64
  }
  rasp.output %m : !int
}

// -----

!int = !rasp.sop<categorical, i64>
!any = !rasp.sop<categorical, !rasp.any>

// Tuples are not ordered against numbers.
// CHECK: error: 'rasp.select' op cannot be evaluated on a value it can receive: TypeError: '<' not supported between instances of 'int' and 'tuple' (evaluating on 0, (1,))
rasp.program @unordered attributes {vocab = [1], max_seq_len = 3 : i64} {
  %tokens = rasp.tokens : !int
  %indices = rasp.indices : !int
  %wrapped = rasp.map %tokens : !int -> !any {
  ^bb0(%x: i64):
    %y = rasp.table(%x) [1] -> [[1]] : (i64) -> !rasp.any
    rasp.yield %y : !rasp.any
  }
  %s = rasp.select %indices, %wrapped, lt : !int, !any
  %w = rasp.selector_width %s : !int
  rasp.output %w : !int
}
