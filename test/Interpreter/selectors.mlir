// Selectors: the eight comparisons applied as predicate(key, query), Python
// ordering of strings, and the selector combinators. Each comparison's
// width is bound to a name (a NameLoc) and picked with --output.
// RUN: rasp-run --interpret %s --program=comparisons --output=eq --input="1 2 2 3" | FileCheck %s --check-prefix=EQ
// RUN: rasp-run --interpret %s --program=comparisons --output=lt --input="1 2 2 3" | FileCheck %s --check-prefix=LT
// RUN: rasp-run --interpret %s --program=comparisons --output=leq --input="1 2 2 3" | FileCheck %s --check-prefix=LEQ
// RUN: rasp-run --interpret %s --program=comparisons --output=gt --input="1 2 2 3" | FileCheck %s --check-prefix=GT
// RUN: rasp-run --interpret %s --program=comparisons --output=geq --input="1 2 2 3" | FileCheck %s --check-prefix=GEQ
// RUN: rasp-run --interpret %s --program=comparisons --output=neq --input="1 2 2 3" | FileCheck %s --check-prefix=NEQ
// RUN: rasp-run --interpret %s --program=comparisons --output=true --input="1 2 2 3" | FileCheck %s --check-prefix=TRUE
// RUN: rasp-run --interpret %s --program=comparisons --output=false --input="1 2 2 3" | FileCheck %s --check-prefix=FALSE
// RUN: rasp-run --interpret %s --program=strings --input="ab a b" | FileCheck %s --check-prefix=STRINGS
// RUN: not rasp-run --interpret %s --program=unorderable --input="1 a" 2>&1 | FileCheck %s --check-prefix=UNORDERABLE
// RUN: rasp-run --interpret %s --program=combinators --output=and --input="a b c" | FileCheck %s --check-prefix=AND
// RUN: rasp-run --interpret %s --program=combinators --output=or --input="a b c" | FileCheck %s --check-prefix=OR
// RUN: rasp-run --interpret %s --program=combinators --output=not --input="a b c" | FileCheck %s --check-prefix=NOT

!str = !rasp.sop<categorical, !rasp.str>
!int = !rasp.sop<categorical, i64>
!any = !rasp.sop<categorical, !rasp.any>

// Entry [q][k] is predicate(tokens[k], tokens[q]), so `lt` counts the keys
// smaller than the query.
// EQ: {{^}}[1, 2, 2, 1]{{$}}
// LT: {{^}}[0, 1, 1, 3]{{$}}
// LEQ: {{^}}[1, 3, 3, 4]{{$}}
// GT: {{^}}[3, 1, 1, 0]{{$}}
// GEQ: {{^}}[4, 3, 3, 1]{{$}}
// NEQ: {{^}}[3, 2, 2, 3]{{$}}
// TRUE: {{^}}[4, 4, 4, 4]{{$}}
// FALSE: {{^}}[0, 0, 0, 0]{{$}}
rasp.program @comparisons attributes {vocab = [1, 2, 3], max_seq_len = 5 : i64} {
  %tokens = rasp.tokens : !int
  %s_eq = rasp.select %tokens, %tokens, eq : !int, !int
  %eq = rasp.selector_width %s_eq : !int loc("eq")
  %s_lt = rasp.select %tokens, %tokens, lt : !int, !int
  %lt = rasp.selector_width %s_lt : !int loc("lt")
  %s_leq = rasp.select %tokens, %tokens, leq : !int, !int
  %leq = rasp.selector_width %s_leq : !int loc("leq")
  %s_gt = rasp.select %tokens, %tokens, gt : !int, !int
  %gt = rasp.selector_width %s_gt : !int loc("gt")
  %s_geq = rasp.select %tokens, %tokens, geq : !int, !int
  %geq = rasp.selector_width %s_geq : !int loc("geq")
  %s_neq = rasp.select %tokens, %tokens, neq : !int, !int
  %neq = rasp.selector_width %s_neq : !int loc("neq")
  %s_true = rasp.select %tokens, %tokens, true : !int, !int
  %true = rasp.selector_width %s_true : !int loc("true")
  %s_false = rasp.select %tokens, %tokens, false : !int, !int
  %false = rasp.selector_width %s_false : !int loc("false")
  rasp.output %eq : !int
}

// Strings order lexicographically: "a" < "ab" < "b".
// STRINGS: {{^}}[1, 0, 2]{{$}}
rasp.program @strings attributes {vocab = ["a", "ab", "b"], max_seq_len = 5 : i64} {
  %tokens = rasp.tokens : !str
  %smaller = rasp.select %tokens, %tokens, lt : !str, !str
  %width = rasp.selector_width %smaller : !int
  rasp.output %width : !int
}

// UNORDERABLE: selectors.mlir:[[# @LINE + 3]]:{{[0-9]+}}: error: input line 1: evaluation failed at query position 0, key position 1: TypeError: '<' not supported between instances of 'str' and 'int'
rasp.program @unorderable attributes {vocab = [1, "a"], max_seq_len = 5 : i64} {
  %tokens = rasp.tokens : !any
  %smaller = rasp.select %tokens, %tokens, lt : !any, !any
  %width = rasp.selector_width %smaller : !int
  rasp.output %width : !int
}

// and(leq, geq) is eq, or(lt, eq) is leq, not(lt) is geq.
// AND: {{^}}[1, 1, 1]{{$}}
// OR: {{^}}[1, 2, 3]{{$}}
// NOT: {{^}}[3, 2, 1]{{$}}
rasp.program @combinators attributes {vocab = ["a", "b", "c"], max_seq_len = 5 : i64} {
  %indices = rasp.indices : !int
  %leq = rasp.select %indices, %indices, leq : !int, !int
  %geq = rasp.select %indices, %indices, geq : !int, !int
  %lt = rasp.select %indices, %indices, lt : !int, !int
  %eq = rasp.select %indices, %indices, eq : !int, !int
  %s_and = rasp.selector_and %leq, %geq
  %and = rasp.selector_width %s_and : !int loc("and")
  %s_or = rasp.selector_or %lt, %eq
  %or = rasp.selector_width %s_or : !int loc("or")
  %s_not = rasp.selector_not %lt
  %not = rasp.selector_width %s_not : !int loc("not")
  rasp.output %and : !int
}
