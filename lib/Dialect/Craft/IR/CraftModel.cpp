//===- CraftModel.cpp - Layered craft models ------------------------------===//
//
// craft.model and craft.layer (their verifiers and accessors) and the
// residual layout helpers.
//
//===----------------------------------------------------------------------===//

#include "RaspDialect/Dialect/Craft/IR/CraftModel.h"

#include "mlir/IR/OpImplementation.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/StringSet.h"

using namespace mlir;
using namespace mlir::craft;

//===----------------------------------------------------------------------===//
// ResidualLayout
//===----------------------------------------------------------------------===//

ResidualLayout::ResidualLayout(ArrayRef<SpaceAttr> spaces)
    : spaces(spaces.begin(), spaces.end()) {
  for (SpaceAttr space : spaces) {
    ranges.try_emplace(space, ResidualRange{width, space.getDim()});
    width += space.getDim();
  }
}

ResidualLayout ResidualLayout::get(ModelOp model) {
  SmallVector<SpaceAttr> spaces;
  for (Attribute attr : model.getResidual())
    spaces.push_back(cast<SpaceAttr>(attr));
  return ResidualLayout(spaces);
}

std::optional<ResidualRange> ResidualLayout::lookup(SpaceAttr space) const {
  auto it = ranges.find(space);
  if (it == ranges.end())
    return std::nullopt;
  return it->second;
}

std::optional<ResidualRange> ResidualLayout::lookup(Value value) const {
  SpaceAttr space = getSpace(value);
  if (!space)
    return std::nullopt;
  return lookup(space);
}

SmallVector<std::string>
mlir::craft::residualLabels(ArrayRef<SpaceAttr> spaces) {
  SmallVector<std::string> labels;
  for (SpaceAttr space : spaces)
    for (unsigned i = 0, e = space.getDim(); i < e; ++i)
      labels.push_back(space.getDirection(i).str());
  return labels;
}

//===----------------------------------------------------------------------===//
// ModelOp
//===----------------------------------------------------------------------===//

OutputOp ModelOp::getOutputOp() {
  Block &body = getBody().front();
  if (body.empty())
    return {};
  return dyn_cast<OutputOp>(body.back());
}

Value ModelOp::getOutput() {
  OutputOp out = getOutputOp();
  return out ? out.getOutput() : Value();
}

EmbedOp ModelOp::getEmbedOp() {
  Block &body = getBody().front();
  if (body.empty())
    return {};
  return dyn_cast<EmbedOp>(body.front());
}

llvm::iterator_range<Block::op_iterator<LayerOp>> ModelOp::getLayers() {
  return getBody().front().getOps<LayerOp>();
}

unsigned ModelOp::getNumLayers() {
  return static_cast<unsigned>(llvm::range_size(getLayers()));
}

int64_t ModelOp::getResidualWidth() {
  int64_t width = 0;
  for (Attribute attr : getResidual())
    width += cast<SpaceAttr>(attr).getDim();
  return width;
}

/// Checks the order of the body: embed, layers 0..L-1, output.
static LogicalResult verifyModelBody(ModelOp model) {
  Block &body = model.getBody().front();
  if (!model.getEmbedOp())
    return model.emitOpError("body must start with 'craft.embed'");
  if (!model.getOutputOp())
    return model.emitOpError("body must end with 'craft.output'");
  int64_t expected = 0;
  for (Operation &op : llvm::drop_begin(body.without_terminator())) {
    auto layer = dyn_cast<LayerOp>(op);
    if (!layer)
      return model.emitOpError("body may only hold one 'craft.embed', then "
                               "'craft.layer' ops, then 'craft.output'; "
                               "found '")
             << op.getName() << "'";
    if (static_cast<int64_t>(layer.getIndex()) != expected)
      return model.emitOpError("expected layer ")
             << expected << " but found layer " << layer.getIndex()
             << "; layers are numbered 0, 1, ... in order";
    ++expected;
  }
  return success();
}

/// Checks that `residual` lists every subspace of the model once, and that
/// `labels` are its directions, unique.
static LogicalResult verifyResidual(ModelOp model) {
  // Every subspace: the embedding's and every layer result.
  llvm::DenseSet<SpaceAttr> defined;
  SmallVector<Value> values(model.getEmbedOp()->getResults());
  for (LayerOp layer : model.getLayers())
    llvm::append_range(values, layer.getResults());
  for (Value value : values) {
    SpaceAttr space = getSpace(value);
    if (!defined.insert(space).second)
      return model.emitOpError("two subspaces have the basis ") << space;
  }

  llvm::DenseSet<SpaceAttr> listed;
  SmallVector<SpaceAttr> spaces;
  for (Attribute attr : model.getResidual()) {
    auto space = cast<SpaceAttr>(attr);
    if (!listed.insert(space).second)
      return model.emitOpError("residual lists ") << space << " twice";
    if (!defined.contains(space))
      return model.emitOpError("residual lists ")
             << space << ", which is not a subspace of the model";
    spaces.push_back(space);
  }
  for (Value value : values)
    if (!listed.contains(getSpace(value)))
      return model.emitOpError("residual does not list the subspace ")
             << getSpace(value);

  SmallVector<std::string> expected = residualLabels(spaces);
  ArrayAttr labels = model.getLabels();
  if (labels.size() != expected.size())
    return model.emitOpError("has ")
           << labels.size() << " labels but the residual width is "
           << expected.size();
  llvm::StringSet<> seen;
  for (auto [i, attr, want] : llvm::enumerate(labels, expected)) {
    StringRef label = cast<StringAttr>(attr).getValue();
    if (label != want)
      return model.emitOpError("label ")
             << i << " is '" << label << "' but residual direction " << i
             << " is '" << want << "'";
    if (!seen.insert(label).second)
      return model.emitOpError("residual label '")
             << label << "' appears twice";
  }
  return success();
}

LogicalResult ModelOp::verifyRegions() {
  if (failed(verifyModelBody(*this)))
    return failure();
  return verifyResidual(*this);
}

//===----------------------------------------------------------------------===//
// LayerOp
//===----------------------------------------------------------------------===//

llvm::iterator_range<Block::op_iterator<AttentionHeadOp>> LayerOp::getHeads() {
  return getBody().front().getOps<AttentionHeadOp>();
}

MLPOp LayerOp::getMLP() {
  for (Operation &op : getBody().front())
    if (auto mlp = dyn_cast<MLPOp>(op))
      return mlp;
  return {};
}

YieldOp LayerOp::getYieldOp() {
  Block &body = getBody().front();
  if (body.empty())
    return {};
  return dyn_cast<YieldOp>(body.back());
}

SpaceAttr LayerOp::getResultSpace(unsigned index) {
  YieldOp yield = getYieldOp();
  if (!yield || index >= yield.getValues().size())
    return {};
  return craft::getSpace(yield.getValues()[index]);
}

void LayerOp::getAsmResultNames(OpAsmSetValueNameFn setNameFn) {
  for (OpResult result : getResults())
    if (SpaceAttr space = getResultSpace(result.getResultNumber()))
      setNameFn(result, space.getLabel().getValue());
}

LogicalResult LayerOp::verifyRegions() {
  Block &body = getBody().front();
  YieldOp yield = getYieldOp();
  if (!yield)
    return emitOpError("body must end with 'craft.yield'");
  bool seenMLP = false;
  SmallVector<Value> written;
  for (Operation &op : body.without_terminator()) {
    if (auto head = dyn_cast<AttentionHeadOp>(op)) {
      if (seenMLP)
        return emitOpError("attention heads must precede the MLP");
      for (Value operand : head->getOperands())
        if (operand.getParentBlock() == &body) {
          InFlightDiagnostic diag =
              emitOpError("attention head reads a subspace written in the "
                          "same layer; the heads of a sublayer run in "
                          "parallel");
          diag.attachNote(head.getLoc()) << "head here";
          return diag;
        }
    } else if (isa<MLPOp>(op)) {
      if (seenMLP)
        return emitOpError("may hold at most one 'craft.mlp'; the MLPs of a "
                           "sublayer are combined into one");
      seenMLP = true;
    } else {
      return emitOpError("body may only hold 'craft.attention_head' and "
                         "'craft.mlp' ops, found '")
             << op.getName() << "'";
    }
    llvm::append_range(written, op.getResults());
  }
  if (!llvm::equal(written, yield.getValues()))
    return emitOpError("must yield every result of its heads and MLP, in "
                       "order");
  if (yield.getValues().size() != getNumResults())
    return emitOpError("yields ")
           << yield.getValues().size() << " values but has " << getNumResults()
           << " results";
  for (auto [yielded, result] : llvm::zip(yield.getValues(), getResults()))
    if (yielded.getType() != result.getType())
      return emitOpError("result type ")
             << result.getType() << " does not match yielded type "
             << yielded.getType();
  return success();
}
