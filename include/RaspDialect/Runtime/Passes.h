//===- Passes.h - The runtime's lowering passes -----------------*- C++ -*-===//
//
// The passes from a model in the calling convention (docs/runtime.md) to the
// LLVM dialect, and the registered pipeline `--rasp-lower-to-llvm` that runs
// them with the upstream bufferization and conversion passes. The JIT
// runtime (Runtime.h) builds the same pipeline.
//
//===----------------------------------------------------------------------===//

#ifndef RASPDIALECT_RUNTIME_PASSES_H
#define RASPDIALECT_RUNTIME_PASSES_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassOptions.h"

namespace mlir {
class DialectRegistry;
class OpPassManager;
} // namespace mlir

namespace mlir::rasp::runtime {

#define GEN_PASS_DECL
#include "RaspDialect/Runtime/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "RaspDialect/Runtime/Passes.h.inc"

/// Argument attribute of an outlined weight: the constant it replaces.
inline constexpr llvm::StringLiteral kWeightAttr = "rasp.weight";

/// Returns the contiguous bytes of an outlined weight, or an empty range if
/// its data is not available in memory (a dense_resource without a blob).
ArrayRef<char> getWeightData(ElementsAttr weight);

/// Options of `--rasp-lower-to-llvm`.
struct LowerToLLVMPipelineOptions
    : public PassPipelineOptions<LowerToLLVMPipelineOptions> {
  Option<int64_t> weightArgumentMinElements{
      *this, "weight-argument-min-elements",
      llvm::cl::desc("constants with at least this many elements become "
                     "function arguments (--rasp-outline-weights); 0: none"),
      llvm::cl::init(64)};
  Option<bool> vectorizeMatmuls{
      *this, "vectorize-matmuls",
      llvm::cl::desc("register-blocked matmul kernels"), llvm::cl::init(true)};
  Option<int64_t> vectorizeMinWeightElements{
      *this, "vectorize-min-weight-elements",
      llvm::cl::desc("matmuls with smaller static weights stay loops"),
      llvm::cl::init(0)};
  Option<bool> approximateMath{
      *this, "approximate-math",
      llvm::cl::desc("polynomial approximations of math.exp etc."),
      llvm::cl::init(true)};
  Option<bool> runtimeChecks{
      *this, "runtime-checks",
      llvm::cl::desc("check the indices, slices and shapes of the input IR "
                     "at run time (--rasp-insert-runtime-checks)"),
      llvm::cl::init(false)};
};

/// Adds the lowering from tensor IR to the LLVM dialect to `pm` (a module
/// pass manager): weight outlining (if enabled), runtime checks (if
/// enabled), the tensor-level
/// preparation passes, one-shot bufferization with identity-layout function
/// boundaries, loops, buffer deallocation and the conversions to the LLVM
/// dialect, then --rasp-check-llvm-dialect. Functions carrying
/// `llvm.emit_c_interface` get `_mlir_ciface_` wrappers.
void buildLowerToLLVMPipeline(OpPassManager &pm,
                              const LowerToLLVMPipelineOptions &options);

/// Adds the dialects and interface models the runtime needs to parse and
/// lower a model (upstream tensor dialects, bufferization models, LLVM IR
/// translation) to `registry`.
void registerRuntimeDialects(DialectRegistry &registry);

/// Registers the runtime's passes and `--rasp-lower-to-llvm`.
void registerRuntimePassesAndPipelines();

} // namespace mlir::rasp::runtime

#endif // RASPDIALECT_RUNTIME_PASSES_H
