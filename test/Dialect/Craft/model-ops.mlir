// RUN: rasp-opt %s | rasp-opt | FileCheck %s
// RUN: rasp-opt %s --mlir-print-op-generic | rasp-opt | FileCheck %s

// A two-layer model: layer 0 has an empty attention sublayer and an MLP,
// layer 1 a head whose result a second head of the same layer does not read,
// and an MLP that reads both.

// CHECK-LABEL: craft.model @two_layers
// CHECK-SAME: labels = ["tokens:a", "tokens:b", "tokens:BOS", "one", "indices:0", "indices:1", "a:0", "a:1", "b:a", "b:b", "c", "d"]
// CHECK-SAME: residual = [#craft.space<"tokens", ["a", "b"]>, #craft.space<"tokens", ["BOS"]>, #craft.space<"one">, #craft.space<"indices", [0, 1]>, #craft.space<"a", [0, 1]>, #craft.space<"b", ["a", "b"]>, #craft.space<"c">, #craft.space<"d">]
// CHECK: %[[T:.*]], %[[I:.*]], %[[ONE:.*]], %[[BOS:.*]] = craft.embed
// CHECK: %[[A:.*]] = craft.layer 0 {
// CHECK:   %[[AM:.*]] = craft.mlp(%[[T]], %[[ONE]] : !craft.vec<2>, !craft.vec<1>)
// CHECK:   craft.yield %[[AM]] : !craft.vec<2>
// CHECK: } : !craft.vec<2>
// CHECK: %[[B:.*]], %[[C:.*]], %[[D:.*]] = craft.layer 1 {
// CHECK:   %[[BH:.*]] = craft.attention_head query(%[[A]] : !craft.vec<2>) key(%[[I]] : !craft.vec<2>) value(%[[T]] : !craft.vec<2>)
// CHECK:   %[[CH:.*]] = craft.attention_head query(%[[ONE]] : !craft.vec<1>) key(%[[BOS]] : !craft.vec<1>) value(%[[A]] : !craft.vec<2>)
// CHECK:   %[[DM:.*]] = craft.mlp(%[[BH]], %[[CH]] : !craft.vec<2>, !craft.vec<1>)
// CHECK:   craft.yield %[[BH]], %[[CH]], %[[DM]] : !craft.vec<2>, !craft.vec<1>, !craft.vec<1>
// CHECK: } : !craft.vec<2>, !craft.vec<1>, !craft.vec<1>
// CHECK: craft.output %[[D]] : !craft.vec<1>
craft.model @two_layers attributes {
    labels = ["tokens:a", "tokens:b", "tokens:BOS", "one", "indices:0",
              "indices:1", "a:0", "a:1", "b:a", "b:b", "c", "d"],
    max_seq_len = 2 : i64, vocab = ["a", "b"],
    residual = [#craft.space<"tokens", ["a", "b"]>,
                #craft.space<"tokens", ["BOS"]>, #craft.space<"one">,
                #craft.space<"indices", [0, 1]>, #craft.space<"a", [0, 1]>,
                #craft.space<"b", ["a", "b"]>, #craft.space<"c">,
                #craft.space<"d">]} {
  %tokens, %indices, %one, %bos = craft.embed
      tokens #craft.space<"tokens", ["a", "b"]>
      indices #craft.space<"indices", [0, 1]>
      one #craft.space<"one">
      bos #craft.space<"tokens", ["BOS"]>
  %a = craft.layer 0 {
    %m = craft.mlp(%tokens, %one : !craft.vec<2>, !craft.vec<1>)
        w1 dense<1.0> : tensor<3x2xf64> w2 dense<1.0> : tensor<2x2xf64>
        -> [#craft.space<"a", [0, 1]>]
    craft.yield %m : !craft.vec<2>
  } : !craft.vec<2>
  %b, %c, %d = craft.layer 1 {
    %h = craft.attention_head query(%a : !craft.vec<2>) key(%indices : !craft.vec<2>)
        value(%tokens : !craft.vec<2>) scale 1.0
        w_qk [#craft.qk<0, 0, dense<1.0> : tensor<2x2xf64>>]
        w_ov dense<1.0> : tensor<2x2xf64> -> #craft.space<"b", ["a", "b"]>
    %g = craft.attention_head query(%one : !craft.vec<1>) key(%bos : !craft.vec<1>)
        value(%a : !craft.vec<2>) scale 1.0 causal
        w_qk [#craft.qk<0, 0, dense<0.5> : tensor<1x1xf64>>]
        w_ov dense<1.0> : tensor<2x1xf64> -> #craft.space<"c">
    %m = craft.mlp(%h, %g : !craft.vec<2>, !craft.vec<1>)
        w1 dense<1.0> : tensor<3x1xf64> w2 dense<1.0> : tensor<1x1xf64>
        -> [#craft.space<"d">]
    craft.yield %h, %g, %m : !craft.vec<2>, !craft.vec<1>, !craft.vec<1>
  } : !craft.vec<2>, !craft.vec<1>, !craft.vec<1>
  craft.output %d : !craft.vec<1>
}

// An empty layer and a model whose output is an embedding subspace.
// CHECK-LABEL: craft.model @empty_layer
// CHECK-SAME: causal
// CHECK: craft.layer 0 {
// CHECK-NEXT: craft.yield
// CHECK-NEXT: }
// CHECK-NEXT: craft.output %{{.*}} : !craft.vec<2>
craft.model @empty_layer attributes {
    causal, labels = ["tokens:a", "tokens:b", "tokens:BOS", "one", "indices:0", "indices:1"],
    residual = [#craft.space<"tokens", ["a", "b"]>,
                #craft.space<"tokens", ["BOS"]>, #craft.space<"one">,
                #craft.space<"indices", [0, 1]>]} {
  %tokens, %indices, %one, %bos = craft.embed
      tokens #craft.space<"tokens", ["a", "b"]>
      indices #craft.space<"indices", [0, 1]>
      one #craft.space<"one">
      bos #craft.space<"tokens", ["BOS"]>
  craft.layer 0 {
    craft.yield
  }
  craft.output %tokens : !craft.vec<2>
}
