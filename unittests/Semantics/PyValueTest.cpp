//===- PyValueTest.cpp - Python value semantics ---------------------------===//

#include "RaspDialect/Semantics/PyValue.h"

#include "mlir/IR/MLIRContext.h"

#include <cmath>
#include <limits>

#include "gtest/gtest.h"

using namespace mlir;
using namespace mlir::rasp;

namespace {

PyValue I(int64_t v) { return PyValue::integer(v); }
PyValue F(double v) { return PyValue::real(v); }
PyValue B(bool v) { return PyValue::boolean(v); }
PyValue S(const char *v) { return PyValue::str(v); }
PyValue T(std::vector<PyValue> items) {
  return PyValue::tuple(std::move(items));
}

/// Evaluates a binary op, returning the repr or "error: <message>".
std::string bin(BinaryKind k, const PyValue &a, const PyValue &b) {
  llvm::Expected<PyValue> r = py::binary(k, a, b);
  if (!r)
    return "error: " + llvm::toString(r.takeError());
  return r->repr();
}

std::string un(UnaryKind k, const PyValue &a) {
  llvm::Expected<PyValue> r = py::unary(k, a);
  if (!r)
    return "error: " + llvm::toString(r.takeError());
  return r->repr();
}

TEST(PyValue, Repr) {
  EXPECT_EQ(PyValue::none().repr(), "None");
  EXPECT_EQ(B(true).repr(), "True");
  EXPECT_EQ(I(-3).repr(), "-3");
  EXPECT_EQ(F(1.0).repr(), "1.0");
  EXPECT_EQ(F(0.1).repr(), "0.1");
  EXPECT_EQ(F(2.0 / 3.0).repr(), "0.6666666666666666");
  EXPECT_EQ(F(1e-5).repr(), "1e-05");
  // CPython switches to scientific notation below 1e-4 and from 1e16 on.
  EXPECT_EQ(F(2000.0).repr(), "2000.0");
  EXPECT_EQ(F(100.0).repr(), "100.0");
  EXPECT_EQ(F(0.0001).repr(), "0.0001");
  EXPECT_EQ(F(0.00012345).repr(), "0.00012345");
  EXPECT_EQ(F(1e15).repr(), "1000000000000000.0");
  EXPECT_EQ(F(1e16).repr(), "1e+16");
  EXPECT_EQ(F(1.5e20).repr(), "1.5e+20");
  EXPECT_EQ(F(-2.5e-7).repr(), "-2.5e-07");
  EXPECT_EQ(F(1e100).repr(), "1e+100");
  EXPECT_EQ(F(123456.789).repr(), "123456.789");
  EXPECT_EQ(F(0.1 + 0.2).repr(), "0.30000000000000004");
  EXPECT_EQ(F(-0.0).repr(), "-0.0");
  EXPECT_EQ(F(0.0).repr(), "0.0");
  EXPECT_EQ(S("a'b").repr(), "'a\\'b'");
}

TEST(PyValue, JSON) {
  EXPECT_EQ(PyValue::none().toJSON(), "null");
  EXPECT_EQ(B(false).toJSON(), "false");
  EXPECT_EQ(I(7).toJSON(), "7");
  EXPECT_EQ(F(0.5).toJSON(), "0.5");
  EXPECT_EQ(F(2.0).toJSON(), "2.0");
  EXPECT_EQ(S("x\"y").toJSON(), "\"x\\\"y\"");
  // JSON has no inf/nan: Python's json module's words, distinct from None.
  EXPECT_EQ(F(std::numeric_limits<double>::infinity()).toJSON(), "Infinity");
  EXPECT_EQ(F(-std::numeric_limits<double>::infinity()).toJSON(), "-Infinity");
  EXPECT_EQ(F(std::nan("")).toJSON(), "NaN");
  // Output is UTF-8 whatever a string holds.
  EXPECT_EQ(S("a\xFF\xC3\xA9").toJSON(), "\"a\xEF\xBF\xBD\xC3\xA9\"");
}

TEST(PyValue, EqualityAcrossNumericTypes) {
  EXPECT_TRUE(I(1).equals(F(1.0)));
  EXPECT_TRUE(B(true).equals(I(1)));
  EXPECT_FALSE(S("1").equals(I(1)));
  EXPECT_TRUE(PyValue::none().equals(PyValue::none()));
  EXPECT_FALSE(PyValue::none().equals(I(0)));
  EXPECT_EQ(hash_value(I(2)), hash_value(F(2.0)));
  EXPECT_FALSE(I(1).identical(F(1.0)));
}

TEST(PyValue, ValueSetOrder) {
  ValueSet set = {S("b"), I(3),   F(0.5),  PyValue::none(),
                  S("a"), F(3.0), B(false)};
  canonicalizeValueSet(set);
  std::vector<std::string> reprs;
  for (const PyValue &v : set)
    reprs.push_back(v.repr());
  EXPECT_EQ(reprs, (std::vector<std::string>{"None", "False", "0.5", "3", "'a'",
                                             "'b'"}));
}

TEST(PyOps, Arithmetic) {
  EXPECT_EQ(bin(BinaryKind::Add, B(true), I(1)), "2");
  EXPECT_EQ(bin(BinaryKind::Add, I(1), F(0.5)), "1.5");
  EXPECT_EQ(bin(BinaryKind::TrueDiv, I(1), I(2)), "0.5");
  EXPECT_EQ(bin(BinaryKind::TrueDiv, I(4), I(2)), "2.0");
  EXPECT_EQ(bin(BinaryKind::FloorDiv, I(-7), I(2)), "-4");
  EXPECT_EQ(bin(BinaryKind::Mod, I(-7), I(2)), "1");
  EXPECT_EQ(bin(BinaryKind::Mod, I(7), I(-2)), "-1");
  EXPECT_EQ(bin(BinaryKind::FloorDiv, F(-7.5), I(2)), "-4.0");
  EXPECT_EQ(bin(BinaryKind::Mod, F(-7.5), I(2)), "0.5");
  EXPECT_EQ(bin(BinaryKind::Mod, F(1.0), F(-0.0)),
            "error: ZeroDivisionError: float modulo");
  EXPECT_EQ(bin(BinaryKind::Pow, I(2), I(10)), "1024");
  EXPECT_EQ(bin(BinaryKind::Pow, I(2), I(-1)), "0.5");
  EXPECT_EQ(bin(BinaryKind::Add, S("a"), S("b")), "'ab'");
  EXPECT_EQ(bin(BinaryKind::Mul, I(2), S("ab")), "'abab'");
}

TEST(PyOps, Errors) {
  EXPECT_EQ(bin(BinaryKind::TrueDiv, I(1), I(0)),
            "error: ZeroDivisionError: division by zero");
  EXPECT_EQ(bin(BinaryKind::Add, I(1), S("a")),
            "error: TypeError: unsupported operand type(s) for +: 'int' and "
            "'str'");
  EXPECT_EQ(bin(BinaryKind::Lt, S("a"), I(1)),
            "error: TypeError: '<' not supported between instances of 'str' "
            "and 'int'");
  EXPECT_EQ(bin(BinaryKind::Add, I(INT64_MAX), I(1)),
            "error: OverflowError: result does not fit in a 64-bit int");
  EXPECT_EQ(bin(BinaryKind::Add, PyValue::none(), I(1)),
            "error: TypeError: unsupported operand type(s) for +: 'NoneType' "
            "and 'int'");
}

TEST(PyOps, Comparisons) {
  EXPECT_EQ(bin(BinaryKind::Eq, S("a"), I(1)), "False");
  EXPECT_EQ(bin(BinaryKind::Ne, S("a"), I(1)), "True");
  EXPECT_EQ(bin(BinaryKind::Lt, S("ab"), S("b")), "True");
  EXPECT_EQ(bin(BinaryKind::Le, I(2), F(2.0)), "True");
  EXPECT_EQ(bin(BinaryKind::Lt, B(false), F(0.5)), "True");
  EXPECT_EQ(bin(BinaryKind::Min, I(1), F(1.0)), "1");
  EXPECT_EQ(bin(BinaryKind::Max, F(1.0), I(1)), "1.0");
  EXPECT_EQ(bin(BinaryKind::Max, I(1), I(3)), "3");
  // Exact int/float comparison beyond 2^53.
  EXPECT_EQ(bin(BinaryKind::Lt, I((1LL << 53) + 1), F(9007199254740992.0)),
            "False");
  EXPECT_EQ(bin(BinaryKind::Gt, I((1LL << 53) + 1), F(9007199254740992.0)),
            "True");
}

TEST(PyOps, Unary) {
  EXPECT_EQ(un(UnaryKind::Neg, B(true)), "-1");
  EXPECT_EQ(un(UnaryKind::Not, I(0)), "True");
  EXPECT_EQ(un(UnaryKind::Abs, F(-2.5)), "2.5");
  EXPECT_EQ(un(UnaryKind::Int, F(-2.7)), "-2");
  EXPECT_EQ(un(UnaryKind::Round, F(2.5)), "2");
  EXPECT_EQ(un(UnaryKind::Round, F(3.5)), "4");
  EXPECT_EQ(un(UnaryKind::Round, F(-0.5)), "0");
  EXPECT_EQ(un(UnaryKind::Float, I(3)), "3.0");
  EXPECT_EQ(un(UnaryKind::Bool, S("")), "False");
  EXPECT_EQ(un(UnaryKind::Indicator, S("x")), "1");
  EXPECT_EQ(un(UnaryKind::Int, S(" 12 ")), "12");
  EXPECT_EQ(un(UnaryKind::Neg, S("a")),
            "error: TypeError: bad operand type for unary -: 'str'");
}

TEST(PyOps, SelectComparisons) {
  llvm::Expected<bool> r = py::compare(Comparison::Lt, I(1), I(2));
  ASSERT_TRUE(static_cast<bool>(r));
  EXPECT_TRUE(*r);
  llvm::Expected<bool> none =
      py::compare(Comparison::Eq, PyValue::none(), I(2));
  ASSERT_FALSE(static_cast<bool>(none));
  EXPECT_EQ(llvm::toString(none.takeError()), "ValueError: key is None!");
  llvm::Expected<bool> t = py::compare(Comparison::True, S("a"), I(2));
  ASSERT_TRUE(static_cast<bool>(t));
  EXPECT_TRUE(*t);
}

TEST(PyOps, VocabItems) {
  EXPECT_EQ(py::parseVocabItem("12").repr(), "12");
  EXPECT_EQ(py::parseVocabItem("-3").repr(), "-3");
  EXPECT_EQ(py::parseVocabItem("1.5").repr(), "1.5");
  EXPECT_EQ(py::parseVocabItem("a").repr(), "'a'");
  EXPECT_EQ(py::parseVocabItem("(").repr(), "'('");
  EXPECT_EQ(py::parseVocabItem("inf").repr(), "'inf'");
  EXPECT_EQ(py::parseVocabItem("nan").repr(), "'nan'");
}

TEST(PyValue, Tuples) {
  PyValue pair = T({I(1), S("a")});
  EXPECT_EQ(pair.repr(), "(1, 'a')");
  EXPECT_EQ(T({I(1)}).repr(), "(1,)");
  EXPECT_EQ(T({}).repr(), "()");
  EXPECT_EQ(T({T({B(true), PyValue::none()}), F(0.5)}).repr(),
            "((True, None), 0.5)");
  EXPECT_EQ(pair.typeName(), "tuple");
  EXPECT_EQ(T({I(1), T({S("x"), PyValue::none()})}).toJSON(),
            "[1, [\"x\", null]]");
  // Items compare as Python's == does; hashes agree with equality.
  EXPECT_TRUE(T({I(1), F(2.0)}).equals(T({B(true), I(2)})));
  EXPECT_EQ(hash_value(T({I(1), F(2.0)})), hash_value(T({B(true), I(2)})));
  EXPECT_FALSE(T({I(1), F(2.0)}).identical(T({B(true), I(2)})));
  EXPECT_FALSE(pair.equals(T({I(1)})));
  EXPECT_FALSE(pair.equals(S("(1, 'a')")));
  EXPECT_TRUE(py::truthy(T({I(0)})));
  EXPECT_FALSE(py::truthy(T({})));
}

TEST(PyValue, TupleOrderAndOperators) {
  // Value sets: None, numbers, strings, then tuples lexicographically.
  ValueSet set = {T({I(2)}), S("z"), T({I(1), S("b")}),
                  T({I(1)}), I(5),   T({I(1), S("a")})};
  canonicalizeValueSet(set);
  std::vector<std::string> reprs;
  for (const PyValue &v : set)
    reprs.push_back(v.repr());
  EXPECT_EQ(reprs, (std::vector<std::string>{"5", "'z'", "(1,)", "(1, 'a')",
                                             "(1, 'b')", "(2,)"}));
  // Python's tuple comparisons: the first differing items decide, with the
  // operator itself, which may raise.
  EXPECT_EQ(bin(BinaryKind::Lt, T({I(1), S("a")}), T({I(1), S("b")})), "True");
  EXPECT_EQ(bin(BinaryKind::Le, T({I(1)}), T({I(1), I(0)})), "True");
  EXPECT_EQ(bin(BinaryKind::Gt, T({F(1.5)}), T({I(1), I(9)})), "True");
  EXPECT_EQ(bin(BinaryKind::Lt, T({I(1)}), T({S("a")})),
            "error: TypeError: '<' not supported between instances of 'int' "
            "and 'str'");
  EXPECT_EQ(bin(BinaryKind::Lt, T({I(1)}), I(1)),
            "error: TypeError: '<' not supported between instances of "
            "'tuple' and 'int'");
  EXPECT_EQ(bin(BinaryKind::Eq, T({I(1)}), I(1)), "False");
  EXPECT_EQ(bin(BinaryKind::Add, T({I(1)}), T({S("a")})), "(1, 'a')");
  EXPECT_EQ(bin(BinaryKind::Mul, T({I(1)}), I(3)), "(1, 1, 1)");
  EXPECT_EQ(bin(BinaryKind::Sub, T({I(1)}), T({I(1)})),
            "error: TypeError: unsupported operand type(s) for -: 'tuple' "
            "and 'tuple'");
  llvm::Expected<bool> lt =
      py::compare(Comparison::Lt, T({I(0), I(3)}), T({I(1), I(0)}));
  ASSERT_TRUE(static_cast<bool>(lt));
  EXPECT_TRUE(*lt);
}

TEST(PyValue, TupleAttributes) {
  mlir::MLIRContext context;
  context.loadDialect<RASPDialect>();
  PyValue nested = T({I(1), T({S("x"), PyValue::none(), F(0.5)}), B(false)});
  Attribute attr = toAttr(&context, nested);
  ASSERT_TRUE(isa<ArrayAttr>(attr));
  FailureOr<PyValue> back = fromAttr(attr);
  ASSERT_TRUE(succeeded(back));
  EXPECT_TRUE(back->identical(nested));
  EXPECT_TRUE(isValueAttr(attr));
  EXPECT_TRUE(valueAttrHasType(attr, AnyValueType::get(&context)));
  EXPECT_FALSE(valueAttrHasType(attr, StrType::get(&context)));
  EXPECT_TRUE(isa<AnyValueType>(staticTypeOf(&context, nested)));
  // An array holding a non-value is no tuple.
  Builder b(&context);
  EXPECT_TRUE(failed(fromAttr(b.getArrayAttr({b.getI32IntegerAttr(1)}))));
}

} // namespace
