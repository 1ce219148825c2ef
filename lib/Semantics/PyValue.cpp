//===- PyValue.cpp - Scalar values with Python semantics ------------------===//

#include "RaspDialect/Semantics/PyValue.h"
#include "RaspDialect/Support/Text.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Format.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>

using namespace mlir;
using namespace mlir::rasp;

//===----------------------------------------------------------------------===//
// PyValue
//===----------------------------------------------------------------------===//

PyValue PyValue::boolean(bool b) {
  PyValue v;
  v.kind = Kind::Bool;
  v.i = b ? 1 : 0;
  v.d = v.i;
  return v;
}

PyValue PyValue::integer(int64_t i) {
  PyValue v;
  v.kind = Kind::Int;
  v.i = i;
  v.d = static_cast<double>(i);
  return v;
}

PyValue PyValue::real(double d) {
  PyValue v;
  v.kind = Kind::Float;
  v.d = d;
  return v;
}

PyValue PyValue::str(std::string s) {
  PyValue v;
  v.kind = Kind::Str;
  v.s = std::move(s);
  return v;
}

PyValue PyValue::tuple(std::vector<PyValue> items) {
  PyValue v;
  v.kind = Kind::Tuple;
  v.items = std::make_shared<const std::vector<PyValue>>(std::move(items));
  return v;
}

llvm::ArrayRef<PyValue> PyValue::getItems() const {
  if (!items)
    return {};
  return *items;
}

double PyValue::toDouble() const {
  return kind == Kind::Float ? d : static_cast<double>(i);
}

llvm::StringRef PyValue::typeName() const {
  switch (kind) {
  case Kind::None:
    return "NoneType";
  case Kind::Bool:
    return "bool";
  case Kind::Int:
    return "int";
  case Kind::Float:
    return "float";
  case Kind::Str:
    return "str";
  case Kind::Tuple:
    return "tuple";
  }
  llvm_unreachable("unknown kind");
}

/// Python's float repr: the shortest digits that parse back to `d`, in fixed
/// notation when the decimal exponent is in [-4, 16) and in scientific
/// notation otherwise (CPython's float_repr_style 'short').
static std::string floatRepr(double d) {
  if (std::isnan(d))
    return "nan";
  if (std::isinf(d))
    return d > 0 ? "inf" : "-inf";
  // "%.*e" with the fewest digits that round-trip: "-d.ddde+XX". No
  // decimal with fewer digits than the shortest round-trip form of
  // std::to_chars round-trips, so the search starts there (from 0 near
  // exponent 100, where a shorter form can have a longer exponent).
  char buf[40];
  int start = 0;
  auto [end, ec] =
      std::to_chars(buf, buf + sizeof(buf), d, std::chars_format::scientific);
  // For a normal double below 2^53 that is not a power of two, the
  // rounding interval is symmetric and finer than the shortest digits, so
  // the correctly rounded shortest digits ("%.*e") are std::to_chars' own.
  int exp2 = 0;
  double magnitude = std::abs(d);
  bool symmetric =
      d == 0 || (magnitude >= std::numeric_limits<double>::min() &&
                 magnitude < 0x1p53 && std::frexp(magnitude, &exp2) != 0.5);
  if (ec == std::errc() && symmetric) {
    *end = '\0';
  } else {
    if (ec == std::errc()) {
      llvm::StringRef shortest(buf, end - buf);
      shortest.consume_front("-");
      auto [mantissa, exponent] = shortest.split('e');
      if (exponent.size() <= 3 && exponent != "+99" && exponent != "-99")
        start = mantissa.size() > 1 ? static_cast<int>(mantissa.size()) - 2 : 0;
    }
    for (int precision = start; precision <= 16; ++precision) {
      std::snprintf(buf, sizeof(buf), "%.*e", precision, d);
      if (std::strtod(buf, nullptr) == d)
        break;
    }
  }
  llvm::StringRef text(buf);
  std::string sign = text.consume_front("-") ? "-" : "";
  auto [mantissa, exponentText] = text.split('e');
  std::string digits = mantissa.str();
  digits.erase(std::remove(digits.begin(), digits.end(), '.'), digits.end());
  int exponent = std::atoi(exponentText.str().c_str());
  if (exponent < -4 || exponent >= 16) {
    std::string out = sign + digits.substr(0, 1);
    if (digits.size() > 1)
      out += "." + digits.substr(1);
    char exp[16];
    std::snprintf(exp, sizeof(exp), "e%c%02d", exponent < 0 ? '-' : '+',
                  std::abs(exponent));
    return out + exp;
  }
  int point = exponent + 1; // digits before the decimal point
  if (point <= 0)
    return sign + "0." + std::string(-point, '0') + digits;
  if (point >= int(digits.size()))
    return sign + digits + std::string(point - digits.size(), '0') + ".0";
  return sign + digits.substr(0, point) + "." + digits.substr(point);
}

static std::string quote(const std::string &s, char q) {
  std::string out(1, q);
  for (char c : s) {
    switch (c) {
    case '\\':
      out += "\\\\";
      break;
    case '\n':
      out += "\\n";
      break;
    case '\t':
      out += "\\t";
      break;
    case '\r':
      out += "\\r";
      break;
    default:
      if (c == q) {
        out += '\\';
        out += c;
      } else if (static_cast<unsigned char>(c) < 0x20) {
        char buf[8];
        std::snprintf(buf, sizeof(buf), q == '"' ? "\\u%04x" : "\\x%02x",
                      static_cast<unsigned char>(c));
        out += buf;
      } else {
        out += c;
      }
    }
  }
  out += q;
  return out;
}

std::string PyValue::repr() const {
  switch (kind) {
  case Kind::None:
    return "None";
  case Kind::Bool:
    return i ? "True" : "False";
  case Kind::Int:
    return std::to_string(i);
  case Kind::Float:
    return floatRepr(d);
  case Kind::Str:
    return quote(s, '\'');
  case Kind::Tuple: {
    std::string out = "(";
    for (auto [index, item] : llvm::enumerate(getItems())) {
      if (index)
        out += ", ";
      out += item.repr();
    }
    return out + (getItems().size() == 1 ? ",)" : ")");
  }
  }
  llvm_unreachable("unknown kind");
}

void PyValue::printJSON(llvm::raw_ostream &os) const {
  switch (kind) {
  case Kind::None:
    os << "null";
    return;
  case Kind::Bool:
    os << (i ? "true" : "false");
    return;
  case Kind::Int:
    os << i;
    return;
  case Kind::Float:
    // JSON has no inf/nan. Python's json module writes (and reads) them as
    // these bare words, distinct from null (None); docs/Limits.md.
    if (std::isnan(d))
      os << "NaN";
    else if (std::isinf(d))
      os << (d > 0 ? "Infinity" : "-Infinity");
    else
      os << floatRepr(d);
    return;
  case Kind::Str:
    // JSON is UTF-8: invalid bytes (a string from IR, never from a checked
    // vocabulary) become U+FFFD rather than invalid output.
    os << quote(isValidUTF8(s) ? s : replaceInvalidUTF8(s), '"');
    return;
  case Kind::Tuple:
    os << '[';
    for (auto [index, item] : llvm::enumerate(getItems())) {
      if (index)
        os << ", ";
      item.printJSON(os);
    }
    os << ']';
    return;
  }
}

std::string PyValue::toJSON() const {
  std::string out;
  llvm::raw_string_ostream os(out);
  printJSON(os);
  return out;
}

/// Exact comparison of two numbers: -1, 0 or 1 (NaN compares as unordered,
/// returned as 2).
static int compareNumbers(const PyValue &a, const PyValue &b) {
  if (!a.isFloat() && !b.isFloat()) {
    int64_t x = a.getInt(), y = b.getInt();
    return x < y ? -1 : (x > y ? 1 : 0);
  }
  if (a.isFloat() && b.isFloat()) {
    double x = a.getFloat(), y = b.getFloat();
    if (std::isnan(x) || std::isnan(y))
      return 2;
    return x < y ? -1 : (x > y ? 1 : 0);
  }
  // int vs float: compare exactly, as Python does.
  bool flip = a.isFloat();
  int64_t n = flip ? b.getInt() : a.getInt();
  double f = flip ? a.getFloat() : b.getFloat();
  int result;
  if (std::isnan(f))
    return 2;
  if (f >= 9223372036854775808.0)
    result = -1;
  else if (f < -9223372036854775808.0)
    result = 1;
  else {
    double fl = std::floor(f);
    auto fi = static_cast<int64_t>(fl);
    if (n < fi)
      result = -1;
    else if (n > fi)
      result = 1;
    else
      result = fl == f ? 0 : -1;
  }
  return flip ? -result : result;
}

bool PyValue::equals(const PyValue &other) const {
  if (isNumber() && other.isNumber())
    return compareNumbers(*this, other) == 0;
  if (kind != other.kind)
    return false;
  if (kind == Kind::Str)
    return s == other.s;
  if (kind == Kind::Tuple) {
    llvm::ArrayRef<PyValue> a = getItems(), b = other.getItems();
    return a.size() == b.size() && llvm::all_of(llvm::zip(a, b), [](auto pair) {
             return std::get<0>(pair).equals(std::get<1>(pair));
           });
  }
  return true; // None == None
}

bool PyValue::identical(const PyValue &other) const {
  if (kind != other.kind)
    return false;
  switch (kind) {
  case Kind::None:
    return true;
  case Kind::Bool:
  case Kind::Int:
    return i == other.i;
  case Kind::Float:
    return d == other.d || (std::isnan(d) && std::isnan(other.d));
  case Kind::Str:
    return s == other.s;
  case Kind::Tuple: {
    llvm::ArrayRef<PyValue> a = getItems(), b = other.getItems();
    return a.size() == b.size() && llvm::all_of(llvm::zip(a, b), [](auto pair) {
             return std::get<0>(pair).identical(std::get<1>(pair));
           });
  }
  }
  return false;
}

static int rank(const PyValue &v) {
  if (v.isNone())
    return 0;
  if (v.isNumber())
    return 1;
  if (v.isStr())
    return 2;
  return 3;
}

bool PyValue::setLess(const PyValue &a, const PyValue &b) {
  int ra = rank(a), rb = rank(b);
  if (ra != rb)
    return ra < rb;
  if (ra == 1) {
    int c = compareNumbers(a, b);
    if (c == 2) // NaN sorts last
      return !std::isnan(a.toDouble()) && std::isnan(b.toDouble());
    return c < 0;
  }
  if (ra == 2)
    return a.s < b.s;
  if (ra == 3) {
    // Lexicographic: the first items that differ decide, else the shorter.
    llvm::ArrayRef<PyValue> x = a.getItems(), y = b.getItems();
    for (auto [u, v] : llvm::zip(x, y))
      if (!u.equals(v))
        return setLess(u, v);
    return x.size() < y.size();
  }
  return false;
}

llvm::hash_code PyValue::hash() const {
  const PyValue &v = *this;
  switch (v.kind) {
  case PyValue::Kind::None:
    return llvm::hash_value(0);
  case PyValue::Kind::Bool:
  case PyValue::Kind::Int:
    return llvm::hash_combine(1, v.i);
  case PyValue::Kind::Float: {
    // Integral floats hash like the int they equal.
    double fl = std::floor(v.d);
    if (fl == v.d && std::abs(v.d) < 9.2e18)
      return llvm::hash_combine(1, static_cast<int64_t>(v.d));
    uint64_t bits;
    std::memcpy(&bits, &v.d, sizeof(bits));
    return llvm::hash_combine(2, bits);
  }
  case PyValue::Kind::Str:
    return llvm::hash_combine(3, v.s);
  case PyValue::Kind::Tuple: {
    llvm::hash_code code = llvm::hash_value(4);
    for (const PyValue &item : v.getItems())
      code = llvm::hash_combine(code, item.hash());
    return code;
  }
  }
  return llvm::hash_value(0);
}

void mlir::rasp::canonicalizeValueSet(ValueSet &values) {
  std::stable_sort(values.begin(), values.end(), PyValue::setLess);
  values.erase(std::unique(values.begin(), values.end(),
                           [](const PyValue &a, const PyValue &b) {
                             return a.equals(b);
                           }),
               values.end());
}

//===----------------------------------------------------------------------===//
// Python operators
//===----------------------------------------------------------------------===//

static llvm::Error pyError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

static llvm::Error typeErrorBinary(BinaryKind kind, const PyValue &a,
                                   const PyValue &b) {
  // Python names `**` as "** or pow()" in this message.
  llvm::StringRef symbol =
      kind == BinaryKind::Pow ? "** or pow()" : py::operatorSymbol(kind);
  return pyError("TypeError: unsupported operand type(s) for " + symbol +
                 ": '" + a.typeName() + "' and '" + b.typeName() + "'");
}

static llvm::Error overflowError() {
  return pyError("OverflowError: result does not fit in a 64-bit int");
}

bool py::truthy(const PyValue &v) {
  switch (v.getKind()) {
  case PyValue::Kind::None:
    return false;
  case PyValue::Kind::Bool:
  case PyValue::Kind::Int:
    return v.getInt() != 0;
  case PyValue::Kind::Float:
    return v.getFloat() != 0.0;
  case PyValue::Kind::Str:
    return !v.getStr().empty();
  case PyValue::Kind::Tuple:
    return !v.getItems().empty();
  }
  return false;
}

llvm::StringRef py::operatorSymbol(BinaryKind kind) {
  switch (kind) {
  case BinaryKind::Add:
    return "+";
  case BinaryKind::Sub:
    return "-";
  case BinaryKind::Mul:
    return "*";
  case BinaryKind::TrueDiv:
    return "/";
  case BinaryKind::FloorDiv:
    return "//";
  case BinaryKind::Mod:
    return "%";
  case BinaryKind::Pow:
    return "**";
  case BinaryKind::Eq:
    return "==";
  case BinaryKind::Ne:
    return "!=";
  case BinaryKind::Lt:
    return "<";
  case BinaryKind::Le:
    return "<=";
  case BinaryKind::Gt:
    return ">";
  case BinaryKind::Ge:
    return ">=";
  case BinaryKind::Min:
    return "min";
  case BinaryKind::Max:
    return "max";
  }
  return "?";
}

/// CPython's float divmod.
static void floatDivMod(double vx, double wx, double &floordiv, double &mod) {
  mod = std::fmod(vx, wx);
  double div = (vx - mod) / wx;
  if (mod != 0.0) {
    if ((wx < 0) != (mod < 0)) {
      mod += wx;
      div -= 1.0;
    }
  } else {
    mod = std::copysign(0.0, wx);
  }
  if (div != 0.0) {
    floordiv = std::floor(div);
    if (div - floordiv > 0.5)
      floordiv += 1.0;
  } else {
    floordiv = std::copysign(0.0, vx / wx);
  }
}

static llvm::Expected<PyValue> intPow(int64_t base, int64_t exp) {
  if (exp < 0) {
    if (base == 0)
      return pyError(
          "ZeroDivisionError: 0.0 cannot be raised to a negative power");
    return PyValue::real(
        std::pow(static_cast<double>(base), static_cast<double>(exp)));
  }
  int64_t result = 1, b = base;
  while (exp > 0) {
    if (exp & 1)
      if (__builtin_mul_overflow(result, b, &result))
        return overflowError();
    exp >>= 1;
    if (exp > 0 && __builtin_mul_overflow(b, b, &b))
      return overflowError();
  }
  return PyValue::integer(result);
}

/// Ordering comparison with Python's TypeError for unorderable mixes.
static llvm::Expected<int> orderCompare(BinaryKind kind, const PyValue &a,
                                        const PyValue &b) {
  if (a.isNumber() && b.isNumber())
    return compareNumbers(a, b);
  if (a.isStr() && b.isStr())
    return a.getStr() < b.getStr() ? -1 : (a.getStr() > b.getStr() ? 1 : 0);
  if (a.isTuple() && b.isTuple()) {
    // Python compares the first items that differ with the operator itself
    // (which may raise), else the lengths.
    llvm::ArrayRef<PyValue> x = a.getItems(), y = b.getItems();
    for (auto [u, v] : llvm::zip(x, y))
      if (!u.equals(v))
        return orderCompare(kind, u, v);
    return x.size() < y.size() ? -1 : (x.size() > y.size() ? 1 : 0);
  }
  return pyError("TypeError: '" + py::operatorSymbol(kind) +
                 "' not supported between instances of '" + a.typeName() +
                 "' and '" + b.typeName() + "'");
}

llvm::Expected<PyValue> py::binary(BinaryKind kind, const PyValue &a,
                                   const PyValue &b) {
  switch (kind) {
  case BinaryKind::Eq:
    return PyValue::boolean(a.equals(b));
  case BinaryKind::Ne:
    return PyValue::boolean(!a.equals(b));
  case BinaryKind::Lt:
  case BinaryKind::Le:
  case BinaryKind::Gt:
  case BinaryKind::Ge: {
    // Python's min/max and orderings reject None and str/number mixes.
    llvm::Expected<int> c = orderCompare(kind, a, b);
    if (!c)
      return c.takeError();
    if (*c == 2) // NaN
      return PyValue::boolean(false);
    bool r = kind == BinaryKind::Lt   ? *c < 0
             : kind == BinaryKind::Le ? *c <= 0
             : kind == BinaryKind::Gt ? *c > 0
                                      : *c >= 0;
    return PyValue::boolean(r);
  }
  case BinaryKind::Min:
  case BinaryKind::Max: {
    // min(a, b) is b only if b < a; max(a, b) is b only if b > a.
    llvm::Expected<int> c = orderCompare(BinaryKind::Lt, b, a);
    if (!c)
      return c.takeError();
    bool takeB = kind == BinaryKind::Min ? *c == -1 : *c == 1;
    return takeB ? b : a;
  }
  default:
    break;
  }

  if (a.isTuple() || b.isTuple()) {
    if (kind == BinaryKind::Add && a.isTuple() && b.isTuple()) {
      std::vector<PyValue> items(a.getItems().begin(), a.getItems().end());
      items.insert(items.end(), b.getItems().begin(), b.getItems().end());
      return PyValue::tuple(std::move(items));
    }
    if (kind == BinaryKind::Mul && a.isTuple() != b.isTuple()) {
      const PyValue &seq = a.isTuple() ? a : b;
      const PyValue &count = a.isTuple() ? b : a;
      if (!count.isBool() && !count.isInt())
        return pyError(
            "TypeError: can't multiply sequence by non-int of type '" +
            count.typeName() + "'");
      std::vector<PyValue> items;
      for (int64_t k = 0; k < count.getInt(); ++k) {
        items.insert(items.end(), seq.getItems().begin(), seq.getItems().end());
        if (items.size() > (1u << 20))
          return pyError("MemoryError: tuple repetition is too long");
      }
      return PyValue::tuple(std::move(items));
    }
    return typeErrorBinary(kind, a, b);
  }
  if (a.isStr() || b.isStr()) {
    if (kind == BinaryKind::Add && a.isStr() && b.isStr())
      return PyValue::str(a.getStr() + b.getStr());
    if (kind == BinaryKind::Mul && (a.isStr() != b.isStr())) {
      const PyValue &text = a.isStr() ? a : b;
      const PyValue &count = a.isStr() ? b : a;
      if (count.isFloat() || count.isNone())
        return pyError(
            "TypeError: can't multiply sequence by non-int of type '" +
            count.typeName() + "'");
      std::string out;
      for (int64_t k = 0; k < count.getInt(); ++k) {
        out += text.getStr();
        if (out.size() > (1u << 20))
          return pyError("MemoryError: string repetition is too long");
      }
      return PyValue::str(out);
    }
    return typeErrorBinary(kind, a, b);
  }
  if (!a.isNumber() || !b.isNumber())
    return typeErrorBinary(kind, a, b);

  bool isFloat = a.isFloat() || b.isFloat();
  if (!isFloat) {
    int64_t x = a.getInt(), y = b.getInt(), r = 0;
    switch (kind) {
    case BinaryKind::Add:
      if (__builtin_add_overflow(x, y, &r))
        return overflowError();
      return PyValue::integer(r);
    case BinaryKind::Sub:
      if (__builtin_sub_overflow(x, y, &r))
        return overflowError();
      return PyValue::integer(r);
    case BinaryKind::Mul:
      if (__builtin_mul_overflow(x, y, &r))
        return overflowError();
      return PyValue::integer(r);
    case BinaryKind::TrueDiv:
      if (y == 0)
        return pyError("ZeroDivisionError: division by zero");
      return PyValue::real(static_cast<double>(x) / static_cast<double>(y));
    case BinaryKind::FloorDiv:
    case BinaryKind::Mod: {
      if (y == 0)
        return pyError(kind == BinaryKind::Mod
                           ? "ZeroDivisionError: integer modulo by zero"
                           : "ZeroDivisionError: integer division or modulo "
                             "by zero");
      if (x == std::numeric_limits<int64_t>::min() && y == -1)
        return kind == BinaryKind::Mod
                   ? llvm::Expected<PyValue>(PyValue::integer(0))
                   : llvm::Expected<PyValue>(overflowError());
      int64_t q = x / y, m = x % y;
      if (m != 0 && ((m < 0) != (y < 0))) {
        q -= 1;
        m += y;
      }
      return PyValue::integer(kind == BinaryKind::Mod ? m : q);
    }
    case BinaryKind::Pow:
      return intPow(x, y);
    default:
      break;
    }
    llvm_unreachable("handled above");
  }

  double x = a.toDouble(), y = b.toDouble();
  switch (kind) {
  case BinaryKind::Add:
    return PyValue::real(x + y);
  case BinaryKind::Sub:
    return PyValue::real(x - y);
  case BinaryKind::Mul:
    return PyValue::real(x * y);
  case BinaryKind::TrueDiv:
    if (y == 0.0)
      return pyError("ZeroDivisionError: float division by zero");
    return PyValue::real(x / y);
  case BinaryKind::FloorDiv:
  case BinaryKind::Mod: {
    if (y == 0.0)
      return pyError(kind == BinaryKind::Mod
                         ? "ZeroDivisionError: float modulo"
                         : "ZeroDivisionError: float floor division by zero");
    double q, m;
    floatDivMod(x, y, q, m);
    return PyValue::real(kind == BinaryKind::Mod ? m : q);
  }
  case BinaryKind::Pow: {
    if (x == 0.0 && y < 0.0)
      return pyError(
          "ZeroDivisionError: 0.0 cannot be raised to a negative power");
    if (x < 0.0 && std::floor(y) != y)
      return pyError("ValueError: negative number cannot be raised to a "
                     "fractional power (complex result)");
    double r = std::pow(x, y);
    if (std::isinf(r) && std::isfinite(x) && std::isfinite(y))
      return pyError("OverflowError: (34, 'Numerical result out of range')");
    return PyValue::real(r);
  }
  default:
    break;
  }
  llvm_unreachable("handled above");
}

/// float -> int conversion as Python's int(): truncation toward zero.
static llvm::Expected<PyValue> floatToInt(double d) {
  if (std::isnan(d))
    return pyError("ValueError: cannot convert float NaN to integer");
  if (std::isinf(d))
    return pyError("OverflowError: cannot convert float infinity to integer");
  double t = std::trunc(d);
  if (t >= 9223372036854775808.0 || t < -9223372036854775808.0)
    return overflowError();
  return PyValue::integer(static_cast<int64_t>(t));
}

llvm::Expected<PyValue> py::unary(UnaryKind kind, const PyValue &v) {
  switch (kind) {
  case UnaryKind::Not:
    return PyValue::boolean(!truthy(v));
  case UnaryKind::Bool:
    return PyValue::boolean(truthy(v));
  case UnaryKind::Indicator:
    return PyValue::integer(truthy(v) ? 1 : 0);
  default:
    break;
  }
  if (kind == UnaryKind::Int && v.isStr()) {
    llvm::StringRef text = llvm::StringRef(v.getStr()).trim();
    int64_t n;
    if (text.getAsInteger(10, n))
      return pyError("ValueError: invalid literal for int() with base 10: " +
                     v.repr());
    return PyValue::integer(n);
  }
  if (kind == UnaryKind::Float && v.isStr()) {
    std::string text = llvm::StringRef(v.getStr()).trim().str();
    char *end = nullptr;
    double d = std::strtod(text.c_str(), &end);
    if (text.empty() || *end != '\0')
      return pyError("ValueError: could not convert string to float: " +
                     v.repr());
    return PyValue::real(d);
  }
  if (!v.isNumber()) {
    llvm::StringRef name = stringifyUnaryKind(kind);
    if (kind == UnaryKind::Neg)
      name = "unary -";
    else if (kind == UnaryKind::Pos)
      name = "unary +";
    else if (kind == UnaryKind::Abs)
      name = "abs()";
    return pyError("TypeError: bad operand type for " + name + ": '" +
                   v.typeName() + "'");
  }
  switch (kind) {
  case UnaryKind::Neg:
    if (v.isFloat())
      return PyValue::real(-v.getFloat());
    if (v.getInt() == std::numeric_limits<int64_t>::min())
      return overflowError();
    return PyValue::integer(-v.getInt());
  case UnaryKind::Pos:
    return v.isFloat() ? v : PyValue::integer(v.getInt());
  case UnaryKind::Abs:
    if (v.isFloat())
      return PyValue::real(std::fabs(v.getFloat()));
    if (v.getInt() == std::numeric_limits<int64_t>::min())
      return overflowError();
    return PyValue::integer(v.getInt() < 0 ? -v.getInt() : v.getInt());
  case UnaryKind::Int:
    if (v.isFloat())
      return floatToInt(v.getFloat());
    return PyValue::integer(v.getInt());
  case UnaryKind::Float:
    return PyValue::real(v.toDouble());
  case UnaryKind::Round:
    if (v.isFloat()) {
      if (!std::isfinite(v.getFloat()))
        return floatToInt(v.getFloat());
      return floatToInt(std::nearbyint(v.getFloat()));
    }
    return PyValue::integer(v.getInt());
  default:
    break;
  }
  llvm_unreachable("handled above");
}

llvm::Expected<bool> py::compare(Comparison predicate, const PyValue &key,
                                 const PyValue &query) {
  // Tracr's Comparison.__call__ rejects None operands.
  if (key.isNone())
    return pyError("ValueError: key is None!");
  if (query.isNone())
    return pyError("ValueError: query is None!");
  BinaryKind kind = BinaryKind::Eq;
  switch (predicate) {
  case Comparison::True:
    return true;
  case Comparison::False:
    return false;
  case Comparison::Eq:
    kind = BinaryKind::Eq;
    break;
  case Comparison::Neq:
    kind = BinaryKind::Ne;
    break;
  case Comparison::Lt:
    kind = BinaryKind::Lt;
    break;
  case Comparison::Leq:
    kind = BinaryKind::Le;
    break;
  case Comparison::Gt:
    kind = BinaryKind::Gt;
    break;
  case Comparison::Geq:
    kind = BinaryKind::Ge;
    break;
  }
  llvm::Expected<PyValue> r = binary(kind, key, query);
  if (!r)
    return r.takeError();
  return r->getBool();
}

llvm::Expected<PyValue> py::linearCombination(const PyValue &a,
                                              const PyValue &x,
                                              const PyValue &b,
                                              const PyValue &y) {
  llvm::Expected<PyValue> ax = binary(BinaryKind::Mul, a, x);
  if (!ax)
    return ax.takeError();
  llvm::Expected<PyValue> by = binary(BinaryKind::Mul, b, y);
  if (!by)
    return by.takeError();
  return binary(BinaryKind::Add, *ax, *by);
}

PyValue py::parseVocabItem(llvm::StringRef text) {
  int64_t n;
  if (!text.getAsInteger(10, n))
    return PyValue::integer(n);
  std::string copy = text.str();
  char *end = nullptr;
  errno = 0;
  double d = std::strtod(copy.c_str(), &end);
  if (!copy.empty() && *end == '\0' && errno == 0 &&
      copy.find_first_of("0123456789") != std::string::npos)
    return PyValue::real(d);
  return PyValue::str(text.str());
}

//===----------------------------------------------------------------------===//
// Conversion to and from MLIR
//===----------------------------------------------------------------------===//

Attribute mlir::rasp::toAttr(MLIRContext *context, const PyValue &v) {
  Builder b(context);
  switch (v.getKind()) {
  case PyValue::Kind::None:
    return b.getUnitAttr();
  case PyValue::Kind::Bool:
    return b.getBoolAttr(v.getBool());
  case PyValue::Kind::Int:
    return b.getI64IntegerAttr(v.getInt());
  case PyValue::Kind::Float:
    return b.getF64FloatAttr(v.getFloat());
  case PyValue::Kind::Str:
    return b.getStringAttr(v.getStr());
  case PyValue::Kind::Tuple:
    return toArrayAttr(context, v.getItems());
  }
  return {};
}

FailureOr<PyValue> mlir::rasp::fromAttr(Attribute attr) {
  if (isa_and_nonnull<UnitAttr>(attr))
    return PyValue::none();
  if (auto b = dyn_cast_or_null<BoolAttr>(attr))
    return PyValue::boolean(b.getValue());
  if (auto i = dyn_cast_or_null<IntegerAttr>(attr)) {
    if (i.getType().isInteger(1))
      return PyValue::boolean(i.getValue().getBoolValue());
    if (!i.getType().isInteger(64) && !i.getType().isIndex())
      return failure();
    return PyValue::integer(i.getValue().getSExtValue());
  }
  if (auto f = dyn_cast_or_null<FloatAttr>(attr)) {
    if (!f.getType().isF64())
      return failure();
    return PyValue::real(f.getValueAsDouble());
  }
  if (auto s = dyn_cast_or_null<StringAttr>(attr))
    return PyValue::str(s.getValue().str());
  if (auto tuple = dyn_cast_or_null<ArrayAttr>(attr)) {
    FailureOr<ValueSet> items = fromArrayAttr(tuple);
    if (failed(items))
      return failure();
    return PyValue::tuple(std::move(*items));
  }
  return failure();
}

FailureOr<ValueSet> mlir::rasp::fromArrayAttr(Attribute attr) {
  auto array = dyn_cast_or_null<ArrayAttr>(attr);
  if (!array)
    return failure();
  ValueSet values;
  values.reserve(array.size());
  for (Attribute element : array) {
    FailureOr<PyValue> v = fromAttr(element);
    if (failed(v))
      return failure();
    values.push_back(std::move(*v));
  }
  return values;
}

ArrayAttr mlir::rasp::toArrayAttr(MLIRContext *context,
                                  llvm::ArrayRef<PyValue> values) {
  SmallVector<Attribute> attrs;
  attrs.reserve(values.size());
  for (const PyValue &v : values)
    attrs.push_back(toAttr(context, v));
  return ArrayAttr::get(context, attrs);
}

Type mlir::rasp::staticTypeOf(MLIRContext *context, const PyValue &v) {
  Builder b(context);
  switch (v.getKind()) {
  case PyValue::Kind::None:
    return NoneType::get(context);
  case PyValue::Kind::Bool:
    return b.getI1Type();
  case PyValue::Kind::Int:
    return b.getI64Type();
  case PyValue::Kind::Float:
    return b.getF64Type();
  case PyValue::Kind::Str:
    return StrType::get(context);
  case PyValue::Kind::Tuple:
    return AnyValueType::get(context);
  }
  return {};
}

llvm::Expected<PyValue> mlir::rasp::coerceToType(const PyValue &v, Type type) {
  if (isa<AnyValueType>(type))
    return v;
  if (type.isInteger(1) && v.isBool())
    return v;
  if (type.isInteger(64) && (v.isInt() || v.isBool()))
    return PyValue::integer(v.getInt());
  if (type.isF64() && v.isNumber())
    return PyValue::real(v.toDouble());
  if (isa<StrType>(type) && v.isStr())
    return v;
  if (isa<NoneType>(type) && v.isNone())
    return v;
  std::string typeText;
  llvm::raw_string_ostream os(typeText);
  os << type;
  return pyError("TypeError: value " + v.repr() + " of type '" + v.typeName() +
                 "' does not fit the static type " + typeText);
}
