//===- Header.h - Compile parameters in a .rasp file's header ---*- C++ -*-===//
//
// A `.rasp` file may give its compile parameters in its leading comment
// block, spelled as on the command line:
//
//   # rasp: --vocab-file=words.txt --vocab-type=str --max-seq-len=64
//
// Parameters the tool is given override the header's.
//
//===----------------------------------------------------------------------===//

#ifndef RASPDIALECT_LIB_TARGET_IMPORTRASP_HEADER_H
#define RASPDIALECT_LIB_TARGET_IMPORTRASP_HEADER_H

#include "RaspDialect/Target/ImportRASP.h"

#include "mlir/Support/LLVM.h"

namespace mlir::rasp::frontend {

/// `given` completed with the `# rasp:` lines of the main buffer's leading
/// comment block (lines before the first one that is neither blank nor a
/// comment): `--vocab=LIST`, `--vocab-file=FILE` (relative to the file's
/// directory), `--vocab-type=TYPE` (of the header's vocabulary),
/// `--max-seq-len=N`, `--bos=NAME`, `--causal[=true|false]`. A parameter
/// set in `given` is kept and the header's is not read. Emits located
/// errors (unknown or repeated options, bad values, vocabulary files).
FailureOr<ImportRASPOptions> applyHeaderOptions(llvm::SourceMgr &sourceMgr,
                                                MLIRContext *context,
                                                const ImportRASPOptions &given);

} // namespace mlir::rasp::frontend

#endif // RASPDIALECT_LIB_TARGET_IMPORTRASP_HEADER_H
