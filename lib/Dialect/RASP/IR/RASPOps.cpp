//===- RASPOps.cpp - RASP operation verifiers and helpers -----------------===//

#include "RaspDialect/Dialect/RASP/IR/RASPOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"
#include "llvm/ADT/DenseSet.h"

using namespace mlir;
using namespace mlir::rasp;

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

static SOpType sopType(Value v) { return cast<SOpType>(v.getType()); }

/// Checks the optional `values` attribute (the inferred value set).
static LogicalResult verifyValueSet(Operation *op) {
  auto values = op->getAttrOfType<ArrayAttr>(RASPDialect::getValuesAttrName());
  if (!values)
    return success();
  Type valueType = sopType(op->getResult(0)).getValueType();
  llvm::DenseSet<Attribute> seen;
  for (Attribute value : values) {
    if (!valueAttrHasType(value, valueType))
      return op->emitOpError("value set entry ")
             << value << " does not have the sop value type " << valueType;
    if (!seen.insert(value).second)
      return op->emitOpError("value set lists ") << value << " twice";
  }
  return success();
}

/// Checks that `body` takes arguments of `argTypes` and yields `resultType`.
static LogicalResult verifyBody(Operation *op, Region &body, TypeRange argTypes,
                                Type resultType) {
  Block &block = body.front();
  if (block.getNumArguments() != argTypes.size())
    return op->emitOpError("body must take ")
           << argTypes.size() << " argument(s), got "
           << block.getNumArguments();
  for (auto [i, arg, type] : llvm::enumerate(block.getArguments(), argTypes))
    if (arg.getType() != type)
      return op->emitOpError("body argument #")
             << i << " must have type " << type << ", got " << arg.getType();
  auto yield = dyn_cast<YieldOp>(block.getTerminator());
  if (!yield)
    return op->emitOpError("body must end with 'rasp.yield'");
  if (yield.getValue().getType() != resultType)
    return op->emitOpError("body must yield ")
           << resultType << ", got " << yield.getValue().getType();
  return success();
}

/// Names an op's result after the variable it is bound to, if known.
static void nameResult(Operation *op, OpAsmSetValueNameFn setNameFn,
                       StringRef fallback = {}) {
  if (auto name = dyn_cast<NameLoc>(op->getLoc()))
    setNameFn(op->getResult(0), name.getName().getValue());
  else if (!fallback.empty())
    setNameFn(op->getResult(0), fallback);
}

#define RASP_NAME_RESULT(OP, FALLBACK)                                         \
  void OP::getAsmResultNames(OpAsmSetValueNameFn setNameFn) {                  \
    nameResult(*this, setNameFn, FALLBACK);                                    \
  }
RASP_NAME_RESULT(TokensOp, "tokens")
RASP_NAME_RESULT(IndicesOp, "indices")
RASP_NAME_RESULT(FullOp, "full")
RASP_NAME_RESULT(MapOp, "map")
RASP_NAME_RESULT(SequenceMapOp, "sequence_map")
RASP_NAME_RESULT(LinearSequenceMapOp, "linear_sequence_map")
RASP_NAME_RESULT(AggregateOp, "aggregate")
RASP_NAME_RESULT(SelectorWidthOp, "selector_width")
RASP_NAME_RESULT(SelectOp, "select")
RASP_NAME_RESULT(SelectWhereOp, "select")
RASP_NAME_RESULT(SelectorAndOp, "selector_and")
RASP_NAME_RESULT(SelectorOrOp, "selector_or")
RASP_NAME_RESULT(SelectorNotOp, "selector_not")
#undef RASP_NAME_RESULT

//===----------------------------------------------------------------------===//
// ProgramOp
//===----------------------------------------------------------------------===//

OutputOp ProgramOp::getOutputOp() {
  Block &block = getBody().front();
  if (block.empty())
    return {};
  return dyn_cast<OutputOp>(block.back());
}

Value ProgramOp::getOutput() {
  OutputOp out = getOutputOp();
  return out ? out.getOutput() : Value();
}

StringRef ProgramOp::getBosName() {
  std::optional<StringRef> bos = getBos();
  return bos ? *bos : StringRef("BOS");
}

LogicalResult ProgramOp::verify() {
  if (!getOutputOp())
    return emitOpError("body must end with 'rasp.output'");
  if (std::optional<ArrayAttr> vocab = getVocab()) {
    if (vocab->empty())
      return emitOpError("vocabulary must not be empty");
    llvm::DenseSet<Attribute> seen;
    for (Attribute item : *vocab) {
      if (!isValueAttr(item) || isa<UnitAttr>(item))
        return emitOpError("vocabulary item ")
               << item << " is not a bool, int, float, string or tuple";
      if (!seen.insert(item).second)
        return emitOpError("vocabulary lists ") << item << " twice";
      if (auto s = dyn_cast<StringAttr>(item);
          s && s.getValue() == getBosName())
        return emitOpError("vocabulary contains the BOS token '")
               << getBosName() << "'";
    }
  }
  return success();
}

//===----------------------------------------------------------------------===//
// SOp ops
//===----------------------------------------------------------------------===//

LogicalResult TokensOp::verify() { return verifyValueSet(*this); }

LogicalResult IndicesOp::verify() {
  if (!getType().getValueType().isInteger(64))
    return emitOpError("indices must hold i64 values, got ")
           << getType().getValueType();
  return verifyValueSet(*this);
}

LogicalResult FullOp::verify() {
  if (!valueAttrHasType(getFill(), getType().getValueType()))
    return emitOpError("fill value ")
           << getFill() << " does not have the sop value type "
           << getType().getValueType();
  return verifyValueSet(*this);
}

LogicalResult MapOp::verifyRegions() {
  if (failed(verifyBody(*this, getBody(), {sopType(getInput()).getValueType()},
                        getType().getValueType())))
    return failure();
  return verifyValueSet(*this);
}

LogicalResult SequenceMapOp::verifyRegions() {
  Type argTypes[] = {sopType(getLhs()).getValueType(),
                     sopType(getRhs()).getValueType()};
  if (failed(verifyBody(*this, getBody(), argTypes, getType().getValueType())))
    return failure();
  return verifyValueSet(*this);
}

LogicalResult LinearSequenceMapOp::verify() {
  if (!sopType(getLhs()).isNumerical() || !sopType(getRhs()).isNumerical() ||
      !getType().isNumerical())
    return emitOpError("operands and result must be numerical sops");
  if (!getType().getValueType().isF64())
    return emitOpError("result must hold f64 values, got ")
           << getType().getValueType();
  return verifyValueSet(*this);
}

LogicalResult AggregateOp::verify() {
  SOpType input = sopType(getInput());
  SOpType result = getType();
  if (result.isNumerical()) {
    if (!isNumericValueType(input.getValueType()))
      return emitOpError("numerical aggregate needs an input of i1, i64 or "
                         "f64 values, got ")
             << input.getValueType();
    if (!result.getValueType().isF64())
      return emitOpError("numerical aggregate must produce f64 values, got ")
             << result.getValueType();
  } else if (input.getValueType() != result.getValueType()) {
    return emitOpError("categorical aggregate must produce the input's value "
                       "type ")
           << input.getValueType() << ", got " << result.getValueType();
  }
  if (std::optional<Attribute> def = getDefaultValue()) {
    if (!isValueAttr(*def))
      return emitOpError("default ") << *def << " is not a value";
    if (result.isNumerical() && !isa<IntegerAttr, FloatAttr>(*def))
      return emitOpError("numerical aggregate needs a numeric default, got ")
             << *def;
    if (result.isCategorical() && !isa<UnitAttr>(*def) &&
        !valueAttrHasType(*def, result.getValueType()))
      return emitOpError("default ")
             << *def << " does not have the sop value type "
             << result.getValueType();
  }
  return verifyValueSet(*this);
}

LogicalResult SelectorWidthOp::verify() {
  if (!getType().getValueType().isInteger(64))
    return emitOpError("selector width must hold i64 values, got ")
           << getType().getValueType();
  return verifyValueSet(*this);
}

//===----------------------------------------------------------------------===//
// Selector ops
//===----------------------------------------------------------------------===//

LogicalResult SelectWhereOp::verifyRegions() {
  Type argTypes[] = {sopType(getKeys()).getValueType(),
                     sopType(getQueries()).getValueType()};
  return verifyBody(*this, getBody(), argTypes,
                    IntegerType::get(getContext(), 1));
}

//===----------------------------------------------------------------------===//
// Scalar ops
//===----------------------------------------------------------------------===//

LogicalResult ConstantOp::verify() {
  Type type = getType();
  if (!isValueAttr(getValue()))
    return emitOpError("value ") << getValue() << " is not a RASP value";
  if (!isa<StrType, NoneType, AnyValueType>(type))
    return emitOpError("must produce !rasp.str, !rasp.none or !rasp.any; use "
                       "'arith.constant' for ")
           << type;
  if (!valueAttrHasType(getValue(), type))
    return emitOpError("value ")
           << getValue() << " does not have type " << type;
  return success();
}

OpFoldResult ConstantOp::fold(FoldAdaptor) { return getValue(); }

LogicalResult TableOp::verify() {
  size_t arity = getArgs().size();
  if (arity == 0)
    return emitOpError("must take at least one argument");
  if (getKeys().size() != getResults().size())
    return emitOpError("has ") << getKeys().size() << " keys but "
                               << getResults().size() << " results";
  Type resultType = getType();
  llvm::DenseSet<Attribute> seen;
  for (auto [index, key, result] : llvm::enumerate(getKeys(), getResults())) {
    // With one argument the key is the argument's value itself.
    SmallVector<Attribute, 2> args;
    if (arity == 1) {
      args.push_back(key);
    } else {
      auto array = dyn_cast<ArrayAttr>(key);
      if (!array || array.size() != arity)
        return emitOpError("key #") << index << " must be an array of " << arity
                                    << " arguments, got " << key;
      llvm::append_range(args, array.getValue());
    }
    for (auto [arg, type] : llvm::zip(args, getArgs().getTypes()))
      if (isa<UnitAttr>(arg) || !valueAttrHasType(arg, type))
        return emitOpError("key #")
               << index << " holds " << arg << ", which is not a value of type "
               << type;
    if (!seen.insert(key).second)
      return emitOpError("lists the key ") << key << " twice";
    if (!valueAttrHasType(result, resultType))
      return emitOpError("result #")
             << index << " " << result << " is not a value of type "
             << resultType;
  }
  return success();
}

#define GET_OP_CLASSES
#include "RaspDialect/Dialect/RASP/IR/RASP.cpp.inc"
