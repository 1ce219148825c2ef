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
#include "mlir/Conversion/LLVMCommon/Pattern.h"
#include "mlir/Conversion/LLVMCommon/TypeConverter.h"
#include "mlir/Conversion/MathToLLVM/MathToLLVM.h"
#include "mlir/Conversion/MemRefToLLVM/MemRefToLLVM.h"
#include "mlir/Conversion/UBToLLVM/UBToLLVM.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/LLVMIR/FunctionCallUtils.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Transforms/DialectConversion.h"

namespace mlir::rasp::runtime {
#define GEN_PASS_DEF_CONVERTTOLLVMPASS
#include "RaspDialect/Runtime/Passes.h.inc"
} // namespace mlir::rasp::runtime

using namespace mlir;

namespace {
/// A failed cf.assert calls `__rasp_check_failed(message)`, which ends the
/// model's call with an error (BufferPool.h); upstream's lowering prints
/// and aborts the process.
struct AssertToCheckFailed : public ConvertOpToLLVMPattern<cf::AssertOp> {
  AssertToCheckFailed(const LLVMTypeConverter &converter,
                      SymbolTableCollection &symbolTables)
      : ConvertOpToLLVMPattern(converter), symbolTables(symbolTables) {}

  LogicalResult
  matchAndRewrite(cf::AssertOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto module = op->getParentOfType<ModuleOp>();
    MLIRContext *ctx = rewriter.getContext();
    auto pointer = LLVM::LLVMPointerType::get(ctx);
    FailureOr<LLVM::LLVMFuncOp> callee = LLVM::lookupOrCreateFn(
        rewriter, module, "__rasp_check_failed", {pointer},
        LLVM::LLVMVoidType::get(ctx), /*isVarArg=*/false,
        /*isReserved=*/false, &symbolTables);
    if (failed(callee))
      return failure();

    Block *before = rewriter.getInsertionBlock();
    Block *after = rewriter.splitBlock(before, rewriter.getInsertionPoint());
    Block *fail = rewriter.createBlock(after);
    // One global per distinct message.
    std::string name =
        "__rasp_check_message_" +
        std::to_string(static_cast<size_t>(llvm::hash_value(op.getMsg())));
    Value message;
    if (module.lookupSymbol<LLVM::GlobalOp>(name)) {
      message = LLVM::AddressOfOp::create(rewriter, loc, pointer, name);
    } else {
      std::string text = op.getMsg().str();
      text.push_back('\0');
      message = LLVM::createGlobalString(loc, rewriter, name, text,
                                         LLVM::Linkage::Internal);
    }
    LLVM::CallOp::create(rewriter, loc, *callee, ValueRange{message});
    LLVM::UnreachableOp::create(rewriter, loc);

    rewriter.setInsertionPointToEnd(before);
    rewriter.replaceOpWithNewOp<LLVM::CondBrOp>(op, adaptor.getArg(), after,
                                                fail);
    return success();
  }

  SymbolTableCollection &symbolTables;
};

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
    patterns.add<AssertToCheckFailed>(converter, symbolTables);
    populateFuncToLLVMConversionPatterns(converter, patterns, &symbolTables);
    ub::populateUBToLLVMConversionPatterns(converter, patterns);

    LLVMConversionTarget target(*context);
    if (failed(applyPartialConversion(module, target, std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
