//===- Lowering.cpp - Driver of the rasp-to-craft lowering ----------------===//

#include "Lowering.h"

#include "RaspDialect/Conversion/RASPToCraft/Synthesis/CategoricalMLP.h"
#include "RaspDialect/Conversion/RASPToCraft/Synthesis/NumericalMLP.h"
#include "RaspDialect/Dialect/Craft/Evaluator/Evaluator.h"
#include "RaspDialect/Support/MemoryBudget.h"

#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/TypeSwitch.h"
#include "llvm/Support/Format.h"

using namespace mlir;
using namespace mlir::rasp;
using namespace mlir::rasp::lowering;
namespace synth = mlir::craft::synth;

Lowering::Lowering(ProgramOp source, OpBuilder &builder,
                   const synth::SynthesisOptions &synthesis,
                   const LowerToCraftPassOptions &options)
    : builder(builder),
      placement(craft::ProgramGraph(), options.foldEmbeddings),
      synthesis(synthesis), options(options), source(source) {}

//===----------------------------------------------------------------------===//
// Labels, value sets and spaces
//===----------------------------------------------------------------------===//

std::string Lowering::uniqueLabel(StringRef base) {
  std::string label = base.str();
  for (unsigned n = 2; !labels.insert(label).second; ++n)
    label = base.str() + "_" + std::to_string(n);
  return label;
}

std::string Lowering::labelFor(Operation *op) {
  if (std::optional<StringRef> name = craft::getLocationName(op->getLoc()))
    return uniqueLabel(*name);
  StringRef mnemonic = op->getName().stripDialect();
  return uniqueLabel(mnemonic.str() + "_" +
                     std::to_string(++counters[mnemonic]));
}

FailureOr<ValueSet> Lowering::valuesOf(Operation *op) {
  Attribute attr = op->getAttr(RASPDialect::getValuesAttrName());
  if (!attr)
    return op->emitOpError("has no 'values' attribute; run --infer-bases "
                           "before --lower-to-craft");
  FailureOr<ValueSet> values = fromArrayAttr(attr);
  if (failed(values))
    return op->emitOpError("has an invalid 'values' attribute");
  canonicalizeValueSet(*values);
  llvm::erase_if(*values, [](const PyValue &v) { return v.isNone(); });
  return values;
}

craft::SpaceAttr Lowering::spaceFor(StringRef label, const ValueSet *values) {
  MLIRContext *context = builder.getContext();
  StringAttr name = builder.getStringAttr(label);
  if (!values)
    return craft::SpaceAttr::get(name);
  SmallVector<Attribute> attrs;
  for (const PyValue &v : *values)
    attrs.push_back(toAttr(context, v));
  return craft::SpaceAttr::get(context, name, builder.getArrayAttr(attrs));
}

Value Lowering::buildMLP(Location loc, const craft::MLPBlock &block,
                         ValueRange inputs, craft::SpaceAttr space) {
  return craft::buildMLP(builder, loc, block, inputs, {space}).getResult(0);
}

void Lowering::noteFusionFallback(Location loc, const llvm::Twine &reason) {
  ++stats.fusionFallbacks;
  if (options.fusionRemarks)
    emitRemark(loc, "fused MLP not used: ")
        << reason.str() << "; computed from its operands' subspaces";
}

LogicalResult Lowering::fail(Operation *op, llvm::Error error) {
  return op->emitOpError("cannot be lowered to craft: ")
         << llvm::toString(std::move(error));
}

LogicalResult Lowering::checkTableSize(Operation *op, uint64_t rows,
                                       uint64_t cols, uint64_t bytes,
                                       StringRef what) {
  return rasp::MemoryBudget::check(
      op->getLoc(), bytes,
      what + " of '" + op->getName().getStringRef() + "' (" +
          llvm::Twine(rows) + " x " + llvm::Twine(cols) + " entries)");
}

FailureOr<PyValue> Lowering::call(Operation *op, const ElementFunction &fn,
                                  ArrayRef<PyValue> args) {
  EvalError error{op->getLoc(), ""};
  FailureOr<PyValue> result = fn(args, &error);
  if (failed(result))
    return op->emitOpError("cannot be lowered to craft: ")
           << describeEvalFailure(error, args);
  return result;
}

LogicalResult mlir::rasp::lowering::lowerUnary(Lowering &l, Operation *op,
                                               Value input, UnaryFn f) {
  SOpInfo &in = l.info(input);
  if (in.constant) {
    FailureOr<PyValue> value =
        in.constant->isNone() ? PyValue::none() : f(*in.constant);
    if (failed(value))
      return failure();
    bool numerical = cast<SOpType>(op->getResult(0).getType()).isNumerical();
    ValueSet values;
    if (!value->isNone())
      values.push_back(*value);
    l.define(op->getResult(0),
             {Value(), values, numerical, *value, l.labelFor(op)});
    return success();
  }
  std::vector<PyValue> outputs;
  for (const PyValue &v : in.values) {
    FailureOr<PyValue> out = f(v);
    if (failed(out))
      return failure();
    outputs.push_back(*out);
  }
  if (in.numerical)
    return lowerNumericalFunction(l, op, input, outputs);
  return lowerCategoricalFunction(l, op, input, outputs);
}

//===----------------------------------------------------------------------===//
// Materialised views
//===----------------------------------------------------------------------===//

FailureOr<Value> Lowering::materialize(Value sop) {
  SOpInfo &i = info(sop);
  if (i.space)
    return i.space;
  if (!i.constant)
    return materializeFused(*this, sop);
  // A constant: one unit, 1 at every position but BOS.
  Location loc = sop.getLoc();
  craft::MLPBlock block =
      i.numerical ? synth::constantNumerical(i.constant->toDouble())
                  : synth::constantCategorical(
                        i.values.size(), synth::indexIn(i.values, *i.constant));
  i.space = buildMLP(loc, block, {one, bos},
                     spaceFor(i.label, i.numerical ? nullptr : &i.values));
  return i.space;
}

FailureOr<Value> Lowering::categoricalView(Operation *user, Value sop) {
  SOpInfo &i = info(sop);
  if (!i.numerical)
    return materialize(sop);
  if (Value cached = categoricalViews.lookup(sop))
    return cached;
  if (!i.constant && options.fuseMLPs) {
    FailureOr<Value> view = fusedCategoricalView(*this, user, sop);
    if (succeeded(view))
      categoricalViews[sop] = *view;
    return view;
  }
  Value view;
  if (i.constant) {
    view = buildMLP(sop.getLoc(), synth::constantCategorical(1, 0), {one, bos},
                    spaceFor(uniqueLabel(i.label + "_cat"), &i.values));
  } else {
    // One-hot encode the numerical value: the identity into its value set.
    llvm::Expected<craft::MLPBlock> block = synth::mapNumericalToCategorical(
        i.values, i.values, i.values, synthesis);
    if (!block)
      return fail(user, block.takeError());
    view = buildMLP(sop.getLoc(), *block, {i.space, one, bos},
                    spaceFor(uniqueLabel(i.label + "_cat"), &i.values));
    markNoisy(view);
  }
  categoricalViews[sop] = view;
  return view;
}

FailureOr<Value> Lowering::classView(Operation *user, Value sop,
                                     ArrayRef<size_t> classOf,
                                     const ValueSet &representatives) {
  SOpInfo &i = info(sop);
  if (i.constant)
    return buildMLP(sop.getLoc(), synth::constantCategorical(1, 0), {one, bos},
                    spaceFor(uniqueLabel(i.label + "_cls"), &i.values));
  llvm::Expected<std::vector<double>> xs = synth::numericValues(i.values);
  if (!xs)
    return fail(user, xs.takeError());
  std::vector<synth::SparseVector> outs;
  for (size_t c : classOf)
    outs.push_back({{static_cast<int64_t>(c), 1.0}});
  llvm::Expected<craft::MLPBlock> block = synth::discretise(
      *xs, outs, representatives.size(), {0.0, 0.0}, synthesis);
  if (!block)
    return fail(user, block.takeError());
  // Labelled by the classes' first members, which are distinct values.
  Value view =
      buildMLP(sop.getLoc(), *block, {i.space, one, bos},
               spaceFor(uniqueLabel(i.label + "_cls"), &representatives));
  markNoisy(view);
  return view;
}

Value Lowering::tupleFeature(ArrayRef<Value> spaces, StringRef label) {
  std::vector<void *> key;
  for (Value v : spaces)
    key.push_back(v.getAsOpaquePointer());
  if (Value cached = tupleFeatures[key])
    return cached;
  // Values of the tuple space: the components' values in mixed radix order.
  SmallVector<craft::SpaceAttr> components;
  SmallVector<int64_t> dims;
  for (Value v : spaces) {
    components.push_back(craft::getSpace(v));
    dims.push_back(components.back().getDim());
  }
  SmallVector<Attribute> tuples;
  SmallVector<int64_t> digit(dims.size(), 0);
  bool anyNoisy = llvm::any_of(spaces, [&](Value v) { return isNoisy(v); });
  craft::MLPBlock block =
      anyNoisy ? synth::cleanTupleFeature(dims) : synth::tupleFeature(dims);
  for (int64_t t = 0, e = block.outputDims.front(); t < e; ++t) {
    int64_t rest = t;
    for (int64_t i = dims.size() - 1; i >= 0; --i) {
      digit[i] = rest % dims[i];
      rest /= dims[i];
    }
    SmallVector<Attribute> tuple;
    for (auto [c, d] : llvm::zip(components, digit))
      tuple.push_back(c.getValues()[d]);
    tuples.push_back(builder.getArrayAttr(tuple));
  }
  SmallVector<Value> inputs(spaces.begin(), spaces.end());
  inputs.push_back(one);
  auto space = craft::SpaceAttr::get(builder.getContext(),
                                     builder.getStringAttr(uniqueLabel(label)),
                                     builder.getArrayAttr(tuples));
  Value feature = buildMLP(spaces.front().getLoc(), block, inputs, space);
  tupleFeatures[key] = feature;
  return feature;
}

Value Lowering::clean(Value space) {
  if (!isNoisy(space))
    return space;
  if (Value cached = cleanCopies.lookup(space))
    return cached;
  craft::SpaceAttr basis = craft::getSpace(space);
  FailureOr<ValueSet> values = craft::spaceValues(basis);
  if (failed(values))
    return space; // Only value spaces are marked noisy.
  // The identity on its own value set, read through clamp units; it cannot
  // fail, every output being an input value.
  llvm::Expected<craft::MLPBlock> block =
      synth::cleanLookup(*values, *values, &*values);
  if (!block) {
    llvm::consumeError(block.takeError());
    return space;
  }
  Value copy = buildMLP(
      space.getLoc(), *block, {space, one},
      spaceFor(uniqueLabel(basis.getLabel().str() + "_clean"), &*values));
  cleanCopies[space] = copy;
  return copy;
}

//===----------------------------------------------------------------------===//
// Leaves and depths
//===----------------------------------------------------------------------===//

int64_t Lowering::depthOf(const FusedValue &value) {
  int64_t depth = -1;
  for (unsigned id : value.leaves) {
    const Leaf &l = leaves[id];
    if (l.categorical)
      depth = std::max(depth, depthOf(l.space));
    for (auto [space, coeff] : l.form)
      depth = std::max(depth, depthOf(space));
  }
  return depth;
}

unsigned Lowering::addLeaf(Leaf leaf) {
  // Leaves are equal if they read the same directions the same way: the key
  // holds the raw bits of pointers and doubles (no formatting, which cost
  // more than the rest of fusion on numerical SOps of thousands of values).
  std::string key;
  auto append = [&](const auto &raw) {
    key.append(reinterpret_cast<const char *>(&raw), sizeof(raw));
  };
  if (leaf.categorical) {
    key.push_back('c');
    append(leaf.space.getAsOpaquePointer());
  } else {
    key.push_back('n');
    key.reserve(1 + leaf.form.size() * 16 + leaf.readings.size() * 8 + 1);
    for (auto [space, coeff] : leaf.form) {
      append(space.getAsOpaquePointer());
      append(coeff);
    }
    // A separator cannot be confused with the fixed-size fields: the form's
    // length is part of the key.
    append(leaf.form.size());
    for (double r : leaf.readings)
      append(r);
  }
  auto [it, inserted] = leafKeys.try_emplace(key, leaves.size());
  if (inserted)
    leaves.push_back(std::move(leaf));
  return it->second;
}

unsigned Lowering::leafOf(Value space, const ValueSet &values, bool numerical,
                          bool mayBeNone) {
  Leaf leaf;
  leaf.values = values;
  if (!numerical) {
    leaf.categorical = true;
    leaf.space = space;
    leaf.absError = errorOf(space);
    leaf.mayBeNone = mayBeNone;
    return addLeaf(std::move(leaf));
  }
  leaf.form = {{space, 1.0}};
  for (const PyValue &v : values)
    leaf.readings.push_back(v.isNumber() ? v.toDouble() : 0.0);
  leaf.absError = errorOf(space);
  return addLeaf(std::move(leaf));
}

FusedValue Lowering::identity(unsigned id) const {
  FusedValue value;
  value.leaves = {id};
  const Leaf &l = leaves[id];
  for (size_t i = 0; i < l.values.size(); ++i) {
    value.points.push_back(static_cast<int32_t>(i));
    value.outputs.push_back(l.values[i]);
  }
  if (l.mayBeNone) {
    value.points.push_back(-1);
    value.outputs.push_back(PyValue::none());
  }
  return value;
}

//===----------------------------------------------------------------------===//
// Driver
//===----------------------------------------------------------------------===//

/// The ops the output depends on, SOps and selectors.
static llvm::DenseSet<Operation *> reachableFrom(Value output) {
  llvm::DenseSet<Operation *> seen;
  SmallVector<Operation *> work;
  if (Operation *def = output.getDefiningOp())
    work.push_back(def);
  while (!work.empty()) {
    Operation *op = work.pop_back_val();
    if (!seen.insert(op).second)
      continue;
    for (Value operand : op->getOperands())
      if (Operation *def = operand.getDefiningOp())
        work.push_back(def);
  }
  return seen;
}

LogicalResult Lowering::lowerOp(Operation *op) {
  return llvm::TypeSwitch<Operation *, LogicalResult>(op)
      .Case<TokensOp, IndicesOp>([&](auto primitive) -> LogicalResult {
        bool isTokens = isa<TokensOp>(op);
        auto type = cast<SOpType>(primitive.getType());
        if (type.isNumerical())
          return op->emitOpError("cannot be lowered to craft: ")
                 << (isTokens ? "tokens" : "indices") << " must be categorical";
        Value space = isTokens ? tokens : indices;
        const ValueSet &values = isTokens ? tokenValues : indexValues;
        SOpInfo info{space, values, false, std::nullopt,
                     isTokens ? "tokens" : "indices"};
        if (options.fuseMLPs)
          info.fused = identity(leafOf(space, values, false));
        define(primitive.getResult(), std::move(info));
        return success();
      })
      .Case<FullOp>([&](FullOp full) { return lowerFull(*this, full); })
      .Case<MapOp, SequenceMapOp, LinearSequenceMapOp>(
          [&](Operation *elementwise) -> LogicalResult {
            if (options.fuseMLPs)
              return lowerElementwise(*this, elementwise);
            return lowerLegacyElementwise(elementwise);
          })
      .Case<AggregateOp>(
          [&](AggregateOp agg) { return lowerAggregate(*this, agg); })
      .Case<SelectorWidthOp>(
          [&](SelectorWidthOp sw) { return lowerSelectorWidth(*this, sw); })
      .Default([](Operation *) { return success(); });
}

LogicalResult Lowering::lowerLegacyElementwise(Operation *op) {
  return llvm::TypeSwitch<Operation *, LogicalResult>(op)
      .Case<MapOp>([&](MapOp map) -> LogicalResult {
        FailureOr<ElementFunction> fn = ElementFunction::get(map.getBody());
        if (failed(fn))
          return failure();
        return lowerUnary(*this, map, map.getInput(), [&](const PyValue &x) {
          return call(map, *fn, {x});
        });
      })
      .Case<SequenceMapOp>(
          [&](SequenceMapOp seq) { return lowerSequenceMap(*this, seq); })
      .Case<LinearSequenceMapOp>([&](LinearSequenceMapOp lin) {
        return lowerLinearSequenceMap(*this, lin);
      });
}

/// The value set of the primitive `OpTy` in `program`: its `values`, or
/// `fallback` if the op is absent or carries none.
template <typename OpTy>
static std::optional<ValueSet>
primitiveValues(ProgramOp program, std::optional<ValueSet> fallback) {
  for (OpTy op : program.getBody().getOps<OpTy>())
    if (Attribute attr = op->getAttr(RASPDialect::getValuesAttrName()))
      if (FailureOr<ValueSet> values = fromArrayAttr(attr); succeeded(values)) {
        canonicalizeValueSet(*values);
        return *values;
      }
  return fallback;
}

LogicalResult Lowering::run() {
  // Vocabulary and positions.
  std::optional<ValueSet> vocab;
  if (std::optional<ArrayAttr> attr = source.getVocab())
    if (FailureOr<ValueSet> v = fromArrayAttr(*attr); succeeded(v)) {
      canonicalizeValueSet(*v);
      vocab = *v;
    }
  vocab = primitiveValues<TokensOp>(source, vocab);
  if (!vocab)
    return source.emitOpError("cannot be lowered to craft: no vocabulary "
                              "(a 'vocab' attribute or 'values' on "
                              "rasp.tokens)");
  std::optional<ValueSet> positions;
  if (std::optional<uint64_t> n = source.getMaxSeqLen()) {
    positions.emplace();
    for (uint64_t i = 0; i < *n; ++i)
      positions->push_back(PyValue::integer(i));
  }
  positions = primitiveValues<IndicesOp>(source, positions);
  if (!positions)
    return source.emitOpError("cannot be lowered to craft: no max_seq_len "
                              "(a 'max_seq_len' attribute or 'values' on "
                              "rasp.indices)");

  for (StringRef reserved : {"tokens", "indices", "one"})
    labels.insert(reserved);
  MLIRContext *context = builder.getContext();
  auto embed = craft::EmbedOp::create(
      builder, source.getLoc(), spaceFor("tokens", &*vocab),
      spaceFor("indices", &*positions), spaceFor("one", nullptr),
      craft::SpaceAttr::get(
          context, builder.getStringAttr("tokens"),
          builder.getArrayAttr(builder.getStringAttr(source.getBosName()))));
  tokens = embed.getTokens();
  indices = embed.getIndices();
  tokenValues = *vocab;
  indexValues = *positions;
  one = embed.getOne();
  bos = embed.getBos();

  if (options.indexArithmetic)
    indexArithmetic.emplace(source, synthesis.maxSeqLen);

  Value output = source.getOutput();
  llvm::DenseSet<Operation *> needed = reachableFrom(output);
  for (Operation &op : source.getBody().front())
    if (needed.contains(&op) && failed(lowerOp(&op)))
      return failure();
  FailureOr<Value> result = materialize(output);
  if (failed(result))
    return failure();
  craft::OutputOp::create(builder, source.getOutputOp().getLoc(), *result);
  return success();
}

FailureOr<craft::ProgramOp>
mlir::rasp::lowerToCraft(ProgramOp program,
                         const LowerToCraftPassOptions &options,
                         LowerToCraftStats *stats) {
  synth::SynthesisOptions synthesis;
  synthesis.softmaxScale = options.softmaxScale;
  synthesis.mlpSlope = options.mlpSlope;
  synthesis.causal = program.getCausal();
  if (std::optional<uint64_t> n = program.getMaxSeqLen())
    synthesis.maxSeqLen = *n;
  else if (std::optional<ValueSet> idx =
               primitiveValues<IndicesOp>(program, std::nullopt))
    synthesis.maxSeqLen = std::max<int64_t>(1, idx->size());

  OpBuilder builder(program);
  builder.setInsertionPointAfter(program);
  auto craftProgram = craft::ProgramOp::create(
      builder, program.getLoc(), program.getSymNameAttr(),
      program.getVocabAttr(), program.getMaxSeqLenAttr(), program.getBosAttr(),
      program.getCausalAttr());
  builder.setInsertionPointToStart(&craftProgram.getBody().emplaceBlock());
  Lowering lowering(program, builder, synthesis, options);
  if (failed(lowering.run())) {
    craftProgram.erase();
    return failure();
  }
  if (stats)
    *stats = lowering.stats;
  return craftProgram;
}
