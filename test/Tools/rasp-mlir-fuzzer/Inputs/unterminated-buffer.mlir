// RUN: rasp-opt %s --lower-to-craft="fuse-mlps=false fold-embeddings=false" --mlir-elide-elementsattrs-if-larger=16 | FileCheck %s
// RUN: rasp-opt %s --lower-to-craft --test-craft-evaluate=inputs=a/b/crasp.tabl/d,d,c/a/b/b/d -o /dev/null | FileCheck %s --check-prefix=EVAL
// RUN: rasp-opt %s --lower-to-craft="fuse-mlps=false fold-embeddings=false" --test-craft-evaluate=inputs=a/b/c/d,d,c/a/b/b/d -o /dev/null | FileCheck %s --check-prefix=EVAL

// The CHECK lines show the per-op constructions (fuse-mlps=false, no
// folded embeddings); the default lowering (fused MLPs, folded embeddings)
// computes the same values (EVAL, both modes) and is shown in fusion.mlir.

// Tracr's make_reverse: length, opp_index = length - indices - 1, then an
// aggregate that selects the opposite position.

// CHECK-LABEL: craft.program @reverse
// CHECK: %[[T:.*]], %[[I:.*]], %[[ONE:.*]], %[[BOS:.*]] // RUN: rasp-opt %s --infer-bases --lower-to-craft="max-fused-work=100 fusion-remarks=true" -o /dev/null 2>&1 | FileCheck %s --check-prefix=WORK
// RUN: rasp-opt %s --infer-bases --lower-to-craft="max-fused-domain=16 fusion-remarks=true" -o /dev/null 2>&1 | FileCheck %s --check-prefix=DOMAIN
// RUN: rasp-opt %s --infer-baseLVM prints no statistics) and with fusion-remarks says where and why.
// The model computes the same either way (EVAL).

// WORK: fusion-fa= craft.embed
// select(tokens, tokensllback.mlir:[[# @LINE + 19]]:{{[0-9]+}}: remark: fused MLP no, True) keeps no table: every key is selected.
// CHECK: %[[LATT:.*]] =indices = rasp.indices {values = [0, 1, 2, 3, 4]} : !rast used: its table over the leaves of its operands could have 20 points, an estimated work 300 (x 3 features x log2 of the points) above max-fused-work 100; computed from its operands' subspaces
// WORK-NOT: remp.sark:

o