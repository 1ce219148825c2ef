//===- ExportTensorIR.h - RASP programs to tensor IR ------------*- C++ -*-===//
//
// The `--rasp-to-tensor-ir` translation: a `.rasp` source or a `.mlir` rasp
// program, plus the compile parameters, becomes the transformer as upstream
// tensor IR (func/linalg/tensor/arith/math, the JIT runtime's calling
// convention) in one command, for embedding the model in another MLIR
// toolchain.
//
//===----------------------------------------------------------------------===//

#ifndef RASPDIALECT_TARGET_EXPORTTENSORIR_H
#define RASPDIALECT_TARGET_EXPORTTENSORIR_H

namespace mlir::rasp {

/// Registers `--rasp-to-tensor-ir` for mlirTranslateMain. It reads the
/// options of the RASP translations (`--vocab`, `--max-seq-len`, `--bos`,
/// `--causal`, `--output`; see getTranslationParameters) and
/// `--rasp-to-linalg-options` (weight forms).
void registerRASPToTensorIRTranslation();

} // namespace mlir::rasp

#endif // RASPDIALECT_TARGET_EXPORTTENSORIR_H
