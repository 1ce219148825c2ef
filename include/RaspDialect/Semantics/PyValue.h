//===- PyValue.h - Scalar values with Python semantics ----------*- C++ -*-===//
//
// RASP values are Python's: None, bool, int (64-bit here), float, str and
// tuples of them. This header defines the value type and the Python operators
// on it. It is
// the single source of value semantics: the interpreter, basis inference and
// weight synthesis all evaluate element functions through it.
//
//===----------------------------------------------------------------------===//

#ifndef RASPDIALECT_SEMANTICS_PYVALUE_H
#define RASPDIALECT_SEMANTICS_PYVALUE_H

#include "RaspDialect/Dialect/RASP/IR/RASPDialect.h"

#include "llvm/ADT/Hashing.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace mlir::rasp {

/// A Python value: None, bool, int, float, str or a tuple of values.
class PyValue {
public:
  enum class Kind : uint8_t { None, Bool, Int, Float, Str, Tuple };

  PyValue() = default;
  static PyValue none() { return PyValue(); }
  static PyValue boolean(bool b);
  static PyValue integer(int64_t i);
  static PyValue real(double d);
  static PyValue str(std::string s);
  /// A tuple; immutable, so copies share the items.
  static PyValue tuple(std::vector<PyValue> items);

  Kind getKind() const { return kind; }
  bool isNone() const { return kind == Kind::None; }
  bool isBool() const { return kind == Kind::Bool; }
  bool isInt() const { return kind == Kind::Int; }
  bool isFloat() const { return kind == Kind::Float; }
  bool isStr() const { return kind == Kind::Str; }
  bool isTuple() const { return kind == Kind::Tuple; }
  /// bool, int or float: the types Python arithmetic accepts.
  bool isNumber() const {
    return kind == Kind::Bool || kind == Kind::Int || kind == Kind::Float;
  }

  bool getBool() const { return i != 0; }
  int64_t getInt() const { return i; }
  double getFloat() const { return d; }
  const std::string &getStr() const { return s; }
  /// The items of a tuple (empty for other kinds).
  llvm::ArrayRef<PyValue> getItems() const;
  /// The value of a number as a double (bool and int converted).
  double toDouble() const;

  /// Python's `type(x).__name__`.
  llvm::StringRef typeName() const;
  /// Python's `repr(x)`, for diagnostics.
  std::string repr() const;
  /// JSON form: null, true/false, integers, floats with a fraction or
  /// exponent (shortest round-trip form), quoted strings, tuples as arrays.
  void printJSON(llvm::raw_ostream &os) const;
  std::string toJSON() const;

  /// Python `==`: numbers compare by value across bool/int/float
  /// (`True == 1 == 1.0`), strings by content, tuples item by item; other
  /// mixes are unequal.
  bool equals(const PyValue &other) const;
  bool operator==(const PyValue &other) const { return equals(other); }
  bool operator!=(const PyValue &other) const { return !equals(other); }

  /// Identical type and value (`1` and `1.0` differ).
  bool identical(const PyValue &other) const;

  /// Strict weak order used for value sets: None, then numbers by value, then
  /// strings lexicographically, then tuples lexicographically by this order.
  /// Consistent with `equals`.
  static bool setLess(const PyValue &a, const PyValue &b);

  /// Hash consistent with `equals`.
  llvm::hash_code hash() const;

private:
  Kind kind = Kind::None;
  int64_t i = 0;
  double d = 0.0;
  std::string s;
  std::shared_ptr<const std::vector<PyValue>> items;
};

inline llvm::hash_code hash_value(const PyValue &v) { return v.hash(); }

inline llvm::raw_ostream &operator<<(llvm::raw_ostream &os, const PyValue &v) {
  return os << v.repr();
}

/// A sorted, duplicate-free list of values (Python set semantics).
using ValueSet = std::vector<PyValue>;

/// Sorts `values` by PyValue::setLess and removes duplicates.
void canonicalizeValueSet(ValueSet &values);

//===----------------------------------------------------------------------===//
// Python operators
//===----------------------------------------------------------------------===//

namespace py {

/// The Python spelling of a binary operator (`+`, `//`, `**`, `<=`) or
/// builtin (`min`, `max`).
llvm::StringRef operatorSymbol(BinaryKind kind);

/// Python truthiness: None, False, 0, 0.0, "" and () are false.
bool truthy(const PyValue &v);

/// `lhs <op> rhs` with Python semantics. Errors (TypeError, ZeroDivisionError,
/// 64-bit overflow) carry a Python-style message.
llvm::Expected<PyValue> binary(BinaryKind kind, const PyValue &lhs,
                               const PyValue &rhs);

/// `<op> v` or a scalar helper (`abs`, `int`, `round`, ...).
llvm::Expected<PyValue> unary(UnaryKind kind, const PyValue &v);

/// `a * x + b * y`: the value of Tracr's LinearSequenceMap (and of
/// `rasp.linear_sequence_map`) at a position holding `x` and `y`.
llvm::Expected<PyValue> linearCombination(const PyValue &a, const PyValue &x,
                                          const PyValue &b, const PyValue &y);

/// A built-in select predicate applied as `predicate(key, query)`.
llvm::Expected<bool> compare(Comparison predicate, const PyValue &key,
                             const PyValue &query);

/// Parses a vocabulary item: an int if it parses as one, else a float if it
/// parses as one, else the string itself.
PyValue parseVocabItem(llvm::StringRef text);

} // namespace py

//===----------------------------------------------------------------------===//
// Conversion to and from MLIR
//===----------------------------------------------------------------------===//

/// The attribute form of a value: BoolAttr, i64 IntegerAttr, f64 FloatAttr,
/// StringAttr, UnitAttr for None, and an ArrayAttr of the items for a tuple.
Attribute toAttr(MLIRContext *context, const PyValue &v);

/// The value an attribute denotes; failure for attributes that are none of
/// the forms `toAttr` produces.
FailureOr<PyValue> fromAttr(Attribute attr);

/// Reads an ArrayAttr of value attributes.
FailureOr<ValueSet> fromArrayAttr(Attribute attr);

/// Builds the ArrayAttr form of a value set.
ArrayAttr toArrayAttr(MLIRContext *context, llvm::ArrayRef<PyValue> values);

/// The smallest static value type holding `v`: i1, i64, f64, !rasp.str,
/// !rasp.none, or !rasp.any for a tuple (tuples have no static type).
Type staticTypeOf(MLIRContext *context, const PyValue &v);

/// Converts `v` to the static value type `type` the way an element function
/// argument is bound: bool widens to int and float, int to float; !rasp.any
/// accepts anything. Fails on any other mismatch.
llvm::Expected<PyValue> coerceToType(const PyValue &v, Type type);

} // namespace mlir::rasp

#endif // RASPDIALECT_SEMANTICS_PYVALUE_H
