//===- Parser.h - .rasp recursive-descent parser ----------------*- C++ -*-===//
//
// Parses one source buffer into a SourceFile. The first syntax error is
// reported through the MLIRContext and ends parsing.
//
//===----------------------------------------------------------------------===//

#ifndef RASPDIALECT_LIB_TARGET_IMPORTRASP_PARSER_H
#define RASPDIALECT_LIB_TARGET_IMPORTRASP_PARSER_H

#include "AST.h"

#include "mlir/Support/LLVM.h"
#include "llvm/Support/SourceMgr.h"

#include <memory>

namespace mlir {
class MLIRContext;
} // namespace mlir

namespace mlir::rasp::frontend {

/// Parses buffer `bufferID` of `sourceMgr`; null after a diagnostic.
std::unique_ptr<SourceFile> parseSourceFile(const llvm::SourceMgr &sourceMgr,
                                            unsigned bufferID,
                                            MLIRContext *context);

} // namespace mlir::rasp::frontend

#endif // RASPDIALECT_LIB_TARGET_IMPORTRASP_PARSER_H
