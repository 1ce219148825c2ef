//===- ProgramGraph.cpp - The program, its placement and the layout -------===//
//
// Relates the rasp program to the layered craft.model it compiled to. The
// lowering names a component and its result after the NameLoc of the op it
// lowers (else `<op>_<n>`) and gives the component that op's location;
// combined MLPs carry the fused locations of their parts. So an SOp is
//
//   * held by the subspace with its label (written by the embedding, a head
//     or an MLP),
//   * computed (in part) by every component whose location contains its own,
//   * or, without a subspace, fused into the MLPs of the nearest SOps
//     downstream that have one.
//
//===----------------------------------------------------------------------===//

#include "ReportData.h"

#include "RaspDialect/Analysis/ValueSets.h"
#include "RaspDialect/Dialect/Craft/IR/CraftModel.h"
#include "RaspDialect/Dialect/Craft/IR/CraftOps.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"

#include <charconv>

using namespace mlir;
using namespace mlir::rasp;
using namespace mlir::rasp::report;

Json mlir::rasp::report::showValue(const PyValue &value, bool float32) {
  if (value.isNone())
    return nullptr;
  if (value.isStr())
    return value.getStr();
  if (float32 && value.isFloat()) {
    char buffer[32];
    std::to_chars_result end = std::to_chars(
        buffer, buffer + sizeof(buffer), static_cast<float>(value.getFloat()));
    return std::string(buffer, end.ptr);
  }
  return value.repr();
}

/// Every location `loc` is made of, itself included.
static void flattenLocation(Location loc,
                            llvm::SmallPtrSetImpl<const void *> &out) {
  out.insert(loc.getAsOpaquePointer());
  if (auto fused = dyn_cast<FusedLoc>(loc))
    for (Location inner : fused.getLocations())
      flattenLocation(inner, out);
}

/// The file position of `loc`, if it has one.
static std::optional<FileLineColLoc> findFileLocation(Location loc) {
  if (auto file = dyn_cast<FileLineColLoc>(loc))
    return file;
  if (auto name = dyn_cast<NameLoc>(loc))
    return findFileLocation(name.getChildLoc());
  if (auto fused = dyn_cast<FusedLoc>(loc))
    for (Location inner : fused.getLocations())
      if (std::optional<FileLineColLoc> file = findFileLocation(inner))
        return file;
  if (auto callSite = dyn_cast<CallSiteLoc>(loc))
    return findFileLocation(callSite.getCallee());
  return std::nullopt;
}

static std::string printType(Type type) {
  std::string text;
  llvm::raw_string_ostream os(text);
  type.print(os);
  llvm::StringRef view(text);
  view.consume_front("!rasp.");
  return view.str();
}

namespace {
/// A craft component (or the embedding) and what it reads and writes.
struct Block {
  Json json;
  int64_t stage = 0;
  llvm::SmallPtrSet<const void *, 4> locations;
  std::vector<size_t> writes;
};

/// Builds the description; one instance per report.
class Describer {
public:
  Describer(ProgramOp program, craft::ModelOp model,
            const craft::AssembledModel &assembled, ModelDescription &out)
      : program(program), model(model), assembled(assembled), out(out) {}

  LogicalResult run(const ReportConfig &config);

private:
  int64_t numStages() { return 1 + 2 * model.getNumLayers(); }
  std::optional<size_t> subspaceOf(Value value) const {
    auto it = subspaceIndex.find(craft::getSpace(value));
    if (it == subspaceIndex.end())
      return std::nullopt;
    return it->second;
  }
  void addBlock(Operation *op, Json json, int64_t stage,
                llvm::ArrayRef<size_t> writes);
  void describeBlocks();
  void collectNodes();
  void place(const ValueSetAnalysis &values);
  Json describeLayout();

  ProgramOp program;
  craft::ModelOp model;
  const craft::AssembledModel &assembled;
  ModelDescription &out;
  llvm::ArrayRef<ReportConfig::Source> sources;

  llvm::DenseMap<craft::SpaceAttr, size_t> subspaceIndex;
  std::vector<Block> blocks;
  /// The last stage that reads each subspace (numStages(): the readout).
  std::vector<int64_t> lastRead;
  llvm::DenseMap<Value, size_t> nodeOf;
  std::vector<std::string> labels;
  std::vector<Json> nodeJson;
};
} // namespace

void Describer::addBlock(Operation *op, Json json, int64_t stage,
                         llvm::ArrayRef<size_t> writes) {
  Block block;
  block.stage = stage;
  block.writes.assign(writes.begin(), writes.end());
  Json reads = Json::array();
  llvm::SmallSetVector<size_t, 8> read;
  if (op) {
    flattenLocation(op->getLoc(), block.locations);
    for (Value operand : op->getOperands())
      if (std::optional<size_t> index = subspaceOf(operand))
        read.insert(*index);
  }
  for (size_t index : read) {
    reads.push_back(index);
    lastRead[index] = std::max(lastRead[index], stage);
  }
  json["id"] = blocks.size();
  json["stage"] = stage;
  json["reads"] = std::move(reads);
  json["writes"] = writes;
  block.json = std::move(json);
  blocks.push_back(std::move(block));
}

void Describer::describeBlocks() {
  const trace::TraceLayout &layout = out.layout;
  addBlock(nullptr, {{"kind", "embedding"}, {"name", "embedding"}}, 0,
           layout.writes[0]);
  for (auto [l, layer] : llvm::enumerate(model.getLayers())) {
    const craft::AssembledLayer &assembledLayer = assembled.layers[l];
    int64_t attention = 1 + 2 * static_cast<int64_t>(l);
    out.headBlocks.emplace_back();
    for (auto [h, head] : llvm::enumerate(layer.getHeads())) {
      std::vector<size_t> writes;
      for (Value result : head->getResults())
        if (std::optional<size_t> index = subspaceOf(result))
          writes.push_back(*index);
      const craft::AssembledHead &a = assembledLayer.heads[h];
      out.headBlocks.back().push_back(blocks.size());
      addBlock(head,
               {{"kind", "head"},
                {"name", a.name},
                {"layer", l},
                {"head", h},
                {"scale", a.scale},
                {"causal", a.causal}},
               attention, writes);
    }
    craft::MLPOp mlp = layer.getMLP();
    if (!mlp) {
      out.mlpBlocks.push_back(-1);
      continue;
    }
    std::vector<size_t> writes;
    for (Value result : mlp->getResults())
      if (std::optional<size_t> index = subspaceOf(result))
        writes.push_back(*index);
    int64_t hidden =
        assembledLayer.mlp ? assembledLayer.mlp->getHiddenSize() : 0;
    out.mlpBlocks.push_back(blocks.size());
    addBlock(
        mlp,
        {{"kind", "mlp"}, {"name", "MLP"}, {"layer", l}, {"hidden", hidden}},
        attention + 1, writes);
  }
  // The readout reads the output after the last stage.
  if (std::optional<size_t> index = subspaceOf(model.getOutput()))
    lastRead[*index] = numStages();
}

void Describer::collectNodes() {
  // Labels as the lowering gives them: the NameLoc's name, else
  // `<op>_<n>`, made unique with `_2`, `_3`, ...
  llvm::StringMap<unsigned> counters;
  llvm::StringSet<> used;
  for (Operation &op : program.getBody().front()) {
    if (op.getNumResults() != 1)
      continue;
    Value result = op.getResult(0);
    bool selector = isa<SelectorType>(result.getType());
    if (!selector && !isa<SOpType>(result.getType()))
      continue;
    std::string label;
    if (std::optional<StringRef> name = craft::getLocationName(op.getLoc()))
      label = name->str();
    else if (!selector) {
      StringRef mnemonic = op.getName().stripDialect();
      label = mnemonic.str() + "_" + std::to_string(++counters[mnemonic]);
    } else {
      label = op.getName().stripDialect().str();
    }
    if (!selector) {
      std::string base = label;
      for (unsigned n = 2; !used.insert(label).second; ++n)
        label = base + "_" + std::to_string(n);
    }
    nodeOf[result] = out.nodes.size();
    out.nodes.push_back({&op, result, selector, -1});
    labels.push_back(label);
  }
}

void Describer::place(const ValueSetAnalysis &values) {
  size_t numNodes = out.nodes.size();
  std::vector<std::vector<size_t>> ownBlocks(numNodes);
  std::vector<std::optional<int64_t>> stage(numNodes);
  std::vector<std::string> status(numNodes);
  std::vector<llvm::SmallSetVector<size_t, 4>> fusedInto(numNodes);
  llvm::StringMap<llvm::SmallVector<size_t>> subspacesByLabel;
  for (auto [i, s] : llvm::enumerate(out.layout.subspaces))
    subspacesByLabel[s.space.getLabel()].push_back(i);
  craft::EmbedOp embed = model.getEmbedOp();

  for (auto [i, node] : llvm::enumerate(out.nodes)) {
    const void *loc = node.op->getLoc().getAsOpaquePointer();
    for (auto [b, block] : llvm::enumerate(blocks))
      if (block.locations.contains(loc))
        ownBlocks[i].push_back(b);
    if (node.selector)
      continue;
    std::optional<size_t> subspace;
    if (isa<TokensOp>(node.op))
      subspace = subspaceOf(embed.getTokens());
    else if (isa<IndicesOp>(node.op))
      subspace = subspaceOf(embed.getIndices());
    else {
      // The subspace with the node's label that one of its blocks writes,
      // else the one the embedding writes (a folded table).
      for (size_t candidate : subspacesByLabel.lookup(labels[i])) {
        for (size_t b : ownBlocks[i])
          if (llvm::is_contained(blocks[b].writes, candidate))
            subspace = candidate;
        if (!subspace && llvm::is_contained(blocks[0].writes, candidate))
          subspace = candidate;
      }
    }
    if (!subspace)
      continue;
    node.subspace = *subspace;
    for (auto [b, block] : llvm::enumerate(blocks))
      if (llvm::is_contained(block.writes, *subspace)) {
        stage[i] = block.stage;
        if (!llvm::is_contained(ownBlocks[i], b))
          ownBlocks[i].push_back(b);
      }
    status[i] = stage[i] == 0 ? "embedding" : "computed";
  }

  // An SOp without a subspace is computed inside the MLPs of the nearest
  // SOps downstream that have one (through selectors, for factorised
  // selector widths).
  for (auto [i, node] : llvm::enumerate(out.nodes)) {
    if (node.selector || node.subspace >= 0)
      continue;
    llvm::SmallVector<Value> work = {node.result};
    llvm::DenseSet<Value> seen;
    while (!work.empty()) {
      Value v = work.pop_back_val();
      for (Operation *user : v.getUsers()) {
        if (user->getNumResults() != 1)
          continue;
        auto it = nodeOf.find(user->getResult(0));
        if (it == nodeOf.end() || !seen.insert(user->getResult(0)).second)
          continue;
        if (out.nodes[it->second].subspace >= 0)
          fusedInto[i].insert(it->second);
        else
          work.push_back(user->getResult(0));
      }
    }
    status[i] = fusedInto[i].empty() ? "unused" : "fused";
    for (size_t b : ownBlocks[i])
      stage[i] = std::max(stage[i].value_or(0), blocks[b].stage);
    if (!stage[i])
      for (size_t target : fusedInto[i])
        if (stage[target])
          stage[i] = std::min(stage[i].value_or(INT64_MAX), *stage[target]);
  }
  // A selector sits with the heads that use it.
  for (size_t i = numNodes; i-- > 0;) {
    if (!out.nodes[i].selector)
      continue;
    status[i] = "selector";
    for (Operation *user : out.nodes[i].result.getUsers()) {
      auto it = nodeOf.find(user->getResult(0));
      if (user->getNumResults() != 1 || it == nodeOf.end())
        continue;
      size_t j = it->second;
      std::optional<int64_t> s = stage[j];
      for (size_t b : ownBlocks[j])
        if (blocks[b].json["kind"] == "head") {
          s = std::min(s.value_or(INT64_MAX), blocks[b].stage);
          if (!out.nodes[j].selector && !llvm::is_contained(ownBlocks[i], b))
            ownBlocks[i].push_back(b);
        }
      if (s)
        stage[i] = std::min(stage[i].value_or(INT64_MAX), *s);
    }
  }

  for (auto [i, node] : llvm::enumerate(out.nodes)) {
    Operation *op = node.op;
    Json operands = Json::array();
    for (Value operand : op->getOperands()) {
      auto it = nodeOf.find(operand);
      if (it != nodeOf.end())
        operands.push_back(it->second);
    }
    Json json = {{"id", i},
                 {"label", labels[i]},
                 {"op", op->getName().stripDialect().str()},
                 {"kind", node.selector ? "selector" : "sop"}};
    if (auto type = dyn_cast<SOpType>(node.result.getType())) {
      json["encoding"] = type.isCategorical() ? "categorical" : "numerical";
      json["type"] = printType(type.getValueType());
      if (const ValueSet *set = values.lookup(node.result)) {
        json["numValues"] = set->size();
        Json shown = Json::array();
        for (const PyValue &v : llvm::ArrayRef(*set).take_front(64))
          shown.push_back(showValue(v, false));
        json["values"] = std::move(shown);
      }
    }
    if (auto select = dyn_cast<SelectOp>(op))
      json["detail"] = stringifyComparison(select.getPredicate()).str();
    if (std::optional<FileLineColLoc> file = findFileLocation(op->getLoc())) {
      json["line"] = file->getLine();
      json["col"] = file->getColumn();
      for (auto [index, source] : llvm::enumerate(sources))
        if (source.name == file->getFilename().getValue())
          json["file"] = index;
    }
    json["operands"] = std::move(operands);
    json["status"] = status[i];
    json["stage"] = stage[i] ? Json(*stage[i]) : Json(nullptr);
    json["blocks"] = ownBlocks[i];
    json["subspace"] = node.subspace >= 0 ? Json(node.subspace) : Json(nullptr);
    json["fusedInto"] =
        std::vector<size_t>(fusedInto[i].begin(), fusedInto[i].end());
    nodeJson.push_back(std::move(json));
  }
}

Json Describer::describeLayout() {
  Json layout = Json::array();
  std::vector<int64_t> writtenAt(out.layout.subspaces.size(), -1);
  for (auto [stage, writes] : llvm::enumerate(out.layout.writes))
    for (size_t index : writes)
      if (writtenAt[index] < 0)
        writtenAt[index] = stage;
  std::vector<int64_t> nodeOfSubspace(out.layout.subspaces.size(), -1);
  for (auto [i, node] : llvm::enumerate(out.nodes))
    if (node.subspace >= 0)
      nodeOfSubspace[node.subspace] = i;
  for (auto [i, s] : llvm::enumerate(out.layout.subspaces)) {
    Json entry = {
        {"name", s.name},
        {"encoding", s.space.isCategorical() ? "categorical" : "numerical"},
        {"offset", s.range.offset},
        {"dim", s.range.dim}};
    if (s.space.isCategorical()) {
      Json shown = Json::array();
      for (Attribute attr : s.space.getValues()) {
        FailureOr<PyValue> value = fromAttr(attr);
        shown.push_back(succeeded(value) ? showValue(*value, false)
                                         : Json(nullptr));
      }
      entry["values"] = std::move(shown);
    }
    entry["writtenAt"] = writtenAt[i] >= 0 ? Json(writtenAt[i]) : nullptr;
    entry["lastReadAt"] = lastRead[i] >= 0 ? Json(lastRead[i]) : nullptr;
    entry["node"] = nodeOfSubspace[i] >= 0 ? Json(nodeOfSubspace[i]) : nullptr;
    layout.push_back(std::move(entry));
  }
  return layout;
}

LogicalResult Describer::run(const ReportConfig &config) {
  sources = config.sources;
  FailureOr<trace::TraceLayout> layout = trace::TraceLayout::get(model);
  if (failed(layout))
    return failure();
  out.layout = std::move(*layout);
  for (auto [i, s] : llvm::enumerate(out.layout.subspaces))
    subspaceIndex[s.space] = i;
  lastRead.assign(out.layout.subspaces.size(), -1);
  FailureOr<ValueSetAnalysis> values =
      ValueSetAnalysis::compute(program, ValueSetOptions());
  if (failed(values))
    return failure();

  describeBlocks();
  collectNodes();
  place(*values);

  Json stages = Json::array({{{"kind", "embedding"}, {"layer", nullptr}}});
  for (unsigned l = 0; l < model.getNumLayers(); ++l) {
    stages.push_back({{"kind", "attention"}, {"layer", l}});
    stages.push_back({{"kind", "mlp"}, {"layer", l}});
  }
  Json vocab = Json::array();
  for (Attribute attr : assembled.embedding.vocab) {
    FailureOr<PyValue> value = fromAttr(attr);
    vocab.push_back(succeeded(value) ? showValue(*value, false)
                                     : Json(nullptr));
  }
  std::optional<size_t> outputNode;
  if (auto it = nodeOf.find(program.getOutput()); it != nodeOf.end())
    outputNode = it->second;

  Json files = Json::array();
  for (const ReportConfig::Source &source : sources)
    files.push_back({{"name", source.name}, {"text", source.text}});
  Json blocksJson = Json::array();
  for (Block &block : blocks)
    blocksJson.push_back(std::move(block.json));
  out.json = {{"program",
               {{"name", assembled.name},
                {"source", sources.empty() ? "" : sources.front().name},
                {"files", std::move(files)},
                {"vocab", std::move(vocab)},
                {"maxSeqLen", assembled.maxSeqLen},
                {"bos", config.bos},
                {"causal", config.causal},
                {"optimize", config.optimize},
                {"compileOptions", config.compileOptions},
                {"residualWidth", assembled.width},
                {"output", outputNode ? Json(*outputNode) : nullptr}}},
              {"stages", std::move(stages)},
              {"nodes", std::move(nodeJson)},
              {"blocks", std::move(blocksJson)},
              {"layout", describeLayout()}};
  return success();
}

FailureOr<ModelDescription>
mlir::rasp::report::describeModel(ProgramOp program, craft::ModelOp model,
                                  const craft::AssembledModel &assembled,
                                  const ReportConfig &config) {
  ModelDescription out;
  Describer describer(program, model, assembled, out);
  if (failed(describer.run(config)))
    return failure();
  return out;
}
