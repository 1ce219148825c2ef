// Aggregate evaluation errors. A categorical aggregate whose selected values
// differ is an error located at the aggregate (Tracr would average them; a
// categorical model cannot represent that). The failing input line is named
// and the other lines still run.
// RUN: not rasp-run --interpret %s --program=differing \
// RUN:   --input="a a" --input="a b" --input="b" > %t.out 2> %t.err
// RUN: FileCheck %s --check-prefix=DIFFERING-OUT < %t.out
// RUN: FileCheck %s --check-prefix=DIFFERING-ERR < %t.err
// RUN: not rasp-run --interpret %s --program=not_a_number --input="1 2" 2>&1 \
// RUN:   | FileCheck %s --check-prefix=NOT-A-NUMBER

!str = !rasp.sop<categorical, !rasp.str>
!int = !rasp.sop<categorical, i64>
!num_int = !rasp.sop<numerical, i64>
!num_float = !rasp.sop<numerical, f64>

// DIFFERING-OUT: {{^}}["a", "a"]{{$}}
// DIFFERING-OUT-NEXT: {{^}}["b"]{{$}}
// DIFFERING-OUT-NOT: {{.}}
// DIFFERING-ERR: aggregate-errors.mlir:[[# @LINE + 5]]:{{[0-9]+}}: error: input line 2: categorical aggregate at query position 0 selects differing values: 'a' at key position 0, 'b' at key position 1
// DIFFERING-ERR-NOT: input line 1
rasp.program @differing attributes {vocab = ["a", "b"], max_seq_len = 4 : i64} {
  %tokens = rasp.tokens : !str
  %all = rasp.select %tokens, %tokens, true : !str, !str
  %value = rasp.aggregate %all, %tokens : !str -> !str
  rasp.output %value : !str
}

// Several selected values with a None among them cannot be averaged.
// NOT-A-NUMBER: aggregate-errors.mlir:[[# @LINE + 13]]:{{[0-9]+}}: error: input line 1: numerical aggregate at query position 0 cannot average the value None selected at key position 0
rasp.program @not_a_number attributes {vocab = [1, 2], max_seq_len = 4 : i64} {
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
  %all = rasp.select %indices, %indices, true : !int, !int
  %mean = rasp.aggregate %all, %shifted default(0) : !num_float -> !num_float
  rasp.output %mean : !num_float
}
