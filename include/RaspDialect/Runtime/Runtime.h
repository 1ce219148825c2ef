//===- Runtime.h - JIT compilation and execution of models ------*- C++ -*-===//
//
// Compiles a transformer in the model calling convention (below and in
// docs/runtime.md) to native code once, then runs it on many batches.
//
// The model calling convention
// ----------------------------
// The model is one public `func.func` over tensors, built from upstream
// dialects only (func, linalg, tensor, arith, math, bufferization):
//
//   func.func @name(%tokens: tensor<?x?xi32>, %lengths: tensor<?xi32>)
//       -> tensor<?x?xWxf32>
//       attributes {rasp.num_token_ids = V : i64, rasp.max_positions = P : i64}
//
// * `%tokens` is batch x positions: token ids in [0, V), BOS at position 0 of
//   every row, rows padded to the common length with any id in [0, V).
// * `%lengths[b]` is the number of real positions of row b, BOS included
//   (1 <= lengths[b] <= positions). Attention must ignore keys at positions
//   >= lengths[b], so a row gives the same result as when run alone. Outputs
//   at padded positions are unspecified.
// * The result is batch x positions x W: the output subspace per position.
// * Batch and positions are dynamic (`?`); positions <= P. Both may also be
//   static, then every call must use exactly those sizes.
// * Weights are ordinary `arith.constant` tensors (dense or dense_resource),
//   so the function is self-contained. Before code generation the runtime
//   turns every large constant into a function argument bound to the
//   constant's data, so JIT time does not grow with the number of weights.
//
//===----------------------------------------------------------------------===//

#ifndef RASPDIALECT_RUNTIME_RUNTIME_H
#define RASPDIALECT_RUNTIME_RUNTIME_H

#include "RaspDialect/Runtime/Cache.h"
#include "RaspDialect/Support/CallingConvention.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LLVM.h"
#include "mlir/Support/Timing.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <memory>
#include <string>

namespace mlir::rasp::runtime {

// The attribute names of the calling convention, shared with the conversion.
using ::mlir::rasp::kMaxPositionsAttr;
using ::mlir::rasp::kNumTokenIdsAttr;

/// How to lower and JIT-compile a model.
struct CompileOptions {
  /// The model function; empty means the module's only public function.
  std::string entryPoint;
  /// LLVM optimisation level (0-3) of the generated code; -1 chooses by
  /// the work the model does per sequence (chooseOptLevel).
  int optLevel = -1;
  /// With optLevel -1: models doing at least this many multiply-adds per
  /// sequence of full length (estimated from their weights) get level 3,
  /// smaller ones level 1, whose code generation is several times faster
  /// (docs/runtime.md, measurements).
  int64_t optimizeMinWork = 1 << 20;
  /// With optLevel -1 and a model compiled at level 1: once the model has
  /// done this many multiply-adds (estimated), its code is compiled again
  /// at level 3 on a background thread and used from then on (tiered
  /// compilation: quick to the first output, fast when run a lot). 0: never.
  int64_t tierUpWork = 1 << 24;
  /// Tile and vectorise `linalg.matmul` into register-blocked FMA kernels
  /// (upstream tiling, peeling and vectorisation). Off: plain loops.
  bool vectorizeMatmuls = true;
  /// Matmuls whose static weight (K x N) has fewer elements are left as
  /// plain loops: a register-blocked kernel per distinct small shape costs
  /// more compile time than it saves at run time (a Tracr model has many
  /// tiny weights; reverse, max_seq_len 5: 0.96 s -> 0.26 s to compile).
  /// 0: every matmul gets a kernel.
  int64_t vectorizeMinWeightElements = 0;
  /// Replace math.exp/tanh/... by polynomial approximations so that loops
  /// containing them vectorise (softmax). Off: calls into libm.
  bool approximateMath = true;
  /// Checks the indices, slices and shapes of the model's ops at run time
  /// (--rasp-insert-runtime-checks): for tensor IR from outside the
  /// compiler, which the table-bounds check at compile time cannot prove
  /// in bounds. A failed check is an error of `run`.
  bool runtimeChecks = false;
  /// Constants with at least this many elements become function arguments
  /// bound to their data at run time; smaller ones stay in the code.
  int64_t weightArgumentMinElements = 64;
  /// Print the LLVM-dialect module to stderr before JIT compilation (not
  /// when the code comes from the cache).
  bool dumpLLVMDialect = false;
  /// The persistent compilation cache (Cache.h): object code of the same
  /// model, options, CPU and compiler is loaded instead of compiled.
  CacheOptions cache;
};

/// Wall-clock times of the compilation stages, in seconds.
struct CompileStats {
  double loweringSeconds = 0; ///< Tensor IR to LLVM dialect.
  double jitSeconds = 0;      ///< LLVM dialect to native code.
  int64_t numWeightArguments = 0;
  int64_t weightArgumentBytes = 0;
  /// The optimisation level chosen (of the first tier) and the work
  /// estimate it was chosen by.
  unsigned optLevel = 0;
  int64_t estimatedWork = 0;
  /// Whether the object code came from the cache (then loweringSeconds is
  /// 0 and jitSeconds the time to look it up and link it).
  bool cacheHit = false;
};

/// The optimisation level `options` choose for a model doing `work`
/// multiply-adds per sequence.
unsigned chooseOptLevel(const CompileOptions &options, int64_t work);

/// One batch of token-id sequences in the calling convention.
struct TokenBatch {
  int64_t batchSize = 0;
  /// Common padded length of the rows, BOS included.
  int64_t numPositions = 0;
  /// batchSize x numPositions ids, row-major.
  llvm::ArrayRef<int32_t> tokenIds;
  /// batchSize lengths, each in [1, numPositions].
  llvm::ArrayRef<int32_t> lengths;
};

/// A model compiled to native code. Thread-safe: `run` may be called
/// concurrently. Weight data is read in place from the constants of the
/// module given to `compile`, so that module's MLIRContext must outlive the
/// CompiledModel.
class CompiledModel {
public:
  /// Lowers a clone of `module` to LLVM and JIT-compiles it, or loads its
  /// object code from the cache. Emits diagnostics (at the offending op
  /// where there is one) and returns failure if the module is not in the
  /// calling convention or does not lower. With `timing`, the stages are
  /// timed as its nested scopes "cache lookup", then "link cached code" on a
  /// hit, else "lower to LLVM dialect" and "JIT compile".
  static FailureOr<std::unique_ptr<CompiledModel>>
  compile(ModuleOp module, const CompileOptions &options = {},
          CompileStats *stats = nullptr, TimingScope *timing = nullptr);

  ~CompiledModel();
  CompiledModel(const CompiledModel &) = delete;
  CompiledModel &operator=(const CompiledModel &) = delete;

  /// Width W of the output subspace.
  int64_t getOutputWidth() const;
  /// Number V of valid token ids.
  int64_t getNumTokenIds() const;
  /// Maximal number P of positions, BOS included.
  int64_t getMaxPositions() const;

  /// Number of threads `run` splits a batch over (default: all cores).
  /// Not to be called while another thread is inside `run`.
  void setNumThreads(unsigned numThreads);
  unsigned getNumThreads() const;

  /// The optimisation level of the code `run` uses now.
  unsigned getOptLevel() const;
  /// Compiles the level-3 tier now if the model was compiled at a lower
  /// level and will tier up (CompileOptions::tierUpWork), and waits for it:
  /// for callers about to run a lot, and for benchmarks of the steady state.
  llvm::Error optimizeNow();

  /// Runs the model. `output` receives batchSize x numPositions x W floats,
  /// row-major. Fails without running if the batch violates the calling
  /// convention (sizes, lengths, token ids).
  llvm::Error run(const TokenBatch &batch,
                  llvm::MutableArrayRef<float> output) const;

  struct Impl;

private:
  explicit CompiledModel(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl;
};

} // namespace mlir::rasp::runtime

#endif // RASPDIALECT_RUNTIME_RUNTIME_H
