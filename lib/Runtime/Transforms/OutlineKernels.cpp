//===- OutlineKernels.cpp - One shape-generic kernel per linalg op kind ---===//
//
// After bufferization, every linalg op of a public function becomes a call of
// a private kernel over fully dynamic memrefs (sizes, strides and offset
// passed at run time). Ops that differ only in shapes, strides or the values
// they capture (a head's softmax scale, a weight table) share one kernel, so
// the code LLVM compiles grows with the number of distinct op kinds, not
// with the number of layers and heads.
//
//===----------------------------------------------------------------------===//

#include "RaspDialect/Runtime/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Transforms/RegionUtils.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/StringMap.h"

namespace mlir::rasp::runtime {
#define GEN_PASS_DEF_OUTLINEKERNELSPASS
#include "RaspDialect/Runtime/Passes.h.inc"
} // namespace mlir::rasp::runtime

using namespace mlir;
using namespace mlir::rasp::runtime;

/// `type` with every size, stride and the offset dynamic; other types as
/// they are.
static Type generalize(Type type) {
  auto memref = dyn_cast<MemRefType>(type);
  if (!memref)
    return type;
  int64_t rank = memref.getRank();
  SmallVector<int64_t> dynamic(rank, ShapedType::kDynamic);
  auto layout =
      StridedLayoutAttr::get(type.getContext(), ShapedType::kDynamic, dynamic);
  return MemRefType::get(dynamic, memref.getElementType(), layout,
                         memref.getMemorySpace());
}

namespace {
struct OutlineKernelsPass
    : public rasp::runtime::impl::OutlineKernelsPassBase<OutlineKernelsPass> {
  void runOnOperation() override;

private:
  /// The kernel for `op` (created, or an existing equal one) and the values
  /// to call it with.
  func::FuncOp getKernel(linalg::LinalgOp op, SmallVectorImpl<Value> &args);

  SymbolTable *symbols = nullptr;
  /// Kernels by their printed body.
  llvm::StringMap<func::FuncOp> kernels;
};
} // namespace

func::FuncOp OutlineKernelsPass::getKernel(linalg::LinalgOp op,
                                           SmallVectorImpl<Value> &args) {
  // Operands, then the values the body captures (constants, tables); a
  // value used twice is one argument.
  llvm::SetVector<Value> values(op->getOperands().begin(),
                                op->getOperands().end());
  getUsedValuesDefinedAbove(op->getRegions(), values);
  llvm::append_range(args, values.getArrayRef());

  SmallVector<Type> types;
  for (Value arg : args)
    types.push_back(generalize(arg.getType()));
  ModuleOp module = getOperation();
  OpBuilder builder(module.getContext());
  builder.setInsertionPointToEnd(module.getBody());
  auto kernel = func::FuncOp::create(builder, op.getLoc(), "__rasp_kernel",
                                     builder.getFunctionType(types, {}));
  kernel.setPrivate();
  // Inlined back, the kernels would make one huge LLVM function again.
  kernel->setAttr("passthrough",
                  builder.getArrayAttr({builder.getStringAttr("noinline")}));
  Block *body = kernel.addEntryBlock();
  IRMapping mapping;
  for (auto [arg, blockArg] : llvm::zip(args, body->getArguments()))
    mapping.map(arg, blockArg);
  builder.setInsertionPointToStart(body);
  Operation *clone = builder.clone(*op, mapping);
  // The clone's operands have the generalised types now; its own attributes
  // (maps, iterators) do not mention shapes.
  (void)clone;
  func::ReturnOp::create(builder, op.getLoc());

  // Equal kernels print equally (locations are not printed).
  std::string key;
  {
    llvm::raw_string_ostream os(key);
    kernel.print(os, OpPrintingFlags().printGenericOpForm());
  }
  func::FuncOp &existing = kernels[key];
  if (existing) {
    kernel.erase();
    return existing;
  }
  symbols->insert(kernel);
  existing = kernel;
  return kernel;
}

void OutlineKernelsPass::runOnOperation() {
  ModuleOp module = getOperation();
  SymbolTable table(module);
  symbols = &table;
  kernels.clear();
  SmallVector<linalg::LinalgOp> ops;
  for (auto func : module.getOps<func::FuncOp>()) {
    if (func.isExternal() || !func.isPublic())
      continue;
    func.walk([&](linalg::LinalgOp op) {
      if (op.hasPureBufferSemantics())
        ops.push_back(op);
    });
  }
  for (linalg::LinalgOp op : ops) {
    SmallVector<Value> args;
    func::FuncOp kernel = getKernel(op, args);
    OpBuilder builder(op);
    for (auto [arg, type] :
         llvm::zip(args, kernel.getFunctionType().getInputs()))
      if (arg.getType() != type)
        arg = memref::CastOp::create(builder, op.getLoc(), type, arg);
    func::CallOp::create(builder, op.getLoc(), kernel, args);
    op->erase();
  }
}
