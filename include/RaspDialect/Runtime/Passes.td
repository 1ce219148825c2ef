//===- Passes.td - The runtime's lowering passes -----------*- tablegen -*-===//
//
// The steps from a model in the calling convention (docs/runtime.md) to the
// LLVM dialect. `--rasp-lower-to-llvm` runs them in order, with the upstream
// bufferization and conversion passes in between (Pipeline.cpp).
//
//===----------------------------------------------------------------------===//

#ifndef RASPDIALECT_RUNTIME_PASSES_TD
#define RASPDIALECT_RUNTIME_PASSES_TD

include "mlir/Pass/PassBase.td"

def OutlineWeightsPass : Pass<"rasp-outline-weights", "::mlir::func::FuncOp"> {
  let summary = "turn large weight constants into read-only function arguments";
  let description = [{
    Every non-splat `arith.constant` tensor of a function definition with at
    least `min-elements` byte-addressable elements (f32, i32, i64, ...)
    becomes a new trailing argument with `bufferization.writable = false`
    and `rasp.weight = <the constant's value>`; equal constants share one
    argument. The JIT runtime binds each such argument to the data of its
    `rasp.weight` attribute at every call (no copy) and removes the
    attribute before code generation, so LLVM never sees the data and the
    compile time does not grow with the weights. Smaller `dense_resource`
    constants become dense literals, so that the code does not depend on
    the names of resource blobs.

    ```mlir
    // Before
    %w = arith.constant dense<...> : tensor<8x16xf32>
    // After: a new argument of @model
    %w: tensor<8x16xf32> {bufferization.writable = false, rasp.weight = dense<...> : tensor<8x16xf32>}
    ```
  }];
  let options = [
    Option<"minElements", "min-elements", "int64_t", "64",
           "Smallest constant (in elements) that becomes an argument">,
  ];
}

def DecomposeAggregatesPass
    : Pass<"rasp-decompose-aggregates", "::mlir::func::FuncOp"> {
  let summary = "decompose linalg.softmax and other aggregate ops into generics";
  let description = [{
    `convert-linalg-to-loops` leaves ops implementing
    `AggregatedOpInterface` (`linalg.softmax`) alone; this decomposes them
    into `linalg.generic` and `linalg.fill` first. An op that cannot be
    decomposed is an error.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::math::MathDialect"];
}

def ReshapeDynamicExpandShapesPass
    : Pass<"rasp-reshape-dynamic-expand-shapes", "::mlir::func::FuncOp"> {
  let summary = "rewrite expand_shape ops that split a dimension into several "
                "dynamic ones as tensor.reshape";
  let description = [{
    MLIR 22's `expand-strided-metadata` crashes on a `memref.expand_shape`
    that splits one dimension into two dynamic ones (`B*N -> B x N`). Such
    `tensor.expand_shape` ops become `tensor.reshape` with a shape tensor
    built from the output sizes, which lowers without that pass.
  }];
  let dependentDialects = ["::mlir::tensor::TensorDialect",
                           "::mlir::arith::ArithDialect"];
}

def ApproximateMathPass : Pass<"rasp-approximate-math", "::mlir::func::FuncOp"> {
  let summary = "replace math.exp, tanh, ... by polynomial approximations";
  let description = [{
    Upstream `populateMathPolynomialApproximationPatterns`: the
    approximations are plain arithmetic, so loops containing them (the
    softmax) vectorise instead of calling libm per element.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::math::MathDialect",
                           "::mlir::vector::VectorDialect"];
}

def GeneralizeSmallMatmulsPass
    : Pass<"rasp-generalize-small-matmuls", "::mlir::func::FuncOp"> {
  let summary = "turn matmuls with small static weights into linalg.generic";
  let description = [{
    A register-blocked kernel per distinct small weight shape costs more
    compile time than it saves at run time (compiled RASP models have many
    tiny weights); matmuls whose static right-hand side has fewer than
    `min-elements` elements become generics, which
    `--rasp-reorder-contractions` and the loop lowering handle.
  }];
  let options = [
    Option<"minElements", "min-elements", "int64_t", "0",
           "Matmuls with fewer weight elements (K x N) are generalised">,
  ];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}

def OutlineMatmulKernelsPass
    : Pass<"rasp-outline-matmul-kernels", "::mlir::ModuleOp"> {
  let summary = "move each vectorisable matmul into a private kernel per "
                "operand types";
  let description = [{
    Every f32 `linalg.matmul` on tensors with static K and N becomes a call
    of a private `noinline` function `__rasp_matmul*` holding that matmul;
    matmuls with the same operand types share one function. LLVM's
    optimisation time grows faster than linearly with function size, and
    layers of equal shape then share one kernel.
  }];
  let dependentDialects = ["::mlir::func::FuncDialect"];
}

def VectorizeMatmulsPass
    : Pass<"rasp-vectorize-matmuls", "::mlir::func::FuncOp"> {
  let summary = "tile, peel and vectorise matmuls into register-blocked FMA "
                "kernels";
  let description = [{
    Each f32 `linalg.matmul` on tensors with static K and N: cache blocks of
    B for weights larger than L2 (packed when rows are a page apart), 8-row
    tiles with 4-, 2- and 1-row tiles for the dynamic tail, 32-column tiles,
    an accumulator held in vector registers across the k loop, and
    `vector.contract` lowered to broadcasts and FMAs (docs/runtime.md). Every
    output element gets the same FMA sequence whichever tile it lands in.
  }];
  let dependentDialects = ["::mlir::scf::SCFDialect",
                           "::mlir::vector::VectorDialect",
                           "::mlir::tensor::TensorDialect",
                           "::mlir::arith::ArithDialect"];
}

def ReorderContractionsPass
    : Pass<"rasp-reorder-contractions", "::mlir::func::FuncOp"> {
  let summary = "make the innermost loop of contractions the output row";
  let description = [{
    Linalg ops on tensors whose innermost loop is a reduction (batch
    matmuls, generic contractions) are generalised and interchanged so that
    the parallel loop over the output's last dimension is innermost: LLVM
    then vectorises it without reassociating floating-point sums.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}

def UnshareFillsPass : Pass<"rasp-unshare-fills", "::mlir::func::FuncOp"> {
  let summary = "give every linalg init that is a shared linalg.fill its own";
  let description = [{
    CSE merges identical zero fills; accumulating into a shared init makes
    bufferization copy the filled buffer before every use.
  }];
}

def InsertRuntimeChecksPass
    : Pass<"rasp-insert-runtime-checks", "::mlir::ModuleOp"> {
  let summary = "check at run time the indices, slices and shapes of "
                "untrusted tensor IR";
  let description = [{
    For tensor IR the runtime did not build (`rasp-jit`): before every op
    whose indices, offsets or shapes are values the verifier cannot prove,
    a `cf.assert` with the op's location. Ops implementing upstream's
    `RuntimeVerifiableOpInterface` (`tensor.extract`, `tensor.insert`,
    `tensor.extract_slice`, `tensor.dim`, `tensor.cast`, linalg structured
    ops) generate their own checks; this pass adds those of
    `tensor.insert_slice` (the slice within the destination, dynamic sizes
    equal to the source's), `tensor.reshape` (non-negative sizes, static
    sizes as declared, the element count kept) and `tensor.expand_shape`
    (each group's sizes multiply to the source dimension) and integer
    divisions and remainders (a non-zero divisor, no signed overflow),
    shifts (by less than the bit width) and, without wrapping around, every
    slice. Ops it cannot check are refused with an error: other dialects,
    function declarations and calls to them (the JIT would resolve them in
    the host process), unranked tensors, arith ops with wrap flags or
    float-to-integer conversions (poison), `tensor.pad`, `gather`,
    rank-reducing inserts with dynamic sizes. The runtime
    lowers a failed assert to a call that returns an error from the run
    (`--rasp-convert-to-llvm`), not an abort.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::cf::ControlFlowDialect",
                           "::mlir::index::IndexDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::tensor::TensorDialect"];
}

def ConvertToLLVMPass : Pass<"rasp-convert-to-llvm", "::mlir::ModuleOp"> {
  let summary = "lower memref, math, arith, index, cf, func and ub ops to the "
                "LLVM dialect in one conversion";
  let description = [{
    The patterns of `finalize-memref-to-llvm` (with the generic allocation
    functions `_mlir_memref_to_llvm_alloc/free`, which the runtime binds to
    its buffer pool), `convert-math-to-llvm`, `convert-arith-to-llvm`,
    `convert-index-to-llvm`, `convert-cf-to-llvm`,
    `convert-func-to-llvm` (with the C interface wrappers of
    `llvm.emit_c_interface` functions) and `convert-ub-to-llvm`, applied in
    one partial conversion with one type converter. Run as seven passes,
    each walked and legalised the whole module again: a fifth of the cold
    start of a small model (issue 16). Unrealized casts are left for
    `reconcile-unrealized-casts`. A `cf.assert` calls `__rasp_check_failed`
    with its message instead of aborting: a runtime function that ends the
    call with an error (BufferPool.h).
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}

def CheckLLVMDialectPass
    : Pass<"rasp-check-llvm-dialect", "::mlir::ModuleOp"> {
  let summary = "report the first op not lowered to the LLVM dialect";
  let description = [{
    A pipeline that silently leaves an op behind otherwise fails later,
    inside the translation to LLVM IR, with a less helpful message.
  }];
}

#endif // RASPDIALECT_RUNTIME_PASSES_TD
