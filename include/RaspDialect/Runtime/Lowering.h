//===- Lowering.h - Tensor IR to LLVM dialect -------------------*- C++ -*-===//
//
// The steps the runtime applies to a model before JIT compilation, exposed
// for tools and tests: weight outlining, matmul code generation and the
// lowering of the whole module to the LLVM dialect.
//
//===----------------------------------------------------------------------===//

#ifndef RASPDIALECT_RUNTIME_LOWERING_H
#define RASPDIALECT_RUNTIME_LOWERING_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinOps.h"

namespace mlir {
class DialectRegistry;
} // namespace mlir

namespace mlir::rasp::runtime {

/// Adds the dialects and interface models the runtime needs to parse and
/// lower a model (upstream tensor dialects, bufferization models, LLVM IR
/// translation) to `registry`.
void registerRuntimeDialects(DialectRegistry &registry);

/// Turns every non-splat `arith.constant` tensor of `func` with at least
/// `minElements` elements into a new trailing, read-only argument, and
/// returns the constants in argument order. Equal constants share one
/// argument. Constants whose elements are not byte-addressable (i1) stay.
SmallVector<ElementsAttr> outlineWeights(func::FuncOp func,
                                         int64_t minElements);

/// Returns the contiguous bytes of an outlined weight, or an empty range if
/// its data is not available in memory (a dense_resource without a blob).
ArrayRef<char> getWeightData(ElementsAttr weight);

/// Tiles, peels and vectorises every `linalg.matmul` on tensors in `func`
/// whose K and N dimensions are static into a register-blocked kernel
/// (8x32 f32 accumulator tile, vector.contract lowered to FMAs), with cache
/// blocking for large weights. Leaves other matmuls untouched.
void vectorizeMatmuls(func::FuncOp func);

/// Moves every matmul `vectorizeMatmuls` handles into a private, noinline
/// kernel function, one per distinct operand types, and calls it. LLVM's
/// optimisation time grows faster than linearly with function size; a model
/// with dozens of matmuls otherwise becomes one huge function, and layers of
/// equal shape share one kernel.
void outlineMatmulKernels(ModuleOp module);

struct LoweringOptions {
  bool vectorizeMatmuls = true;
  /// With vectorizeMatmuls, matmuls whose static weight (K x N) has fewer
  /// elements become plain loops instead of kernels (0: none do).
  int64_t vectorizeMinWeightElements = 0;
  bool approximateMath = true;
};

/// Lowers a module of tensor-level functions to the LLVM dialect: aggregate
/// ops (linalg.softmax) decomposed, matmuls vectorised, other contractions
/// reordered so their innermost loop is parallel, one-shot bufferization with
/// identity-layout function boundaries, loops, buffer deallocation, LLVM.
/// Functions carrying `llvm.emit_c_interface` get `_mlir_ciface_` wrappers.
LogicalResult lowerToLLVMDialect(ModuleOp module,
                                 const LoweringOptions &options = {});

} // namespace mlir::rasp::runtime

#endif // RASPDIALECT_RUNTIME_LOWERING_H
