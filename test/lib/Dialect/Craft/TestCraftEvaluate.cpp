//===- TestCraftEvaluate.cpp - Run craft programs from lit tests ----------===//
//
// `--test-craft-evaluate="inputs=a/b,b/a precision=f32"` runs every
// craft.program on each input (tokens separated by '/', inputs by ',') with
// the craft evaluator and prints one line per input: `@name: [decoded
// output]`, numbers with 6 significant digits. `inputs=` alone (an empty
// element) is the empty input.
//
//===----------------------------------------------------------------------===//

#include "RaspDialect/Dialect/Craft/Evaluator/Evaluator.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"
#include "llvm/Support/Format.h"

using namespace mlir;
using namespace mlir::craft;
using rasp::PyValue;

namespace {
struct TestCraftEvaluatePass
    : public PassWrapper<TestCraftEvaluatePass, OperationPass<ModuleOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(TestCraftEvaluatePass)

  TestCraftEvaluatePass() = default;
  TestCraftEvaluatePass(const TestCraftEvaluatePass &pass)
      : PassWrapper(pass) {}

  StringRef getArgument() const final { return "test-craft-evaluate"; }
  StringRef getDescription() const final {
    return "Run craft programs on inputs and print the decoded outputs";
  }

  ListOption<std::string> inputs{
      *this, "inputs",
      llvm::cl::desc("Inputs: tokens separated by '/', inputs by ','")};
  Option<std::string> precision{*this, "precision",
                                llvm::cl::desc("f32 (default) or f64"),
                                llvm::cl::init("f32")};

  /// The vocabulary item printed as `text` (strings unquoted).
  static std::optional<PyValue> parseToken(const rasp::ValueSet &vocab,
                                           StringRef text) {
    for (const PyValue &v : vocab)
      if ((v.isStr() ? v.getStr() : v.repr()) == text)
        return v;
    return std::nullopt;
  }

  static void print(llvm::raw_ostream &os, const PyValue &v) {
    if (v.isFloat())
      os << llvm::format("%.6g", v.getFloat());
    else
      v.printJSON(os);
  }

  void runOnOperation() override {
    for (ProgramOp program : getOperation().getOps<ProgramOp>()) {
      FailureOr<ProgramEvaluator> evaluator = ProgramEvaluator::get(program);
      FailureOr<rasp::ValueSet> vocab =
          spaceValues(program.getEmbedOp().getTokensSpace());
      if (failed(evaluator) || failed(vocab)) {
        program.emitError("cannot evaluate this program");
        return signalPassFailure();
      }
      for (const std::string &input : inputs) {
        std::vector<PyValue> tokens;
        SmallVector<StringRef> words;
        StringRef(input).split(words, '/', -1, /*KeepEmpty=*/false);
        for (StringRef w : words) {
          std::optional<PyValue> t = parseToken(*vocab, w);
          if (!t) {
            program.emitError("unknown token '") << w << "'";
            return signalPassFailure();
          }
          tokens.push_back(*t);
        }
        llvm::Expected<std::vector<PyValue>> out =
            precision == "f64" ? evaluator->runAndDecode<double>(tokens)
                               : evaluator->runAndDecode<float>(tokens);
        if (!out) {
          program.emitError(llvm::toString(out.takeError()));
          return signalPassFailure();
        }
        llvm::outs() << "@" << program.getSymName() << ": [";
        for (auto [i, v] : llvm::enumerate(*out)) {
          if (i)
            llvm::outs() << ", ";
          print(llvm::outs(), v);
        }
        llvm::outs() << "]\n";
      }
    }
  }
};
} // namespace

namespace mlir::rasp::test {
void registerTestPasses() { PassRegistration<TestCraftEvaluatePass>(); }
} // namespace mlir::rasp::test
