//===- ProgramBuilder.cpp - Writing rasp.program op by op -----------------===//
//
// The frontend of raspc.rasp: every RASP expression becomes one rasp op
// located at its label; a Python function becomes the table form of its op
// (a body holding one rasp.table), so nothing after this file knows where
// the program came from. Value types follow the values: the common static
// type of the values an op can produce, !rasp.any when they differ.
//
//===----------------------------------------------------------------------===//

#include "BridgeImpl.h"

#include "RaspDialect/Dialect/RASP/IR/RASPOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/Verifier.h"

using namespace mlir;
using namespace mlir::rasp;

namespace raspc {

namespace {
/// Builds into the state's program, reporting diagnostics as text.
class Writer {
public:
  explicit Writer(ProgramBuilder::State &state)
      : state(state), capture(state.context.get()),
        builder(state.context.get()) {
    builder.setInsertionPointToEnd(&state.program.getBody().front());
  }

  MLIRContext *context() { return state.context.get(); }
  Location loc(const std::string &label) {
    return NameLoc::get(StringAttr::get(context(), label));
  }

  /// The value of a handle of the given kind, or an error.
  FailureOr<mlir::Value> sop(int handle) { return lookup(handle, true); }
  FailureOr<mlir::Value> selector(int handle) { return lookup(handle, false); }

  /// An SOp type, or an error at `where` if the encoding does not admit
  /// the value type.
  FailureOr<SOpType> sopType(Location where, Encoding encoding, Type type) {
    auto enc = encoding == Encoding::Numerical ? rasp::Encoding::Numerical
                                               : rasp::Encoding::Categorical;
    SOpType result = SOpType::getChecked([&] { return emitError(where); },
                                         context(), enc, type);
    if (!result)
      return failure();
    return result;
  }

  /// Verifies `op` and records its result as a new handle.
  Outcome<int> finish(Operation *op) {
    if (failed(mlir::verify(op))) {
      op->erase();
      return fail();
    }
    state.handles.push_back(op->getResult(0));
    return Outcome<int>{static_cast<int>(state.handles.size()) - 1, {}};
  }

  template <typename T>
  Outcome<T> fail() {
    return Outcome<T>::failure(capture.take());
  }
  Outcome<int> fail() { return fail<int>(); }

  OpBuilder &b() { return builder; }

private:
  FailureOr<mlir::Value> lookup(int handle, bool wantSOp) {
    if (handle < 0 || handle >= static_cast<int>(state.handles.size())) {
      emitError(UnknownLoc::get(context()), "no SOp or selector #")
          << handle << " in this program";
      return failure();
    }
    mlir::Value v = state.handles[handle];
    if (isa<SOpType>(v.getType()) != wantSOp) {
      emitError(v.getLoc(), wantSOp ? "expected an SOp, got a selector"
                                    : "expected a selector, got an SOp");
      return failure();
    }
    return v;
  }

  ProgramBuilder::State &state;
  DiagnosticCapture capture;
  OpBuilder builder;
};

/// The static type of a value, None as !rasp.none.
Type typeOf(MLIRContext *context, const PyValue &v) {
  return staticTypeOf(context, v);
}

/// The common type of `values`: their static type if they share one, else
/// !rasp.any; `empty` when there are none.
Type joinTypes(MLIRContext *context, llvm::ArrayRef<PyValue> values,
               Type empty) {
  Type joined;
  for (const PyValue &v : values) {
    Type t = typeOf(context, v);
    if (!joined)
      joined = t;
    else if (joined != t)
      return AnyValueType::get(context);
  }
  return joined ? joined : empty;
}

/// The value type of an op producing `results` with `encoding`: numerical
/// SOps hold i1, i64 or f64, so numbers of several types become floats.
Type resultType(MLIRContext *context, llvm::ArrayRef<PyValue> results,
                Encoding encoding) {
  Builder b(context);
  if (encoding == Encoding::Categorical)
    return joinTypes(context, results, rasp::NoneType::get(context));
  Type joined = joinTypes(context, results, b.getF64Type());
  if (isNumericValueType(joined))
    return joined;
  bool numbers =
      llvm::all_of(results, [](const PyValue &v) { return v.isNumber(); });
  // Anything else is refused by the SOp type, with a message naming it.
  return numbers ? b.getF64Type() : joined;
}

/// `v` as an attribute of type `type`, converting numbers as argument
/// binding does (int to float, bool to int).
FailureOr<Attribute> attrOfType(MLIRContext *context, const PyValue &v,
                                Type type, Location where) {
  if (v.isNone())
    return Attribute(UnitAttr::get(context));
  llvm::Expected<PyValue> typed = coerceToType(v, type);
  if (!typed)
    return emitError(where) << llvm::toString(typed.takeError());
  return toAttr(context, *typed);
}

/// The body `^bb0(args): %r = rasp.table(args) keys -> results; yield %r`.
LogicalResult writeTableBody(Writer &w, Region &body, Location where,
                             TypeRange argTypes, Type resultType,
                             llvm::ArrayRef<PyValue> keys,
                             llvm::ArrayRef<PyValue> results) {
  MLIRContext *context = w.context();
  SmallVector<Attribute> keyAttrs, resultAttrs;
  keyAttrs.reserve(keys.size());
  resultAttrs.reserve(results.size());
  for (const PyValue &key : keys) {
    if (argTypes.size() == 1) {
      FailureOr<Attribute> a = attrOfType(context, key, argTypes[0], where);
      if (failed(a))
        return failure();
      keyAttrs.push_back(*a);
      continue;
    }
    if (!key.isTuple() || key.getItems().size() != argTypes.size())
      return emitError(where) << "a key of the table is not a tuple of "
                              << argTypes.size() << " arguments";
    SmallVector<Attribute> items;
    for (auto [item, type] : llvm::zip(key.getItems(), argTypes)) {
      FailureOr<Attribute> a = attrOfType(context, item, type, where);
      if (failed(a))
        return failure();
      items.push_back(*a);
    }
    keyAttrs.push_back(ArrayAttr::get(context, items));
  }
  for (const PyValue &result : results) {
    FailureOr<Attribute> a = attrOfType(context, result, resultType, where);
    if (failed(a))
      return failure();
    resultAttrs.push_back(*a);
  }
  OpBuilder::InsertionGuard guard(w.b());
  SmallVector<Location> argLocs(argTypes.size(), where);
  Block *block = w.b().createBlock(&body, {}, argTypes, argLocs);
  w.b().setInsertionPointToEnd(block);
  auto table = TableOp::create(w.b(), where, resultType, block->getArguments(),
                               ArrayAttr::get(context, keyAttrs),
                               ArrayAttr::get(context, resultAttrs));
  YieldOp::create(w.b(), where, table.getResult());
  return success();
}

/// Writes the table body of `op` (a map, sequence_map or select_where just
/// created) and adds `op` to the program; erases it if the table is not
/// well typed.
Outcome<int> finishTableOp(Writer &w, Operation *op, Location where,
                           TypeRange argTypes, Type resultType,
                           llvm::ArrayRef<PyValue> keys,
                           llvm::ArrayRef<PyValue> results) {
  if (failed(writeTableBody(w, op->getRegion(0), where, argTypes, resultType,
                            keys, results))) {
    op->erase();
    return w.fail();
  }
  return w.finish(op);
}

Type valueTypeOf(mlir::Value sop) {
  return cast<SOpType>(sop.getType()).getValueType();
}
} // namespace

//===----------------------------------------------------------------------===//
// ProgramBuilder
//===----------------------------------------------------------------------===//

ProgramBuilder::ProgramBuilder(std::unique_ptr<State> state)
    : state(std::move(state)) {}

ProgramBuilder::~ProgramBuilder() = default;

Outcome<std::unique_ptr<ProgramBuilder>>
ProgramBuilder::create(const std::string &name, const Parameters &parameters) {
  auto state = std::make_unique<State>();
  DialectRegistry registry;
  driver::registerDialects(registry);
  state->context = std::make_unique<MLIRContext>(registry);
  state->context->loadAllAvailableDialects();
  state->context->printOpOnDiagnostic(false);
  state->parameters = parameters;
  state->vocab = toPyValues(parameters.vocab);
  MLIRContext *context = state->context.get();
  OpBuilder b(context);
  Location loc = NameLoc::get(StringAttr::get(context, name));
  state->module = ModuleOp::create(loc);
  b.setInsertionPointToEnd(state->module->getBody());
  auto program = ProgramOp::create(b, loc, name, nullptr, nullptr, nullptr,
                                   parameters.causal);
  program.getBody().emplaceBlock();
  program.setVocabAttr(toArrayAttr(context, state->vocab));
  if (parameters.maxSeqLen >= 1)
    program.setMaxSeqLenAttr(b.getI64IntegerAttr(parameters.maxSeqLen));
  program.setBosAttr(b.getStringAttr(parameters.bos));
  state->program = program;
  return Outcome<std::unique_ptr<ProgramBuilder>>{
      std::unique_ptr<ProgramBuilder>(new ProgramBuilder(std::move(state))),
      {}};
}

Outcome<int> ProgramBuilder::tokens(const std::string &label,
                                    Encoding encoding) {
  Writer w(*state);
  Location loc = w.loc(label);
  Type type =
      joinTypes(w.context(), state->vocab, AnyValueType::get(w.context()));
  FailureOr<SOpType> sopType = w.sopType(loc, encoding, type);
  if (failed(sopType))
    return w.fail();
  return w.finish(TokensOp::create(w.b(), loc, *sopType, nullptr));
}

Outcome<int> ProgramBuilder::indices(const std::string &label,
                                     Encoding encoding) {
  Writer w(*state);
  Location loc = w.loc(label);
  FailureOr<SOpType> sopType =
      w.sopType(loc, encoding, IntegerType::get(w.context(), 64));
  if (failed(sopType))
    return w.fail();
  return w.finish(IndicesOp::create(w.b(), loc, *sopType, nullptr));
}

Outcome<int> ProgramBuilder::full(const Value &fill, const std::string &label,
                                  Encoding encoding) {
  Writer w(*state);
  Location loc = w.loc(label);
  PyValue value = toPyValue(fill);
  FailureOr<SOpType> sopType =
      w.sopType(loc, encoding, resultType(w.context(), value, encoding));
  if (failed(sopType))
    return w.fail();
  FailureOr<Attribute> attr =
      attrOfType(w.context(), value, sopType->getValueType(), loc);
  if (failed(attr))
    return w.fail();
  return w.finish(FullOp::create(w.b(), loc, *sopType, *attr, nullptr));
}

Outcome<int> ProgramBuilder::mapTable(int input, const std::vector<Value> &keys,
                                      const std::vector<Value> &results,
                                      const std::string &label,
                                      Encoding encoding) {
  Writer w(*state);
  Location loc = w.loc(label);
  FailureOr<mlir::Value> in = w.sop(input);
  if (failed(in))
    return w.fail();
  std::vector<PyValue> resultValues = toPyValues(results);
  FailureOr<SOpType> sopType =
      w.sopType(loc, encoding, resultType(w.context(), resultValues, encoding));
  if (failed(sopType))
    return w.fail();
  auto op = MapOp::create(w.b(), loc, *sopType, *in, nullptr);
  return finishTableOp(w, op, loc, {valueTypeOf(*in)}, sopType->getValueType(),
                       toPyValues(keys), resultValues);
}

Outcome<int> ProgramBuilder::sequenceMapTable(int lhs, int rhs,
                                              const std::vector<Value> &keys,
                                              const std::vector<Value> &results,
                                              const std::string &label,
                                              Encoding encoding) {
  Writer w(*state);
  Location loc = w.loc(label);
  FailureOr<mlir::Value> x = w.sop(lhs);
  if (failed(x))
    return w.fail();
  FailureOr<mlir::Value> y = w.sop(rhs);
  if (failed(y))
    return w.fail();
  std::vector<PyValue> resultValues = toPyValues(results);
  FailureOr<SOpType> sopType =
      w.sopType(loc, encoding, resultType(w.context(), resultValues, encoding));
  if (failed(sopType))
    return w.fail();
  auto op = SequenceMapOp::create(w.b(), loc, *sopType, *x, *y, nullptr);
  Type argTypes[] = {valueTypeOf(*x), valueTypeOf(*y)};
  return finishTableOp(w, op, loc, argTypes, sopType->getValueType(),
                       toPyValues(keys), resultValues);
}

Outcome<int> ProgramBuilder::linearSequenceMap(int lhs, int rhs,
                                               double lhsCoeff, double rhsCoeff,
                                               const std::string &label,
                                               Encoding encoding) {
  Writer w(*state);
  Location loc = w.loc(label);
  FailureOr<mlir::Value> x = w.sop(lhs);
  if (failed(x))
    return w.fail();
  FailureOr<mlir::Value> y = w.sop(rhs);
  if (failed(y))
    return w.fail();
  FailureOr<SOpType> sopType =
      w.sopType(loc, encoding, Float64Type::get(w.context()));
  if (failed(sopType))
    return w.fail();
  return w.finish(LinearSequenceMapOp::create(
      w.b(), loc, *sopType, *x, *y, w.b().getF64FloatAttr(lhsCoeff),
      w.b().getF64FloatAttr(rhsCoeff), nullptr));
}

static rasp::Comparison toComparison(Comparison predicate) {
  switch (predicate) {
  case Comparison::Eq:
    return rasp::Comparison::Eq;
  case Comparison::Lt:
    return rasp::Comparison::Lt;
  case Comparison::Leq:
    return rasp::Comparison::Leq;
  case Comparison::Gt:
    return rasp::Comparison::Gt;
  case Comparison::Geq:
    return rasp::Comparison::Geq;
  case Comparison::Neq:
    return rasp::Comparison::Neq;
  case Comparison::True:
    return rasp::Comparison::True;
  case Comparison::False:
    return rasp::Comparison::False;
  }
  return rasp::Comparison::Eq;
}

Outcome<int> ProgramBuilder::select(int keys, int queries, Comparison predicate,
                                    const std::string &label) {
  Writer w(*state);
  Location loc = w.loc(label);
  FailureOr<mlir::Value> k = w.sop(keys);
  if (failed(k))
    return w.fail();
  FailureOr<mlir::Value> q = w.sop(queries);
  if (failed(q))
    return w.fail();
  return w.finish(SelectOp::create(w.b(), loc, SelectorType::get(w.context()),
                                   *k, *q, toComparison(predicate)));
}

Outcome<int> ProgramBuilder::selectTable(int keys, int queries,
                                         const std::vector<Value> &pairs,
                                         const std::vector<bool> &selected,
                                         const std::string &label) {
  Writer w(*state);
  Location loc = w.loc(label);
  FailureOr<mlir::Value> k = w.sop(keys);
  if (failed(k))
    return w.fail();
  FailureOr<mlir::Value> q = w.sop(queries);
  if (failed(q))
    return w.fail();
  std::vector<PyValue> results;
  results.reserve(selected.size());
  for (bool s : selected)
    results.push_back(PyValue::boolean(s));
  auto op =
      SelectWhereOp::create(w.b(), loc, SelectorType::get(w.context()), *k, *q);
  Type argTypes[] = {valueTypeOf(*k), valueTypeOf(*q)};
  return finishTableOp(w, op, loc, argTypes, IntegerType::get(w.context(), 1),
                       toPyValues(pairs), results);
}

Outcome<int> ProgramBuilder::selectorAnd(int lhs, int rhs,
                                         const std::string &label) {
  Writer w(*state);
  FailureOr<mlir::Value> a = w.selector(lhs), b = w.selector(rhs);
  if (failed(a) || failed(b))
    return w.fail();
  return w.finish(SelectorAndOp::create(
      w.b(), w.loc(label), SelectorType::get(w.context()), *a, *b));
}

Outcome<int> ProgramBuilder::selectorOr(int lhs, int rhs,
                                        const std::string &label) {
  Writer w(*state);
  FailureOr<mlir::Value> a = w.selector(lhs), b = w.selector(rhs);
  if (failed(a) || failed(b))
    return w.fail();
  return w.finish(SelectorOrOp::create(w.b(), w.loc(label),
                                       SelectorType::get(w.context()), *a, *b));
}

Outcome<int> ProgramBuilder::selectorNot(int input, const std::string &label) {
  Writer w(*state);
  FailureOr<mlir::Value> a = w.selector(input);
  if (failed(a))
    return w.fail();
  return w.finish(SelectorNotOp::create(w.b(), w.loc(label),
                                        SelectorType::get(w.context()), *a));
}

Outcome<int> ProgramBuilder::aggregate(int selector, int input,
                                       const std::optional<Value> &defaultValue,
                                       const std::string &label,
                                       Encoding encoding) {
  Writer w(*state);
  Location loc = w.loc(label);
  FailureOr<mlir::Value> sel = w.selector(selector);
  if (failed(sel))
    return w.fail();
  FailureOr<mlir::Value> in = w.sop(input);
  if (failed(in))
    return w.fail();
  // A categorical aggregate moves values of the input; a numerical one
  // averages them into floats.
  Type type = encoding == Encoding::Numerical ? Float64Type::get(w.context())
                                              : valueTypeOf(*in);
  FailureOr<SOpType> sopType = w.sopType(loc, encoding, type);
  if (failed(sopType))
    return w.fail();
  Attribute def;
  if (defaultValue && defaultValue->kind != Value::Kind::None)
    def = toAttr(w.context(), toPyValue(*defaultValue));
  return w.finish(
      AggregateOp::create(w.b(), loc, *sopType, *sel, *in, def, nullptr));
}

Outcome<int> ProgramBuilder::selectorWidth(int selector,
                                           const std::string &label,
                                           Encoding encoding) {
  Writer w(*state);
  Location loc = w.loc(label);
  FailureOr<mlir::Value> sel = w.selector(selector);
  if (failed(sel))
    return w.fail();
  FailureOr<SOpType> sopType =
      w.sopType(loc, encoding, IntegerType::get(w.context(), 64));
  if (failed(sopType))
    return w.fail();
  return w.finish(SelectorWidthOp::create(w.b(), loc, *sopType, *sel, nullptr));
}

Outcome<std::vector<Value>> ProgramBuilder::valueSet(int sop) {
  using Result = Outcome<std::vector<Value>>;
  DiagnosticCapture capture(state->context.get());
  if (sop < 0 || sop >= static_cast<int>(state->handles.size()) ||
      !isa<SOpType>(state->handles[sop].getType()))
    return Result::failure("no SOp #" + std::to_string(sop));
  // Basis inference over everything built so far, again only when ops were
  // added since.
  size_t numOps = state->program.getBody().front().getOperations().size();
  if (!state->analysis || state->analyzedOps != numOps) {
    state->analysis.reset();
    ValueSetOptions options;
    options.vocab = state->vocab;
    options.maxSeqLen = state->parameters.maxSeqLen;
    FailureOr<ValueSetAnalysis> analysis =
        ValueSetAnalysis::compute(state->program, options);
    if (failed(analysis))
      return Result::failure(capture.take());
    state->analysis = std::move(*analysis);
    state->analyzedOps = numOps;
  }
  const ValueSet *set = state->analysis->lookup(state->handles[sop]);
  if (!set)
    return Result::failure("no value set for SOp #" + std::to_string(sop));
  return Result{fromPyValues(*set), {}};
}

std::string ProgramBuilder::print() {
  std::string text;
  llvm::raw_string_ostream os(text);
  state->module->print(os);
  return text;
}

Outcome<std::shared_ptr<Program>>
ProgramBuilder::finish(std::unique_ptr<ProgramBuilder> builder, int output) {
  using Result = Outcome<std::shared_ptr<Program>>;
  State &s = *builder->state;
  {
    Writer w(s);
    FailureOr<mlir::Value> out = w.sop(output);
    if (failed(out))
      return w.fail<std::shared_ptr<Program>>();
    OutputOp::create(w.b(), out->getLoc(), *out);
    if (failed(mlir::verify(*s.module)))
      return w.fail<std::shared_ptr<Program>>();
  }
  auto programState = std::make_unique<Program::State>();
  std::string error;
  FailureOr<driver::DriverOptions> options =
      makeDriverOptions(s.parameters, error);
  if (failed(options))
    return Result::failure(error);
  programState->options = *options;
  {
    DiagnosticCapture capture(s.context.get());
    FailureOr<driver::LoadedProgram> loaded =
        driver::loadProgram(*s.module, programState->options);
    if (failed(loaded))
      return Result::failure(capture.take());
    programState->loaded = std::move(*loaded);
  }
  programState->context = std::move(s.context);
  programState->module = std::move(s.module);
  programState->parameters = s.parameters;
  programState->handles = std::move(s.handles);
  return Result{std::make_shared<Program>(std::move(programState)), {}};
}

} // namespace raspc
