//===- ReportTrace.cpp - Where the report's numbers come from -------------===//
//
// The report draws the numbers `rasp-run --trace` reports: the recorded
// forward pass of lib/Trace. When the trace comes from the compiled model
// itself, this file is the one to change.
//
//===----------------------------------------------------------------------===//

#include "RaspDialect/Report/Report.h"

using namespace mlir;
using namespace mlir::rasp;
using namespace mlir::rasp::report;

/// ReLU(x W1) of `mlp` at every position of `residual` (positions x width),
/// rows of W1 in increasing order per unit as the forward pass applies them.
static std::vector<float> hiddenActivations(const craft::AssembledMLP &mlp,
                                            const std::vector<float> &residual,
                                            int64_t positions, int64_t width) {
  int64_t units = mlp.getHiddenSize();
  std::vector<float> hidden(positions * units, 0.0f);
  const craft::Projection &w1 = mlp.hidden;
  for (int64_t p = 0; p < positions; ++p) {
    const float *x = residual.data() + p * width;
    float *h = hidden.data() + p * units;
    for (const craft::Projection::Segment &s : w1.segments)
      for (int64_t r = 0; r < s.range.dim; ++r) {
        float xv = x[s.range.offset + r];
        if (xv != 0.0f)
          w1.weights->forEachInRow(s.row + r, [&](int64_t c, double w) {
            h[c] += xv * static_cast<float>(w);
          });
      }
    for (int64_t u = 0; u < units; ++u)
      h[u] = std::max(h[u], 0.0f);
  }
  return hidden;
}

llvm::Expected<ReportTrace>
mlir::rasp::report::traceInput(const craft::AssembledModel &model,
                               llvm::ArrayRef<int64_t> ids,
                               const trace::ForwardOptions &options) {
  llvm::Expected<trace::ForwardResult> forward =
      trace::runForward(model, ids, options, /*record=*/true);
  if (!forward)
    return forward.takeError();
  ReportTrace out;
  out.forward = std::move(*forward);
  const trace::ForwardResult &f = out.forward;
  for (auto [l, layer] : llvm::enumerate(model.layers)) {
    // Snapshot 1 + 2l is the residual after layer l's attention: what its
    // MLP reads.
    const trace::ResidualSnapshot &before = f.snapshots[1 + 2 * l];
    if (layer.mlp && layer.mlp->getHiddenSize() > 0)
      out.hidden.push_back(hiddenActivations(*layer.mlp, before.residual,
                                             f.numPositions, f.width));
    else
      out.hidden.emplace_back();
  }
  return out;
}
