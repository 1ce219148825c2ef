//===- ExportSafetensors.h - --rasp-to-safetensors --------------*- C++ -*-===//
//
// `rasp-translate --rasp-to-safetensors prog.rasp --vocab=... -o m.safetensors`
// compiles a `.rasp` source or `.mlir` rasp program like `rasp-run` and
// writes the weights of the compiled transformer (TransformerWeights.h) as
// safetensors: the same file as `rasp-run --export`.
//
//===----------------------------------------------------------------------===//

#ifndef RASPDIALECT_TARGET_SAFETENSORS_EXPORTSAFETENSORS_H
#define RASPDIALECT_TARGET_SAFETENSORS_EXPORTSAFETENSORS_H

namespace mlir::rasp {

/// Registers `--rasp-to-safetensors` for mlirTranslateMain. It reads the
/// options of the RASP translations (`--vocab`, `--max-seq-len`, `--bos`,
/// `--causal`, `--output`).
void registerRASPToSafetensorsTranslation();

} // namespace mlir::rasp

#endif // RASPDIALECT_TARGET_SAFETENSORS_EXPORTSAFETENSORS_H
