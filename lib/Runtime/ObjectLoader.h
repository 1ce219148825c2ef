//===- ObjectLoader.h - Linking a model's object file in process -*- C++
//-*-===//

#ifndef RASPDIALECT_LIB_RUNTIME_OBJECTLOADER_H
#define RASPDIALECT_LIB_RUNTIME_OBJECTLOADER_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/MemoryBuffer.h"

#include <memory>

namespace llvm::orc {
class LLJIT;
} // namespace llvm::orc

namespace mlir::rasp::runtime::detail {

/// Object code linked into this process: valid as long as `jit` lives.
struct LoadedObject {
  LoadedObject();
  ~LoadedObject();
  LoadedObject(LoadedObject &&);
  LoadedObject &operator=(LoadedObject &&);

  std::unique_ptr<llvm::orc::LLJIT> jit;
  /// The packed entry wrapper (CodeGen.h, getPackedName).
  void (*entry)(void **) = nullptr;
  /// The optimisation level the object was compiled at.
  unsigned optLevel = 0;
};

/// Links `object` (an ELF object for the host) with the runtime's helper
/// functions and the process's symbols, and looks up `entry`.
llvm::Expected<LoadedObject>
loadObject(std::unique_ptr<llvm::MemoryBuffer> object, llvm::StringRef entry);

} // namespace mlir::rasp::runtime::detail

#endif // RASPDIALECT_LIB_RUNTIME_OBJECTLOADER_H
