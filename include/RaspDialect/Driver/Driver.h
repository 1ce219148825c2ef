//===- Driver.h - The RASP compiler's one entry point -----------*- C++ -*-===//
//
// From a `.rasp` source or a module of `rasp.program`s to every product of
// the compiler: the layered `craft.model`, tensor IR in the model calling
// convention, a JIT-compiled model, safetensors weights, traces and model
// statistics. rasp-run, rasp-translate, rasp-bench, the C API and the
// bindings call these functions; none of them assembles the pipeline itself.
//
// The options are one struct: the driver's own fields (which program, which
// output, the compile parameters, the function name, the runtime's options)
// and the options of the registered `--rasp-to-linalg` pipeline as they are
// (so an option string `rasp-opt` takes configures the driver too).
// docs/Embedding.md shows the entry points in use.
//
//===----------------------------------------------------------------------===//

#ifndef RASPDIALECT_DRIVER_DRIVER_H
#define RASPDIALECT_DRIVER_DRIVER_H

#include "RaspDialect/Dialect/Craft/IR/CraftOps.h"
#include "RaspDialect/Driver/RunConfig.h"
#include "RaspDialect/Pipelines/Pipelines.h"
#include "RaspDialect/Runtime/Runtime.h"
#include "RaspDialect/Target/Safetensors/Safetensors.h"
#include "RaspDialect/Trace/TraceDocument.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "mlir/Support/Timing.h"

#include <memory>
#include <optional>
#include <string>

namespace llvm {
class SourceMgr;
} // namespace llvm

namespace mlir {
class DialectRegistry;
} // namespace mlir

namespace mlir::rasp::driver {

/// How `loadProgram` reads a source buffer.
enum class InputFormat {
  /// A buffer whose name ends in `.rasp` is a RASP source, any other MLIR.
  Auto,
  /// A RASP source (docs/rasp-language.md), read by the frontend.
  RASP,
  /// MLIR (textual or bytecode) holding `rasp.program`s.
  MLIR,
};

/// The runtime options the driver compiles with by default (rasp-run's).
runtime::CompileOptions getDefaultRuntimeOptions();

/// Everything the driver's entry points take.
struct DriverOptions {
  DriverOptions();
  DriverOptions(const DriverOptions &other);
  DriverOptions &operator=(const DriverOptions &other);

  //===--- Which program, which output, which parameters ------------------===//

  InputFormat inputFormat = InputFormat::Auto;
  /// The `rasp.program` to compile when the input has several; empty: the
  /// input's only program.
  std::string programName;
  /// Compile the SOp bound to this top-level name instead of the program's
  /// output (rasp-run's `--output`).
  std::optional<std::string> outputName;
  /// Import a `.rasp` source as Tracr's graph, one op per RASP operation
  /// (ImportRASPOptions::tracrGraph; rasp-run's `--tracr-graph`).
  bool tracrGraph = false;
  /// The compile parameters (vocabulary, max-seq-len, BOS, causal); each one
  /// given replaces the program's attribute of the same name.
  RunOverrides parameters;

  //===--- How to compile -------------------------------------------------===//

  /// The options of the registered `--rasp-to-linalg` pipeline: the
  /// model-size optimisations (docs/Fusion.md) and the weight forms
  /// (docs/CraftToLinalg.md). Its compile-parameter options (vocab,
  /// max-seq-len, bos, causal) must stay unset: `parameters` gives them, as
  /// the frontend needs them before the pipeline runs.
  RASPToLinalgOptions pipeline;
  /// The name of the model function in tensor IR; empty: the program's
  /// symbol name.
  std::string functionName;
  /// How the runtime lowers and JIT-compiles the tensor IR.
  runtime::CompileOptions runtime = getDefaultRuntimeOptions();

  //===--- Products -------------------------------------------------------===//

  /// Refuse safetensors whose tensors exceed this many bytes (the dense
  /// layout of large selection tables is huge).
  uint64_t exportMaxBytes = uint64_t(2048) << 20;
  /// What a trace document holds besides the decoded subspaces.
  trace::TraceOptions trace;

  /// Turns every model-size optimisation off: one MLP per op, as Tracr
  /// (rasp-run's `--optimize=false`). Options parsed afterwards may turn
  /// single ones on again.
  void disableOptimizations() { pipeline.disableOptimizations(); }
  /// Parses `text`, options of the `--rasp-to-linalg` pipeline as rasp-opt
  /// takes them (`"fuse-mlps=false lookup-min-elements=0"`), into
  /// `pipeline`. The error names the offending option.
  llvm::Error parsePipelineOptions(llvm::StringRef text);
};

/// Adds every dialect a compilation uses to `registry`: rasp, craft and the
/// upstream dialects of their bodies and of tensor IR.
void registerDialects(DialectRegistry &registry);

/// A program ready to compile: the program, the SOp compiled as its output
/// and the checked compile parameters. Owns its module when loaded from a
/// source; refers to the caller's otherwise.
struct LoadedProgram {
  OwningOpRef<ModuleOp> module;
  ProgramOp program;
  Value output;
  RunConfig config;
};

/// Loads the main buffer of `sourceMgr` into `context` (which gets the
/// dialects of `registerDialects`): a RASP source through the frontend with
/// the compile parameters and output name applied, MLIR through the parser.
/// Then selects the program and the output and checks the parameters.
/// Emits diagnostics through `context` and fails on any error.
FailureOr<LoadedProgram> loadProgram(llvm::SourceMgr &sourceMgr,
                                     MLIRContext *context,
                                     const DriverOptions &options);

/// Selects the program and the output in `module` (owned by the caller) and
/// checks the compile parameters. Emits diagnostics and fails on any error.
FailureOr<LoadedProgram> loadProgram(ModuleOp module,
                                     const DriverOptions &options);

/// A copy of the program in a new module, with the chosen output as its
/// output SOp (ops it does not depend on are dropped) and the checked
/// compile parameters as its attributes: what the pipelines compile.
OwningOpRef<ModuleOp> extractProgram(const LoadedProgram &program);

/// A program compiled to its layered `craft.model`, in a module of its own.
struct CraftModel {
  OwningOpRef<ModuleOp> module;
  craft::ModelOp model;
};

/// Compiles `program` by the `--rasp-to-craft-model` pipeline (with
/// `options.pipeline`): the model that the tensor IR, the exported weights,
/// the trace and the statistics describe. The passes are timed in a scope
/// "compile to craft model" nested in `timing`. Emits diagnostics.
FailureOr<CraftModel> compileToCraftModel(const LoadedProgram &program,
                                          const DriverOptions &options,
                                          TimingScope *timing = nullptr);

/// Compiles `program` by the `--rasp-to-linalg` pipeline into a new module
/// holding one public `func.func`, named `options.functionName` when given,
/// in the model calling convention (docs/runtime.md), and the private
/// component functions it calls (docs/CraftToLinalg.md). The passes are
/// timed in a scope "compile to tensor IR" nested in `timing`. Emits
/// diagnostics.
FailureOr<OwningOpRef<ModuleOp>>
compileToTensorIR(const LoadedProgram &program, const DriverOptions &options,
                  TimingScope *timing = nullptr);

/// compileToTensorIR through the compilation cache of
/// `options.runtime.cache` (docs/runtime.md): the tensor IR an earlier
/// compile of the same program with the same options by the same compiler
/// stored, else compiled and stored (unless the compile emitted a
/// diagnostic). A lookup is timed as a scope "tensor IR cache" nested in
/// `timing`; `*fromCache` tells whether the module came from the cache.
FailureOr<OwningOpRef<ModuleOp>>
loadOrCompileTensorIR(const LoadedProgram &program,
                      const DriverOptions &options,
                      TimingScope *timing = nullptr, bool *fromCache = nullptr);

/// The model function of tensor IR from compileToTensorIR: its only public
/// function.
func::FuncOp getModelFunction(ModuleOp tensorIR);

/// The weights of `model` with TransformerLens names (docs/Export.md), at
/// most `options.exportMaxBytes` of tensors. Emits diagnostics.
FailureOr<safetensors::File> buildSafetensors(craft::ModelOp model,
                                              const DriverOptions &options);

/// Writes `file` to `path`, replacing it atomically; an existing file only
/// with `overwrite`.
llvm::Error writeSafetensorsFile(const safetensors::File &file,
                                 llvm::StringRef path, bool overwrite);

} // namespace mlir::rasp::driver

#endif // RASPDIALECT_DRIVER_DRIVER_H
