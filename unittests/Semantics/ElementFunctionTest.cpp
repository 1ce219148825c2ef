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
