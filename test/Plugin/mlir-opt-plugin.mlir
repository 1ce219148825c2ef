// Debian's mlir-opt, unmodified, loads the compiler as a plugin: the rasp
// and craft dialects and every pass and pipeline. rasp-to-linalg gives the
// same tensor IR as rasp-opt, byte for byte.
//
// The plugin cannot load into an uninstrumented mlir-opt under ASan.
// REQUIRES: no-asan
// RUN: mlir-opt %s --load-dialect-plugin=%rasp_obj_root/lib/RASPPlugin%shlibext \
// RUN:   --load-pass-plugin=%rasp_obj_root/lib/RASPPlugin%shlibext \
// RUN:   --pass-pipeline="builtin.module(rasp-to-linalg{vocab=b,a max-seq-len=3 resource-min-elements=8})" > %t.stock.mlir
// RUN: rasp-opt %s --pass-pipeline="builtin.module(rasp-to-linalg{vocab=b,a max-seq-len=3 resource-min-elements=8})" > %t.rasp-opt.mlir
// RUN: diff %t.stock.mlir %t.rasp-opt.mlir
// RUN: FileCheck %s < %t.stock.mlir
//
// Single passes and the round trip of both dialects.
// RUN: mlir-opt %s --load-dialect-plugin=%rasp_obj_root/lib/RASPPlugin%shlibext \
// RUN:   --load-pass-plugin=%rasp_obj_root/lib/RASPPlugin%shlibext \
// RUN:   --pass-pipeline="builtin.module(infer-bases{vocab=b,a max-seq-len=3},lower-to-craft)" \
// RUN: | FileCheck %s --check-prefix=CRAFT
//
// Without the dialect plugin the rasp dialect is unknown.
// RUN: not mlir-opt %s 2>&1 | FileCheck %s --check-prefix=UNKNOWN

// CHECK-LABEL: func.func @hist(
// CHECK-SAME:    -> tensor<?x?x4xf32>
// CHECK-SAME:    rasp.num_token_ids = 3 : i64
// CHECK-SAME:    rasp.output_values = [0, 1, 2, 3]
// CHECK:         dense_resource<l0_mlp_w1>
// CHECK-NOT:     rasp.program

// CRAFT-LABEL: craft.program @hist
// CRAFT:         craft.attention_head
// CRAFT:         craft.output

// UNKNOWN: error: `!"rasp"<"sop<categorical, !rasp.str>">` type created with unregistered dialect

!str = !rasp.sop<categorical, !rasp.str>
!int = !rasp.sop<categorical, i64>

rasp.program @hist {
  %tokens = rasp.tokens : !str
  %same = rasp.select %tokens, %tokens, eq : !str, !str
  %hist = rasp.selector_width %same : !int
  rasp.output %hist : !int
}
