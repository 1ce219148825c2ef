// RUN: rasp-opt %s --allocate-layers --craft-model-stats -o /dev/null | FileCheck %s --check-prefix=TEXT
// RUN: rasp-opt %s --allocate-layers --craft-model-stats=json -o /dev/null | FileCheck %s --check-prefix=JSON
// RUN: rasp-opt %s --allocate-layers --craft-model-stats=json -o /dev/null | %python -m json.tool > /dev/null

// Layer 0: heads h1, h2 and the MLPs m1, m2 combined (inputs tokens, one,
// indices: 6 rows, 3 hidden units, 3 outputs); layer 1: head h3.
//   h1: q 1, k 1, v 2, out 2 -> 1*1 + 2*2 = 5 params, 1 + 2 non-zero
//   h2: q 4, k 3, v 1, out 1 -> 4*3 + 1*1 = 13 params, 3 + 1 non-zero
//   mlp: 6*3 + 3*3 = 27 params, 6 + 2 + 2 + 1 non-zero
//   h3: q 2, k 3, v 2, out 2 -> 2*3 + 2*2 = 10 params, 2 + 2 non-zero
// Residual: tokens 2, BOS, one, indices 3, h1 2, h2, m1 2, m2, h3 2 = 15.
// Dense layout: 2 heads, key size max(q, k, min(v, out)) = 4 (h2), MLP 3:
//   embeddings (2 + 1) * 15 + (3 + 1) * 15 = 105
//   attention 3 * (15 * 8 + 8) + (8 * 15 + 15) = 519 per layer
//   MLP (15 * 3 + 3) + (3 * 15 + 15) = 108 per layer
//   105 + 2 * (519 + 108) = 1359
// Per-layer layout: layer 0 as above (519 + 108); layer 1 one head of key
// size 3 (h3), no MLP: 3 * (15 * 3 + 3) + (3 * 15 + 15) = 204;
//   105 + 519 + 108 + 204 = 936

// TEXT:      model @stats
// TEXT-NEXT:   layers: 2
// TEXT-NEXT:   residual width: 15
// TEXT-NEXT:   heads per layer: [2, 1]
// TEXT-NEXT:   MLP hidden per layer: [3, 0]
// TEXT-NEXT:   layer 0:
// TEXT-NEXT:     head h1: query 1, key 1, value 2, output 2; 5 params (3 non-zero)
// TEXT-NEXT:     head h2: query 4, key 3, value 1, output 1; 13 params (4 non-zero)
// TEXT-NEXT:     mlp: input 6, hidden 3, output 3; 27 params (11 non-zero)
// TEXT-NEXT:   layer 1:
// TEXT-NEXT:     head h3: query 2, key 3, value 2, output 2; 10 params (4 non-zero)
// TEXT-NEXT:   block params: 55 (22 non-zero)
// TEXT-NEXT:   dense layout (per layer 2 heads of key size 4, MLP hidden 3): 1359 params
// TEXT-NEXT:   per-layer layout (each layer its own head width and MLP): 936 params
// TEXT-NEXT: model @causal_identity (causal)
// TEXT-NEXT:   layers: 0
// TEXT-NEXT:   residual width: 4
// TEXT-NEXT:   heads per layer: []
// TEXT-NEXT:   MLP hidden per layer: []
// TEXT-NEXT:   block params: 0 (0 non-zero)
// TEXT-NEXT:   dense layout (per layer 1 heads of key size 1, MLP hidden 1): 16 params
// TEXT-NEXT:   per-layer layout (each layer its own head width and MLP): 16 params

// JSON:      "models": [
// JSON:          "causal": false,
// JSON-NEXT:     "dense_layout": {
// JSON-NEXT:       "key_size": 4,
// JSON-NEXT:       "mlp_hidden": 3,
// JSON-NEXT:       "num_heads": 2
// JSON-NEXT:     },
// JSON-NEXT:     "heads_per_layer": [
// JSON-NEXT:       2,
// JSON-NEXT:       1
// JSON-NEXT:     ],
// JSON-NEXT:     "layer_details": [
// JSON-NEXT:       {
// JSON-NEXT:         "heads": [
// JSON-NEXT:           {
// JSON-NEXT:             "key": 1,
// JSON-NEXT:             "name": "h1",
// JSON-NEXT:             "nonzero": 3,
// JSON-NEXT:             "output": 2,
// JSON-NEXT:             "params": 5,
// JSON-NEXT:             "query": 1,
// JSON-NEXT:             "value": 2
// JSON-NEXT:           },
// JSON:              "name": "h2",
// JSON:          "mlp": {
// JSON-NEXT:           "hidden": 3,
// JSON-NEXT:           "input": 6,
// JSON-NEXT:           "nonzero": 11,
// JSON-NEXT:           "output": 3,
// JSON-NEXT:           "params": 27
// JSON-NEXT:         }
// JSON:              "name": "h3",
// JSON:          "mlp": null
// JSON:        "layers": 2,
// JSON-NEXT:   "max_seq_len": 3,
// JSON-NEXT:   "mlp_hidden_per_layer": [
// JSON-NEXT:     3,
// JSON-NEXT:     0
// JSON-NEXT:   ],
// JSON-NEXT:   "name": "stats",
// JSON-NEXT:   "params": {
// JSON-NEXT:     "blocks": 55,
// JSON-NEXT:     "blocks_nonzero": 22,
// JSON-NEXT:     "dense": 1359,
// JSON-NEXT:     "layered": 936
// JSON-NEXT:   },
// JSON-NEXT:   "residual_width": 15,
// JSON-NEXT:   "vocab_size": 2
// JSON-NEXT: },
// JSON:        "causal": true,
// JSON:        "layer_details": [],
// JSON-NEXT:   "layers": 0,
// JSON:        "name": "causal_identity",
// JSON:      "schema": "rasp-craft-model-stats/1"

craft.program @stats attributes {max_seq_len = 3 : i64, vocab = ["a", "b"]} {
  %tokens, %indices, %one, %bos = craft.embed
      tokens #craft.space<"tokens", ["a", "b"]>
      indices #craft.space<"indices", [0, 1, 2]>
      one #craft.space<"one">
      bos #craft.space<"tokens", ["BOS"]>
  %h1 = craft.attention_head query(%one : !craft.vec<1>) key(%bos : !craft.vec<1>)
      value(%tokens : !craft.vec<2>) scale 1.0
      w_qk [#craft.qk<0, 0, dense<1.0> : tensor<1x1xf64>>]
      w_ov dense<[[1.0, 0.0], [0.0, 1.0]]> : tensor<2x2xf64>
      -> #craft.space<"h1", ["a", "b"]>
  %h2 = craft.attention_head query(%indices, %one : !craft.vec<3>, !craft.vec<1>)
      key(%indices : !craft.vec<3>) value(%one : !craft.vec<1>) scale 1.0
      w_qk [#craft.qk<0, 0, dense<[[true, false, false], [false, true, false], [false, false, true]]> : tensor<3x3xi1>>]
      w_ov dense<1.0> : tensor<1x1xf64> -> #craft.space<"h2">
  %m1 = craft.mlp(%tokens, %one : !craft.vec<2>, !craft.vec<1>)
      w1 dense<1.0> : tensor<3x2xf64> w2 dense<[[1.0, 0.0], [0.0, 1.0]]> : tensor<2x2xf64>
      -> [#craft.space<"m1", [0, 1]>]
  %m2 = craft.mlp(%indices, %one : !craft.vec<3>, !craft.vec<1>)
      w1 dense<[[1.0], [0.0], [0.0], [2.0]]> : tensor<4x1xf64> w2 dense<3.0> : tensor<1x1xf64>
      -> [#craft.space<"m2">]
  %h3 = craft.attention_head query(%m1 : !craft.vec<2>) key(%indices : !craft.vec<3>)
      value(%h1 : !craft.vec<2>) scale 1.0
      w_qk [#craft.qk<0, 0, dense<[[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]> : tensor<2x3xf64>>]
      w_ov dense<[[1.0, 0.0], [0.0, 1.0]]> : tensor<2x2xf64>
      -> #craft.space<"h3", ["a", "b"]>
  craft.output %h3 : !craft.vec<2>
}

// Without layers the dense layout is the embeddings alone: residual width 4
// (tokens 1, BOS, one, indices 1), (1 + 1) * 4 + (1 + 1) * 4 = 16.
craft.program @causal_identity attributes {causal, max_seq_len = 1 : i64, vocab = ["a"]} {
  %tokens, %indices, %one, %bos = craft.embed
      tokens #craft.space<"tokens", ["a"]>
      indices #craft.space<"indices", [0]>
      one #craft.space<"one">
      bos #craft.space<"tokens", ["BOS"]>
  craft.output %tokens : !craft.vec<1>
}
