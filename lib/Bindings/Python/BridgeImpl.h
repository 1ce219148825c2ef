//===- BridgeImpl.h - The state behind the bridge's handles -----*- C++ -*-===//
//
// What ProgramBuilder.cpp and Program.cpp share: the states of builders and
// programs, value conversions, and the capture of diagnostics as text.
//
//===----------------------------------------------------------------------===//

#ifndef RASPC_BINDINGS_PYTHON_BRIDGEIMPL_H
#define RASPC_BINDINGS_PYTHON_BRIDGEIMPL_H

#include "Bridge.h"

#include "RaspDialect/Analysis/ValueSets.h"
#include "RaspDialect/Driver/Driver.h"
#include "RaspDialect/Driver/Executor.h"
#include "RaspDialect/Semantics/PyValue.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"

#include <mutex>

namespace raspc {

//===----------------------------------------------------------------------===//
// Values
//===----------------------------------------------------------------------===//

mlir::rasp::PyValue toPyValue(const Value &value);
Value fromPyValue(const mlir::rasp::PyValue &value);
std::vector<mlir::rasp::PyValue> toPyValues(const std::vector<Value> &values);
std::vector<Value> fromPyValues(llvm::ArrayRef<mlir::rasp::PyValue> values);

/// Token ids as the driver's executors take them; a negative id becomes one
/// past any vocabulary, which they report for that input.
mlir::rasp::driver::TokenIds toTokenIds(const std::vector<int64_t> &ids);

RunResult fromRunResult(const mlir::rasp::driver::RunResult &result);

//===----------------------------------------------------------------------===//
// Diagnostics
//===----------------------------------------------------------------------===//

/// Collects the diagnostics of `context` while it lives, one per line:
/// `<where>: <severity>: <message>`, where `<where>` is the label of the
/// RASP expression (a NameLoc), and notes indented below their error.
class DiagnosticCapture : public mlir::ScopedDiagnosticHandler {
public:
  explicit DiagnosticCapture(mlir::MLIRContext *context);
  /// The text collected so far, or `fallback` if there is none.
  std::string take(llvm::StringRef fallback = "failed");

  /// A location as the messages name it.
  static std::string describe(mlir::Location loc);

private:
  std::string text;
};

//===----------------------------------------------------------------------===//
// States
//===----------------------------------------------------------------------===//

/// The compile parameters of `parameters` as the driver takes them.
mlir::FailureOr<mlir::rasp::driver::DriverOptions>
makeDriverOptions(const Parameters &parameters, std::string &error);

struct ProgramBuilder::State {
  std::unique_ptr<mlir::MLIRContext> context;
  mlir::OwningOpRef<mlir::ModuleOp> module;
  mlir::rasp::ProgramOp program;
  Parameters parameters;
  std::vector<mlir::rasp::PyValue> vocab;
  /// Every SOp and selector built, by handle.
  std::vector<mlir::Value> handles;
  /// Basis inference over the first `analyzedOps` ops of the program.
  std::optional<mlir::rasp::ValueSetAnalysis> analysis;
  size_t analyzedOps = 0;
};

struct Program::State {
  std::unique_ptr<mlir::MLIRContext> context;
  mlir::OwningOpRef<mlir::ModuleOp> module;
  Parameters parameters;
  mlir::rasp::driver::DriverOptions options;
  mlir::rasp::driver::LoadedProgram loaded;
  std::vector<mlir::Value> handles;
  /// Calls into one program (and its context) run one at a time.
  std::mutex mutex;
};

struct Model::State {
  std::shared_ptr<Program> program;
  Program::State *programState = nullptr;
  std::unique_ptr<mlir::rasp::driver::CompiledProgram> compiled;
  /// The traced forward pass, made on first use.
  std::unique_ptr<mlir::rasp::driver::Executor> tracer;
  std::mutex traceMutex;
};

} // namespace raspc

#endif // RASPC_BINDINGS_PYTHON_BRIDGEIMPL_H
