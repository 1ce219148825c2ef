//===- rasp-mlir-fuzzer.cpp - libFuzzer target for .mlir input ------------===//
//
// Parses arbitrary bytes as a module with every project dialect registered
// (what rasp-opt, rasp-run and rasp-jit read) and verifies it. Any crash,
// sanitizer report or hang is a bug: malformed IR must end in diagnostics,
// which is the project verifiers' job. libMLIR's own parser is not
// instrumented, so coverage guides the search through our dialects' parsers
// and verifiers. Built with -DRASP_ENABLE_FUZZER=ON; docs/Sanitizers.md.
//
// The input is parsed from a copy: MLIR's lexer stops at the NUL that
// llvm::MemoryBuffer puts after a file's bytes, and libFuzzer's buffer has
// none (parseSourceString does not add one), so parsing it in place read
// past its end (unittests/Tools/FuzzTargetTest.cpp).
//
//===----------------------------------------------------------------------===//

#include "RaspDialect/InitAll.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"

#include <cstddef>
#include <cstdint>

using namespace mlir;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static DialectRegistry *registry = [] {
    auto *r = new DialectRegistry();
    rasp::registerAllDialects(*r);
    return r;
  }();
  // A fresh context per input: uniqued attributes would otherwise pile up.
  MLIRContext context(*registry, MLIRContext::Threading::DISABLED);
  ScopedDiagnosticHandler handler(&context,
                                  [](Diagnostic &) { return success(); });
  // What the tools parse: a NUL-terminated buffer in a source manager.
  llvm::SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(
      llvm::MemoryBuffer::getMemBufferCopy(
          llvm::StringRef(reinterpret_cast<const char *>(data), size),
          "fuzz.mlir"),
      llvm::SMLoc());
  ParserConfig config(&context, /*verifyAfterParse=*/false);
  OwningOpRef<ModuleOp> module = parseSourceFile<ModuleOp>(sourceMgr, config);
  if (module)
    (void)verify(*module);
  return 0;
}
