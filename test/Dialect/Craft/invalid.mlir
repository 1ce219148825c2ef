// RUN: rasp-opt %s -split-input-file -verify-diagnostics -allow-unregistered-dialect

// expected-error @below {{space label must not be empty}}
"test.use"() {s = #craft.space<"">} : () -> ()

// -----

// expected-error @below {{space value must be a bool, i64, f64 or string attribute or an array of them, got unit}}
"test.use"() {s = #craft.space<"x", [unit]>} : () -> ()

// -----

// expected-error @below {{space value "a" appears twice}}
"test.use"() {s = #craft.space<"x", ["a", "b", "a"]>} : () -> ()

// -----

// expected-error @below {{expected an elements attribute}}
// expected-error @below {{failed to parse Craft_QKBlockAttr parameter 'weights'}}
"test.use"() {b = #craft.qk<0, 0, 1.0>} : () -> ()

// -----

// expected-error @below {{'craft.program' op body must end with 'craft.output'}}
craft.program @p {
  %tokens, %indices, %one, %bos = craft.embed
      tokens #craft.space<"tokens", ["a", "b"]>
      indices #craft.space<"indices", [0, 1]>
      one #craft.space<"one">
      bos #craft.space<"tokens", ["BOS"]>
}

// -----

// expected-error @below {{'craft.program' op body must contain exactly one 'craft.embed', found 2}}
craft.program @p {
  %tokens, %indices, %one, %bos = craft.embed
      tokens #craft.space<"tokens", ["a", "b"]>
      indices #craft.space<"indices", [0, 1]>
      one #craft.space<"one">
      bos #craft.space<"tokens", ["BOS"]>
  %t2, %i2, %o2, %b2 = craft.embed
      tokens #craft.space<"tokens", ["a", "b"]>
      indices #craft.space<"indices", [0, 1]>
      one #craft.space<"one">
      bos #craft.space<"tokens", ["BOS"]>
  craft.output %one : !craft.vec<1>
}

// -----

craft.program @p {
  // expected-error @below {{'craft.embed' op tokens space must be categorical}}
  %tokens, %indices, %one, %bos = craft.embed tokens #craft.space<"tokens"> indices #craft.space<"indices", [0, 1]> one #craft.space<"one"> bos #craft.space<"tokens", ["BOS"]>
  craft.output %one : !craft.vec<1>
}

// -----

craft.program @p {
  // expected-error @below {{'craft.embed' op indices space must be categorical}}
  %tokens, %indices, %one, %bos = craft.embed tokens #craft.space<"tokens", ["a", "b"]> indices #craft.space<"indices"> one #craft.space<"one"> bos #craft.space<"tokens", ["BOS"]>
  craft.output %one : !craft.vec<1>
}

// -----

craft.program @p {
  // expected-error @below {{'craft.embed' op one space must be a single unvalued direction}}
  %tokens, %indices, %one, %bos = craft.embed tokens #craft.space<"tokens", ["a", "b"]> indices #craft.space<"indices", [0, 1]> one #craft.space<"one", [1]> bos #craft.space<"tokens", ["BOS"]>
  craft.output %one : !craft.vec<1>
}

// -----

craft.program @p {
  // expected-error @below {{'craft.embed' op bos space must hold exactly one valued direction}}
  %tokens, %indices, %one, %bos = craft.embed tokens #craft.space<"tokens", ["a", "b"]> indices #craft.space<"indices", [0, 1]> one #craft.space<"one"> bos #craft.space<"tokens", ["BOS", "X"]>
  craft.output %one : !craft.vec<1>
}

// -----

craft.program @p {
  // expected-error @below {{'craft.embed' op bos direction tokens:a is also a token direction}}
  %tokens, %indices, %one, %bos = craft.embed tokens #craft.space<"tokens", ["a", "b"]> indices #craft.space<"indices", [0, 1]> one #craft.space<"one"> bos #craft.space<"tokens", ["a"]>
  craft.output %one : !craft.vec<1>
}

// -----

craft.program @p {
  %tokens, %indices, %one, %bos = craft.embed
      tokens #craft.space<"tokens", ["a", "b"]>
      indices #craft.space<"indices", [0, 1]>
      one #craft.space<"one">
      bos #craft.space<"tokens", ["BOS"]>
  // expected-error @below {{'craft.mlp' op w1 must have shape 3x2, got 2x2}}
  %m = craft.mlp(%tokens, %one : !craft.vec<2>, !craft.vec<1>) w1 dense<1.0> : tensor<2x2xf64> w2 dense<1.0> : tensor<2x1xf64> -> [#craft.space<"m">]
  craft.output %one : !craft.vec<1>
}

// -----

craft.program @p {
  %tokens, %indices, %one, %bos = craft.embed
      tokens #craft.space<"tokens", ["a", "b"]>
      indices #craft.space<"indices", [0, 1]>
      one #craft.space<"one">
      bos #craft.space<"tokens", ["BOS"]>
  // expected-error @below {{'craft.mlp' op w2 must have shape 2x1, got 2x2}}
  %m = craft.mlp(%tokens, %one : !craft.vec<2>, !craft.vec<1>) w1 dense<1.0> : tensor<3x2xf64> w2 dense<1.0> : tensor<2x2xf64> -> [#craft.space<"m">]
  craft.output %one : !craft.vec<1>
}

// -----

craft.program @p {
  %tokens, %indices, %one, %bos = craft.embed
      tokens #craft.space<"tokens", ["a", "b"]>
      indices #craft.space<"indices", [0, 1]>
      one #craft.space<"one">
      bos #craft.space<"tokens", ["BOS"]>
  // expected-error @below {{'craft.mlp' op w1 must have element type f64, f32 or i1, got 'i32'}}
  %m = craft.mlp(%tokens, %one : !craft.vec<2>, !craft.vec<1>) w1 dense<1> : tensor<3x2xi32> w2 dense<1.0> : tensor<2x1xf64> -> [#craft.space<"m">]
  craft.output %one : !craft.vec<1>
}

// -----

craft.program @p {
  %tokens, %indices, %one, %bos = craft.embed
      tokens #craft.space<"tokens", ["a", "b"]>
      indices #craft.space<"indices", [0, 1]>
      one #craft.space<"one">
      bos #craft.space<"tokens", ["BOS"]>
  // expected-error @below {{'craft.mlp' op w1 must be a static rank-2 tensor, got 'tensor<6xf64>'}}
  %m = craft.mlp(%tokens, %one : !craft.vec<2>, !craft.vec<1>) w1 dense<1.0> : tensor<6xf64> w2 dense<1.0> : tensor<2x1xf64> -> [#craft.space<"m">]
  craft.output %one : !craft.vec<1>
}

// -----

craft.program @p {
  %tokens, %indices, %one, %bos = craft.embed
      tokens #craft.space<"tokens", ["a", "b"]>
      indices #craft.space<"indices", [0, 1]>
      one #craft.space<"one">
      bos #craft.space<"tokens", ["BOS"]>
  // expected-error @below {{'craft.attention_head' op scale must be positive and finite, got 0}}
  %h = craft.attention_head query(%tokens, %one : !craft.vec<2>, !craft.vec<1>) key(%indices, %bos : !craft.vec<2>, !craft.vec<1>) value(%tokens : !craft.vec<2>) scale 0.0 w_qk [] w_ov dense<1.0> : tensor<2x1xf64> -> #craft.space<"h">
  craft.output %one : !craft.vec<1>
}

// -----

craft.program @p {
  %tokens, %indices, %one, %bos = craft.embed
      tokens #craft.space<"tokens", ["a", "b"]>
      indices #craft.space<"indices", [0, 1]>
      one #craft.space<"one">
      bos #craft.space<"tokens", ["BOS"]>
  // expected-error @below {{'craft.attention_head' op w_qk block query index 2 out of range (2 queries)}}
  %h = craft.attention_head query(%tokens, %one : !craft.vec<2>, !craft.vec<1>) key(%indices, %bos : !craft.vec<2>, !craft.vec<1>) value(%tokens : !craft.vec<2>) scale 1.0 w_qk [#craft.qk<2, 0, dense<1.0> : tensor<1x2xf64>>] w_ov dense<1.0> : tensor<2x1xf64> -> #craft.space<"h">
  craft.output %one : !craft.vec<1>
}

// -----

craft.program @p {
  %tokens, %indices, %one, %bos = craft.embed
      tokens #craft.space<"tokens", ["a", "b"]>
      indices #craft.space<"indices", [0, 1]>
      one #craft.space<"one">
      bos #craft.space<"tokens", ["BOS"]>
  // expected-error @below {{'craft.attention_head' op w_qk block key index 5 out of range (2 keys)}}
  %h = craft.attention_head query(%tokens, %one : !craft.vec<2>, !craft.vec<1>) key(%indices, %bos : !craft.vec<2>, !craft.vec<1>) value(%tokens : !craft.vec<2>) scale 1.0 w_qk [#craft.qk<0, 5, dense<1.0> : tensor<2x2xf64>>] w_ov dense<1.0> : tensor<2x1xf64> -> #craft.space<"h">
  craft.output %one : !craft.vec<1>
}

// -----

craft.program @p {
  %tokens, %indices, %one, %bos = craft.embed
      tokens #craft.space<"tokens", ["a", "b"]>
      indices #craft.space<"indices", [0, 1]>
      one #craft.space<"one">
      bos #craft.space<"tokens", ["BOS"]>
  // expected-error @below {{'craft.attention_head' op w_qk has two blocks for query 1 and key 1}}
  %h = craft.attention_head query(%tokens, %one : !craft.vec<2>, !craft.vec<1>) key(%indices, %bos : !craft.vec<2>, !craft.vec<1>) value(%tokens : !craft.vec<2>) scale 1.0 w_qk [#craft.qk<1, 1, dense<0.5> : tensor<1x1xf64>>, #craft.qk<1, 1, dense<0.5> : tensor<1x1xf64>>] w_ov dense<1.0> : tensor<2x1xf64> -> #craft.space<"h">
  craft.output %one : !craft.vec<1>
}

// -----

craft.program @p {
  %tokens, %indices, %one, %bos = craft.embed
      tokens #craft.space<"tokens", ["a", "b"]>
      indices #craft.space<"indices", [0, 1]>
      one #craft.space<"one">
      bos #craft.space<"tokens", ["BOS"]>
  // expected-error @below {{'craft.attention_head' op w_qk block (0, 1) must have shape 2x1, got 2x2}}
  %h = craft.attention_head query(%tokens, %one : !craft.vec<2>, !craft.vec<1>) key(%indices, %bos : !craft.vec<2>, !craft.vec<1>) value(%tokens : !craft.vec<2>) scale 1.0 w_qk [#craft.qk<0, 1, dense<1.0> : tensor<2x2xf64>>] w_ov dense<1.0> : tensor<2x1xf64> -> #craft.space<"h">
  craft.output %one : !craft.vec<1>
}

// -----

craft.program @p {
  %tokens, %indices, %one, %bos = craft.embed
      tokens #craft.space<"tokens", ["a", "b"]>
      indices #craft.space<"indices", [0, 1]>
      one #craft.space<"one">
      bos #craft.space<"tokens", ["BOS"]>
  // expected-error @below {{'craft.attention_head' op w_ov must have shape 2x1, got 2x2}}
  %h = craft.attention_head query(%tokens, %one : !craft.vec<2>, !craft.vec<1>) key(%indices, %bos : !craft.vec<2>, !craft.vec<1>) value(%tokens : !craft.vec<2>) scale 1.0 w_qk [] w_ov dense<1.0> : tensor<2x2xf64> -> #craft.space<"h">
  craft.output %one : !craft.vec<1>
}

// -----

craft.program @p {
  %tokens, %indices, %one, %bos = craft.embed
      tokens #craft.space<"tokens", ["a", "b"]>
      indices #craft.space<"indices", [0, 1]>
      one #craft.space<"one">
      bos #craft.space<"tokens", ["BOS"]>
  // expected-error @below {{'craft.multi_head' op body may only hold 'craft.attention_head' ops, found 'craft.mlp'}}
  %g = craft.multi_head {
    %m = craft.mlp(%one : !craft.vec<1>) w1 dense<1.0> : tensor<1x1xf64> w2 dense<1.0> : tensor<1x1xf64> -> [#craft.space<"m">]
    craft.yield %m : !craft.vec<1>
  } : !craft.vec<1>
  craft.output %one : !craft.vec<1>
}

// -----

craft.program @p {
  %tokens, %indices, %one, %bos = craft.embed
      tokens #craft.space<"tokens", ["a", "b"]>
      indices #craft.space<"indices", [0, 1]>
      one #craft.space<"one">
      bos #craft.space<"tokens", ["BOS"]>
  // expected-error @below {{'craft.multi_head' op yields 1 values but has 2 results}}
  %g:2 = craft.multi_head {
    %h = craft.attention_head query() key() value(%one : !craft.vec<1>) scale 1.0 w_qk [] w_ov dense<1.0> : tensor<1x1xf64> -> #craft.space<"h">
    craft.yield %h : !craft.vec<1>
  } : !craft.vec<1>, !craft.vec<1>
  craft.output %one : !craft.vec<1>
}

// -----

craft.program @p {
  %tokens, %indices, %one, %bos = craft.embed
      tokens #craft.space<"tokens", ["a", "b"]>
      indices #craft.space<"indices", [0, 1]>
      one #craft.space<"one">
      bos #craft.space<"tokens", ["BOS"]>
  // expected-error @below {{'craft.multi_head' op must yield results of its own heads}}
  %g = craft.multi_head {
    %h = craft.attention_head query() key() value(%one : !craft.vec<1>) scale 1.0 w_qk [] w_ov dense<1.0> : tensor<1x1xf64> -> #craft.space<"h">
    craft.yield %one : !craft.vec<1>
  } : !craft.vec<1>
  craft.output %one : !craft.vec<1>
}

// -----

craft.program @p {
  %tokens, %indices, %one, %bos = craft.embed
      tokens #craft.space<"tokens", ["a", "b"]>
      indices #craft.space<"indices", [0, 1]>
      one #craft.space<"one">
      bos #craft.space<"tokens", ["BOS"]>
  // expected-error @below {{'craft.multi_head' op result type '!craft.vec<2>' does not match yielded type '!craft.vec<1>'}}
  %g = craft.multi_head {
    %h = craft.attention_head query() key() value(%one : !craft.vec<1>) scale 1.0 w_qk [] w_ov dense<1.0> : tensor<1x1xf64> -> #craft.space<"h">
    craft.yield %h : !craft.vec<1>
  } : !craft.vec<2>
  craft.output %one : !craft.vec<1>
}

// -----

craft.program @p {
  // expected-error @below {{'craft.embed' op fold table of #craft.space<"f"> must have shape 2x1 (tokens x space)}}
  %tokens, %indices, %one, %bos, %f = craft.embed
      tokens #craft.space<"tokens", ["a", "b"]>
      indices #craft.space<"indices", [0, 1]>
      one #craft.space<"one">
      bos #craft.space<"tokens", ["BOS"]>
      folds [#craft.fold<tokens, #craft.space<"f">, dense<1.0> : tensor<3x1xf64>>]
  craft.output %f : !craft.vec<1>
}

// -----

// expected-error @below {{expected ::mlir::craft::EmbedSource to be one of: tokens, indices}}
// expected-error @below {{failed to parse Craft_FoldAttr parameter 'source'}}
"test.use"() {f = #craft.fold<positions, #craft.space<"f">, dense<1.0> : tensor<1x1xf64>>} : () -> ()
