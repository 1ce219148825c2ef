// A failing element function is reported at the body op that failed, with
// the position and the arguments.
// RUN: not rasp-run --interpret %s --program=map --input="1 2" 2>&1 \
// RUN:   | FileCheck %s --check-prefix=MAP
// RUN: not rasp-run --interpret %s --program=sequence_map --input="1 2" 2>&1 \
// RUN:   | FileCheck %s --check-prefix=SEQMAP
// RUN: not rasp-run --interpret %s --program=select_where --input="1 2" 2>&1 \
// RUN:   | FileCheck %s --check-prefix=WHERE

!int = !rasp.sop<categorical, i64>

// MAP: element-errors.mlir:[[# @LINE + 6]]:{{[0-9]+}}: error: input line 1: evaluation failed at position 0: ZeroDivisionError: integer division or modulo by zero (evaluating on 0)
rasp.program @map attributes {vocab = [1, 2], max_seq_len = 4 : i64} {
  %indices = rasp.indices : !int
  %inverse = rasp.map %indices : !int -> !int {
  ^bb0(%x: i64):
    %one = arith.constant 1 : i64
    %q = arith.floordivsi %one, %x : i64
    rasp.yield %q : i64
  }
  rasp.output %inverse : !int
}

// SEQMAP: element-errors.mlir:[[# @LINE + 7]]:{{[0-9]+}}: error: input line 1: evaluation failed at position 1: OverflowError: result does not fit in a 64-bit int (evaluating on 2, 1)
rasp.program @sequence_map attributes {vocab = [1, 2], max_seq_len = 4 : i64} {
  %tokens = rasp.tokens : !int
  %indices = rasp.indices : !int
  %power = rasp.sequence_map %tokens, %indices : !int, !int -> !int {
  ^bb0(%x: i64, %i: i64):
    %big = arith.constant 9223372036854775807 : i64
    %r = rasp.binary pow %big, %x : i64, i64 -> i64
    rasp.yield %r : i64
  }
  rasp.output %power : !int
}

// Arguments are (key, query): the first failure is at query 0, key 0.
// WHERE: element-errors.mlir:[[# @LINE + 5]]:{{[0-9]+}}: error: input line 1: evaluation failed at query position 0, key position 0: ZeroDivisionError: integer modulo by zero (evaluating on 0, 0)
rasp.program @select_where attributes {vocab = [1, 2], max_seq_len = 4 : i64} {
  %indices = rasp.indices : !int
  %divides = rasp.select_where %indices, %indices : !int, !int {
  ^bb0(%k: i64, %q: i64):
    %m = rasp.binary mod %q, %k : i64, i64 -> i64
    %zero = arith.constant 0 : i64
    %eq = arith.cmpi eq, %m, %zero : i64
    rasp.yield %eq : i1
  }
  %width = rasp.selector_width %divides : !int
  rasp.output %width : !int
}
