//===- ConvertToLLVM.cpp - The last dialects to LLVM in one conversion ----===//
//
// Upstream's conversion patterns of seven passes, one type converter and one
// partial conversion: each of those passes walks and legalises the whole
// module, which for the small models of the library cost more than the
// conversions themselves.
//
//===----------------------------------------------------------------------===//

#include "RaspDialect/Runtime/Passes.h"

#include "mlir/Analysis/DataLayoutAnalysis.h"
#include "mlir/Conversion/ArithToLLVM/ArithToLLVM.h"
#include "mlir/Conversion/ControlFlowToLLVM/ControlFlowToLLVM.h"
#include "mlir/Conversion/FuncToLLVM/ConvertFuncToLLVM.h"
#include "mlir/Conversion/IndexToLLVM/IndexToLLVM.h"
#include "mlir/Conversion/LLVMCommon/ConversionTarget.h"
#include "mlir/Conversion/LLVMCommon/TypeConverter.h"
#include "mlir/Conversion/MathToLLVM/MathToLLVM.h"
#include "mlir/Conversion/MemRefToLLVM/MemRefToLLVM.h"
#include "mlir/Conversion/UBToLLVM/UBToLLVM.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Transforms/DialectConversion.h"

namespace mlir::rasp::runtime {
#define GEN_PASS_DEF_CONVERTTOLLVMPASS
#include "RaspDialect/Runtime/Passes.h.inc"
} // namespace mlir::rasp::runtime

using namespace mlir;

namespace {
struct ConvertToLLVMPass
    : public rasp::runtime::impl::ConvertToLLVMPassBase<ConvertToLLVMPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *context = &getContext();
    const auto &dataLayout = getAnalysis<DataLayoutAnalysis>();
    LowerToLLVMOptions options(context, dataLayout.getAtOrAbove(module));
    // Allocations go through the runtime's buffer pool (BufferPool.h).
    options.useGenericFunctions = true;
    LLVMTypeConverter converter(context, options, &dataLayout);

    RewritePatternSet patterns(context);
    SymbolTableCollection symbolTables;
    populateFinalizeMemRefToLLVMConversionPatterns(converter, patterns,
                                                   &symbolTables);
    populateMathToLLVMConversionPatterns(converter, patterns);
    arith::populateArithToLLVMConversionPatterns(converter, patterns);
    index::populateIndexToLLVMConversionPatterns(converter, patterns);
    cf::populateControlFlowToLLVMConversionPatterns(converter, patterns);
    cf::populateAssertToLLVMConversionPattern(converter, patterns,
                                              /*abortOnFailure=*/true,
                                              &symbolTables);
    populateFuncToLLVMConversionPatterns(converter, patterns, &symbolTables);
    ub::populateUBToLLVMConversionPatterns(converter, patterns);

    LLVMConversionTarget target(*context);
    if (failed(applyPartialConversion(module, target, std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
