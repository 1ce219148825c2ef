//===- RunSupportTest.cpp - rasp-run's encoding and printing --------------===//

#include "RaspDialect/Driver/SequenceIO.h"

#include "gtest/gtest.h"

using namespace mlir;
using namespace mlir::rasp;
using namespace mlir::rasp::driver;

namespace {

RunConfig makeConfig(llvm::StringRef vocab, int64_t maxSeqLen) {
  RunConfig config;
  config.vocab = llvm::cantFail(parseVocabList(vocab));
  config.maxSeqLen = maxSeqLen;
  config.bos = "BOS";
  return config;
}

std::string encode(const TokenEncoder &encoder, llvm::StringRef line) {
  llvm::Expected<llvm::SmallVector<unsigned>> ids = encoder.encode(line);
  if (!ids)
    return "error: " + llvm::toString(ids.takeError());
  std::string out;
  for (unsigned id : *ids)
    out += (out.empty() ? "" : " ") + std::to_string(id);
  return out;
}

std::string print(llvm::ArrayRef<PyValue> values, bool numerical) {
  std::string out;
  llvm::raw_string_ostream os(out);
  printJSONSequence(os, values, numerical);
  return out;
}

TEST(RunSupport, PrintedForm) {
  EXPECT_EQ(printedForm(PyValue::str("a b")), "a b");
  EXPECT_EQ(printedForm(PyValue::integer(-2)), "-2");
  EXPECT_EQ(printedForm(PyValue::real(0.5)), "0.5");
  EXPECT_EQ(printedForm(PyValue::real(1e3)), "1000.0");
  EXPECT_EQ(printedForm(PyValue::boolean(true)), "True");
}

TEST(RunSupport, ParseVocabList) {
  std::vector<PyValue> vocab = llvm::cantFail(parseVocabList("1,-2,0.5,x,("));
  ASSERT_EQ(vocab.size(), 5u);
  EXPECT_TRUE(vocab[0].isInt());
  EXPECT_TRUE(vocab[1].isInt());
  EXPECT_TRUE(vocab[2].isFloat());
  EXPECT_TRUE(vocab[3].isStr());
  EXPECT_EQ(vocab[4].getStr(), "(");
  EXPECT_EQ(llvm::toString(parseVocabList("").takeError()),
            "the vocabulary is empty");
  EXPECT_EQ(llvm::toString(parseVocabList("a,").takeError()),
            "empty vocabulary item in 'a,'");
}

TEST(RunSupport, EncodeTokens) {
  TokenEncoder encoder(makeConfig("a,b,1,2.5", 3));
  EXPECT_EQ(encode(encoder, "b a"), "1 0");
  EXPECT_EQ(encode(encoder, "  1\t2.5 a "), "2 3 0");
  EXPECT_EQ(encode(encoder, ""), "");
  EXPECT_EQ(encode(encoder, "a c"),
            "error: unknown token 'c' at position 1 (not in the vocabulary)");
  EXPECT_EQ(encode(encoder, "1.0"),
            "error: unknown token '1.0' at position 0 (not in the vocabulary)");
  EXPECT_EQ(encode(encoder, "BOS a"),
            "error: token 'BOS' at position 0 is the BOS token; inputs are "
            "given without it");
  EXPECT_EQ(encode(encoder, "a a a x y"),
            "error: the input has 5 tokens, more than the maximum sequence "
            "length 3; the first extra token is 'x' at position 3");
}

TEST(RunSupport, SplitInputLines) {
  EXPECT_EQ(splitInputLines("a b\n\nc\r\nd"),
            (std::vector<std::string>{"a b", "", "c", "d"}));
  EXPECT_EQ(splitInputLines("a\n"), (std::vector<std::string>{"a"}));
  EXPECT_EQ(splitInputLines("\n"), (std::vector<std::string>{""}));
  EXPECT_TRUE(splitInputLines("").empty());
}

TEST(RunSupport, PrintSequences) {
  std::vector<PyValue> values = {PyValue::boolean(true), PyValue::integer(3),
                                 PyValue::real(0.25), PyValue::none(),
                                 PyValue::str("q\"")};
  EXPECT_EQ(print(values, false), "[true, 3, 0.25, null, \"q\\\"\"]");
  EXPECT_EQ(print(values, true), "[1, 3, 0.25, null, \"q\\\"\"]");
  EXPECT_EQ(print({}, false), "[]");
}

} // namespace
