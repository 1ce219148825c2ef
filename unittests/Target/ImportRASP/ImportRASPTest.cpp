//===- ImportRASPTest.cpp - importRASP and its element functions ----------===//
//
// Tests the C++ API (options, failure, loads) and the semantics of imported
// element functions by evaluating them with the shared ElementFunction.
//
//===----------------------------------------------------------------------===//

#include "RaspDialect/Target/ImportRASP.h"
#include "RaspDialect/Dialect/RASP/IR/RASPOps.h"
#include "RaspDialect/InitAll.h"
#include "RaspDialect/Semantics/ElementFunction.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"

#include "gtest/gtest.h"

using namespace mlir;
using namespace mlir::rasp;

namespace {

class ImportRASPTest : public ::testing::Test {
protected:
  ImportRASPTest() {
    DialectRegistry registry;
    registerAllDialects(registry);
    context.appendDialectRegistry(registry);
  }

  /// Imports `source` (named `name`); diagnostics go to `errors`.
  OwningOpRef<ModuleOp> import(llvm::StringRef source,
                               const ImportRASPOptions &options = {},
                               llvm::StringRef name = "test.rasp") {
    sourceMgr = std::make_unique<llvm::SourceMgr>();
    sourceMgr->AddNewSourceBuffer(
        llvm::MemoryBuffer::getMemBufferCopy(source, name), llvm::SMLoc());
    errors.clear();
    ScopedDiagnosticHandler handler(&context, [&](Diagnostic &diag) {
      errors.push_back(diag.str());
      return success();
    });
    return importRASP(*sourceMgr, &context, options);
  }

  static ProgramOp getProgram(ModuleOp module) {
    return cast<ProgramOp>(module.getBody()->front());
  }

  /// The element function of the op computing the program output.
  FailureOr<ElementFunction> outputFunction(ModuleOp module) {
    Operation *op = getProgram(module).getOutput().getDefiningOp();
    EXPECT_EQ(op->getNumRegions(), 1u);
    return ElementFunction::get(op->getRegion(0));
  }

  /// Evaluates `fn` on `args`: the result's repr, or "error: <message>".
  std::string eval(const ElementFunction &fn, llvm::ArrayRef<PyValue> args,
                   EvalError *error = nullptr) {
    EvalError local{UnknownLoc::get(&context), ""};
    EvalError &e = error ? *error : local;
    FailureOr<PyValue> result = fn(args, &e);
    if (failed(result))
      return "error: " + e.message;
    return result->repr();
  }

  MLIRContext context;
  std::unique_ptr<llvm::SourceMgr> sourceMgr;
  std::vector<std::string> errors;
};

//===----------------------------------------------------------------------===//
// API
//===----------------------------------------------------------------------===//

TEST_F(ImportRASPTest, OptionsBecomeProgramAttributes) {
  ImportRASPOptions options;
  options.vocab = std::vector<PyValue>{PyValue::str("a"), PyValue::integer(2)};
  options.maxSeqLen = 6;
  options.bos = "START";
  options.causal = true;
  options.programName = "reverse";
  OwningOpRef<ModuleOp> module = import("out = tokens;", options);
  ASSERT_TRUE(module);
  ProgramOp program = getProgram(*module);
  EXPECT_EQ(program.getSymName(), "reverse");
  EXPECT_EQ(program.getMaxSeqLen(), 6u);
  EXPECT_EQ(program.getBosName(), "START");
  EXPECT_TRUE(program.getCausal());
  FailureOr<ValueSet> vocab = fromArrayAttr(*program.getVocab());
  ASSERT_TRUE(succeeded(vocab));
  ASSERT_EQ(vocab->size(), 2u);
  EXPECT_TRUE((*vocab)[0].identical(PyValue::str("a")));
  EXPECT_TRUE((*vocab)[1].identical(PyValue::integer(2)));
  // A mixed vocabulary makes tokens dynamically typed.
  auto type = cast<SOpType>(program.getOutput().getType());
  EXPECT_TRUE(isa<AnyValueType>(type.getValueType()));
}

TEST_F(ImportRASPTest, TokenTypeFromVocabulary) {
  auto tokenType = [&](std::vector<PyValue> vocab) -> Type {
    ImportRASPOptions options;
    options.vocab = std::move(vocab);
    OwningOpRef<ModuleOp> module = import("out = tokens;", options);
    if (!module)
      return Type();
    return cast<SOpType>(getProgram(*module).getOutput().getType())
        .getValueType();
  };
  Builder b(&context);
  EXPECT_EQ(tokenType({PyValue::boolean(true), PyValue::boolean(false)}),
            b.getI1Type());
  EXPECT_EQ(tokenType({PyValue::integer(1), PyValue::integer(2)}),
            b.getI64Type());
  EXPECT_EQ(tokenType({PyValue::real(0.5)}), b.getF64Type());
  EXPECT_EQ(tokenType({PyValue::str("x")}), StrType::get(&context));
  EXPECT_EQ(tokenType({PyValue::integer(1), PyValue::real(0.5)}),
            AnyValueType::get(&context));
}

TEST_F(ImportRASPTest, ErrorsReturnNull) {
  EXPECT_FALSE(import("x = tokens +;"));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0], "expected an expression, got ';'");
  // Each error is reported once, with no partial module.
  EXPECT_FALSE(import("x = undefined;"));
  EXPECT_EQ(errors, std::vector<std::string>{"unknown name 'undefined'"});
}

TEST_F(ImportRASPTest, OutputName) {
  ImportRASPOptions options;
  options.outputName = "a";
  OwningOpRef<ModuleOp> module = import("a = indices;\nb = tokens;\n", options);
  ASSERT_TRUE(module);
  EXPECT_TRUE(isa<IndicesOp>(getProgram(*module).getOutput().getDefiningOp()));
  options.outputName = "c";
  EXPECT_FALSE(import("a = indices;\n", options));
}

TEST_F(ImportRASPTest, LoadedFilesJoinTheSourceManager) {
  llvm::SmallString<128> dir;
  ASSERT_FALSE(llvm::sys::fs::createUniqueDirectory("import-rasp-test", dir));
  llvm::SmallString<128> lib(dir), main(dir);
  llvm::sys::path::append(lib, "lib.rasp");
  llvm::sys::path::append(main, "main.rasp");
  {
    std::error_code ec;
    llvm::raw_fd_ostream os(lib, ec);
    ASSERT_FALSE(ec);
    os << "def twice(s) { return s + s; }\n";
  }
  OwningOpRef<ModuleOp> module =
      import("load \"lib.rasp\";\nout = twice(tokens);\n", {}, main);
  EXPECT_TRUE(module) << (errors.empty() ? "" : errors[0]);
  EXPECT_EQ(sourceMgr->getNumBuffers(), 2u);
  llvm::sys::fs::remove(lib);
  llvm::sys::fs::remove(dir);
}

//===----------------------------------------------------------------------===//
// Element functions: the imported bodies evaluated by ElementFunction
//===----------------------------------------------------------------------===//

ImportRASPOptions intVocab() {
  ImportRASPOptions options;
  options.vocab =
      std::vector<PyValue>{PyValue::integer(0), PyValue::integer(1)};
  return options;
}

TEST_F(ImportRASPTest, FloorDivisionModuloAndTrueDivision) {
  OwningOpRef<ModuleOp> module = import(
      "out = map(lambda x: [x // 3, x % 3, x / 2], tokens);", intVocab());
  // Lists do not exist: that is a syntax error.
  EXPECT_FALSE(module);

  module =
      import("out = map(lambda x: x // 3 * 100 + x % 3, tokens);", intVocab());
  ASSERT_TRUE(module);
  FailureOr<ElementFunction> fn = outputFunction(*module);
  ASSERT_TRUE(succeeded(fn));
  EXPECT_EQ(eval(*fn, {PyValue::integer(7)}), "201");
  EXPECT_EQ(eval(*fn, {PyValue::integer(-7)}), "-298"); // -3*100 + 2

  module = import("out = tokens / 2 + 0.25;", intVocab());
  ASSERT_TRUE(module);
  fn = outputFunction(*module);
  ASSERT_TRUE(succeeded(fn));
  EXPECT_EQ(eval(*fn, {PyValue::integer(3)}), "1.75");
}

TEST_F(ImportRASPTest, LazyConditionalAndShortCircuit) {
  OwningOpRef<ModuleOp> module = import(
      "out = map(lambda x: (x and 10 // x) or 'zero', tokens);", intVocab());
  ASSERT_TRUE(module);
  FailureOr<ElementFunction> fn = outputFunction(*module);
  ASSERT_TRUE(succeeded(fn));
  EXPECT_EQ(eval(*fn, {PyValue::integer(0)}), "'zero'");
  EXPECT_EQ(eval(*fn, {PyValue::integer(5)}), "2");
  EXPECT_EQ(eval(*fn, {PyValue::integer(20)}), "'zero'"); // 10 // 20 == 0

  module = import("out = tokens != 0 and 12 // tokens > 3;", intVocab());
  ASSERT_TRUE(module);
  fn = outputFunction(*module);
  ASSERT_TRUE(succeeded(fn));
  EXPECT_EQ(eval(*fn, {PyValue::integer(0)}), "False");
  EXPECT_EQ(eval(*fn, {PyValue::integer(2)}), "True");
  EXPECT_EQ(eval(*fn, {PyValue::integer(4)}), "False");
}

TEST_F(ImportRASPTest, BoolPromotionAndMixedTypes) {
  OwningOpRef<ModuleOp> module =
      import("out = (tokens > 1) + (tokens > 2) * 1.5;", intVocab());
  ASSERT_TRUE(module);
  FailureOr<ElementFunction> fn = outputFunction(*module);
  ASSERT_TRUE(succeeded(fn));
  EXPECT_EQ(eval(*fn, {PyValue::integer(3)}), "2.5");
  EXPECT_EQ(eval(*fn, {PyValue::integer(2)}), "1.0");

  // min of an int and a float returns the operand itself.
  module = import("out = min(tokens, 2.5);", intVocab());
  ASSERT_TRUE(module);
  fn = outputFunction(*module);
  ASSERT_TRUE(succeeded(fn));
  EXPECT_EQ(eval(*fn, {PyValue::integer(1)}), "1");
  EXPECT_EQ(eval(*fn, {PyValue::integer(3)}), "2.5");
}

TEST_F(ImportRASPTest, StringsAgainstNumbers) {
  ImportRASPOptions options;
  options.vocab = std::vector<PyValue>{PyValue::str("a"), PyValue::str("b")};
  OwningOpRef<ModuleOp> module =
      import("out = (tokens == 1) or (tokens != 2);", options);
  ASSERT_TRUE(module);
  FailureOr<ElementFunction> fn = outputFunction(*module);
  ASSERT_TRUE(succeeded(fn));
  EXPECT_EQ(eval(*fn, {PyValue::str("a")}), "True");

  // Ordering a string and a number raises TypeError at the `<`.
  module = import("out = (tokens == \"a\") or\n  (tokens < 1);", options);
  ASSERT_TRUE(module);
  fn = outputFunction(*module);
  ASSERT_TRUE(succeeded(fn));
  EXPECT_EQ(eval(*fn, {PyValue::str("a")}), "True");
  EvalError error{UnknownLoc::get(&context), ""};
  EXPECT_EQ(eval(*fn, {PyValue::str("b")}, &error),
            "error: TypeError: '<' not supported between instances of 'str' "
            "and 'int'");
  auto loc = dyn_cast<FileLineColLoc>(error.loc);
  ASSERT_TRUE(loc);
  EXPECT_EQ(loc.getLine(), 2u);
  EXPECT_EQ(loc.getColumn(), 11u);
}

TEST_F(ImportRASPTest, SelectPredicate) {
  OwningOpRef<ModuleOp> module = import(
      "out = selector_width(select(indices, indices, lambda k, q: q == k + "
      "1));",
      intVocab());
  ASSERT_TRUE(module);
  auto width =
      cast<SelectorWidthOp>(getProgram(*module).getOutput().getDefiningOp());
  auto select = width.getSelector().getDefiningOp<SelectWhereOp>();
  ASSERT_TRUE(select);
  FailureOr<ElementFunction> fn = ElementFunction::get(select.getBody());
  ASSERT_TRUE(succeeded(fn));
  EXPECT_EQ(eval(*fn, {PyValue::integer(1), PyValue::integer(2)}), "True");
  EXPECT_EQ(eval(*fn, {PyValue::integer(2), PyValue::integer(2)}), "False");
}

/// Every body the frontend emits for the examples is supported by the one
/// evaluator.
TEST_F(ImportRASPTest, ExampleBodiesAreEvaluable) {
  std::error_code ec;
  unsigned count = 0;
  for (llvm::sys::fs::directory_iterator it(RASP_EXAMPLES_DIR, ec), end;
       it != end && !ec; it.increment(ec)) {
    if (llvm::sys::path::extension(it->path()) != ".rasp")
      continue;
    auto buffer = llvm::MemoryBuffer::getFile(it->path());
    ASSERT_TRUE(bool(buffer));
    // The run line in the header gives the vocabulary.
    llvm::StringRef text = (*buffer)->getBuffer();
    size_t at = text.find("--vocab=");
    ASSERT_NE(at, llvm::StringRef::npos) << it->path();
    llvm::StringRef list = text.substr(at + 8).split(' ').first.trim("\"\n");
    ImportRASPOptions options;
    options.vocab.emplace();
    llvm::SmallVector<llvm::StringRef> items;
    list.split(items, ',');
    for (llvm::StringRef item : items)
      options.vocab->push_back(py::parseVocabItem(item));

    sourceMgr = std::make_unique<llvm::SourceMgr>();
    sourceMgr->AddNewSourceBuffer(std::move(*buffer), llvm::SMLoc());
    OwningOpRef<ModuleOp> module = importRASP(*sourceMgr, &context, options);
    ASSERT_TRUE(module) << it->path();
    module->walk([&](Operation *op) {
      if (!isa<MapOp, SequenceMapOp, SelectWhereOp>(op))
        return;
      EXPECT_TRUE(succeeded(ElementFunction::get(op->getRegion(0))))
          << it->path();
    });
    ++count;
  }
  EXPECT_GE(count, 20u);
}

} // namespace
