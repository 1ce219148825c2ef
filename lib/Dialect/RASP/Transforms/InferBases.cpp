//===- InferBases.cpp - Annotate every SOp with its value set -------------===//
//
// A thin driver over ValueSetAnalysis: resolves the compile parameters
// (options over program attributes), writes them back to the program, and
// stores each SOp's value set in its `values` attribute.
//
//===----------------------------------------------------------------------===//

#include "RaspDialect/Analysis/ValueSets.h"
#include "RaspDialect/Dialect/RASP/Transforms/Passes.h"

#include "mlir/IR/Builders.h"

#include <cmath>

namespace mlir::rasp {
#define GEN_PASS_DEF_INFERBASESPASS
#include "RaspDialect/Dialect/RASP/Transforms/Passes.h.inc"
} // namespace mlir::rasp

using namespace mlir;
using namespace mlir::rasp;

namespace {
struct InferBases : rasp::impl::InferBasesPassBase<InferBases> {
  using Base::Base;

  void runOnOperation() override {
    bool ok = true;
    for (ProgramOp program : getOperation().getOps<ProgramOp>())
      ok &= succeeded(applyOptions(program)) && succeeded(annotate(program));
    if (!ok)
      signalPassFailure();
  }

  /// Writes the options that are set over the program's attributes.
  LogicalResult applyOptions(ProgramOp program) {
    Builder b(program.getContext());
    if (!vocab.empty()) {
      ValueSet items;
      SmallVector<Attribute> attrs;
      for (const std::string &text : vocab) {
        items.push_back(py::parseVocabItem(text));
        attrs.push_back(toAttr(b.getContext(), items.back()));
      }
      // Sorted, equal items are adjacent: n log n, not n^2.
      ValueSet sorted = items;
      llvm::stable_sort(sorted, PyValue::setLess);
      for (size_t i = 1; i < sorted.size(); ++i)
        if (sorted[i - 1] == sorted[i])
          return program.emitOpError("vocabulary option lists ")
                 << sorted[i].repr() << " twice";
      program.setVocabAttr(b.getArrayAttr(attrs));
    }
    if (maxValues < 1)
      return program.emitOpError("'max-values' must be at least 1, got ")
             << static_cast<int64_t>(maxValues);
    if (maxSeqLen < 0)
      return program.emitOpError("'max-seq-len' must be at least 1, got ")
             << static_cast<int64_t>(maxSeqLen);
    if (maxSeqLen > 0)
      program.setMaxSeqLenAttr(b.getI64IntegerAttr(maxSeqLen));
    if (!bos.empty())
      program.setBosAttr(b.getStringAttr(bos));
    if (causal)
      program.setCausal(true);
    if (std::optional<ArrayAttr> items = program.getVocab())
      for (Attribute item : *items)
        if (auto s = dyn_cast<StringAttr>(item);
            s && s.getValue() == program.getBosName())
          return program.emitOpError("vocabulary contains the BOS token '")
                 << program.getBosName() << "'";
    return success();
  }

  LogicalResult annotate(ProgramOp program) {
    ValueSetOptions options;
    options.maxValues = static_cast<size_t>(maxValues);
    FailureOr<ValueSetAnalysis> analysis =
        ValueSetAnalysis::compute(program, options);
    if (failed(analysis))
      return failure();
    MLIRContext *context = program.getContext();
    bool ok = true;
    for (Operation &op : program.getBody().front())
      if (op.getNumResults() == 1)
        if (const ValueSet *set = analysis->lookup(op.getResult(0))) {
          if (failed(checkNoNaN(&op, *set))) {
            ok = false;
            continue;
          }
          op.setAttr(RASPDialect::getValuesAttrName(),
                     toValueSetAttr(context, *set));
        }
    return success(ok);
  }

  /// NaN is unequal to itself: no value set (and no decoded direction) can
  /// hold it.
  static LogicalResult checkNoNaN(Operation *op, const ValueSet &set) {
    if (llvm::none_of(set, [](const PyValue &v) {
          return v.isFloat() && std::isnan(v.getFloat());
        }))
      return success();
    return op->emitOpError("can produce nan (e.g. from inf - inf or 0 * inf), "
                           "which a compiled model cannot represent");
  }
};
} // namespace
