//===- rasp-import-fuzzer.cpp - libFuzzer target for the .rasp frontend ---===//
//
// Feeds arbitrary bytes to importRASP and evaluates every element function
// it emits on a few values. Any crash, sanitizer report or hang is a bug:
// malformed input must end in diagnostics. Built with -DRASP_ENABLE_FUZZER=ON
// (clang); see docs/Frontend.md for how to run it.
//
//===----------------------------------------------------------------------===//

#include "RaspDialect/Dialect/RASP/IR/RASPOps.h"
#include "RaspDialect/InitAll.h"
#include "RaspDialect/Semantics/ElementFunction.h"
#include "RaspDialect/Target/ImportRASP.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdint>
#include <cstdlib>

using namespace mlir;
using namespace mlir::rasp;

/// Values every emitted element function is evaluated on.
static std::vector<PyValue> sampleValues() {
  return {PyValue::integer(0),    PyValue::integer(-3), PyValue::real(2.5),
          PyValue::boolean(true), PyValue::str("a"),    PyValue::none()};
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static DialectRegistry *registry = [] {
    auto *r = new DialectRegistry();
    registerAllDialects(*r);
    return r;
  }();
  // A fresh context per input: uniqued attributes would otherwise pile up.
  MLIRContext context(*registry, MLIRContext::Threading::DISABLED);
  ScopedDiagnosticHandler handler(&context,
                                  [](Diagnostic &) { return success(); });

  llvm::SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(
      llvm::MemoryBuffer::getMemBufferCopy(
          llvm::StringRef(reinterpret_cast<const char *>(data), size),
          "fuzz.rasp"),
      llvm::SMLoc());
  // The input size picks the vocabulary, so each input is reproducible and
  // str, int and dynamically typed tokens are all exercised.
  ImportRASPOptions options;
  if (size % 3 == 0)
    options.vocab = {PyValue::str("a"), PyValue::str("b"), PyValue::str("(")};
  else if (size % 3 == 1)
    options.vocab = {PyValue::integer(0), PyValue::integer(1),
                     PyValue::integer(-2)};
  OwningOpRef<ModuleOp> module = importRASP(sourceMgr, &context, options);
  if (!module)
    return 0;

  std::vector<PyValue> values = sampleValues();
  module->walk([&](Operation *op) {
    if (!isa<MapOp, SequenceMapOp, SelectWhereOp>(op))
      return;
    // The frontend must only emit ops the one evaluator supports.
    FailureOr<ElementFunction> fn = ElementFunction::get(op->getRegion(0));
    if (failed(fn)) {
      llvm::errs() << "emitted an element function ElementFunction rejects\n";
      abort();
    }
    EvalError error{op->getLoc(), ""};
    for (const PyValue &a : values) {
      if (fn->getNumArguments() == 1) {
        (void)(*fn)({a}, &error);
        continue;
      }
      for (const PyValue &b : values)
        (void)(*fn)({a, b}, &error);
    }
  });
  return 0;
}
