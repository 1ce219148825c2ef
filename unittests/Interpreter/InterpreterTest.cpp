//===- InterpreterTest.cpp - The Interpreter API --------------------------===//

#include "RaspDialect/Interpreter/Interpreter.h"
#include "RaspDialect/InitAll.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"

#include "gtest/gtest.h"

using namespace mlir;
using namespace mlir::rasp;

namespace {

/// reverse, with a dead map that fails on the token "z".
constexpr llvm::StringLiteral kReverse = R"mlir(
  !str = !rasp.sop<categorical, !rasp.str>
  !int = !rasp.sop<categorical, i64>
  rasp.program @reverse {
    %tokens = rasp.tokens : !str
    %indices = rasp.indices : !int
    %all = rasp.select %tokens, %tokens, true : !str, !str
    %length = rasp.selector_width %all : !int
    %opp = rasp.sequence_map %length, %indices : !int, !int -> !int {
    ^bb0(%l: i64, %i: i64):
      %one = arith.constant 1 : i64
      %d = arith.subi %l, %i : i64
      %r = arith.subi %d, %one : i64
      rasp.yield %r : i64
    }
    %flip = rasp.select %indices, %opp, eq : !int, !int
    %reverse = rasp.aggregate %flip, %tokens : !str -> !str
    %bad = rasp.map %tokens : !str -> !int {
    ^bb0(%x: !rasp.str):
      %z = rasp.constant("z") : !rasp.str
      %is_z = rasp.binary eq %x, %z : !rasp.str, !rasp.str -> i1
      %n = rasp.unary indicator %is_z : i1 -> i64
      %one = arith.constant 1 : i64
      %d = arith.subi %one, %n : i64
      %q = arith.floordivsi %one, %d : i64
      rasp.yield %q : i64
    }
    rasp.output %reverse : !str
  })mlir";

class InterpreterTest : public ::testing::Test {
protected:
  InterpreterTest() {
    DialectRegistry registry;
    registerAllDialects(registry);
    context.appendDialectRegistry(registry);
    context.loadAllAvailableDialects();
  }

  ProgramOp parse(llvm::StringRef source) {
    module = parseSourceString<ModuleOp>(source, &context);
    EXPECT_TRUE(module);
    return *module->getOps<ProgramOp>().begin();
  }

  /// The result of the `index`-th op of type OpTy in `program`.
  template <typename OpTy>
  Value find(ProgramOp program, unsigned index = 0) {
    auto ops = llvm::to_vector(program.getBody().front().getOps<OpTy>());
    return ops[index]->getResult(0);
  }

  static std::vector<PyValue> strs(llvm::ArrayRef<const char *> texts) {
    std::vector<PyValue> values;
    for (const char *text : texts)
      values.push_back(PyValue::str(text));
    return values;
  }

  static std::string json(llvm::ArrayRef<PyValue> values) {
    std::string out;
    for (const PyValue &v : values)
      out += (out.empty() ? "" : " ") + v.toJSON();
    return out;
  }

  MLIRContext context;
  OwningOpRef<ModuleOp> module;
};

TEST_F(InterpreterTest, RunsManyInputsWithOnePreparation) {
  ProgramOp program = parse(kReverse);
  FailureOr<Interpreter> interpreter = Interpreter::get(program);
  ASSERT_TRUE(succeeded(interpreter));
  EXPECT_EQ(interpreter->getOutput(), program.getOutput());
  for (auto [input, expected] :
       {std::pair{strs({"a", "b", "c"}), "\"c\" \"b\" \"a\""},
        std::pair{strs({"x"}), "\"x\""}, std::pair{strs({}), ""}}) {
    FailureOr<std::vector<PyValue>> out =
        interpreter->run(input, /*causal=*/false);
    ASSERT_TRUE(succeeded(out));
    EXPECT_EQ(json(*out), expected);
  }
}

TEST_F(InterpreterTest, RunSkipsWhatTheOutputDoesNotUse) {
  ProgramOp program = parse(kReverse);
  FailureOr<Interpreter> interpreter = Interpreter::get(program);
  ASSERT_TRUE(succeeded(interpreter));
  // %bad fails on "z", but the output does not depend on it.
  EXPECT_EQ(json(*interpreter->run(strs({"a", "z"}), false)), "\"z\" \"a\"");

  // trace() evaluates it; the error is located at the body op that failed.
  InterpretError error{UnknownLoc::get(&context), ""};
  EXPECT_TRUE(failed(interpreter->trace(strs({"a", "z"}), false, &error)));
  Operation *division = nullptr;
  program.walk([&](arith::FloorDivSIOp op) { division = op; });
  EXPECT_EQ(error.loc, division->getLoc());
  EXPECT_EQ(error.message,
            "evaluation failed at position 1: ZeroDivisionError: integer "
            "division or modulo by zero (evaluating on 'z')");
}

TEST_F(InterpreterTest, TraceHoldsEverySOpAndSelector) {
  ProgramOp program = parse(kReverse);
  FailureOr<Interpreter> interpreter = Interpreter::get(program);
  ASSERT_TRUE(succeeded(interpreter));
  FailureOr<Trace> trace = interpreter->trace(strs({"a", "a", "b"}), false);
  ASSERT_TRUE(succeeded(trace));
  EXPECT_EQ(json(trace->getValues(find<TokensOp>(program))),
            "\"a\" \"a\" \"b\"");
  EXPECT_EQ(json(trace->getValues(find<SelectorWidthOp>(program))), "3 3 3");
  EXPECT_EQ(json(trace->getValues(find<SequenceMapOp>(program))), "2 1 0");
  EXPECT_EQ(json(trace->getValues(find<MapOp>(program))), "1 1 1");
  EXPECT_EQ(json(trace->getOutput()), "\"b\" \"a\" \"a\"");
  // Values of the wrong kind have nothing recorded.
  EXPECT_TRUE(trace->getValues(find<SelectOp>(program)).empty());
  EXPECT_EQ(trace->getSelection(find<TokensOp>(program)).size(), 0u);
  const Selection &flip = trace->getSelection(find<SelectOp>(program, 1));
  ASSERT_EQ(flip.size(), 3u);
  for (unsigned q = 0; q < 3; ++q)
    for (unsigned k = 0; k < 3; ++k)
      EXPECT_EQ(flip.get(q, k), q + k == 2) << q << ", " << k;
}

TEST_F(InterpreterTest, CausalMasksEverySelector) {
  ProgramOp program = parse(kReverse);
  // Output the length instead of the reversal.
  Value length = find<SelectorWidthOp>(program);
  FailureOr<Interpreter> interpreter = Interpreter::get(program, length);
  ASSERT_TRUE(succeeded(interpreter));
  EXPECT_EQ(interpreter->getOutput(), length);
  EXPECT_EQ(json(*interpreter->run(strs({"a", "b", "c"}), true)), "1 2 3");
  EXPECT_EQ(json(*interpreter->run(strs({"a", "b", "c"}), false)), "3 3 3");

  FailureOr<Trace> trace = interpreter->trace(strs({"a", "b", "c"}), true);
  ASSERT_TRUE(succeeded(trace));
  // Causal lengths are 1, 2, 3, so opp is 0 everywhere: every query selects
  // key 0, which the mask keeps; the reversal is the first token.
  const Selection &flip = trace->getSelection(find<SelectOp>(program, 1));
  for (unsigned q = 0; q < 3; ++q)
    for (unsigned k = 0; k < 3; ++k)
      EXPECT_EQ(flip.get(q, k), k == 0) << q << ", " << k;
  EXPECT_EQ(json(trace->getValues(find<AggregateOp>(program))),
            "\"a\" \"a\" \"a\"");
  const Selection &all = trace->getSelection(find<SelectOp>(program, 0));
  EXPECT_EQ(all.countSelected(0), 1u);
  EXPECT_EQ(all.countSelected(2), 3u);
  EXPECT_FALSE(all.get(0, 2));
}

TEST_F(InterpreterTest, TokensMustFitTheirType) {
  ProgramOp program = parse(R"mlir(
    rasp.program @ints {
      %tokens = rasp.tokens : !rasp.sop<categorical, i64>
      rasp.output %tokens : !rasp.sop<categorical, i64>
    })mlir");
  FailureOr<Interpreter> interpreter = Interpreter::get(program);
  ASSERT_TRUE(succeeded(interpreter));
  // A bool widens to the int type, as in an element-function argument.
  EXPECT_EQ(json(*interpreter->run({PyValue::boolean(true)}, false)), "1");
  InterpretError error{UnknownLoc::get(&context), ""};
  EXPECT_TRUE(failed(interpreter->run(strs({"a"}), false, &error)));
  EXPECT_EQ(error.loc, program.getOutput().getLoc());
  EXPECT_EQ(error.message, "token at position 0: TypeError: value 'a' of "
                           "type 'str' does not fit the static type i64");
}

TEST_F(InterpreterTest, RejectsOpsItCannotEvaluate) {
  ProgramOp program = parse(R"mlir(
    rasp.program @foreign {
      %c = arith.constant 1 : i64
      %tokens = rasp.tokens : !rasp.sop<categorical, i64>
      rasp.output %tokens : !rasp.sop<categorical, i64>
    })mlir");
  std::string diagnostic;
  ScopedDiagnosticHandler handler(&context, [&](Diagnostic &diag) {
    diagnostic = diag.str();
    return success();
  });
  EXPECT_TRUE(failed(Interpreter::get(program)));
  EXPECT_EQ(diagnostic,
            "'arith.constant' op cannot be evaluated by the RASP interpreter");
}

TEST_F(InterpreterTest, RejectsAnOutputFromElsewhere) {
  module = parseSourceString<ModuleOp>(R"mlir(
    rasp.program @a {
      %tokens = rasp.tokens : !rasp.sop<categorical, i64>
      rasp.output %tokens : !rasp.sop<categorical, i64>
    }
    rasp.program @b {
      %tokens = rasp.tokens : !rasp.sop<categorical, i64>
      rasp.output %tokens : !rasp.sop<categorical, i64>
    })mlir",
                                       &context);
  ASSERT_TRUE(module);
  auto programs = llvm::to_vector(module->getOps<ProgramOp>());
  std::string diagnostic;
  ScopedDiagnosticHandler handler(&context, [&](Diagnostic &diag) {
    diagnostic = diag.str();
    return success();
  });
  EXPECT_TRUE(failed(Interpreter::get(programs[0], programs[1].getOutput())));
  EXPECT_EQ(diagnostic,
            "'rasp.program' op output must be an SOp defined in the program");
}

} // namespace
