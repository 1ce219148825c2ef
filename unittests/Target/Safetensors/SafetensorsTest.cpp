//===- SafetensorsTest.cpp - Writing and reading safetensors files --------===//

#include "RaspDialect/Target/Safetensors/Safetensors.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include "gtest/gtest.h"

#include <cmath>
#include <cstring>

using namespace mlir::rasp;
using namespace mlir::rasp::safetensors;

namespace {

std::string serialize(const File &file) {
  std::string out;
  llvm::raw_string_ostream os(out);
  llvm::Error error = write(file, os);
  EXPECT_FALSE(static_cast<bool>(error)) << llvm::toString(std::move(error));
  return out;
}

/// A file from a header text and data bytes.
std::string fileOf(llvm::StringRef header, llvm::StringRef data = "") {
  std::string out(8, '\0');
  uint64_t n = header.size();
  for (int i = 0; i < 8; ++i)
    out[i] = static_cast<char>((n >> (8 * i)) & 0xff);
  return out + header.str() + data.str();
}

std::string readError(llvm::StringRef bytes) {
  llvm::Expected<File> file = read(bytes);
  return file ? "ok" : llvm::toString(file.takeError());
}

File sample() {
  File file;
  file.tensors.push_back({"b.W", {2, 3}, {1, 2, 3, 4, 5, 6}});
  file.tensors.push_back({"a.bias", {1}, {-0.5f}});
  file.tensors.push_back({"empty", {0, 4}, {}});
  file.metadata = {{"n_layers", "2"}, {"vocab", "{\"a\":0}"}};
  return file;
}

TEST(Safetensors, LayoutFollowsTheFormat) {
  std::string bytes = serialize(sample());
  uint64_t n = 0;
  for (int i = 7; i >= 0; --i)
    n = (n << 8) | static_cast<unsigned char>(bytes[i]);
  // The header is padded with spaces so the data is 8-byte aligned.
  EXPECT_EQ(n % 8, 0u);
  std::string header = bytes.substr(8, n);
  EXPECT_EQ(header.front(), '{');
  EXPECT_EQ(header.find_last_not_of(' ') + 1, header.find_last_of('}') + 1);
  EXPECT_EQ(
      header.substr(0, header.find_last_not_of(' ') + 1),
      "{\"__metadata__\":{\"n_layers\":\"2\",\"vocab\":\"{\\\"a\\\":0}\"},"
      "\"b.W\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,"
      "24]},\"a.bias\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":"
      "[24,28]},\"empty\":{\"dtype\":\"F32\",\"shape\":[0,4],"
      "\"data_offsets\":[28,28]}}");
  ASSERT_EQ(bytes.size(), 8 + n + 28);
  // Little-endian float32: 1.0f is 00 00 80 3f.
  EXPECT_EQ(bytes.substr(8 + n, 4), std::string("\0\0\x80\x3f", 4));
  EXPECT_EQ(bytes.substr(8 + n + 24, 4), std::string("\0\0\0\xbf", 4));
}

TEST(Safetensors, RoundTrip) {
  File in = sample();
  llvm::Expected<File> out = read(serialize(in));
  ASSERT_TRUE(static_cast<bool>(out)) << llvm::toString(out.takeError());
  EXPECT_EQ(out->metadata, in.metadata);
  ASSERT_EQ(out->tensors.size(), 3u);
  for (const Tensor &t : in.tensors) {
    const Tensor *got = out->lookup(t.name);
    ASSERT_NE(got, nullptr) << t.name;
    EXPECT_EQ(got->shape, t.shape);
    EXPECT_EQ(got->data, t.data);
  }
  EXPECT_EQ(*out->lookupMetadata("n_layers"), "2");
  EXPECT_EQ(out->lookupMetadata("missing"), nullptr);
}

TEST(Safetensors, WriteErrors) {
  auto error = [](File file) {
    std::string out;
    llvm::raw_string_ostream os(out);
    llvm::Error e = write(file, os);
    return e ? llvm::toString(std::move(e)) : "ok";
  };
  File file = sample();
  file.tensors.push_back(file.tensors.front());
  EXPECT_EQ(error(file), "invalid or repeated tensor name 'b.W'");
  file = sample();
  file.tensors[0].name = "__metadata__";
  EXPECT_EQ(error(file), "invalid or repeated tensor name '__metadata__'");
  file = sample();
  file.tensors[0].data.pop_back();
  EXPECT_EQ(error(file), "tensor 'b.W' has 5 elements for its shape of 6");
  file = sample();
  file.metadata.push_back({"n_layers", "3"});
  EXPECT_EQ(error(file), "metadata key 'n_layers' is repeated");
  file = sample();
  file.tensors.push_back({"m", {2}, {1.0f, 0.5f}, DType::Bool});
  EXPECT_EQ(error(file), "BOOL tensor 'm' holds a value other than 0 and 1");
}

// BOOL tensors take one byte per element, F32 scalars (shape []) four; both
// round-trip, -inf included.
TEST(Safetensors, BoolAndScalarTensors) {
  File in;
  in.tensors.push_back({"s", {}, {-INFINITY}});
  in.tensors.push_back({"m", {2, 2}, {1, 0, 1, 1}, DType::Bool});
  std::string bytes = serialize(in);
  std::string header =
      "{\"s\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]},"
      "\"m\":{\"dtype\":\"BOOL\",\"shape\":[2,2],\"data_offsets\":[4,"
      "8]}}";
  EXPECT_EQ(bytes.substr(8, header.size()), header);
  EXPECT_EQ(bytes.substr(bytes.size() - 4), std::string("\x01\x00\x01\x01", 4));
  File out = llvm::cantFail(read(bytes));
  ASSERT_EQ(out.tensors.size(), 2u);
  EXPECT_EQ(out.tensors[0].dtype, DType::F32);
  EXPECT_TRUE(out.tensors[0].shape.empty());
  EXPECT_EQ(out.tensors[0].data, std::vector<float>{-INFINITY});
  EXPECT_EQ(out.tensors[1].dtype, DType::Bool);
  EXPECT_EQ(out.tensors[1].data, (std::vector<float>{1, 0, 1, 1}));
}

TEST(Safetensors, ReadErrors) {
  std::string four(16, '\0');
  EXPECT_EQ(readError("abc"),
            "the file is shorter than the 8-byte header length");
  EXPECT_EQ(readError(fileOf("{}").substr(0, 9)),
            "the header length 2 exceeds the file or the 100 MB limit");
  EXPECT_EQ(readError(fileOf("[]")), "the header does not start with '{'");
  EXPECT_EQ(readError(fileOf("{\"a\":")), "the header is not a JSON object");
  EXPECT_EQ(readError(fileOf("{}")), "ok");
  EXPECT_EQ(readError(fileOf("{}  ")), "ok");
  EXPECT_EQ(readError(fileOf("{\"__metadata__\":{\"k\":1}}")),
            "metadata 'k' is not a string");
  EXPECT_EQ(readError(fileOf("{\"x\":{\"dtype\":\"F32\",\"shape\":[1],"
                             "\"data_offsets\":[0,4]},\"x\":{\"dtype\":\"F32\","
                             "\"shape\":[1],\"data_offsets\":[4,8]}}",
                             std::string(8, '\0'))),
            "the header repeats a key");
  EXPECT_EQ(readError(fileOf("{\"x\":{\"dtype\":\"F16\",\"shape\":[2],"
                             "\"data_offsets\":[0,4]}}",
                             four.substr(0, 4))),
            "tensor 'x': unsupported dtype 'F16' (only F32 and BOOL are "
            "read)");
  EXPECT_EQ(readError(fileOf("{\"m\":{\"dtype\":\"BOOL\",\"shape\":[2],"
                             "\"data_offsets\":[0,2]}}",
                             "\x01\x02")),
            "BOOL tensor 'm' has a byte other than 0 and 1");
  EXPECT_EQ(readError(fileOf("{\"m\":{\"dtype\":\"BOOL\",\"shape\":[2],"
                             "\"data_offsets\":[0,8]}}",
                             four.substr(0, 8))),
            "tensor 'm': 'data_offsets' span 8 bytes, the shape needs 2");
  EXPECT_EQ(readError(fileOf("{\"x\":{\"dtype\":\"F32\",\"shape\":[2],"
                             "\"data_offsets\":[0,4]}}",
                             four.substr(0, 4))),
            "tensor 'x': 'data_offsets' span 4 bytes, the shape needs 8");
  EXPECT_EQ(readError(fileOf("{\"x\":{\"dtype\":\"F32\",\"shape\":[-1],"
                             "\"data_offsets\":[0,4]}}")),
            "tensor 'x': 'shape' has an entry that is not a non-negative "
            "integer");
  EXPECT_EQ(readError(fileOf("{\"x\":{\"dtype\":\"F32\",\"shape\":[1]}}")),
            "tensor 'x': the entry must have exactly 'dtype', 'shape' and "
            "'data_offsets'");
  // A hole, an overlap, and data the tensors do not cover.
  EXPECT_EQ(readError(fileOf("{\"x\":{\"dtype\":\"F32\",\"shape\":[1],"
                             "\"data_offsets\":[4,8]}}",
                             four.substr(0, 8))),
            "tensor 'x' starts at byte 4 of the data, expected 0 (a hole or "
            "an overlap)");
  EXPECT_EQ(readError(fileOf("{\"x\":{\"dtype\":\"F32\",\"shape\":[2],"
                             "\"data_offsets\":[0,8]},\"y\":{\"dtype\":\"F32\","
                             "\"shape\":[1],\"data_offsets\":[4,8]}}",
                             four.substr(0, 8))),
            "tensor 'y' starts at byte 4 of the data, expected 8 (a hole or "
            "an overlap)");
  EXPECT_EQ(readError(fileOf("{\"x\":{\"dtype\":\"F32\",\"shape\":[1],"
                             "\"data_offsets\":[0,4]}}",
                             four.substr(0, 8))),
            "the tensors cover 4 bytes of data, the file has 8");
}

/// A fresh directory, removed with its contents at the end of the test.
class TempDir : public ::testing::Test {
protected:
  void SetUp() override {
    ASSERT_FALSE(llvm::sys::fs::createUniqueDirectory("safetensors-test", dir));
  }
  void TearDown() override { llvm::sys::fs::remove_directories(dir); }

  std::string path(llvm::StringRef name) {
    llvm::SmallString<128> p(dir);
    llvm::sys::path::append(p, name);
    return std::string(p);
  }
  /// The names of the files in the directory.
  std::vector<std::string> entries() {
    std::vector<std::string> out;
    std::error_code ec;
    for (llvm::sys::fs::directory_iterator it(dir, ec), end; it != end && !ec;
         it.increment(ec))
      out.push_back(llvm::sys::path::filename(it->path()).str());
    std::sort(out.begin(), out.end());
    return out;
  }
  std::string contents(llvm::StringRef name) {
    auto buffer = llvm::MemoryBuffer::getFile(path(name));
    return buffer ? (*buffer)->getBuffer().str() : "<missing>";
  }
  std::string writeText(llvm::StringRef name, llvm::StringRef text,
                        bool overwrite) {
    llvm::Error error =
        writeFileAtomically(path(name), overwrite, [&](llvm::raw_ostream &os) {
          os << text;
          return llvm::Error::success();
        });
    return error ? llvm::toString(std::move(error)) : "ok";
  }

  llvm::SmallString<128> dir;
};

TEST_F(TempDir, WritesAndOverwritesOnlyWhenAsked) {
  EXPECT_EQ(writeText("m.safetensors", "one", false), "ok");
  EXPECT_EQ(contents("m.safetensors"), "one");
  EXPECT_EQ(writeText("m.safetensors", "two", false),
            "cannot write '" + path("m.safetensors") +
                "': the file exists (use --force to overwrite it)");
  EXPECT_EQ(contents("m.safetensors"), "one");
  EXPECT_EQ(writeText("m.safetensors", "three", true), "ok");
  EXPECT_EQ(contents("m.safetensors"), "three");
  EXPECT_EQ(entries(), std::vector<std::string>{"m.safetensors"});
}

TEST_F(TempDir, FailuresLeaveNothingBehind) {
  EXPECT_EQ(writeText("missing/m.safetensors", "x", false),
            "cannot write '" + path("missing/m.safetensors") +
                "': No such file or directory");
  ASSERT_FALSE(llvm::sys::fs::create_directory(path("sub")));
  EXPECT_EQ(writeText("sub", "x", true),
            "cannot write '" + path("sub") + "': it is a directory");
  // The contents fail half-way: neither the target nor a temporary remains.
  llvm::Error error = writeFileAtomically(
      path("m.safetensors"), false, [](llvm::raw_ostream &os) {
        os << std::string(1 << 16, 'x');
        return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                       "out of tensors");
      });
  EXPECT_EQ(llvm::toString(std::move(error)), "out of tensors");
  EXPECT_EQ(entries(), std::vector<std::string>{"sub"});
  // A failed overwrite keeps the old file.
  EXPECT_EQ(writeText("m.safetensors", "old", false), "ok");
  error = writeFileAtomically(path("m.safetensors"), true,
                              [](llvm::raw_ostream &os) {
                                os << "new";
                                return llvm::createStringError(
                                    llvm::inconvertibleErrorCode(), "failed");
                              });
  EXPECT_EQ(llvm::toString(std::move(error)), "failed");
  EXPECT_EQ(contents("m.safetensors"), "old");
  EXPECT_EQ(entries(), (std::vector<std::string>{"m.safetensors", "sub"}));
}

} // namespace
