//===- ElementFunctionTest.cpp - Element function evaluation --------------===//

#include "RaspDialect/Semantics/ElementFunction.h"
#include "RaspDialect/Dialect/RASP/IR/RASPOps.h"
#include "RaspDialect/InitAll.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"

#include "gtest/gtest.h"

using namespace mlir;
using namespace mlir::rasp;

namespace {

class ElementFunctionTest : public ::testing::Test {
protected:
  ElementFunctionTest() {
    DialectRegistry registry;
    registerAllDialects(registry);
    context.appendDialectRegistry(registry);
    context.loadAllAvailableDialects();
  }

  /// Parses `program` and returns the body of its first map-like op.
  Region &parseBody(llvm::StringRef program) {
    module = parseSourceString<ModuleOp>(program, &context);
    EXPECT_TRUE(module);
    Region *body = nullptr;
    module->walk([&](Operation *op) {
      if (!body && isa<MapOp, SequenceMapOp, SelectWhereOp>(op))
        body = &op->getRegion(0);
    });
    EXPECT_TRUE(body);
    return *body;
  }

  std::string eval(ElementFunction &fn, llvm::ArrayRef<PyValue> args) {
    EvalError error{UnknownLoc::get(&context), ""};
    FailureOr<PyValue> r = fn(args, &error);
    if (failed(r))
      return "error: " + error.message;
    return r->repr();
  }

  MLIRContext context;
  OwningOpRef<ModuleOp> module;
};

TEST_F(ElementFunctionTest, ArithWithPythonSemantics) {
  Region &body = parseBody(R"mlir(
    rasp.program @p {
      %t = rasp.tokens : !rasp.sop<categorical, i64>
      %m = rasp.map %t : !rasp.sop<categorical, i64> -> !rasp.sop<categorical, f64> {
      ^bb0(%x: i64):
        %c1 = arith.constant 1 : i64
        %y = arith.addi %x, %c1 : i64
        %fx = arith.sitofp %x : i64 to f64
        %fy = arith.sitofp %y : i64 to f64
        %q = arith.divf %fy, %fx : f64
        rasp.yield %q : f64
      }
      rasp.output %m : !rasp.sop<categorical, f64>
    })mlir");
  FailureOr<ElementFunction> fn = ElementFunction::get(body);
  ASSERT_TRUE(succeeded(fn));
  EXPECT_EQ(eval(*fn, {PyValue::integer(2)}), "1.5");
  // A bool argument widens to the i64 block argument.
  EXPECT_EQ(eval(*fn, {PyValue::boolean(true)}), "2.0");
  EXPECT_EQ(eval(*fn, {PyValue::integer(0)}),
            "error: ZeroDivisionError: float division by zero");
}

TEST_F(ElementFunctionTest, LazyConditional) {
  // `1 // x if x != 0 else 0`: the division must not run for x == 0.
  Region &body = parseBody(R"mlir(
    rasp.program @p {
      %t = rasp.tokens : !rasp.sop<categorical, i64>
      %m = rasp.map %t : !rasp.sop<categorical, i64> -> !rasp.sop<categorical, i64> {
      ^bb0(%x: i64):
        %c0 = arith.constant 0 : i64
        %c1 = arith.constant 1 : i64
        %nz = arith.cmpi ne, %x, %c0 : i64
        %r = scf.if %nz -> (i64) {
          %d = arith.floordivsi %c1, %x : i64
          scf.yield %d : i64
        } else {
          scf.yield %c0 : i64
        }
        rasp.yield %r : i64
      }
      rasp.output %m : !rasp.sop<categorical, i64>
    })mlir");
  FailureOr<ElementFunction> fn = ElementFunction::get(body);
  ASSERT_TRUE(succeeded(fn));
  EXPECT_EQ(eval(*fn, {PyValue::integer(0)}), "0");
  EXPECT_EQ(eval(*fn, {PyValue::integer(-2)}), "-1");
}

TEST_F(ElementFunctionTest, StringsAndDynamicValues) {
  Region &body = parseBody(R"mlir(
    rasp.program @p {
      %t = rasp.tokens : !rasp.sop<categorical, !rasp.str>
      %m = rasp.map %t : !rasp.sop<categorical, !rasp.str> -> !rasp.sop<categorical, !rasp.any> {
      ^bb0(%x: !rasp.str):
        %a = rasp.constant("a") : !rasp.str
        %eq = rasp.binary eq %x, %a : !rasp.str, !rasp.str -> i1
        %r = scf.if %eq -> (!rasp.any) {
          %one = arith.constant 1 : i64
          %b = rasp.box %one : i64
          scf.yield %b : !rasp.any
        } else {
          %n = rasp.constant(unit) : !rasp.none
          %b = rasp.box %n : !rasp.none
          scf.yield %b : !rasp.any
        }
        rasp.yield %r : !rasp.any
      }
      rasp.output %m : !rasp.sop<categorical, !rasp.any>
    })mlir");
  FailureOr<ElementFunction> fn = ElementFunction::get(body);
  ASSERT_TRUE(succeeded(fn));
  EXPECT_EQ(eval(*fn, {PyValue::str("a")}), "1");
  EXPECT_EQ(eval(*fn, {PyValue::str("b")}), "None");
}

TEST_F(ElementFunctionTest, SelectPredicate) {
  Region &body = parseBody(R"mlir(
    rasp.program @p {
      %i = rasp.indices : !rasp.sop<categorical, i64>
      %s = rasp.select_where %i, %i : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64> {
      ^bb0(%k: i64, %q: i64):
        %c1 = arith.constant 1 : i64
        %k1 = arith.addi %k, %c1 : i64
        %eq = arith.cmpi eq, %q, %k1 : i64
        rasp.yield %eq : i1
      }
      %w = rasp.selector_width %s : !rasp.sop<categorical, i64>
      rasp.output %w : !rasp.sop<categorical, i64>
    })mlir");
  FailureOr<ElementFunction> fn = ElementFunction::get(body);
  ASSERT_TRUE(succeeded(fn));
  EXPECT_EQ(fn->getNumArguments(), 2u);
  EXPECT_EQ(eval(*fn, {PyValue::integer(1), PyValue::integer(2)}), "True");
  EXPECT_EQ(eval(*fn, {PyValue::integer(2), PyValue::integer(2)}), "False");
}

TEST_F(ElementFunctionTest, OverflowIsAnError) {
  Region &body = parseBody(R"mlir(
    rasp.program @p {
      %t = rasp.tokens : !rasp.sop<categorical, i64>
      %m = rasp.map %t : !rasp.sop<categorical, i64> -> !rasp.sop<categorical, i64> {
      ^bb0(%x: i64):
        %y = arith.muli %x, %x : i64
        rasp.yield %y : i64
      }
      rasp.output %m : !rasp.sop<categorical, i64>
    })mlir");
  FailureOr<ElementFunction> fn = ElementFunction::get(body);
  ASSERT_TRUE(succeeded(fn));
  EXPECT_EQ(eval(*fn, {PyValue::integer(1LL << 40)}),
            "error: OverflowError: result does not fit in a 64-bit int");
}

} // namespace

//===----------------------------------------------------------------------===//
// Argument keys
//===----------------------------------------------------------------------===//

class ArgumentKeyTest : public ElementFunctionTest {
protected:
  /// The number of distinct keys of argument `arg` over `values`, after
  /// checking the keys' contract: values with equal keys give identical
  /// results (or both fail) against every value of the other argument.
  size_t checkedClasses(const ElementFunction &fn, unsigned arg,
                        llvm::ArrayRef<PyValue> values,
                        llvm::ArrayRef<PyValue> others) {
    KeyClasses classes = classifyByKey(fn, arg, values);
    for (auto [i, x] : llvm::enumerate(values)) {
      const PyValue &rep = values[classes.representatives[classes.classOf[i]]];
      for (const PyValue &y : others) {
        PyValue a[2], b[2];
        a[arg] = x, a[1 - arg] = y;
        b[arg] = rep, b[1 - arg] = y;
        FailureOr<PyValue> fa = fn(a), fb = fn(b);
        EXPECT_EQ(succeeded(fa), succeeded(fb))
            << x.repr() << " and " << rep.repr() << " against " << y.repr();
        if (succeeded(fa) && succeeded(fb))
          EXPECT_TRUE(fa->identical(*fb))
              << x.repr() << " and " << rep.repr() << " against " << y.repr();
      }
    }
    return classes.representatives.size();
  }

  static std::vector<PyValue> floats(std::initializer_list<double> xs) {
    std::vector<PyValue> out;
    for (double x : xs)
      out.push_back(PyValue::real(x));
    return out;
  }
};

TEST_F(ArgumentKeyTest, ComparisonsOfEachArgument) {
  // shuffle_dyck's `b1 < 0 or b2 < 0`, as the frontend fuses it.
  Region &body = parseBody(R"mlir(
    rasp.program @p {
      %t = rasp.tokens : !rasp.sop<numerical, f64>
      %m = rasp.sequence_map %t, %t : !rasp.sop<numerical, f64>, !rasp.sop<numerical, f64> -> !rasp.sop<numerical, i1> {
      ^bb0(%x: f64, %y: f64):
        %c0 = arith.constant 0.0 : f64
        %a = arith.cmpf olt, %x, %c0 : f64
        %r = scf.if %a -> (i1) {
          scf.yield %a : i1
        } else {
          %b = arith.cmpf olt, %y, %c0 : f64
          scf.yield %b : i1
        }
        rasp.yield %r : i1
      }
      rasp.output %m : !rasp.sop<numerical, i1>
    })mlir");
  FailureOr<ElementFunction> fn = ElementFunction::get(body);
  ASSERT_TRUE(succeeded(fn));
  std::vector<PyValue> xs = floats({-1, -0.5, -0.25, 0, 0.25, 0.5, 1});
  EXPECT_TRUE(fn->hasNarrowKeys(0));
  EXPECT_TRUE(fn->hasNarrowKeys(1));
  EXPECT_EQ(checkedClasses(*fn, 0, xs, xs), 2u);
  EXPECT_EQ(checkedClasses(*fn, 1, xs, xs), 2u);
}

TEST_F(ArgumentKeyTest, FailuresInBranchesTheOtherArgumentChooses) {
  // `1 / x if x < y else 0.0`: the division fails for x == 0 only where the
  // branch runs, so 0 needs a key of its own.
  Region &body = parseBody(R"mlir(
    rasp.program @p {
      %t = rasp.tokens : !rasp.sop<numerical, f64>
      %m = rasp.sequence_map %t, %t : !rasp.sop<numerical, f64>, !rasp.sop<numerical, f64> -> !rasp.sop<numerical, f64> {
      ^bb0(%x: f64, %y: f64):
        %c0 = arith.constant 0.0 : f64
        %c1 = arith.constant 1.0 : f64
        %lt = arith.cmpf olt, %x, %y : f64
        %r = scf.if %lt -> (f64) {
          %q = arith.divf %c1, %x : f64
          %s = arith.cmpf olt, %q, %c0 : f64
          %v = arith.select %s, %c1, %c0 : f64
          scf.yield %v : f64
        } else {
          scf.yield %c0 : f64
        }
        rasp.yield %r : f64
      }
      rasp.output %m : !rasp.sop<numerical, f64>
    })mlir");
  FailureOr<ElementFunction> fn = ElementFunction::get(body);
  ASSERT_TRUE(succeeded(fn));
  std::vector<PyValue> xs = floats({-2, -1, 0, 1, 2});
  // x meets y in `x < y`: every value is its own key.
  EXPECT_FALSE(fn->hasNarrowKeys(0));
  EXPECT_EQ(checkedClasses(*fn, 0, xs, xs), 5u);
  // y is read only by `x < y`: its own value.
  EXPECT_EQ(checkedClasses(*fn, 1, xs, xs), 5u);
}

TEST_F(ArgumentKeyTest, NarrowKeysAndSpeculativeFailures) {
  // `(1 / x < 0) if y > 0 else (x > 1)`: the key of x holds the failed
  // division at 0 and the comparison.
  Region &body = parseBody(R"mlir(
    rasp.program @p {
      %t = rasp.tokens : !rasp.sop<numerical, f64>
      %m = rasp.sequence_map %t, %t : !rasp.sop<numerical, f64>, !rasp.sop<numerical, f64> -> !rasp.sop<numerical, i1> {
      ^bb0(%x: f64, %y: f64):
        %c0 = arith.constant 0.0 : f64
        %c1 = arith.constant 1.0 : f64
        %pos = arith.cmpf ogt, %y, %c0 : f64
        %r = scf.if %pos -> (i1) {
          %q = arith.divf %c1, %x : f64
          %s = arith.cmpf olt, %q, %c0 : f64
          scf.yield %s : i1
        } else {
          %g = arith.cmpf ogt, %x, %c1 : f64
          scf.yield %g : i1
        }
        rasp.yield %r : i1
      }
      rasp.output %m : !rasp.sop<numerical, i1>
    })mlir");
  FailureOr<ElementFunction> fn = ElementFunction::get(body);
  ASSERT_TRUE(succeeded(fn));
  std::vector<PyValue> xs = floats({-2, -1, 0, 0.5, 1, 2, 3});
  EXPECT_TRUE(fn->hasNarrowKeys(0));
  // (1/x < 0, x > 1): (T, F) for -2, -1; failed for 0; (F, F) for 0.5, 1;
  // (F, T) for 2, 3.
  EXPECT_EQ(checkedClasses(*fn, 0, xs, xs), 4u);
  EXPECT_EQ(checkedClasses(*fn, 1, xs, xs), 2u);
}
