//===- TraceDocumentTest.cpp - Trace documents and forward-pass errors ----===//

#include "RaspDialect/Trace/TraceDocument.h"
#include "RaspDialect/Driver/Driver.h"

#include "RaspDialect/Dialect/Craft/Analysis/Assembly.h"
#include "RaspDialect/Dialect/Craft/Evaluator/Evaluator.h"

#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"

#include "gtest/gtest.h"
#include <nlohmann/json.hpp>

using namespace mlir;
using namespace mlir::rasp;
using namespace mlir::rasp::driver;
using Json = nlohmann::json;

namespace {

constexpr const char *kReverse = R"(
opp_index = length - indices - 1;
flip = select(indices, opp_index, ==);
reverse = aggregate(flip, tokens);
)";

/// A program compiled to its craft.model, assembled, with its trace layout.
struct Compiled {
  CraftModel model;
  craft::AssembledModel assembled;
  trace::TraceLayout layout;
  RunConfig config;
};

class TraceDocumentTest : public ::testing::Test {
protected:
  TraceDocumentTest() {
    DialectRegistry registry;
    registerDialects(registry);
    context.appendDialectRegistry(registry);
    context.loadAllAvailableDialects();
  }

  Compiled compile(const char *source, bool causal) {
    llvm::SourceMgr sourceMgr;
    sourceMgr.AddNewSourceBuffer(
        llvm::MemoryBuffer::getMemBufferCopy(source, "prog.rasp"),
        llvm::SMLoc());
    DriverOptions options;
    options.parameters.vocab = llvm::cantFail(parseVocabList("a,b,c"));
    options.parameters.maxSeqLen = 4;
    options.parameters.causal = causal;
    FailureOr<LoadedProgram> loaded = loadProgram(sourceMgr, &context, options);
    EXPECT_TRUE(succeeded(loaded));
    Compiled c;
    c.config = loaded->config;
    c.model = std::move(*compileToCraftModel(*loaded, options));
    program = std::move(*loaded);
    c.assembled = *craft::assembleModel(c.model.model);
    c.layout = *trace::TraceLayout::get(c.model.model);
    return c;
  }

  /// The trace document of `tokens` (vocabulary ids).
  Json trace(const Compiled &c, std::vector<int64_t> tokens, bool raw) {
    std::vector<int64_t> ids = {c.assembled.embedding.getBosId()};
    trace::TraceInput input{{}, "BOS"};
    for (int64_t id : tokens) {
      ids.push_back(id);
      input.tokens.push_back(printedForm(c.config.vocab[id]));
    }
    trace::ForwardResult result = llvm::cantFail(trace::runForward(
        c.assembled, ids, trace::ForwardOptions(), /*record=*/true));
    std::string line =
        trace::printTraceDocument(c.assembled, c.layout, input, result, {raw});
    EXPECT_EQ(line.find('\n'), std::string::npos);
    return Json::parse(line);
  }

  MLIRContext context;
  LoadedProgram program;
};

TEST_F(TraceDocumentTest, ReverseShowsEachSubspaceFromTheSublayerWritingIt) {
  Compiled c = compile(kReverse, /*causal=*/false);
  Json doc = trace(c, {0, 1, 2}, /*raw=*/false);
  EXPECT_EQ(doc["schema"], "rasp-run-trace/1");
  EXPECT_EQ(doc["positions"], Json({"BOS", "a", "b", "c"}));
  EXPECT_EQ(doc["output"], Json({"c", "b", "a"}));
  const Json &residuals = doc["residuals"];
  ASSERT_EQ(residuals.size(), 1 + 2 * c.assembled.layers.size());
  EXPECT_EQ(residuals[0]["stage"], "embedding");
  EXPECT_TRUE(residuals[0]["layer"].is_null());
  EXPECT_EQ(residuals[0]["subspaces"]["tokens"]["decoded"],
            Json({nullptr, "a", "b", "c"}));
  EXPECT_EQ(residuals[0]["subspaces"]["tokens:BOS"]["decoded"],
            Json({"BOS", nullptr, nullptr, nullptr}));

  // Each subspace is empty (None) until the stage that writes it, and holds
  // its value from then on. (`length` has no subspace: the fused MLP reads
  // the selector width's attention output directly.)
  Json expected = {{"opp_index", {nullptr, 2, 1, 0}},
                   {"reverse", {nullptr, "c", "b", "a"}}};
  for (auto &[name, value] : expected.items()) {
    bool written = false;
    for (const Json &stage : residuals) {
      for (const Json &w : stage["writes"])
        written |= w == name;
      Json none = {nullptr, nullptr, nullptr, nullptr};
      EXPECT_EQ(stage["subspaces"][name]["decoded"], written ? value : none)
          << name << " at " << stage["stage"] << " " << stage["layer"];
      EXPECT_FALSE(stage["subspaces"][name].contains("raw"));
    }
    EXPECT_TRUE(written) << name;
  }
  // opp_index is an MLP result, reverse an attention result.
  for (const Json &stage : residuals) {
    for (const Json &w : stage["writes"]) {
      if (w == "opp_index") {
        EXPECT_EQ(stage["stage"], "mlp");
      }
      if (w == "reverse") {
        EXPECT_EQ(stage["stage"], "attention");
      }
    }
  }

  // Every pattern row is a distribution; the reverse head attends to the
  // opposite position.
  ASSERT_FALSE(doc["attention"].empty());
  for (const Json &head : doc["attention"])
    for (const Json &row : head["pattern"]) {
      double sum = 0;
      for (const Json &p : row)
        sum += p.get<double>();
      EXPECT_NEAR(sum, 1.0, 1e-6);
    }
  const Json &reverse = doc["attention"].back();
  EXPECT_EQ(reverse["name"], "reverse");
  EXPECT_GT(reverse["pattern"][1][3].get<double>(), 0.99);
  EXPECT_GT(reverse["pattern"][3][1].get<double>(), 0.99);
}

TEST_F(TraceDocumentTest, RawVectorsDecodeToTheDecodedValues) {
  Compiled c = compile(kReverse, /*causal=*/false);
  Json doc = trace(c, {2, 0}, /*raw=*/true);
  ASSERT_EQ(doc["layout"].size(), c.layout.subspaces.size());
  for (const Json &stage : doc["residuals"])
    for (const Json &layout : doc["layout"]) {
      const Json &entry = stage["subspaces"][layout["name"].get<std::string>()];
      ASSERT_EQ(entry["raw"].size(), 3u);
      for (size_t p = 0; p < 3; ++p) {
        std::vector<float> raw = entry["raw"][p].get<std::vector<float>>();
        ASSERT_EQ(raw.size(), layout["dim"].get<size_t>());
        if (layout["encoding"] == "numerical") {
          EXPECT_EQ(entry["decoded"][p].get<float>(), raw[0]);
          continue;
        }
        int64_t i = craft::decodeCategoricalIndex(raw.data(), raw.size());
        EXPECT_EQ(entry["decoded"][p],
                  i < 0 ? Json(nullptr) : layout["values"][i]);
      }
    }
}

TEST_F(TraceDocumentTest, CausalLogitsOfLaterKeysAreNull) {
  Compiled c = compile(kReverse, /*causal=*/true);
  Json doc = trace(c, {0, 1, 2}, /*raw=*/false);
  for (const Json &head : doc["attention"]) {
    EXPECT_EQ(head["causal"], true);
    for (size_t i = 0; i < 4; ++i)
      for (size_t j = 0; j < 4; ++j) {
        EXPECT_EQ(head["logits"][i][j].is_null(), j > i);
        if (j > i) {
          EXPECT_EQ(head["pattern"][i][j].get<double>(), 0.0);
        }
      }
  }
}

TEST_F(TraceDocumentTest, ForwardPassRejectsBadIds) {
  Compiled c = compile(kReverse, /*causal=*/false);
  int64_t bos = c.assembled.embedding.getBosId();
  auto error = [&](std::vector<int64_t> ids) {
    llvm::Expected<trace::ForwardResult> r =
        trace::runForward(c.assembled, ids, trace::ForwardOptions(), false);
    return r ? std::string("ok") : llvm::toString(r.takeError());
  };
  EXPECT_EQ(error({bos, 0}), "ok");
  EXPECT_EQ(error({}), "the first token id must be BOS (3)");
  EXPECT_EQ(error({0, 1}), "the first token id must be BOS (3)");
  EXPECT_EQ(error({bos, 0, 0, 0, 0, 0}),
            "the input has 5 tokens; the model takes at most 4");
  EXPECT_EQ(error({bos, 4}), "token id 4 is not in [0, 4)");
  EXPECT_EQ(error({bos, -1}), "token id -1 is not in [0, 4)");
}

} // namespace
