// RUN: rasp-opt %s --allocate-layers -split-input-file -verify-diagnostics -allow-unregistered-dialect

craft.program @foreign {
  %tokens, %indices, %one, %bos = craft.embed
      tokens #craft.space<"tokens", ["a", "b"]>
      indices #craft.space<"indices", [0, 1]>
      one #craft.space<"one">
      bos #craft.space<"tokens", ["BOS"]>
  // expected-error @below {{'test.op' op cannot be allocated to a transformer layer}}
  "test.op"() : () -> ()
  craft.output %tokens : !craft.vec<2>
}

// -----

craft.program @ambiguous_labels {
  %tokens, %indices, %one, %bos = craft.embed
      tokens #craft.space<"tokens", ["a", "b"]>
      indices #craft.space<"indices", [0, 1]>
      one #craft.space<"one">
      bos #craft.space<"tokens", ["BOS"]>
  // expected-error @below {{'craft.mlp' op subspace #craft.space<"a", [1, "1"]> has two directions labelled 'a:1'}}
  %a = craft.mlp(%one : !craft.vec<1>)
      w1 dense<1.0> : tensor<1x1xf64> w2 dense<1.0> : tensor<1x2xf64>
      -> [#craft.space<"a", [1, "1"]>]
  craft.output %a : !craft.vec<2>
}
