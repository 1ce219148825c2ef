//===- Executor.cpp - The interpreter and the craft evaluator -------------===//

#include "RaspDialect/Driver/Executor.h"
#include "RaspDialect/Dialect/Craft/Evaluator/Evaluator.h"
#include "RaspDialect/Dialect/Craft/IR/CraftOps.h"
#include "RaspDialect/Dialect/Craft/Transforms/AllocateLayers.h"
#include "RaspDialect/Interpreter/Interpreter.h"

#include <cstdio>
#include <cstdlib>

using namespace mlir;
using namespace mlir::rasp;
using namespace mlir::rasp::driver;

Executor::~Executor() = default;

PyValue mlir::rasp::driver::float32Value(float value) {
  char buf[32];
  for (int precision = 1; precision <= 9; ++precision) {
    std::snprintf(buf, sizeof(buf), "%.*g", precision,
                  static_cast<double>(value));
    if (std::strtof(buf, nullptr) == value)
      break;
  }
  return PyValue::real(std::strtod(buf, nullptr));
}

std::string mlir::rasp::driver::checkTokenIds(llvm::ArrayRef<unsigned> ids,
                                              const RunConfig &config) {
  if (static_cast<int64_t>(ids.size()) > config.maxSeqLen)
    return "the input has " + std::to_string(ids.size()) +
           " tokens, more than the maximum sequence length " +
           std::to_string(config.maxSeqLen);
  for (auto [position, id] : llvm::enumerate(ids))
    if (id >= config.vocab.size())
      return "token id " + std::to_string(id) + " at position " +
             std::to_string(position) + " is not below the vocabulary size " +
             std::to_string(config.vocab.size());
  return "";
}

/// The token values of an input.
static std::vector<PyValue> tokenValues(const TokenIds &ids,
                                        const RunConfig &config) {
  std::vector<PyValue> tokens;
  tokens.reserve(ids.size());
  for (unsigned id : ids)
    tokens.push_back(config.vocab[id]);
  return tokens;
}

namespace {
class InterpreterExecutor : public Executor {
public:
  InterpreterExecutor(Interpreter interpreter, ProgramOp program,
                      const RunConfig &config)
      : interpreter(std::move(interpreter)), program(program), config(config) {}

  std::vector<RunResult> run(llvm::ArrayRef<TokenIds> inputs) override {
    std::vector<RunResult> results(inputs.size());
    for (auto [ids, result] : llvm::zip(inputs, results)) {
      result.error = checkTokenIds(ids, config);
      if (!result.error.empty())
        continue;
      InterpretError error{program.getLoc(), ""};
      FailureOr<std::vector<PyValue>> values =
          interpreter.run(tokenValues(ids, config), config.causal, &error);
      if (failed(values)) {
        result.errorLoc = error.loc;
        result.error = error.message;
        continue;
      }
      result.values = std::move(*values);
      result.succeeded = true;
    }
    return results;
  }

private:
  Interpreter interpreter;
  ProgramOp program;
  RunConfig config;
};

class CraftExecutor : public Executor {
public:
  CraftExecutor(OwningOpRef<ModuleOp> module, craft::ProgramEvaluator evaluator,
                const RunConfig &config, bool numerical)
      : module(std::move(module)), evaluator(std::move(evaluator)),
        config(config), numerical(numerical) {}

  std::vector<RunResult> run(llvm::ArrayRef<TokenIds> inputs) override {
    std::vector<RunResult> results(inputs.size());
    for (auto [ids, result] : llvm::zip(inputs, results)) {
      result.error = checkTokenIds(ids, config);
      if (!result.error.empty())
        continue;
      llvm::Expected<std::vector<PyValue>> values =
          evaluator.runAndDecode<float>(tokenValues(ids, config));
      if (!values) {
        result.error = llvm::toString(values.takeError());
        continue;
      }
      // A numerical output is the model's float; a categorical one decodes
      // to an exact value of the output's value set.
      if (numerical)
        for (PyValue &v : *values)
          if (v.isFloat())
            v = float32Value(static_cast<float>(v.getFloat()));
      result.values = std::move(*values);
      result.succeeded = true;
    }
    return results;
  }

private:
  OwningOpRef<ModuleOp> module;
  craft::ProgramEvaluator evaluator;
  RunConfig config;
  bool numerical;
};
} // namespace

FailureOr<std::unique_ptr<Executor>>
mlir::rasp::driver::createInterpreterExecutor(const LoadedProgram &program) {
  FailureOr<Interpreter> interpreter =
      Interpreter::get(program.program, program.output);
  if (failed(interpreter))
    return failure();
  return std::unique_ptr<Executor>(new InterpreterExecutor(
      std::move(*interpreter), program.program, program.config));
}

FailureOr<std::unique_ptr<Executor>>
mlir::rasp::driver::createCraftExecutor(const LoadedProgram &program,
                                        const DriverOptions &options) {
  FailureOr<CraftModel> compiled = compileToCraftModel(program, options);
  if (failed(compiled))
    return failure();
  // The evaluator runs programs: the model's components in layer order.
  craft::ProgramOp flat = craft::flattenModel(compiled->model);
  compiled->model.erase();
  FailureOr<craft::ProgramEvaluator> evaluator =
      craft::ProgramEvaluator::get(flat);
  if (failed(evaluator))
    return failure();
  bool numerical = cast<SOpType>(program.output.getType()).isNumerical();
  return std::unique_ptr<Executor>(
      new CraftExecutor(std::move(compiled->module), std::move(*evaluator),
                        program.config, numerical));
}
