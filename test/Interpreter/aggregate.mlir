// Aggregate semantics: defaults where nothing is selected, Tracr's mean for
// numerical aggregates, the common value for categorical ones.
// RUN: rasp-run --interpret %s --program=no_default --input="a b c" \
// RUN:   | FileCheck %s --check-prefix=NO-DEFAULT
// RUN: rasp-run --interpret %s --program=str_default --input="a b c" \
// RUN:   | FileCheck %s --check-prefix=STR-DEFAULT
// RUN: rasp-run --interpret %s --program=numerical_default --input="1 2 4" \
// RUN:   | FileCheck %s --check-prefix=NUM-DEFAULT
// RUN: rasp-run --interpret %s --program=numerical_no_default --input="1 2 4" \
// RUN:   | FileCheck %s --check-prefix=NUM-NO-DEFAULT
// RUN: rasp-run --interpret %s --program=mean --input="1 2 4" --input="4" --input="" \
// RUN:   | FileCheck %s --check-prefix=MEAN
// RUN: rasp-run --interpret %s --program=mean_of_bools --input="1 2 4" \
// RUN:   | FileCheck %s --check-prefix=BOOLS
// RUN: rasp-run --interpret %s --program=equal_values --input="2 1 2 2" \
// RUN:   | FileCheck %s --check-prefix=EQUAL

!str = !rasp.sop<categorical, !rasp.str>
!int = !rasp.sop<categorical, i64>
!num_bool = !rasp.sop<numerical, i1>
!num_int = !rasp.sop<numerical, i64>
!num_float = !rasp.sop<numerical, f64>

// The last query selects no key (no later position).
// NO-DEFAULT: {{^}}["b", "c", null]{{$}}
rasp.program @no_default attributes {vocab = ["a", "b", "c"], max_seq_len = 4 : i64} {
  %indices = rasp.indices : !int
  %next = rasp.select_where %indices, %indices : !int, !int {
  ^bb0(%k: i64, %q: i64):
    %one = arith.constant 1 : i64
    %q1 = arith.addi %q, %one : i64
    %eq = arith.cmpi eq, %k, %q1 : i64
    rasp.yield %eq : i1
  }
  %tokens = rasp.tokens : !str
  %shifted = rasp.aggregate %next, %tokens : !str -> !str
  rasp.output %shifted : !str
}

// STR-DEFAULT: {{^}}["b", "c", "end"]{{$}}
rasp.program @str_default attributes {vocab = ["a", "b", "c"], max_seq_len = 4 : i64} {
  %indices = rasp.indices : !int
  %next = rasp.select_where %indices, %indices : !int, !int {
  ^bb0(%k: i64, %q: i64):
    %one = arith.constant 1 : i64
    %q1 = arith.addi %q, %one : i64
    %eq = arith.cmpi eq, %k, %q1 : i64
    rasp.yield %eq : i1
  }
  %tokens = rasp.tokens : !str
  %shifted = rasp.aggregate %next, %tokens default("end") : !str -> !str
  rasp.output %shifted : !str
}

// Keys after the query: the mean of the later tokens, 0 for the last.
// NUM-DEFAULT: {{^}}[3.0, 4, 0]{{$}}
rasp.program @numerical_default attributes {vocab = [1, 2, 4], max_seq_len = 4 : i64} {
  %indices = rasp.indices : !int
  %later = rasp.select %indices, %indices, gt : !int, !int
  %tokens = rasp.tokens : !num_int
  %mean = rasp.aggregate %later, %tokens default(0) : !num_int -> !num_float
  rasp.output %mean : !num_float
}

// NUM-NO-DEFAULT: {{^}}[3.0, 4, null]{{$}}
rasp.program @numerical_no_default attributes {vocab = [1, 2, 4], max_seq_len = 4 : i64} {
  %indices = rasp.indices : !int
  %later = rasp.select %indices, %indices, gt : !int, !int
  %tokens = rasp.tokens : !num_int
  %mean = rasp.aggregate %later, %tokens : !num_int -> !num_float
  rasp.output %mean : !num_float
}

// Python's sum(xs) / len(xs): (1 + 2 + 4) / 3 is 2.3333333333333335; one
// selected value is returned as is (the int 1).
// MEAN: {{^}}[1, 1.5, 2.3333333333333335]{{$}}
// MEAN-NEXT: {{^}}[4]{{$}}
// MEAN-NEXT: {{^}}[]{{$}}
rasp.program @mean attributes {vocab = [1, 2, 4], max_seq_len = 4 : i64} {
  %indices = rasp.indices : !int
  %prefix = rasp.select %indices, %indices, leq : !int, !int
  %tokens = rasp.tokens : !num_int
  %mean = rasp.aggregate %prefix, %tokens default(0) : !num_int -> !num_float
  rasp.output %mean : !num_float
}

// Bools average as numbers; a single selected bool stays a bool and prints
// as 0 or 1 in a numerical output.
// BOOLS: {{^}}[0, 0.5, 0.3333333333333333]{{$}}
rasp.program @mean_of_bools attributes {vocab = [1, 2, 4], max_seq_len = 4 : i64} {
  %tokens = rasp.tokens : !int
  %is_two = rasp.map %tokens : !int -> !num_bool {
  ^bb0(%x: i64):
    %two = arith.constant 2 : i64
    %eq = arith.cmpi eq, %x, %two : i64
    rasp.yield %eq : i1
  }
  %indices = rasp.indices : !int
  %prefix = rasp.select %indices, %indices, leq : !int, !int
  %mean = rasp.aggregate %prefix, %is_two default(0) : !num_bool -> !num_float
  rasp.output %mean : !num_float
}

// Several equal selected values give that value with its type (2, not 2.0).
// EQUAL: {{^}}[2, 1, 2, 2]{{$}}
rasp.program @equal_values attributes {vocab = [1, 2], max_seq_len = 4 : i64} {
  %tokens = rasp.tokens : !int
  %same = rasp.select %tokens, %tokens, eq : !int, !int
  %value = rasp.aggregate %same, %tokens : !int -> !int
  rasp.output %value : !int
}
