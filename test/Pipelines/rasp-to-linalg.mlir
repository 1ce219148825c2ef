// RUN: rasp-opt %s --rasp-to-linalg="vocab=b,a max-seq-len=3" | FileCheck %s
// RUN: rasp-opt %s --rasp-to-linalg="vocab=b,a max-seq-len=3 causal=true" | FileCheck %s --check-prefix=CAUSAL
// RUN: rasp-opt %s --rasp-to-linalg="vocab=b,a max-seq-len=3 bos=START resource-min-elements=8" | FileCheck %s --check-prefix=OPTIONS

// The whole pipeline from a rasp program to tensor IR: the compile
// parameters reach the function (ids in vocabulary order, then BOS;
// max_seq_len + 1 positions), causal heads mask later keys, and the weight
// options reach the conversion.

// CHECK-LABEL: func.func @hist(
// CHECK-SAME:    -> tensor<?x?x4xf32>
// CHECK-SAME:    rasp.max_positions = 4 : i64
// CHECK-SAME:    rasp.num_token_ids = 3 : i64
// CHECK-SAME:    rasp.output_values = [0, 1, 2, 3]
// CHECK-SAME:    rasp.token_labels = ["tokens:b", "tokens:a", "tokens:BOS"]
// CHECK:         %[[FLAG:.*]] = arith.constant false
// CHECK:         call @__rasp_head_{{.*}}, %[[FLAG]])
// CHECK:         return
// CHECK-NOT:     craft.

// CAUSAL-LABEL: func.func @hist(
// CAUSAL:         %[[FLAG:.*]] = arith.constant true
// CAUSAL:         call @__rasp_head_{{.*}}, %[[FLAG]])

// OPTIONS-LABEL: func.func @hist(
// OPTIONS-SAME:    rasp.token_labels = ["tokens:b", "tokens:a", "tokens:START"]
// OPTIONS:         dense_resource<l0_mlp_w1>

!str = !rasp.sop<categorical, !rasp.str>
!int = !rasp.sop<categorical, i64>

rasp.program @hist {
  %tokens = rasp.tokens : !str
  %same = rasp.select %tokens, %tokens, eq : !str, !str
  %hist = rasp.selector_width %same : !int
  rasp.output %hist : !int
}
