//===- Fusion.h - Elementwise fusion plan -----------------------*- C++ -*-===//
//
// Decides which elementwise nodes become their own map / sequence_map /
// linear_sequence_map op and which are inlined into the body of a consumer.
//
// The rule. Primitive SOps (tokens, indices, full, aggregate,
// selector_width) are always ops. An elementwise node E is its own op iff
//   (a) E is the program output, or an input of a non-elementwise op
//       (aggregate, select, or a selector built from it);
//   (b) numerical()/categorical() set E's encoding (the node is a copy of the
//       expression carrying that encoding);
//   (c) E's function can return None (a None constant reaching its result
//       through if/and/or): an op makes a consumer return None where E does,
//       as map semantics require; or
//   (d) a consumer inlining E would read more than two distinct SOps, or
//       would nest deeper than kMaxFusedDepth: consumers are processed in
//       creation order and materialise their inlined inputs greedily, the one
//       with the most leaf SOps (then the deepest) first.
// Otherwise E is inlined into every elementwise consumer (duplicated when it
// has several). The op of a materialised E reads E's leaf SOps: the inputs
// it does not inline, and the leaves of those it does.
//
// Tracr's graph (ImportRASPOptions::tracrGraph) has one op per RASP
// operation instead: E is inlined only where Tracr's rasp.Map composes a Map
// of a Map (E and its consumer each read one SOp, and E cannot return None);
// every other elementwise node is its own op.
//
//===----------------------------------------------------------------------===//

#ifndef RASPDIALECT_LIB_TARGET_IMPORTRASP_FUSION_H
#define RASPDIALECT_LIB_TARGET_IMPORTRASP_FUSION_H

#include "Graph.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/PointerUnion.h"

namespace mlir::rasp::frontend {

using NodeRef = llvm::PointerUnion<SOpNode *, SelectorNode *>;

/// How one elementwise node is computed.
struct ElementwiseInfo {
  /// Per input: true if the input's function is inlined into this body.
  llvm::SmallVector<bool, 3> inlined;
  /// The distinct SOps the fused body reads, in first-use order (at most 2;
  /// in Tracr's graph an SOp the node reads twice is here twice).
  llvm::SmallVector<SOpNode *, 2> leaves;
  /// Depth of the fused body.
  unsigned depth = 0;
};

struct FusionPlan {
  /// The nodes the output depends on, in creation (topological) order.
  std::vector<NodeRef> nodes;
  /// SOp nodes that are ops (all primitives, some elementwise nodes).
  llvm::DenseSet<SOpNode *> materialized;
  llvm::DenseMap<SOpNode *, ElementwiseInfo> elementwise;
};

/// Plans the program computing `output`: fused, or with `tracrGraph` one op
/// per RASP operation as Tracr builds it. Fails (after a diagnostic) if an
/// expression needs three distinct SOps at once (a conditional over three).
FailureOr<FusionPlan> planFusion(SOpNode *output, bool tracrGraph = false);

} // namespace mlir::rasp::frontend

#endif // RASPDIALECT_LIB_TARGET_IMPORTRASP_FUSION_H
