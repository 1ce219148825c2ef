//===- ReportTest.cpp - The data of rasp-run's report ---------------------===//
//
// The report's numbers are the traced forward pass's: the residual changes
// rebuild every snapshot, the hidden activations times W2 are what each MLP
// adds, and the placement relates SOps to the blocks computing them.
//
//===----------------------------------------------------------------------===//

#include "RaspDialect/Report/Report.h"
#include "RaspDialect/Driver/Driver.h"

#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"

#include "gtest/gtest.h"
#include <nlohmann/json.hpp>

#include <cmath>

using namespace mlir;
using namespace mlir::rasp;
using namespace mlir::rasp::driver;
using Json = nlohmann::json;

namespace {

constexpr const char *kReverse = R"(opp_index = length - indices - 1;
flip = select(indices, opp_index, ==);
reverse = aggregate(flip, tokens);
)";

class ReportTest : public ::testing::Test {
protected:
  ReportTest() {
    DialectRegistry registry;
    registerDialects(registry);
    context.appendDialectRegistry(registry);
    context.loadAllAvailableDialects();
    llvm::SourceMgr sourceMgr;
    sourceMgr.AddNewSourceBuffer(
        llvm::MemoryBuffer::getMemBufferCopy(kReverse, "reverse.rasp"),
        llvm::SMLoc());
    DriverOptions options;
    options.parameters.vocab = llvm::cantFail(parseVocabList("a,b,c"));
    options.parameters.maxSeqLen = 4;
    loaded = std::move(*loadProgram(sourceMgr, &context, options));
    config = loaded.config;
    model = std::move(*compileToCraftModel(loaded, options));
    assembled = *craft::assembleModel(model.model);
    extracted = extractProgram(loaded);
  }

  /// The trace of `ids` (vocabulary ids, BOS added).
  report::ReportTrace trace(std::vector<int64_t> ids) {
    ids.insert(ids.begin(), assembled.embedding.getBosId());
    return llvm::cantFail(
        report::traceInput(assembled, ids, trace::ForwardOptions()));
  }

  /// The report of `tokens` (vocabulary ids) as JSON.
  Json reportOf(const std::vector<int64_t> &ids) {
    ProgramOp program = *extracted->getOps<ProgramOp>().begin();
    report::ReportConfig reportConfig;
    reportConfig.sources.push_back({"reverse.rasp", kReverse});
    reportConfig.bos = config.bos;
    FailureOr<report::ReportBuilder> builder = report::ReportBuilder::create(
        program, model.model, assembled, reportConfig, std::nullopt);
    EXPECT_TRUE(succeeded(builder));
    report::ReportInput input;
    std::vector<PyValue> tokens;
    for (int64_t id : ids) {
      input.tokens.push_back(printedForm(config.vocab[id]));
      tokens.push_back(config.vocab[id]);
    }
    input.trace = trace(ids);
    FailureOr<Interpreter> interpreter = Interpreter::get(program);
    EXPECT_TRUE(succeeded(interpreter));
    input.expected = *interpreter->trace(tokens, false);
    builder->addInput(input);
    return Json::parse(builder->getJSON());
  }

  MLIRContext context;
  LoadedProgram loaded;
  OwningOpRef<ModuleOp> extracted;
  RunConfig config;
  CraftModel model;
  craft::AssembledModel assembled;
};

TEST_F(ReportTest, ResidualChangesRebuildEverySnapshot) {
  std::vector<int64_t> ids = {0, 2, 1, 1};
  Json doc = reportOf(ids);
  report::ReportTrace t = trace(ids);
  const Json &layout = doc["layout"];
  const Json &changes = doc["inputs"][0]["residual"];
  int64_t n = t.forward.numPositions, width = t.forward.width;
  for (size_t s = 0; s < t.forward.snapshots.size(); ++s) {
    // The state after stage s: the last change of each subspace up to s.
    std::vector<float> rebuilt(n * width, 0.0f);
    for (const Json &change : changes) {
      if (change["stage"].get<size_t>() > s)
        continue;
      const Json &sub = layout[change["subspace"].get<size_t>()];
      int64_t offset = sub["offset"], dim = sub["dim"];
      for (int64_t p = 0; p < n; ++p)
        for (int64_t c = 0; c < dim; ++c)
          rebuilt[p * width + offset + c] = 0.0f;
      const Json &cells = change["cells"];
      for (size_t i = 0; i + 2 < cells.size(); i += 3)
        rebuilt[cells[i].get<int64_t>() * width + offset +
                cells[i + 1].get<int64_t>()] = cells[i + 2].get<float>();
    }
    const std::vector<float> &want = t.forward.snapshots[s].residual;
    for (int64_t i = 0; i < n * width; ++i) {
      if (std::fabs(want[i]) < 1e-4f)
        EXPECT_EQ(rebuilt[i], 0.0f) << "stage " << s << " entry " << i;
      else
        EXPECT_NEAR(rebuilt[i], want[i], 5e-4 * std::fabs(want[i]))
            << "stage " << s << " entry " << i;
    }
  }
}

TEST_F(ReportTest, HiddenActivationsAreWhatEachMLPAdds) {
  report::ReportTrace t = trace({1, 0, 2});
  int64_t n = t.forward.numPositions, width = t.forward.width;
  ASSERT_EQ(t.hidden.size(), assembled.layers.size());
  bool sawMLP = false;
  for (auto [l, layer] : llvm::enumerate(assembled.layers)) {
    if (!layer.mlp)
      continue;
    sawMLP = true;
    const craft::AssembledMLP &mlp = *layer.mlp;
    int64_t units = mlp.getHiddenSize();
    ASSERT_EQ(t.hidden[l].size(), static_cast<size_t>(n * units));
    const std::vector<float> &before = t.forward.snapshots[1 + 2 * l].residual;
    const std::vector<float> &after = t.forward.snapshots[2 + 2 * l].residual;
    for (int64_t p = 0; p < n; ++p) {
      std::vector<double> y(mlp.w2->getCols(), 0.0);
      for (int64_t u = 0; u < units; ++u) {
        float h = t.hidden[l][p * units + u];
        EXPECT_GE(h, 0.0f);
        mlp.w2->forEachInRow(u, [&](int64_t c, double w) { y[c] += h * w; });
      }
      for (const craft::OutputSlice &slice : mlp.outputs)
        for (int64_t c = 0; c < slice.range.dim; ++c) {
          int64_t at = p * width + slice.range.offset + c;
          EXPECT_NEAR(after[at] - before[at], y[slice.column + c], 1e-4);
        }
    }
  }
  EXPECT_TRUE(sawMLP);
}

TEST_F(ReportTest, PlacementAndValuesOfReverse) {
  Json doc = reportOf({0, 1, 2});
  std::map<std::string, Json> nodes;
  for (const Json &node : doc["nodes"])
    nodes[node["label"]] = node;
  // length - indices - 1 is one fused MLP reading the width head's output.
  EXPECT_EQ(nodes["length"]["status"], "fused");
  ASSERT_EQ(nodes["length"]["fusedInto"].size(), 1u);
  EXPECT_EQ(nodes["length"]["fusedInto"][0], nodes["opp_index"]["id"]);
  EXPECT_EQ(nodes["opp_index"]["status"], "computed");
  EXPECT_EQ(
      doc["blocks"][nodes["opp_index"]["blocks"][0].get<size_t>()]["kind"],
      "mlp");
  EXPECT_EQ(nodes["reverse"]["status"], "computed");
  EXPECT_EQ(nodes["reverse"]["stage"], nodes["flip"]["stage"]);
  EXPECT_EQ(nodes["tokens"]["status"], "embedding");
  EXPECT_EQ(nodes["flip"]["kind"], "selector");
  EXPECT_EQ(nodes["reverse"]["line"], 3);

  const Json &input = doc["inputs"][0];
  EXPECT_EQ(input["output"], Json({"c", "b", "a"}));
  EXPECT_EQ(input["expected"], Json({"c", "b", "a"}));
  EXPECT_TRUE(input["agree"].get<bool>());
  for (const Json &entry : input["values"]) {
    if (entry.contains("verdicts")) {
      for (const Json &verdict : entry["verdicts"])
        EXPECT_EQ(verdict, "ok") << entry;
    }
  }
  // One pattern per head, rows summing to one.
  size_t heads = 0;
  for (const auto &layer : assembled.layers)
    heads += layer.heads.size();
  ASSERT_EQ(input["heads"].size(), heads);
  int64_t n = input["positions"].size();
  for (const Json &head : input["heads"])
    for (int64_t q = 0; q < n; ++q) {
      double sum = 0;
      for (int64_t k = 0; k < n; ++k)
        sum += head["pattern"][q * n + k].get<double>();
      EXPECT_NEAR(sum, 1.0, 5e-3);
    }
}

} // namespace
