//===- Validate.cpp - Report what cannot be compiled faithfully -----------===//
//
// A thin driver over validateProgram, reading the value sets that
// --infer-bases stored in the IR.
//
//===----------------------------------------------------------------------===//

#include "RaspDialect/Analysis/Validation.h"
#include "RaspDialect/Dialect/RASP/Transforms/Passes.h"

namespace mlir::rasp {
#define GEN_PASS_DEF_VALIDATEPASS
#include "RaspDialect/Dialect/RASP/Transforms/Passes.h.inc"
} // namespace mlir::rasp

using namespace mlir;
using namespace mlir::rasp;

namespace {
struct Validate : rasp::impl::ValidatePassBase<Validate> {
  using Base::Base;

  void runOnOperation() override {
    ValidationOptions options;
    options.tracrStrict = tracrStrict;
    bool ok = true;
    for (ProgramOp program : getOperation().getOps<ProgramOp>()) {
      // The value sets as --infer-bases stored them.
      llvm::DenseMap<Value, ValueSet> sets;
      for (Operation &op : program.getBody().front()) {
        Attribute attr = op.getAttr(RASPDialect::getValuesAttrName());
        if (op.getNumResults() != 1 || !attr)
          continue;
        FailureOr<ValueSet> set = fromArrayAttr(attr);
        if (succeeded(set))
          sets[op.getResult(0)] = std::move(*set);
      }
      auto lookup = [&sets](Value v) -> const ValueSet * {
        auto it = sets.find(v);
        return it == sets.end() ? nullptr : &it->second;
      };
      ok &= succeeded(validateProgram(program, lookup, options));
    }
    if (!ok)
      signalPassFailure();
  }
};
} // namespace
