//===- rasp-safetensors-fuzzer.cpp - libFuzzer target for safetensors -----===//
//
// Feeds arbitrary bytes to the strict safetensors reader. A file it accepts
// must write back and read again to the same tensors (the reader and the
// writer agree on the format); anything else must be an llvm::Error. Any
// crash, sanitizer report or hang is a bug. Built with
// -DRASP_ENABLE_FUZZER=ON; docs/Sanitizers.md.
//
//===----------------------------------------------------------------------===//

#include "RaspDialect/Target/Safetensors/Safetensors.h"

#include "llvm/Support/raw_ostream.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>

using namespace mlir::rasp;

/// Whether `a` and `b` hold the same tensors and metadata, bit for bit.
static bool sameFile(const safetensors::File &a, const safetensors::File &b) {
  if (a.metadata != b.metadata || a.tensors.size() != b.tensors.size())
    return false;
  for (size_t i = 0; i < a.tensors.size(); ++i) {
    const safetensors::Tensor &x = a.tensors[i], &y = b.tensors[i];
    if (x.name != y.name || x.shape != y.shape || x.dtype != y.dtype ||
        x.data.size() != y.data.size())
      return false;
    // Bytes, not floats: a NaN read from the file must survive unchanged.
    if (!x.data.empty() &&
        memcmp(x.data.data(), y.data.data(), x.data.size() * sizeof(float)))
      return false;
  }
  return true;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  llvm::Expected<safetensors::File> file = safetensors::read(
      llvm::StringRef(reinterpret_cast<const char *>(data), size));
  if (!file) {
    llvm::consumeError(file.takeError());
    return 0;
  }
  std::string bytes;
  llvm::raw_string_ostream os(bytes);
  if (llvm::Error error = safetensors::write(*file, os)) {
    llvm::errs() << "the writer rejects what the reader accepted: "
                 << llvm::toString(std::move(error)) << "\n";
    abort();
  }
  llvm::Expected<safetensors::File> again = safetensors::read(bytes);
  if (!again) {
    llvm::errs() << "the reader rejects what the writer wrote: "
                 << llvm::toString(again.takeError()) << "\n";
    abort();
  }
  if (!sameFile(*file, *again)) {
    llvm::errs() << "a read, write, read round trip changed the file\n";
    abort();
  }
  return 0;
}
