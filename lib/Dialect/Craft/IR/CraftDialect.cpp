//===- CraftDialect.cpp - Craft dialect, types and attributes -------------===//

#include "RaspDialect/Dialect/Craft/IR/CraftDialect.h"
#include "RaspDialect/Dialect/Craft/IR/CraftOps.h"
#include "RaspDialect/Dialect/RASP/IR/RASPDialect.h"
#include "RaspDialect/Semantics/PyValue.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::craft;

#include "RaspDialect/Dialect/Craft/IR/CraftDialect.cpp.inc"

#define GET_TYPEDEF_CLASSES
#include "RaspDialect/Dialect/Craft/IR/CraftTypes.cpp.inc"

#include "RaspDialect/Dialect/Craft/IR/CraftEnums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "RaspDialect/Dialect/Craft/IR/CraftAttrs.cpp.inc"

#include "RaspDialect/Dialect/Craft/IR/CraftInterfaces.cpp.inc"

void CraftDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "RaspDialect/Dialect/Craft/IR/Craft.cpp.inc"
      >();
  addTypes<
#define GET_TYPEDEF_LIST
#include "RaspDialect/Dialect/Craft/IR/CraftTypes.cpp.inc"
      >();
  addAttributes<
#define GET_ATTRDEF_LIST
#include "RaspDialect/Dialect/Craft/IR/CraftAttrs.cpp.inc"
      >();
}

FailureOr<ElementsAttr> mlir::craft::parseWeights(AsmParser &parser) {
  Attribute attr;
  SMLoc loc = parser.getCurrentLocation();
  if (parser.parseAttribute(attr))
    return failure();
  auto elements = dyn_cast<ElementsAttr>(attr);
  if (!elements)
    return parser.emitError(loc, "expected an elements attribute");
  return elements;
}

bool mlir::craft::isDirectionValue(Attribute attr) {
  // Any value but None (the zero vector); tuples are arrays of values.
  return rasp::isValueAttr(attr) && !isa<UnitAttr>(attr);
}

SpaceAttr mlir::craft::getSpace(Value value) {
  auto result = dyn_cast<OpResult>(value);
  if (!result)
    return {};
  if (auto producer = dyn_cast<SpaceOpInterface>(result.getOwner()))
    return producer.getResultSpace(result.getResultNumber());
  return {};
}

//===----------------------------------------------------------------------===//
// DirectionAttr
//===----------------------------------------------------------------------===//

/// Python's `repr` of a direction value (tuples as `(a, b)`).
static std::string valueRepr(Attribute value) {
  if (auto tuple = dyn_cast<ArrayAttr>(value)) {
    std::string s = "(";
    for (auto [i, element] : llvm::enumerate(tuple)) {
      if (i)
        s += ", ";
      s += valueRepr(element);
    }
    return s + (tuple.size() == 1 ? ",)" : ")");
  }
  FailureOr<rasp::PyValue> v = rasp::fromAttr(value);
  if (failed(v))
    return "<invalid>";
  return v->repr();
}

std::string DirectionAttr::str() const {
  std::string s = getLabel().str();
  Attribute value = getValue();
  if (!value)
    return s;
  // Like Python's str(): strings are not quoted.
  if (auto string = dyn_cast<StringAttr>(value))
    return s + ":" + string.str();
  return s + ":" + valueRepr(value);
}

//===----------------------------------------------------------------------===//
// SpaceAttr
//===----------------------------------------------------------------------===//

LogicalResult SpaceAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                StringAttr label, ArrayAttr values) {
  if (!label || label.getValue().empty())
    return emitError() << "space label must not be empty";
  if (!values)
    return success();
  llvm::DenseSet<Attribute> seen;
  for (Attribute value : values) {
    if (!isDirectionValue(value))
      return emitError() << "space value must be a bool, i64, f64 or string "
                            "attribute or an array of them, got "
                         << value;
    if (!seen.insert(value).second)
      return emitError() << "space value " << value << " appears twice";
  }
  return success();
}

DirectionAttr SpaceAttr::getDirection(unsigned i) const {
  if (isNumerical())
    return DirectionAttr::get(getContext(), getLabel(), Attribute());
  return DirectionAttr::get(getContext(), getLabel(), getValues()[i]);
}

std::optional<unsigned> SpaceAttr::indexOf(Attribute value) const {
  if (isNumerical())
    return std::nullopt;
  for (auto [i, v] : llvm::enumerate(getValues()))
    if (v == value)
      return i;
  return std::nullopt;
}
