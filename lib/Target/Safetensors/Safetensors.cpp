//===- Safetensors.cpp - The safetensors file format ----------------------===//
//
// The header is built and parsed with nlohmann-json. The project compiles
// without exceptions, so parsing never throws (allow_exceptions = false),
// every value is type-checked before it is read, and dumping replaces
// invalid UTF-8 instead of throwing.
//
//===----------------------------------------------------------------------===//

#include "RaspDialect/Target/Safetensors/Safetensors.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SwapByteOrder.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstring>
#include <limits>

using namespace mlir::rasp;
using namespace mlir::rasp::safetensors;
using Json = nlohmann::ordered_json;

/// The reference implementation rejects larger headers.
static constexpr uint64_t kMaxHeaderSize = 100'000'000;

static llvm::Error error(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

int64_t Tensor::getNumElements() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

const Tensor *File::lookup(llvm::StringRef name) const {
  for (const Tensor &t : tensors)
    if (t.name == name)
      return &t;
  return nullptr;
}

const std::string *File::lookupMetadata(llvm::StringRef key) const {
  for (const auto &[k, v] : metadata)
    if (k == key)
      return &v;
  return nullptr;
}

//===----------------------------------------------------------------------===//
// Writing
//===----------------------------------------------------------------------===//

static llvm::StringRef dtypeName(DType dtype) {
  return dtype == DType::F32 ? "F32" : "BOOL";
}

static void writeData(const Tensor &t, llvm::raw_ostream &os) {
  if (t.dtype == DType::Bool) {
    for (float v : t.data)
      os << static_cast<char>(v != 0.0f);
    return;
  }
  if (llvm::sys::IsLittleEndianHost) {
    os.write(reinterpret_cast<const char *>(t.data.data()),
             t.data.size() * sizeof(float));
    return;
  }
  for (float v : t.data) {
    char bytes[sizeof(float)];
    llvm::support::endian::write<float, llvm::endianness::little>(bytes, v);
    os.write(bytes, sizeof(bytes));
  }
}

llvm::Error safetensors::write(const File &file, llvm::raw_ostream &os) {
  Json header = Json::object();
  if (!file.metadata.empty()) {
    Json metadata = Json::object();
    for (const auto &[key, value] : file.metadata) {
      if (metadata.contains(key))
        return error("metadata key '" + key + "' is repeated");
      metadata[key] = value;
    }
    header["__metadata__"] = std::move(metadata);
  }
  uint64_t offset = 0;
  for (const Tensor &t : file.tensors) {
    if (t.name.empty() || t.name == "__metadata__" || header.contains(t.name))
      return error("invalid or repeated tensor name '" + t.name + "'");
    for (int64_t d : t.shape)
      if (d < 0)
        return error("tensor '" + t.name + "' has a negative dimension");
    if (t.getNumElements() != static_cast<int64_t>(t.data.size()))
      return error("tensor '" + t.name + "' has " + llvm::Twine(t.data.size()) +
                   " elements for its shape of " +
                   llvm::Twine(t.getNumElements()));
    if (t.dtype == DType::Bool &&
        llvm::any_of(t.data, [](float v) { return v != 0.0f && v != 1.0f; }))
      return error("BOOL tensor '" + t.name +
                   "' holds a value other than 0 "
                   "and 1");
    uint64_t end = offset + t.data.size() * t.getElementSize();
    header[t.name] = {{"dtype", dtypeName(t.dtype)},
                      {"shape", t.shape},
                      {"data_offsets", {offset, end}}};
    offset = end;
  }
  std::string text =
      header.dump(-1, ' ', false, Json::error_handler_t::replace);
  // Pad with spaces so the data starts 8-byte aligned, as the reference
  // writer does.
  text.append((8 - text.size() % 8) % 8, ' ');
  char length[8];
  llvm::support::endian::write<uint64_t, llvm::endianness::little>(length,
                                                                   text.size());
  os.write(length, sizeof(length));
  os << text;
  for (const Tensor &t : file.tensors)
    writeData(t, os);
  return llvm::Error::success();
}

//===----------------------------------------------------------------------===//
// Reading
//===----------------------------------------------------------------------===//

namespace {
struct Entry {
  Tensor tensor;
  uint64_t begin = 0, end = 0;
};
} // namespace

/// A JSON number that is a non-negative integer.
static bool isCount(const Json &v) {
  return v.is_number_unsigned() ||
         (v.is_number_integer() && v.get<int64_t>() >= 0);
}

static llvm::Expected<Entry> readEntry(const std::string &name,
                                       const Json &info) {
  auto bad = [&](const llvm::Twine &what) {
    return error("tensor '" + name + "': " + what);
  };
  if (!info.is_object())
    return bad("the entry is not an object");
  auto dtype = info.find("dtype"), shape = info.find("shape"),
       offsets = info.find("data_offsets");
  if (dtype == info.end() || shape == info.end() || offsets == info.end() ||
      info.size() != 3)
    return bad("the entry must have exactly 'dtype', 'shape' and "
               "'data_offsets'");
  if (!dtype->is_string())
    return bad("'dtype' is not a string");
  Entry entry;
  entry.tensor.name = name;
  if (dtype->get<std::string>() == "BOOL")
    entry.tensor.dtype = DType::Bool;
  else if (dtype->get<std::string>() != "F32")
    return bad("unsupported dtype '" + dtype->get<std::string>() +
               "' (only F32 and BOOL are read)");
  uint64_t size = entry.tensor.getElementSize();
  if (!shape->is_array())
    return bad("'shape' is not an array");
  uint64_t elements = 1;
  for (const Json &d : *shape) {
    if (!isCount(d))
      return bad("'shape' has an entry that is not a non-negative integer");
    uint64_t dim = d.get<uint64_t>();
    if (dim > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) ||
        (dim != 0 && elements > std::numeric_limits<uint64_t>::max() / dim))
      return bad("'shape' overflows");
    elements *= dim;
    entry.tensor.shape.push_back(static_cast<int64_t>(dim));
  }
  if (!offsets->is_array() || offsets->size() != 2 || !isCount((*offsets)[0]) ||
      !isCount((*offsets)[1]))
    return bad("'data_offsets' is not a pair of non-negative integers");
  entry.begin = (*offsets)[0].get<uint64_t>();
  entry.end = (*offsets)[1].get<uint64_t>();
  if (entry.end < entry.begin)
    return bad("'data_offsets' end before they begin");
  if (elements > std::numeric_limits<uint64_t>::max() / size ||
      entry.end - entry.begin != elements * size)
    return bad("'data_offsets' span " + llvm::Twine(entry.end - entry.begin) +
               " bytes, the shape needs " + llvm::Twine(elements * size));
  return entry;
}

llvm::Expected<File> safetensors::read(llvm::StringRef bytes) {
  if (bytes.size() < 8)
    return error("the file is shorter than the 8-byte header length");
  uint64_t n = llvm::support::endian::read<uint64_t, llvm::endianness::little>(
      bytes.data());
  if (n > kMaxHeaderSize || n > bytes.size() - 8)
    return error("the header length " + llvm::Twine(n) +
                 " exceeds the file or the 100 MB limit");
  llvm::StringRef text = bytes.substr(8, n);
  if (!text.starts_with("{"))
    return error("the header does not start with '{'");

  // Keys of the top-level object, to reject duplicates (the parser would
  // keep the last).
  llvm::StringSet<> keys;
  bool duplicate = false;
  Json::parser_callback_t noteKeys = [&](int depth, Json::parse_event_t event,
                                         Json &parsed) {
    if (event == Json::parse_event_t::key && depth == 1 &&
        !keys.insert(parsed.get<std::string>()).second)
      duplicate = true;
    return true;
  };
  Json header = Json::parse(text.begin(), text.end(), noteKeys,
                            /*allow_exceptions=*/false);
  if (header.is_discarded() || !header.is_object())
    return error("the header is not a JSON object");
  if (duplicate)
    return error("the header repeats a key");

  File file;
  std::vector<Entry> entries;
  for (const auto &[name, info] : header.items()) {
    if (name == "__metadata__") {
      if (!info.is_object())
        return error("'__metadata__' is not an object");
      for (const auto &[key, value] : info.items()) {
        if (!value.is_string())
          return error("metadata '" + key + "' is not a string");
        file.metadata.emplace_back(key, value.get<std::string>());
      }
      continue;
    }
    llvm::Expected<Entry> entry = readEntry(name, info);
    if (!entry)
      return entry.takeError();
    entries.push_back(std::move(*entry));
  }

  // The tensors must cover the data exactly, in some order.
  llvm::StringRef data = bytes.drop_front(8 + n);
  std::sort(entries.begin(), entries.end(), [](const Entry &a, const Entry &b) {
    return std::make_pair(a.begin, a.end) < std::make_pair(b.begin, b.end);
  });
  uint64_t expected = 0;
  for (Entry &entry : entries) {
    if (entry.begin != expected)
      return error("tensor '" + entry.tensor.name + "' starts at byte " +
                   llvm::Twine(entry.begin) + " of the data, expected " +
                   llvm::Twine(expected) + " (a hole or an overlap)");
    expected = entry.end;
  }
  if (expected != data.size())
    return error("the tensors cover " + llvm::Twine(expected) +
                 " bytes of data, the file has " + llvm::Twine(data.size()));
  for (Entry &entry : entries) {
    Tensor &t = entry.tensor;
    const char *bytes = data.data() + entry.begin;
    t.data.resize((entry.end - entry.begin) / t.getElementSize());
    for (size_t i = 0; i < t.data.size(); ++i) {
      if (t.dtype == DType::F32) {
        t.data[i] =
            llvm::support::endian::read<float, llvm::endianness::little>(
                bytes + i * sizeof(float));
        continue;
      }
      if (bytes[i] != 0 && bytes[i] != 1)
        return error("BOOL tensor '" + t.name +
                     "' has a byte other than 0 "
                     "and 1");
      t.data[i] = bytes[i];
    }
    file.tensors.push_back(std::move(t));
  }
  return file;
}

//===----------------------------------------------------------------------===//
// Files
//===----------------------------------------------------------------------===//

llvm::Error safetensors::writeFileAtomically(
    llvm::StringRef path, bool overwrite,
    llvm::function_ref<llvm::Error(llvm::raw_ostream &)> writeContents) {
  auto fail = [&](const llvm::Twine &why) {
    return error("cannot write '" + path + "': " + why);
  };
  // Only a regular file is ever replaced, and only with `overwrite`: the
  // rename would otherwise swap a symlink (even a dangling one), a device
  // node or a FIFO for a regular file. The link itself is examined, not
  // its target.
  llvm::sys::fs::file_status status;
  std::error_code statusError =
      llvm::sys::fs::status(path, status, /*follow=*/false);
  if (!statusError) {
    switch (status.type()) {
    case llvm::sys::fs::file_type::regular_file:
      if (!overwrite)
        return fail("the file exists (use --force to overwrite it)");
      break;
    case llvm::sys::fs::file_type::directory_file:
      return fail("it is a directory");
    case llvm::sys::fs::file_type::symlink_file:
      return fail("it is a symbolic link; give the path it points to");
    default:
      return fail("it is not a regular file (a device, FIFO or socket)");
    }
  } else if (statusError != std::errc::no_such_file_or_directory) {
    return fail(statusError.message());
  }

  // The temporary file lives next to `path`, so the rename cannot cross file
  // systems; it is removed on every failure, and on signals.
  llvm::SmallString<128> model(path);
  model += ".tmp-%%%%%%";
  llvm::Expected<llvm::sys::fs::TempFile> temp =
      llvm::sys::fs::TempFile::create(model);
  if (!temp)
    return fail(llvm::errorToErrorCode(temp.takeError()).message());
  llvm::Error written = llvm::Error::success();
  {
    llvm::raw_fd_ostream os(temp->FD, /*shouldClose=*/false);
    written = writeContents(os);
    os.flush();
    if (!written && os.has_error()) {
      written = fail(os.error().message());
      os.clear_error();
    }
  }
  if (written) {
    llvm::consumeError(temp->discard());
    return written;
  }
  if (llvm::Error kept = temp->keep(path))
    return fail(llvm::errorToErrorCode(std::move(kept)).message());
  return llvm::Error::success();
}
