//===- TensorIRCache.cpp - Tensor IR kept between runs --------------------===//
//
// The front half of a warm start: the tensor IR of a program, as MLIR
// bytecode, in the same compilation cache as the runtime's object code
// (entry kind "tensor-ir"). The key is a digest of the program as the
// pipeline gets it (extractProgram, printed without locations), the
// pipeline's options, the function name, LLVM's version and the digest of
// every source of the compiler, so a hit is what compileToTensorIR would
// return. A compile that emitted a diagnostic (a warning) is not stored, so
// every run shows it. An entry that does not parse is treated as a miss.
//
//===----------------------------------------------------------------------===//

#include "RaspDialect/Driver/Driver.h"

#include "CompilerSourceDigest.inc"

#include "mlir/Bytecode/BytecodeWriter.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/Support/BLAKE3.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace mlir::rasp;
using namespace mlir::rasp::driver;

static constexpr llvm::StringLiteral kTensorIRKind = "tensor-ir";

/// Everything the tensor IR of `program` depends on.
static runtime::ObjectCache::Key tensorIRKey(const LoadedProgram &program,
                                             const DriverOptions &options) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << "rasp-compiler tensor IR cache 1" << '\0' << LLVM_VERSION_STRING << '\0'
     << kCompilerSourceDigest << '\0' << options.functionName << '\0';
  options.pipeline.print(os);
  os << '\0';
  OwningOpRef<ModuleOp> extracted = extractProgram(program);
  extracted->print(os, OpPrintingFlags().enableDebugInfo(false));
  llvm::BLAKE3 hash;
  hash.update(text);
  return hash.final();
}

FailureOr<OwningOpRef<ModuleOp>> mlir::rasp::driver::loadOrCompileTensorIR(
    const LoadedProgram &program, const DriverOptions &options,
    TimingScope *timing, bool *fromCache) {
  if (fromCache)
    *fromCache = false;
  std::unique_ptr<runtime::ObjectCache> cache =
      runtime::ObjectCache::open(options.runtime.cache);
  if (!cache)
    return compileToTensorIR(program, options, timing);
  MLIRContext *context = program.program->getContext();

  runtime::ObjectCache::Key key;
  {
    std::optional<TimingScope> scope;
    if (timing)
      scope.emplace(timing->nest("tensor IR cache"));
    key = tensorIRKey(program, options);
    if (std::unique_ptr<llvm::MemoryBuffer> bytecode =
            cache->lookup(key, kTensorIRKind)) {
      // Parsed quietly: an entry that does not parse is compiled again.
      ScopedDiagnosticHandler quiet(context,
                                    [](Diagnostic &) { return success(); });
      auto sourceMgr = std::make_shared<llvm::SourceMgr>();
      sourceMgr->AddNewSourceBuffer(std::move(bytecode), llvm::SMLoc());
      OwningOpRef<ModuleOp> module =
          parseSourceFile<ModuleOp>(sourceMgr, ParserConfig(context));
      if (module && getModelFunction(*module)) {
        if (fromCache)
          *fromCache = true;
        return std::move(module);
      }
    }
  }

  // Not stored if the compile said anything (the next run says it again).
  bool diagnosed = false;
  FailureOr<OwningOpRef<ModuleOp>> module;
  {
    ScopedDiagnosticHandler watch(context, [&](Diagnostic &) {
      diagnosed = true;
      return failure(); // on to the caller's handler
    });
    module = compileToTensorIR(program, options, timing);
  }
  if (failed(module) || diagnosed)
    return module;
  std::string bytecode;
  llvm::raw_string_ostream os(bytecode);
  if (succeeded(writeBytecodeToFile(**module, os)))
    (void)cache->store(key, kTensorIRKind, bytecode);
  return module;
}
