//===- Safetensors.h - The safetensors file format --------------*- C++ -*-===//
//
// Writing and strictly reading the safetensors format: an 8-byte
// little-endian header length N, N bytes of UTF-8 JSON (padded with spaces
// to a multiple of 8, so the data is 8-byte aligned), then the raw
// little-endian tensor data. The header maps each tensor name to `dtype`,
// `shape` and `data_offsets` [begin, end) relative to the start of the data;
// the optional `__metadata__` object holds string values only. Tensors are
// stored back to back in header order, with no holes.
//
// Two dtypes are written and read: F32 (every weight of the compiled
// transformers) and BOOL (one byte, 0 or 1: the causal-mask buffers
// TransformerLens registers).
//
//===----------------------------------------------------------------------===//

#ifndef RASPDIALECT_TARGET_SAFETENSORS_SAFETENSORS_H
#define RASPDIALECT_TARGET_SAFETENSORS_SAFETENSORS_H

#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace mlir::rasp::safetensors {

/// The element types of a tensor.
enum class DType { F32, Bool };

/// A tensor, row-major. Elements are held as floats whatever the dtype; a
/// BOOL tensor holds 0 and 1 only.
struct Tensor {
  std::string name;
  std::vector<int64_t> shape;
  std::vector<float> data;
  DType dtype = DType::F32;

  int64_t getNumElements() const;
  /// Bytes per element in the file: 4 for F32, 1 for BOOL.
  int64_t getElementSize() const { return dtype == DType::F32 ? 4 : 1; }
};

/// The contents of a safetensors file.
struct File {
  /// In file order.
  std::vector<Tensor> tensors;
  /// `__metadata__`, in order; keys are unique.
  std::vector<std::pair<std::string, std::string>> metadata;

  /// The tensor called `name`, or null.
  const Tensor *lookup(llvm::StringRef name) const;
  /// The metadata value of `key`, or null.
  const std::string *lookupMetadata(llvm::StringRef key) const;
};

/// Serialises `file`. Fails if a name is empty, repeated or
/// `__metadata__`, a metadata key repeats, a tensor's data does not match
/// its shape, or a BOOL tensor holds something other than 0 and 1.
llvm::Error write(const File &file, llvm::raw_ostream &os);

/// Parses a whole safetensors file, checking the header length against the
/// size, the JSON, string-only metadata, each entry's dtype (F32 or BOOL),
/// shape and offsets, that BOOL bytes are 0 or 1, and that the tensors cover
/// the data exactly, without holes or overlaps. Tensors are returned in data
/// order.
llvm::Expected<File> read(llvm::StringRef bytes);

/// Writes `path` through a temporary file in the same directory that is
/// renamed over `path` only when `writeContents` succeeded, so a failed
/// write leaves nothing behind. Only a regular file is replaced, and only
/// with `overwrite`: fails with a message naming `path` if it is a
/// directory, a symbolic link (even a dangling one), a device, FIFO or
/// socket, if it exists and `overwrite` is false, or if it cannot be
/// written.
llvm::Error writeFileAtomically(
    llvm::StringRef path, bool overwrite,
    llvm::function_ref<llvm::Error(llvm::raw_ostream &)> writeContents);

} // namespace mlir::rasp::safetensors

#endif // RASPDIALECT_TARGET_SAFETENSORS_SAFETENSORS_H
