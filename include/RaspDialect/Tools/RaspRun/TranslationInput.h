//===- TranslationInput.h - What a RASP translation compiles ----*- C++ -*-===//
//
// The exporting translations of rasp-translate (`--rasp-to-tensor-ir`,
// `--rasp-to-safetensors`) load their input like rasp-run: a `.rasp` source
// through the frontend, anything else as MLIR, with the translation options
// (`--vocab`, `--max-seq-len`, `--bos`, `--causal`, `--output`) applied and
// checked.
//
//===----------------------------------------------------------------------===//

#ifndef RASPDIALECT_TOOLS_RASPRUN_TRANSLATIONINPUT_H
#define RASPDIALECT_TOOLS_RASPRUN_TRANSLATIONINPUT_H

#include "RaspDialect/Tools/RaspRun/RunConfig.h"

#include "mlir/IR/OwningOpRef.h"
#include "llvm/Support/SourceMgr.h"

namespace mlir::rasp {

/// A loaded program, the SOp to compile as its output, and its parameters.
struct TranslationInput {
  OwningOpRef<ModuleOp> module;
  ProgramOp program;
  Value output;
  RunConfig config;
};

/// Loads the main file of `sourceMgr` into `context` (registering the
/// project's dialects) with the translation options. Emits diagnostics and
/// fails if the program cannot be loaded, selected or configured.
FailureOr<TranslationInput> loadTranslationInput(llvm::SourceMgr &sourceMgr,
                                                 MLIRContext *context);

} // namespace mlir::rasp

#endif // RASPDIALECT_TOOLS_RASPRUN_TRANSLATIONINPUT_H
