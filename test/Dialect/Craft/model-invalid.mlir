// RUN: rasp-opt %s -split-input-file -verify-diagnostics

// expected-error @below {{'craft.model' op body must end with 'craft.output'}}
craft.model @m attributes {
    labels = ["tokens:a", "tokens:b", "tokens:BOS", "one", "indices:0", "indices:1"],
    residual = [#craft.space<"tokens", ["a", "b"]>, #craft.space<"tokens", ["BOS"]>,
                #craft.space<"one">, #craft.space<"indices", [0, 1]>]} {
  %tokens, %indices, %one, %bos = craft.embed
      tokens #craft.space<"tokens", ["a", "b"]>
      indices #craft.space<"indices", [0, 1]>
      one #craft.space<"one">
      bos #craft.space<"tokens", ["BOS"]>
  llvm.unreachable
}

// -----

// expected-error @below {{'craft.model' op body must start with 'craft.embed'}}
craft.model @m attributes {labels = [], residual = []} {
  craft.layer 0 {
    craft.yield
  }
  llvm.unreachable
}

// -----

// expected-error @below {{'craft.model' op body may only hold one 'craft.embed', then 'craft.layer' ops, then 'craft.output'; found 'craft.mlp'}}
craft.model @m attributes {
    labels = ["tokens:a", "tokens:b", "tokens:BOS", "one", "indices:0", "indices:1", "a:0", "a:1"],
    residual = [#craft.space<"tokens", ["a", "b"]>, #craft.space<"tokens", ["BOS"]>,
                #craft.space<"one">, #craft.space<"indices", [0, 1]>, #craft.space<"a", [0, 1]>]} {
  %tokens, %indices, %one, %bos = craft.embed
      tokens #craft.space<"tokens", ["a", "b"]>
      indices #craft.space<"indices", [0, 1]>
      one #craft.space<"one">
      bos #craft.space<"tokens", ["BOS"]>
  %a = craft.mlp(%tokens, %one : !craft.vec<2>, !craft.vec<1>)
      w1 dense<1.0> : tensor<3x2xf64> w2 dense<1.0> : tensor<2x2xf64>
      -> [#craft.space<"a", [0, 1]>]
  craft.output %a : !craft.vec<2>
}

// -----

// expected-error @below {{'craft.model' op expected layer 0 but found layer 1; layers are numbered 0, 1, ... in order}}
craft.model @m attributes {
    labels = ["tokens:a", "tokens:b", "tokens:BOS", "one", "indices:0", "indices:1"],
    residual = [#craft.space<"tokens", ["a", "b"]>, #craft.space<"tokens", ["BOS"]>,
                #craft.space<"one">, #craft.space<"indices", [0, 1]>]} {
  %tokens, %indices, %one, %bos = craft.embed
      tokens #craft.space<"tokens", ["a", "b"]>
      indices #craft.space<"indices", [0, 1]>
      one #craft.space<"one">
      bos #craft.space<"tokens", ["BOS"]>
  craft.layer 1 {
    craft.yield
  }
  craft.output %tokens : !craft.vec<2>
}

// -----

// expected-error @below {{'craft.model' op two subspaces have the basis #craft.space<"a", [0, 1]>}}
craft.model @m attributes {
    labels = ["tokens:a", "tokens:b", "tokens:BOS", "one", "indices:0", "indices:1", "a:0", "a:1"],
    residual = [#craft.space<"tokens", ["a", "b"]>, #craft.space<"tokens", ["BOS"]>,
                #craft.space<"one">, #craft.space<"indices", [0, 1]>, #craft.space<"a", [0, 1]>]} {
  %tokens, %indices, %one, %bos = craft.embed
      tokens #craft.space<"tokens", ["a", "b"]>
      indices #craft.space<"indices", [0, 1]>
      one #craft.space<"one">
      bos #craft.space<"tokens", ["BOS"]>
  %a, %b = craft.layer 0 {
    %n = craft.attention_head query(%one : !craft.vec<1>) key(%bos : !craft.vec<1>)
        value(%tokens : !craft.vec<2>) scale 1.0
        w_qk [#craft.qk<0, 0, dense<0.5> : tensor<1x1xf64>>]
        w_ov dense<1.0> : tensor<2x2xf64> -> #craft.space<"a", [0, 1]>
    %m = craft.mlp(%tokens, %one : !craft.vec<2>, !craft.vec<1>)
        w1 dense<1.0> : tensor<3x2xf64> w2 dense<1.0> : tensor<2x2xf64>
        -> [#craft.space<"a", [0, 1]>]
    craft.yield %n, %m : !craft.vec<2>, !craft.vec<2>
  } : !craft.vec<2>, !craft.vec<2>
  craft.output %a : !craft.vec<2>
}

// -----

// expected-error @below {{'craft.model' op residual lists #craft.space<"one"> twice}}
craft.model @m attributes {
    labels = ["tokens:a", "tokens:b", "tokens:BOS", "one", "indices:0", "indices:1", "one"],
    residual = [#craft.space<"tokens", ["a", "b"]>, #craft.space<"tokens", ["BOS"]>,
                #craft.space<"one">, #craft.space<"indices", [0, 1]>, #craft.space<"one">]} {
  %tokens, %indices, %one, %bos = craft.embed
      tokens #craft.space<"tokens", ["a", "b"]>
      indices #craft.space<"indices", [0, 1]>
      one #craft.space<"one">
      bos #craft.space<"tokens", ["BOS"]>
  craft.output %tokens : !craft.vec<2>
}

// -----

// expected-error @below {{'craft.model' op residual lists #craft.space<"z">, which is not a subspace of the model}}
craft.model @m attributes {
    labels = ["tokens:a", "tokens:b", "tokens:BOS", "one", "indices:0", "indices:1", "z"],
    residual = [#craft.space<"tokens", ["a", "b"]>, #craft.space<"tokens", ["BOS"]>,
                #craft.space<"one">, #craft.space<"indices", [0, 1]>, #craft.space<"z">]} {
  %tokens, %indices, %one, %bos = craft.embed
      tokens #craft.space<"tokens", ["a", "b"]>
      indices #craft.space<"indices", [0, 1]>
      one #craft.space<"one">
      bos #craft.space<"tokens", ["BOS"]>
  craft.output %tokens : !craft.vec<2>
}

// -----

// expected-error @below {{'craft.model' op residual does not list the subspace #craft.space<"a", [0, 1]>}}
craft.model @m attributes {
    labels = ["tokens:a", "tokens:b", "tokens:BOS", "one", "indices:0", "indices:1"],
    residual = [#craft.space<"tokens", ["a", "b"]>, #craft.space<"tokens", ["BOS"]>,
                #craft.space<"one">, #craft.space<"indices", [0, 1]>]} {
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
  craft.output %a : !craft.vec<2>
}

// -----

// expected-error @below {{'craft.model' op has 1 labels but the residual width is 6}}
craft.model @m attributes {
    labels = ["tokens:a"], residual = [#craft.space<"tokens", ["a", "b"]>, #craft.space<"tokens", ["BOS"]>,
                #craft.space<"one">, #craft.space<"indices", [0, 1]>]} {
  %tokens, %indices, %one, %bos = craft.embed
      tokens #craft.space<"tokens", ["a", "b"]>
      indices #craft.space<"indices", [0, 1]>
      one #craft.space<"one">
      bos #craft.space<"tokens", ["BOS"]>
  craft.output %tokens : !craft.vec<2>
}

// -----

// expected-error @below {{'craft.model' op label 4 is 'indices:1' but residual direction 4 is 'indices:0'}}
craft.model @m attributes {
    labels = ["tokens:a", "tokens:b", "tokens:BOS", "one", "indices:1", "indices:0"], residual = [#craft.space<"tokens", ["a", "b"]>, #craft.space<"tokens", ["BOS"]>,
                #craft.space<"one">, #craft.space<"indices", [0, 1]>]} {
  %tokens, %indices, %one, %bos = craft.embed
      tokens #craft.space<"tokens", ["a", "b"]>
      indices #craft.space<"indices", [0, 1]>
      one #craft.space<"one">
      bos #craft.space<"tokens", ["BOS"]>
  craft.output %tokens : !craft.vec<2>
}

// -----

// expected-error @below {{'craft.model' op residual label 'a:1' appears twice}}
craft.model @m attributes {
    labels = ["tokens:a", "tokens:b", "tokens:BOS", "one", "indices:0", "indices:1", "a:1", "a:1"],
    residual = [#craft.space<"tokens", ["a", "b"]>, #craft.space<"tokens", ["BOS"]>,
                #craft.space<"one">, #craft.space<"indices", [0, 1]>, #craft.space<"a", [1, "1"]>]} {
  %tokens, %indices, %one, %bos = craft.embed
      tokens #craft.space<"tokens", ["a", "b"]>
      indices #craft.space<"indices", [0, 1]>
      one #craft.space<"one">
      bos #craft.space<"tokens", ["BOS"]>
  %a = craft.layer 0 {
    %m = craft.mlp(%tokens, %one : !craft.vec<2>, !craft.vec<1>)
        w1 dense<1.0> : tensor<3x2xf64> w2 dense<1.0> : tensor<2x2xf64>
        -> [#craft.space<"a", [1, "1"]>]
    craft.yield %m : !craft.vec<2>
  } : !craft.vec<2>
  craft.output %a : !craft.vec<2>
}

// -----

craft.model @m attributes {
    labels = ["tokens:a", "tokens:b", "tokens:BOS", "one", "indices:0", "indices:1"],
    residual = [#craft.space<"tokens", ["a", "b"]>, #craft.space<"tokens", ["BOS"]>,
                #craft.space<"one">, #craft.space<"indices", [0, 1]>]} {
  %tokens, %indices, %one, %bos = craft.embed
      tokens #craft.space<"tokens", ["a", "b"]>
      indices #craft.space<"indices", [0, 1]>
      one #craft.space<"one">
      bos #craft.space<"tokens", ["BOS"]>
  // expected-error @below {{'craft.layer' op body must end with 'craft.yield'}}
  craft.layer 0 {
    llvm.unreachable
  }
  craft.output %tokens : !craft.vec<2>
}

// -----

craft.model @m attributes {
    labels = ["tokens:a", "tokens:b", "tokens:BOS", "one", "indices:0", "indices:1", "a:0", "a:1", "c"],
    residual = [#craft.space<"tokens", ["a", "b"]>, #craft.space<"tokens", ["BOS"]>,
                #craft.space<"one">, #craft.space<"indices", [0, 1]>, #craft.space<"a", [0, 1]>, #craft.space<"c">]} {
  %tokens, %indices, %one, %bos = craft.embed
      tokens #craft.space<"tokens", ["a", "b"]>
      indices #craft.space<"indices", [0, 1]>
      one #craft.space<"one">
      bos #craft.space<"tokens", ["BOS"]>
  // expected-error @below {{'craft.layer' op attention heads must precede the MLP}}
  %a, %c = craft.layer 0 {
    %m = craft.mlp(%tokens, %one : !craft.vec<2>, !craft.vec<1>)
        w1 dense<1.0> : tensor<3x2xf64> w2 dense<1.0> : tensor<2x2xf64>
        -> [#craft.space<"a", [0, 1]>]
    %h = craft.attention_head query(%one : !craft.vec<1>) key(%bos : !craft.vec<1>)
        value(%one : !craft.vec<1>) scale 1.0
        w_qk [#craft.qk<0, 0, dense<0.5> : tensor<1x1xf64>>]
        w_ov dense<1.0> : tensor<1x1xf64> -> #craft.space<"c">
    craft.yield %m, %h : !craft.vec<2>, !craft.vec<1>
  } : !craft.vec<2>, !craft.vec<1>
  craft.output %tokens : !craft.vec<2>
}

// -----

craft.model @m attributes {
    labels = ["tokens:a", "tokens:b", "tokens:BOS", "one", "indices:0", "indices:1", "c", "d"],
    residual = [#craft.space<"tokens", ["a", "b"]>, #craft.space<"tokens", ["BOS"]>,
                #craft.space<"one">, #craft.space<"indices", [0, 1]>, #craft.space<"c">, #craft.space<"d">]} {
  %tokens, %indices, %one, %bos = craft.embed
      tokens #craft.space<"tokens", ["a", "b"]>
      indices #craft.space<"indices", [0, 1]>
      one #craft.space<"one">
      bos #craft.space<"tokens", ["BOS"]>
  // expected-error @below {{'craft.layer' op attention head reads a subspace written in the same layer; the heads of a sublayer run in parallel}}
  %c, %d = craft.layer 0 {
    %h = craft.attention_head query(%one : !craft.vec<1>) key(%bos : !craft.vec<1>)
        value(%one : !craft.vec<1>) scale 1.0
        w_qk [#craft.qk<0, 0, dense<0.5> : tensor<1x1xf64>>]
        w_ov dense<1.0> : tensor<1x1xf64> -> #craft.space<"c">
    // expected-note @below {{head here}}
    %g = craft.attention_head query(%h : !craft.vec<1>) key(%bos : !craft.vec<1>)
        value(%one : !craft.vec<1>) scale 1.0
        w_qk [#craft.qk<0, 0, dense<0.5> : tensor<1x1xf64>>]
        w_ov dense<1.0> : tensor<1x1xf64> -> #craft.space<"d">
    craft.yield %h, %g : !craft.vec<1>, !craft.vec<1>
  } : !craft.vec<1>, !craft.vec<1>
  craft.output %tokens : !craft.vec<2>
}

// -----

craft.model @m attributes {
    labels = ["tokens:a", "tokens:b", "tokens:BOS", "one", "indices:0", "indices:1", "a:0", "a:1", "n"],
    residual = [#craft.space<"tokens", ["a", "b"]>, #craft.space<"tokens", ["BOS"]>,
                #craft.space<"one">, #craft.space<"indices", [0, 1]>, #craft.space<"a", [0, 1]>, #craft.space<"n">]} {
  %tokens, %indices, %one, %bos = craft.embed
      tokens #craft.space<"tokens", ["a", "b"]>
      indices #craft.space<"indices", [0, 1]>
      one #craft.space<"one">
      bos #craft.space<"tokens", ["BOS"]>
  // expected-error @below {{'craft.layer' op may hold at most one 'craft.mlp'; the MLPs of a sublayer are combined into one}}
  %a, %n = craft.layer 0 {
    %m = craft.mlp(%tokens, %one : !craft.vec<2>, !craft.vec<1>)
        w1 dense<1.0> : tensor<3x2xf64> w2 dense<1.0> : tensor<2x2xf64>
        -> [#craft.space<"a", [0, 1]>]
    %n = craft.mlp(%one : !craft.vec<1>)
        w1 dense<1.0> : tensor<1x1xf64> w2 dense<1.0> : tensor<1x1xf64>
        -> [#craft.space<"n">]
    craft.yield %m, %n : !craft.vec<2>, !craft.vec<1>
  } : !craft.vec<2>, !craft.vec<1>
  craft.output %tokens : !craft.vec<2>
}

// -----

craft.model @m attributes {
    labels = ["tokens:a", "tokens:b", "tokens:BOS", "one", "indices:0", "indices:1", "c"],
    residual = [#craft.space<"tokens", ["a", "b"]>, #craft.space<"tokens", ["BOS"]>,
                #craft.space<"one">, #craft.space<"indices", [0, 1]>, #craft.space<"c">]} {
  %tokens, %indices, %one, %bos = craft.embed
      tokens #craft.space<"tokens", ["a", "b"]>
      indices #craft.space<"indices", [0, 1]>
      one #craft.space<"one">
      bos #craft.space<"tokens", ["BOS"]>
  // expected-error @below {{'craft.layer' op body may only hold 'craft.attention_head' and 'craft.mlp' ops, found 'craft.multi_head'}}
  %c = craft.layer 0 {
    %g = craft.multi_head {
      %h = craft.attention_head query(%one : !craft.vec<1>) key(%bos : !craft.vec<1>)
        value(%one : !craft.vec<1>) scale 1.0
        w_qk [#craft.qk<0, 0, dense<0.5> : tensor<1x1xf64>>]
        w_ov dense<1.0> : tensor<1x1xf64> -> #craft.space<"c">
      craft.yield %h : !craft.vec<1>
    } : !craft.vec<1>
    craft.yield %g : !craft.vec<1>
  } : !craft.vec<1>
  craft.output %tokens : !craft.vec<2>
}

// -----

craft.model @m attributes {
    labels = ["tokens:a", "tokens:b", "tokens:BOS", "one", "indices:0", "indices:1", "a:0", "a:1"],
    residual = [#craft.space<"tokens", ["a", "b"]>, #craft.space<"tokens", ["BOS"]>,
                #craft.space<"one">, #craft.space<"indices", [0, 1]>, #craft.space<"a", [0, 1]>]} {
  %tokens, %indices, %one, %bos = craft.embed
      tokens #craft.space<"tokens", ["a", "b"]>
      indices #craft.space<"indices", [0, 1]>
      one #craft.space<"one">
      bos #craft.space<"tokens", ["BOS"]>
  // expected-error @below {{'craft.layer' op must yield every result of its heads and MLP, in order}}
  %a = craft.layer 0 {
    %m = craft.mlp(%tokens, %one : !craft.vec<2>, !craft.vec<1>)
        w1 dense<1.0> : tensor<3x2xf64> w2 dense<1.0> : tensor<2x2xf64>
        -> [#craft.space<"a", [0, 1]>]
    craft.yield %one : !craft.vec<1>
  } : !craft.vec<1>
  craft.output %tokens : !craft.vec<2>
}

// -----

craft.model @m attributes {
    labels = ["tokens:a", "tokens:b", "tokens:BOS", "one", "indices:0", "indices:1", "a:0", "a:1"],
    residual = [#craft.space<"tokens", ["a", "b"]>, #craft.space<"tokens", ["BOS"]>,
                #craft.space<"one">, #craft.space<"indices", [0, 1]>, #craft.space<"a", [0, 1]>]} {
  %tokens, %indices, %one, %bos = craft.embed
      tokens #craft.space<"tokens", ["a", "b"]>
      indices #craft.space<"indices", [0, 1]>
      one #craft.space<"one">
      bos #craft.space<"tokens", ["BOS"]>
  // expected-error @below {{'craft.layer' op yields 1 values but has 0 results}}
  craft.layer 0 {
    %m = craft.mlp(%tokens, %one : !craft.vec<2>, !craft.vec<1>)
        w1 dense<1.0> : tensor<3x2xf64> w2 dense<1.0> : tensor<2x2xf64>
        -> [#craft.space<"a", [0, 1]>]
    craft.yield %m : !craft.vec<2>
  }
  craft.output %tokens : !craft.vec<2>
}

// -----

craft.model @m attributes {
    labels = ["tokens:a", "tokens:b", "tokens:BOS", "one", "indices:0", "indices:1", "a:0", "a:1"],
    residual = [#craft.space<"tokens", ["a", "b"]>, #craft.space<"tokens", ["BOS"]>,
                #craft.space<"one">, #craft.space<"indices", [0, 1]>, #craft.space<"a", [0, 1]>]} {
  %tokens, %indices, %one, %bos = craft.embed
      tokens #craft.space<"tokens", ["a", "b"]>
      indices #craft.space<"indices", [0, 1]>
      one #craft.space<"one">
      bos #craft.space<"tokens", ["BOS"]>
  // expected-error @below {{'craft.layer' op result type '!craft.vec<3>' does not match yielded type '!craft.vec<2>'}}
  %a = craft.layer 0 {
    %m = craft.mlp(%tokens, %one : !craft.vec<2>, !craft.vec<1>)
        w1 dense<1.0> : tensor<3x2xf64> w2 dense<1.0> : tensor<2x2xf64>
        -> [#craft.space<"a", [0, 1]>]
    craft.yield %m : !craft.vec<2>
  } : !craft.vec<3>
  craft.output %tokens : !craft.vec<2>
}
