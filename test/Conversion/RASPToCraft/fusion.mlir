// RUN: rasp-opt %s --infer-bases --lower-to-craft=fold-embeddings=false --mlir-elide-elementsattrs-if-larger=4 | FileCheck %s
// RUN: rasp-opt %s --infer-bases --lower-to-craft --fold-embeddings --mlir-elide-elementsattrs-if-larger=16 | FileCheck %s --check-prefix=FOLD
// RUN: rasp-opt %s --infer-bases --lower-to-craft="fold-embeddings=false fuse-width-factor=0.5" --mlir-elide-elementsattrs-if-larger=4 | FileCheck %s --check-prefix=NARROW
// RUN: rasp-opt %s --infer-bases --lower-to-craft="fold-embeddings=false max-fused-domain=16" --mlir-elide-elementsattrs-if-larger=4 | FileCheck %s --check-prefix=DOMAIN
// RUN: rasp-opt %s --infer-bases --lower-to-craft="fold-embeddings=false factor-selectors=false" --mlir-elide-elementsattrs-if-larger=4 | FileCheck %s --check-prefix=WHOLE
// RUN: rasp-opt %s --infer-bases --lower-to-craft="fold-embeddings=false max-selector-rectangles=1" --mlir-elide-elementsattrs-if-larger=4 | FileCheck %s --check-prefix=WHOLE
// RUN: rasp-opt %s --infer-bases --lower-to-craft --test-craft-evaluate=inputs=3/1/2/2,2/1,1/1/2/3 -o /dev/null | FileCheck %s --check-prefix=EVAL
// RUN: rasp-opt %s --infer-bases --lower-to-craft="fuse-width-factor=0.5 max-fused-domain=16 factor-selectors=false" --test-craft-evaluate=inputs=3/1/2/2,2/1,1/1/2/3 -o /dev/null | FileCheck %s --check-prefix=EVAL
// RUN: rasp-opt %s --infer-bases --lower-to-craft=fuse-mlps=false --test-craft-evaluate=inputs=3/1/2/2,2/1,1/1/2/3 -o /dev/null | FileCheck %s --check-prefix=EVAL

// The fused lowering (docs/Fusion.md): an SOp that a head or the output
// reads is written by one MLP straight from the attention outputs and
// embeddings it depends on, not by one MLP per op. Every variant of the
// options computes the same (EVAL).

// EVAL: @reverse: [2, 2, 1, 3]
// EVAL-NEXT: @reverse: [1, 2]
// EVAL-NEXT: @reverse: [3, 2, 1, 1]
// EVAL-NEXT: @reverse8: [2, 2, 1, 3]
// EVAL-NEXT: @reverse8: [1, 2]
// EVAL-NEXT: @reverse8: [3, 2, 1, 1]
// EVAL-NEXT: @chain: [8, 4, 6, 6]
// EVAL-NEXT: @chain: [6, 4]
// EVAL-NEXT: @chain: [4, 4, 6, 8]
// EVAL-NEXT: @balance: [false, false, false, true]
// EVAL-NEXT: @balance: [true, false]
// EVAL-NEXT: @balance: [false, false, false, false]
// EVAL-NEXT: @sort: [1, 2, 2, 3]
// EVAL-NEXT: @sort: [1, 2]
// EVAL-NEXT: @sort: [1, 1, 2, 3]

// length - indices - 1 straight from the attention output of `length` and
// the indices: no MLP decodes `length` first (36 units for the 5 x 4
// combinations, gated by the index one-hot).
// CHECK-LABEL: craft.program @reverse
// CHECK: %[[T:.*]], %[[I:.*]], %[[ONE:.*]], %[[BOS:.*]] = craft.embed
// CHECK-NEXT: %[[LEN:.*]] = craft.attention_head {{.*}} -> #craft.space<"length_sw_attn">
// CHECK-NEXT: %[[OPP:.*]] = craft.mlp(%[[I]], %[[LEN]], %[[ONE]], %[[BOS]] : {{.*}}) w1 {{.*}} : tensor<7x36xf64> {{.*}} -> [#craft.space<"opp", [-4, -3, -2, -1, 0, 1, 2, 3]>]
// CHECK-NEXT: %[[REV:.*]] = craft.attention_head query(%[[OPP]], %[[ONE]], %[[BOS]] : {{.*}}) key(%[[I]], %[[BOS]] : {{.*}}) value(%[[T]] : {{.*}})
// CHECK-NEXT: craft.output %[[REV]]
// The same with a table over at most 16 combinations of the inputs: the
// 20 combinations of (length, index) are too many, so opp reads `length`,
// decoded by an MLP of its own.
// DOMAIN-LABEL: craft.program @reverse
// DOMAIN: %[[LEN:.*]] = craft.attention_head {{.*}} -> #craft.space<"length_sw_attn">
// DOMAIN-NEXT: %[[DEC:.*]] = craft.mlp(%[[LEN]], %{{.*}}, %{{.*}} : {{.*}}) {{.*}} -> [#craft.space<"length", [0, 1, 2, 3, 4]>]
// DOMAIN-NEXT: craft.mlp(%{{.*}}, %[[DEC]], %{{.*}}, %{{.*}} : {{.*}}) {{.*}} -> [#craft.space<"opp",

!str = !rasp.sop<categorical, !rasp.str>
!int = !rasp.sop<categorical, i64>
!bool = !rasp.sop<categorical, i1>
!numb = !rasp.sop<numerical, i1>
!numf = !rasp.sop<numerical, f64>
!float = !rasp.sop<categorical, f64>

rasp.program @reverse attributes {vocab = [1, 2, 3], max_seq_len = 4 : i64} {
  %tokens = rasp.tokens : !int
  %indices = rasp.indices : !int
  %all = rasp.select %tokens, %tokens, true : !int, !int
  %length = rasp.selector_width %all : !int loc("length")
  %opp = rasp.sequence_map %length, %indices : !int, !int -> !int {
  ^bb0(%x: i64, %y: i64):
    %c1 = arith.constant 1 : i64
    %d = arith.subi %x, %y : i64
    %e = arith.subi %d, %c1 : i64
    rasp.yield %e : i64
  } loc("opp")
  %flip = rasp.select %indices, %opp, eq : !int, !int
  %reverse = rasp.aggregate %flip, %tokens : !int -> !int loc("reverse")
  rasp.output %reverse : !int
}


// At max_seq_len 8 the fused MLP needs 136 units, the unfused ones about
// 90 (the decoder and the product layer); allowed twice as many by default
// (fuse-width-factor 4) but not at half (NARROW): then `length` is
// decoded first.
// CHECK-LABEL: craft.program @reverse8
// CHECK: %[[LEN:.*]] = craft.attention_head
// CHECK-NEXT: craft.mlp(%{{.*}}, %[[LEN]], %{{.*}}, %{{.*}} : {{.*}}) w1 {{.*}} : tensor<11x136xf64>
// NARROW-LABEL: craft.program @reverse8
// NARROW: %[[LEN:.*]] = craft.attention_head
// NARROW-NEXT: %[[DEC:.*]] = craft.mlp(%[[LEN]], %{{.*}}, %{{.*}} : {{.*}}) {{.*}} -> [#craft.space<"length",
// NARROW-NEXT: craft.mlp(%{{.*}}, %[[DEC]], %{{.*}}, %{{.*}} : {{.*}}) {{.*}} -> [#craft.space<"opp",
rasp.program @reverse8 attributes {vocab = [1, 2, 3], max_seq_len = 8 : i64} {
  %tokens = rasp.tokens : !int
  %indices = rasp.indices : !int
  %all = rasp.select %tokens, %tokens, true : !int, !int
  %length = rasp.selector_width %all : !int loc("length")
  %opp = rasp.sequence_map %length, %indices : !int, !int -> !int {
  ^bb0(%x: i64, %y: i64):
    %c1 = arith.constant 1 : i64
    %d = arith.subi %x, %y : i64
    %e = arith.subi %d, %c1 : i64
    rasp.yield %e : i64
  } loc("opp")
  %flip = rasp.select %indices, %opp, eq : !int, !int
  %reverse = rasp.aggregate %flip, %tokens : !int -> !int loc("reverse")
  rasp.output %reverse : !int
}


// Two maps of the tokens: one lookup MLP for both (a unit per value of
// `twice`), which the token embedding writes (FOLD).
// CHECK-LABEL: craft.program @chain
// CHECK: %[[T:.*]], %{{.*}}, %{{.*}}, %{{.*}} = craft.embed
// CHECK-NEXT: %[[TW:.*]] = craft.mlp(%[[T]], %{{.*}}, %{{.*}} : {{.*}}) {{.*}} -> [#craft.space<"twice", [4, 6, 8]>]
// CHECK-NEXT: craft.output %[[TW]]
// FOLD-LABEL: craft.program @chain
// FOLD: %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %[[TW:.*]] = craft.embed
// FOLD-SAME: folds [#craft.fold<tokens, #craft.space<"twice", [4, 6, 8]>, dense<{{\[\[}}1.000000e+00, 0.000000e+00, 0.000000e+00], [0.000000e+00, 1.000000e+00, 0.000000e+00], [0.000000e+00, 0.000000e+00, 1.000000e+00]]> : tensor<3x3xf64>>]
// FOLD-NEXT: craft.output %[[TW]]
rasp.program @chain attributes {vocab = [1, 2, 3], max_seq_len = 4 : i64} {
  %tokens = rasp.tokens : !int
  %plus = rasp.map %tokens : !int -> !int {
  ^bb0(%x: i64):
    %c1 = arith.constant 1 : i64
    %y = arith.addi %x, %c1 : i64
    rasp.yield %y : i64
  } loc("plus")
  %twice = rasp.map %plus : !int -> !int {
  ^bb0(%x: i64):
    %y = arith.addi %x, %x : i64
    rasp.yield %y : i64
  } loc("twice")
  rasp.output %twice : !int
}


// opens - closes < 0 straight from the two means: the difference is a
// linear form the fused MLP reads, never a subspace of its own. The token
// maps are written by the embedding (FOLD), so the model has one layer.
// CHECK-LABEL: craft.program @balance
// CHECK: %[[O:.*]] = craft.attention_head {{.*}} -> #craft.space<"opens">
// CHECK: %[[C:.*]] = craft.attention_head {{.*}} -> #craft.space<"closes">
// CHECK-NEXT: craft.mlp(%[[O]], %[[C]], %{{.*}}, %{{.*}} : {{.*}}) {{.*}} -> [#craft.space<"negative", [false, true]>]
// FOLD-LABEL: craft.program @balance
// FOLD: %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %[[OPEN:.*]], %[[CLOSE:.*]] = craft.embed
// FOLD-SAME: folds [#craft.fold<tokens, #craft.space<"is_open">, {{.*}}>, #craft.fold<tokens, #craft.space<"is_close">, {{.*}}>]
// FOLD-NEXT: craft.attention_head {{.*}} value(%[[OPEN]] : !craft.vec<1>)
// FOLD-NEXT: craft.attention_head {{.*}} value(%[[CLOSE]] : !craft.vec<1>)
// FOLD-NEXT: craft.mlp
rasp.program @balance attributes {vocab = [1, 2, 3], max_seq_len = 4 : i64} {
  %tokens = rasp.tokens : !int
  %indices = rasp.indices : !int
  %prevs = rasp.select %indices, %indices, leq : !int, !int
  %is_open = rasp.map %tokens : !int -> !numb {
  ^bb0(%x: i64):
    %o = arith.constant 1 : i64
    %r = arith.cmpi eq, %x, %o : i64
    rasp.yield %r : i1
  } loc("is_open")
  %is_close = rasp.map %tokens : !int -> !numb {
  ^bb0(%x: i64):
    %c = arith.constant 2 : i64
    %r = arith.cmpi eq, %x, %c : i64
    rasp.yield %r : i1
  } loc("is_close")
  %opens = rasp.aggregate %prevs, %is_open default(0) : !numb -> !numf loc("opens")
  %closes = rasp.aggregate %prevs, %is_close default(0) : !numb -> !numf loc("closes")
  %b = rasp.linear_sequence_map %opens, %closes coefficients (1.0, -1.0) : !numf, !numf -> !numf loc("b")
  %neg = rasp.map %b : !numf -> !bool {
  ^bb0(%x: f64):
    %z = arith.constant 0.0 : f64
    %lt = arith.cmpf olt, %x, %z : f64
    rasp.yield %lt : i1
  } loc("negative")
  rasp.output %neg : !bool
}


// keys = token + index / 4, then the number of smaller keys: the relation
// is two rectangles, [t_k == t_q] x [i_k < i_q] and [t_k < t_q] (over every
// index pair, a table that needs no operand), one head each over the
// tokens and indices, in the first attention sublayer. One MLP decodes the
// sum of their widths from both attention outputs. Without factorisation
// (WHOLE), an MLP computes the keys before a single head.
// CHECK-LABEL: craft.program @sort
// CHECK: %[[T:.*]], %[[I:.*]], %[[ONE:.*]], %[[BOS:.*]] = craft.embed
// CHECK-NEXT: %[[A:.*]] = craft.attention_head query(%[[T]], %[[I]], %[[ONE]], %[[BOS]] : {{.*}}) key(%[[T]], %[[I]], %[[BOS]] : {{.*}}) value(%[[BOS]] : !craft.vec<1>) {{.*}} -> #craft.space<"target_sw_attn">
// CHECK-NEXT: %[[B:.*]] = craft.attention_head query(%[[T]], %[[ONE]], %[[BOS]] : {{.*}}) key(%[[T]], %[[BOS]] : {{.*}}) value(%[[BOS]] : !craft.vec<1>) {{.*}} -> #craft.space<"target_sw_attn_2">
// CHECK-NEXT: %[[W:.*]] = craft.mlp(%[[A]], %[[B]], %[[ONE]], %[[BOS]] : {{.*}}) {{.*}} -> [#craft.space<"target", [0, 1, 2, 3, 4]>]
// CHECK-NEXT: craft.attention_head query(%[[I]], %[[ONE]], %[[BOS]] : {{.*}}) key(%[[W]], %[[BOS]] : {{.*}})
// WHOLE-LABEL: craft.program @sort
// WHOLE: %[[K:.*]] = craft.mlp({{.*}}) {{.*}} -> [#craft.space<"keys", [1.000000e+00, 1.250000e+00,
// WHOLE-NEXT: craft.attention_head query(%[[K]], %{{.*}}, %{{.*}} : {{.*}}) key(%[[K]], %{{.*}} : {{.*}})
rasp.program @sort attributes {vocab = [1, 2, 3], max_seq_len = 4 : i64} {
  %tokens = rasp.tokens : !int
  %indices = rasp.indices : !int
  %keys = rasp.sequence_map %tokens, %indices : !int, !int -> !float {
  ^bb0(%x: i64, %i: i64):
    %n = arith.constant 4 : i64
    %f = rasp.binary truediv %i, %n : i64, i64 -> f64
    %k = rasp.binary add %x, %f : i64, f64 -> f64
    rasp.yield %k : f64
  } loc("keys")
  %smaller = rasp.select %keys, %keys, lt : !float, !float
  %pos = rasp.selector_width %smaller : !int loc("target")
  %at = rasp.select %pos, %indices, eq : !int, !int
  %sort = rasp.aggregate %at, %tokens : !int -> !int loc("sort")
  rasp.output %sort : !int
}
