//===- CodeGen.h - LLVM dialect to a host object file -----------*- C++ -*-===//
//
// The code generation half of CompiledModel::compile, separate from the JIT
// that loads the result, so that object files can be cached (Cache.h):
// translation to LLVM IR, the packed entry wrapper, optimisation at a chosen
// level and emission of an ELF object for the host CPU.
//
//===----------------------------------------------------------------------===//

#ifndef RASPDIALECT_LIB_RUNTIME_CODEGEN_H
#define RASPDIALECT_LIB_RUNTIME_CODEGEN_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/MemoryBuffer.h"

#include <memory>
#include <string>

namespace llvm {
class TargetMachine;
} // namespace llvm

namespace mlir::rasp::runtime::detail {

/// The host's target triple, CPU name and features: what a cached object
/// must have been compiled for.
struct HostIdentity {
  std::string triple, cpu, features;
};

/// Registers the host's target with LLVM (once).
void initializeNativeTarget();

/// The identity of this machine (detected once).
const HostIdentity &getHostIdentity();

/// The host's target machine.
struct HostTarget {
  std::unique_ptr<llvm::TargetMachine> machine;
};

/// Creates the target machine of the host CPU at `optLevel` (0-3).
llvm::Expected<HostTarget> getHostTarget(unsigned optLevel);

/// Name of the packed wrapper of `entry`: `void name(void **args)` with
/// args = {&result, &arg0, ...}, each a pointer to a pointer to a memref
/// descriptor (the `_mlir_ciface_` calling convention behind it).
std::string getPackedName(llvm::StringRef entry);

/// Translates `module` (LLVM dialect) to LLVM IR, adds the packed wrapper
/// of `_mlir_ciface_<entry>`, optimises at `optLevel` and returns the object
/// file. Level 0: no optimisation; 1: scalar clean-up (SROA, CSE,
/// instcombine, CFG simplification) and fast instruction selection; 2 and
/// 3: LLVM's default pipelines without loop unrolling. With `bitcode`, also
/// returns the unoptimised LLVM IR there, to compile again later
/// (emitObjectFromBitcode).
llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>>
emitObject(ModuleOp module, llvm::StringRef entry, unsigned optLevel,
           llvm::TargetMachine &target, std::string *bitcode = nullptr);

/// The object file of LLVM IR that emitObject returned as `bitcode`, at
/// `optLevel`. Needs no MLIR context (runs on any thread).
llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>>
emitObjectFromBitcode(llvm::StringRef bitcode, unsigned optLevel,
                      llvm::TargetMachine &target);

} // namespace mlir::rasp::runtime::detail

#endif // RASPDIALECT_LIB_RUNTIME_CODEGEN_H
