//===- ImportRASP.h - .rasp source to the rasp dialect ----------*- C++ -*-===//
//
// The frontend of the RASP compiler: parses a `.rasp` program (the language
// contract in docs/rasp-language.md), expands `def`s and `load`s, infers
// static value types, fuses elementwise expressions into maps, and emits one
// `rasp.program`. docs/Frontend.md describes the design.
//
//===----------------------------------------------------------------------===//

#ifndef RASPDIALECT_TARGET_IMPORTRASP_H
#define RASPDIALECT_TARGET_IMPORTRASP_H

#include "RaspDialect/Semantics/PyValue.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

#include <optional>
#include <string>
#include <vector>

namespace llvm {
class SourceMgr;
} // namespace llvm

namespace mlir::rasp {

/// Compile-time parameters of an import. Each given one is recorded as an
/// attribute of the emitted `rasp.program`.
struct ImportRASPOptions {
  /// The token values. Types `tokens`: all str -> !rasp.str, all int -> i64,
  /// all bool -> i1, all float -> f64, a mix -> !rasp.any. Absent: tokens
  /// are !rasp.any.
  std::optional<std::vector<PyValue>> vocab;
  std::optional<int64_t> maxSeqLen;
  std::optional<std::string> bos;
  /// Absent: not causal, unless the file's header says so.
  std::optional<bool> causal;
  /// The top-level name whose SOp is the output (`--output=NAME`). Default:
  /// the SOp bound by the last top-level assignment of the main file.
  std::optional<std::string> outputName;
  /// The symbol name of the emitted `rasp.program`.
  std::string programName = "main";
  /// Emit the graph Tracr builds from the same program (`--tracr-graph`):
  /// one op per RASP operation, every call its own ops, elementwise
  /// operations fused only where Tracr's rasp.Map composes a Map of a Map.
  /// Default: the fused program (docs/Frontend.md).
  bool tracrGraph = false;
};

/// Imports the main buffer of `sourceMgr`. Files named by `load` statements
/// are added to `sourceMgr`, so a SourceMgrDiagnosticHandler on it can show
/// their lines. Errors are reported through `context`'s diagnostic engine;
/// returns null after an error. The result is verified.
OwningOpRef<ModuleOp> importRASP(llvm::SourceMgr &sourceMgr,
                                 MLIRContext *context,
                                 const ImportRASPOptions &options = {});

/// Registers the `--import-rasp` translation and its options (those of
/// `registerTranslationParameterOptions`) for mlirTranslateMain.
void registerImportRASPTranslation();

/// The compile parameters given to a RASP translation on the command line:
/// each is set only if its option was given.
struct TranslationParameters {
  std::optional<std::vector<PyValue>> vocab;
  std::optional<int64_t> maxSeqLen;
  std::optional<std::string> bos;
  std::optional<bool> causal;
  std::optional<std::string> outputName;
  bool tracrGraph = false;
};

/// Registers the options of the RASP translations (`--vocab`,
/// `--vocab-file`, `--vocab-type`, `--max-seq-len`, `--bos`, `--causal`,
/// `--output`, `--tracr-graph`) once, for every translation that reads them.
void registerTranslationParameterOptions();

/// The parsed values of the options `registerTranslationParameterOptions`
/// registered. Fails on a vocabulary that cannot be read or typed.
llvm::Expected<TranslationParameters> getTranslationParameters();

} // namespace mlir::rasp

#endif // RASPDIALECT_TARGET_IMPORTRASP_H
