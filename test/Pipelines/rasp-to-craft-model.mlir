// RUN: rasp-opt %s --split-input-file --rasp-to-craft-model="vocab=a,b max-seq-len=3" --mlir-elide-elementsattrs-if-larger=4 | FileCheck %s
// RUN: rasp-opt %s --split-input-file --rasp-to-craft-model="vocab=a,b max-seq-len=3 fuse-mlps=false factor-selectors=false fold-embeddings=false prune-directions=false" --mlir-elide-elementsattrs-if-larger=4 | FileCheck %s --check-prefix=LEGACY
// RUN: rasp-opt %s --split-input-file --rasp-to-craft-model="vocab=a,b max-seq-len=3 causal=true" --mlir-elide-elementsattrs-if-larger=4 | FileCheck %s --check-prefix=CAUSAL
// RUN: rasp-opt %s --split-input-file --rasp-to-craft-model="vocab=a,b max-seq-len=3 bos=START" --mlir-elide-elementsattrs-if-larger=4 | FileCheck %s --check-prefix=START

// The pipeline runs --infer-bases (with the options), --validate,
// --lower-to-craft, --prune-directions and --allocate-layers: rasp programs
// in, layered craft models out. Residual labels come from the NameLocs a
// frontend gives bound variables. This is reverse with `length - indices - 1`
// fused into one sequence_map by the frontend.
//
// Optimised (the default, docs/Fusion.md): 2 layers. opp_index is computed
// by one MLP straight from the attention output of `length` and the
// indices, in layer 0; of its values -3..2 only 0..2 can select a key, so
// the others are pruned.
// CHECK-LABEL: craft.model @reverse
// CHECK-SAME: labels = ["tokens:a", "tokens:b", "tokens:BOS", "one", "indices:0", "indices:1", "indices:2", "length_sw_attn", "opp_index:0", "opp_index:1", "opp_index:2", "reverse:a", "reverse:b"]
// CHECK: %[[T:.*]], %[[I:.*]], %[[ONE:.*]], %[[BOS:.*]] = craft.embed
// CHECK: %[[ATT:.*]], %[[OPP:.*]] = craft.layer 0 {
// CHECK-NEXT: %[[A:.*]] = craft.attention_head
// CHECK-SAME: -> #craft.space<"length_sw_attn">
// CHECK-NEXT: craft.mlp(%[[I]], %[[A]], %[[ONE]], %[[BOS]] :
// CHECK-SAME: -> [#craft.space<"opp_index", [0, 1, 2]>]
// CHECK: %[[REV:.*]] = craft.layer 1 {
// CHECK-NEXT: craft.attention_head query(%[[OPP]], %[[ONE]], %[[BOS]] :
// CHECK-SAME: value(%[[T]] : !craft.vec<2>)
// CHECK-NOT: craft.layer 2
// CHECK: craft.output %[[REV]] : !craft.vec<2>
//
// Without the optimisations: one MLP per op, 3 layers (Tracr's reverse,
// with two maps, has 4).

// LEGACY-LABEL: craft.model @reverse
// LEGACY-SAME: labels = ["tokens:a", "tokens:b", "tokens:BOS", "one", "indices:0", "indices:1", "indices:2", "length_sw_attn", "length:0", "length:1", "length:2", "length:3", "opp_index:-3", "opp_index:-2", "opp_index:-1", "opp_index:0", "opp_index:1", "opp_index:2", "reverse:a", "reverse:b"]
// LEGACY-SAME: max_seq_len = 3 : i64
// LEGACY-SAME: vocab = ["a", "b"]
// LEGACY: %[[T:.*]], %[[I:.*]], %[[ONE:.*]], %[[BOS:.*]] = craft.embed
// LEGACY: %[[ATT:.*]], %[[LEN:.*]] = craft.layer 0 {
// LEGACY:   craft.attention_head
// LEGACY-SAME: -> #craft.space<"length_sw_attn">
// LEGACY:   craft.mlp
// LEGACY-SAME: -> [#craft.space<"length", [0, 1, 2, 3]>]
// LEGACY: %[[OPP:.*]] = craft.layer 1 {
// LEGACY-NEXT: craft.mlp(%[[LEN]], %[[I]], %[[ONE]] :
// LEGACY-SAME: -> [#craft.space<"opp_index", [-3, -2, -1, 0, 1, 2]>]
// LEGACY: %[[REV:.*]] = craft.layer 2 {
// LEGACY-NEXT: craft.attention_head query(%[[OPP]], %[[ONE]], %[[BOS]] :
// LEGACY-SAME: value(%[[T]] : !craft.vec<2>)
// LEGACY-NOT: causal
// LEGACY: craft.output %[[REV]] : !craft.vec<2>
// LEGACY-NOT: rasp.program

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

// Without the optimisations, two independent maps of the tokens share the
// MLP sublayer of layer 0; the sequence map of both follows in layer 1.
// Optimised, `both` is a function of the tokens alone, true for every
// token: a constant, which the token embedding writes. No layer is left.

// CHECK-LABEL: craft.model @parallel_maps
// CHECK: %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %[[BOTH:.*]] = craft.embed
// CHECK-SAME: folds [#craft.fold<tokens, #craft.space<"both", [true]>, dense<1.000000e+00> : tensor<2x1xf64>>]
// CHECK-NOT: craft.layer
// CHECK: craft.output %[[BOTH]]

// LEGACY-LABEL: craft.model @parallel_maps
// LEGACY: craft.layer 0 {
// LEGACY-NEXT: craft.mlp
// LEGACY-SAME: -> [#craft.space<"is_a", [false, true]>, #craft.space<"is_b", [false, true]>]
// LEGACY: craft.layer 1 {
// LEGACY-NEXT: craft.mlp
// LEGACY-SAME: -> [#craft.space<"both", [false, true]>]
// LEGACY-NOT: craft.layer 2
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
