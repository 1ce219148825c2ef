//===- Translations.h - The driver as translations --------------*- C++ -*-===//
//
// `--rasp-to-tensor-ir` and `--rasp-to-safetensors` for mlirTranslateMain:
// a `.rasp` source or a `.mlir` rasp program, plus the compile parameters,
// compiled by the driver in one command, for embedding the model in another
// MLIR toolchain (rasp-translate, or a translate tool of one's own).
//
//===----------------------------------------------------------------------===//

#ifndef RASPDIALECT_DRIVER_TRANSLATIONS_H
#define RASPDIALECT_DRIVER_TRANSLATIONS_H

namespace mlir::rasp::driver {

/// Registers `--rasp-to-tensor-ir`: the model as upstream tensor IR
/// (func/linalg/tensor/arith/math) in the runtime's calling convention. It
/// reads the options of the RASP translations (`--vocab`, `--max-seq-len`,
/// `--bos`, `--causal`, `--output`; see getTranslationParameters) and
/// `--rasp-to-linalg-options` (the pipeline's options).
void registerRASPToTensorIRTranslation();

/// Registers `--rasp-to-safetensors`: the compiled transformer's weights as
/// safetensors (TransformerLens names), the same file as `rasp-run
/// --export`. It reads the options of the RASP translations and
/// `--rasp-to-linalg-options`.
void registerRASPToSafetensorsTranslation();

/// Registers `--import-rasp` and the two above.
void registerTranslations();

} // namespace mlir::rasp::driver

#endif // RASPDIALECT_DRIVER_TRANSLATIONS_H
