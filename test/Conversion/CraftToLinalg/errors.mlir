// RUN: rasp-opt --convert-craft-to-linalg --split-input-file --verify-diagnostics %s

// expected-error @+1 {{'craft.program' op must be allocated to layers (--allocate-layers) before --convert-craft-to-linalg}}
craft.program @p attributes {max_seq_len = 1 : i64} {
  %tokens, %indices, %one, %bos = craft.embed
      tokens #craft.space<"tokens", ["a"]> indices #craft.space<"indices", [0]>
      one #craft.space<"one"> bos #craft.space<"tokens", ["BOS"]>
  craft.output %tokens : !craft.vec<1>
}

// -----

// expected-error @+1 {{'craft.model' op vocabulary item "x" has no direction in the token space #craft.space<"tokens", ["a"]>}}
craft.model @m attributes {
    vocab = ["x"], max_seq_len = 1 : i64,
    residual = [#craft.space<"tokens", ["a"]>, #craft.space<"tokens", ["BOS"]>,
                #craft.space<"one">, #craft.space<"indices", [0]>],
    labels = ["tokens:a", "tokens:BOS", "one", "indices:0"]} {
  %tokens, %indices, %one, %bos = craft.embed
      tokens #craft.space<"tokens", ["a"]> indices #craft.space<"indices", [0]>
      one #craft.space<"one"> bos #craft.space<"tokens", ["BOS"]>
  craft.output %tokens : !craft.vec<1>
}

// -----

// expected-error @+1 {{'craft.model' op position 2 (index 1) has no direction in the indices space #craft.space<"indices", [0]>}}
craft.model @m attributes {
    vocab = ["a"], max_seq_len = 2 : i64,
    residual = [#craft.space<"tokens", ["a"]>, #craft.space<"tokens", ["BOS"]>,
                #craft.space<"one">, #craft.space<"indices", [0]>],
    labels = ["tokens:a", "tokens:BOS", "one", "indices:0"]} {
  %tokens, %indices, %one, %bos = craft.embed
      tokens #craft.space<"tokens", ["a"]> indices #craft.space<"indices", [0]>
      one #craft.space<"one"> bos #craft.space<"tokens", ["BOS"]>
  craft.output %tokens : !craft.vec<1>
}
