// RUN: rasp-opt %s --rasp-to-craft-model="vocab=a,b,c max-seq-len=4" --test-craft-flatten-model --test-craft-evaluate="inputs=a/b/c,c/c/a/b,b," -o /dev/null | FileCheck %s
// RUN: rasp-opt %s --rasp-to-craft-model="vocab=a,b,c max-seq-len=4" --test-craft-flatten-model --test-craft-evaluate="inputs=a/b/c,c/c/a/b,b, precision=f64" -o /dev/null | FileCheck %s

// The layered model, run through the craft evaluator (as the equivalent
// program --test-craft-flatten-model builds), reverses its input.

// CHECK:      @reverse: ["c", "b", "a"]
// CHECK-NEXT: @reverse: ["b", "a", "c", "c"]
// CHECK-NEXT: @reverse: ["b"]
// CHECK-NEXT: @reverse: []
!str = !rasp.sop<categorical, !rasp.str>
!int = !rasp.sop<categorical, i64>
rasp.program @reverse {
  %indices = rasp.indices : !int loc("indices")
  %tokens = rasp.tokens : !str loc("tokens")
  %all = rasp.select %tokens, %tokens, true : !str, !str loc("all_true")
  %length = rasp.selector_width %all : !int loc("length")
  %opp = rasp.sequence_map %length, %indices : !int, !int -> !int {
  ^bb0(%x: i64, %y: i64):
    %c1 = arith.constant 1 : i64
    %d = arith.subi %x, %y : i64
    %e = arith.subi %d, %c1 : i64
    rasp.yield %e : i64
  } loc("opp_index")
  %flip = rasp.select %indices, %opp, eq : !int, !int loc("flip")
  %reverse = rasp.aggregate %flip, %tokens : !str -> !str loc("reverse")
  rasp.output %reverse : !str
}
