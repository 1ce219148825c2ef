// RUN: rasp-opt %s --infer-bases --lower-to-craft="encoding-remarks=true" -o /dev/null 2>&1 | FileCheck %s --check-prefix=REMARK
// RUN: rasp-opt %s --infer-bases --lower-to-craft | FileCheck %s
// RUN: rasp-opt %s --infer-bases --lower-to-craft --test-craft-evaluate=inputs=a/b/c/d,c -o /dev/null | FileCheck %s --check-prefix=EVAL

// At max_seq_len 4 the table (16 entries) is smaller than the quadratic
// head: the categorical encoding stays.
// REMARK: index-arithmetic-small.mlir:[[# @LINE + 12]]:{{[0-9]+}}: remark: position selector (key index == 1 * query index + -1) compiled as a categorical table: the categorical table (16 entries) is not larger than the quadratic head (40)
// CHECK-LABEL: craft.program @small
// CHECK: craft.attention_head query(%{{.*}}, %{{.*}}, %{{.*}} : !craft.vec<4>, !craft.vec<1>, !craft.vec<1>)
// EVAL: @small: [null, "a", "b", "c"]
// EVAL-NEXT: @small: [null]

!str = !rasp.sop<categorical, !rasp.str>
!int = !rasp.sop<categorical, i64>

rasp.program @small attributes {vocab = ["a", "b", "c", "d"], max_seq_len = 4 : i64} {
  %tokens = rasp.tokens : !str
  %indices = rasp.indices : !int
  %sel = rasp.select_where %indices, %indices : !int, !int {
  ^bb0(%k: i64, %q: i64):
    %c1 = arith.constant 1 : i64
    %0 = arith.addi %k, %c1 : i64
    %1 = arith.cmpi eq, %q, %0 : i64
    rasp.yield %1 : i1
  }
  %out = rasp.aggregate %sel, %tokens : !str -> !str
  rasp.output %out : !str
}
