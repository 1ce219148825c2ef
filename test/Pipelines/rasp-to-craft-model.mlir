// RUN: rasp-opt %s --split-input-file --rasp-to-craft-model="vocab=a,b max-seq-len=3" --mlir-elide-elementsattrs-if-larger=4 | FileCheck %s
// RUN: rasp-opt %s --split-input-file --rasp-to-craft-model="vocab=a,b max-seq-len=3 causal=true" --mlir-elide-elementsattrs-if-larger=4 | FileCheck %s --check-prefix=CAUSAL
// RUN: rasp-opt %s --split-input-file --rasp-to-craft-model="vocab=a,b max-seq-len=3 bos=START" --mlir-elide-elementsattrs-if-larger=4 | FileCheck %s --check-prefix=START

// The pipeline runs --infer-bases (with the options), --validate,
// --lower-to-craft and --allocate-layers: rasp programs in, layered craft
// models out. Residual labels come from the NameLocs a frontend gives bound
// variables. This is reverse with `length - indices - 1` fused into one
// sequence_map: 3 layers (Tracr's reverse, with two maps, has 4).

// CHECK-LABEL: craft.model @reverse
// CHECK-SAME: labels = ["tokens:a", "tokens:b", "tokens:BOS", "one", "indices:0", "indices:1", "indices:2", "length_sw_attn", "length:0", "length:1", "length:2", "length:3", "opp_index:-3", "opp_index:-2", "opp_index:-1", "opp_index:0", "opp_index:1", "opp_index:2", "reverse:a", "reverse:b"]
// CHECK-SAME: max_seq_len = 3 : i64
// CHECK-SAME: vocab = ["a", "b"]
// CHECK: %[[T:.*]], %[[I:.*]], %[[ONE:.*]], %[[BOS:.*]] = craft.embed
// CHECK: %[[ATT:.*]], %[[LEN:.*]] = craft.layer 0 {
// CHECK:   craft.attention_head
// CHECK-SAME: -> #craft.space<"length_sw_attn">
// CHECK:   craft.mlp
// CHECK-SAME: -> [#craft.space<"length", [0, 1, 2, 3]>]
// CHECK: %[[OPP:.*]] = craft.layer 1 {
// CHECK-NEXT: craft.mlp(%[[LEN]], %[[I]], %[[ONE]] :
// CHECK-SAME: -> [#craft.space<"opp_index", [-3, -2, -1, 0, 1, 2]>]
// CHECK: %[[REV:.*]] = craft.layer 2 {
// CHECK-NEXT: craft.attention_head query(%[[OPP]], %[[ONE]], %[[BOS]] :
// CHECK-SAME: value(%[[T]] : !craft.vec<2>)
// CHECK-NOT: causal
// CHECK: craft.output %[[REV]] : !craft.vec<2>
// CHECK-NOT: rasp.program

// CAUSAL-LABEL: craft.model @reverse
// CAUSAL-SAME: causal
// CAUSAL: craft.attention_head
// CAUSAL-SAME: causal
// CAUSAL: craft.attention_head
// CAUSAL-SAME: causal

// START-LABEL: craft.model @reverse
// START-SAME: bos = "START"
// START-SAME: "tokens:START"
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

// -----

// Two independent maps of the tokens share the MLP sublayer of layer 0; the
// sequence map of both follows in layer 1.

// CHECK-LABEL: craft.model @parallel_maps
// CHECK: craft.layer 0 {
// CHECK-NEXT: craft.mlp
// CHECK-SAME: -> [#craft.space<"is_a", [false, true]>, #craft.space<"is_b", [false, true]>]
// CHECK: craft.layer 1 {
// CHECK-NEXT: craft.mlp
// CHECK-SAME: -> [#craft.space<"both", [false, true]>]
// CHECK-NOT: craft.layer 2
!str = !rasp.sop<categorical, !rasp.str>
!bool = !rasp.sop<categorical, i1>
rasp.program @parallel_maps {
  %tokens = rasp.tokens : !str loc("tokens")
  %is_a = rasp.map %tokens : !str -> !bool {
  ^bb0(%x: !rasp.str):
    %a = rasp.constant("a") : !rasp.str
    %r = rasp.binary eq %x, %a : !rasp.str, !rasp.str -> i1
    rasp.yield %r : i1
  } loc("is_a")
  %is_b = rasp.map %tokens : !str -> !bool {
  ^bb0(%x: !rasp.str):
    %b = rasp.constant("b") : !rasp.str
    %r = rasp.binary eq %x, %b : !rasp.str, !rasp.str -> i1
    rasp.yield %r : i1
  } loc("is_b")
  %both = rasp.sequence_map %is_a, %is_b : !bool, !bool -> !bool {
  ^bb0(%x: i1, %y: i1):
    %r = arith.ori %x, %y : i1
    rasp.yield %r : i1
  } loc("both")
  rasp.output %both : !bool
}
