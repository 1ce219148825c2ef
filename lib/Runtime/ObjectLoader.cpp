//===- ObjectLoader.cpp - Linking a model's object file in process --------===//
//
// An ORC LLJIT per model: the object file (compiled now or read from the
// cache) is linked against the runtime's helpers (buffer pool, strided copy)
// and the process's libc/libm, and the packed entry is looked up.
//
//===----------------------------------------------------------------------===//

#include "ObjectLoader.h"

#include "BufferPool.h"
#include "CodeGen.h"
#include "MemRefCopy.h"

#include "llvm/ExecutionEngine/Orc/ExecutionUtils.h"
#include "llvm/ExecutionEngine/Orc/LLJIT.h"

using namespace mlir;
using namespace mlir::rasp::runtime::detail;

LoadedObject::LoadedObject() = default;
LoadedObject::~LoadedObject() = default;
LoadedObject::LoadedObject(LoadedObject &&) = default;
LoadedObject &LoadedObject::operator=(LoadedObject &&) = default;

llvm::Expected<LoadedObject> mlir::rasp::runtime::detail::loadObject(
    std::unique_ptr<llvm::MemoryBuffer> object, llvm::StringRef entry) {
  initializeNativeTarget();
  auto jit = llvm::orc::LLJITBuilder().create();
  if (!jit)
    return jit.takeError();
  llvm::orc::JITDylib &dylib = (*jit)->getMainJITDylib();
  auto process = llvm::orc::DynamicLibrarySearchGenerator::GetForCurrentProcess(
      (*jit)->getDataLayout().getGlobalPrefix());
  if (!process)
    return process.takeError();
  dylib.addGenerator(std::move(*process));
  // Buffers come from the pool; copies between strided buffers call
  // memrefCopy, the runtime's own (MemRefCopy.h).
  llvm::orc::MangleAndInterner mangle((*jit)->getExecutionSession(),
                                      (*jit)->getDataLayout());
  llvm::orc::SymbolMap symbols;
  auto add = [&](llvm::StringRef name, auto *function) {
    symbols[mangle(name)] = {llvm::orc::ExecutorAddr::fromPtr(function),
                             llvm::JITSymbolFlags::Exported};
  };
  add("memrefCopy", &copyStrided);
  add("_mlir_memref_to_llvm_alloc", &poolAllocate);
  add("_mlir_memref_to_llvm_free", &poolFree);
  add("__rasp_check_failed", &checkFailed);
  if (llvm::Error error =
          dylib.define(llvm::orc::absoluteSymbols(std::move(symbols))))
    return std::move(error);
  if (llvm::Error error = (*jit)->addObjectFile(std::move(object)))
    return std::move(error);
  auto address = (*jit)->lookup(entry);
  if (!address)
    return address.takeError();
  LoadedObject loaded;
  loaded.entry = address->toPtr<void (*)(void **)>();
  loaded.jit = std::move(*jit);
  return loaded;
}
