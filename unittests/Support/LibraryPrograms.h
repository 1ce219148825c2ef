//===- LibraryPrograms.h - Library programs in unit tests -------*- C++ -*-===//
//
// What the library-wide unit tests share: the names and paths of the Tracr
// library programs as Tracr builds them (generated from examples/<name>.rasp
// by the build, test/Interpreter/lib/CMakeLists.txt) and the exhaustive
// inputs they are checked on. Test targets that include this define
// RASP_SOURCE_DIR and RASP_TRACR_LIBRARY_DIR.
//
//===----------------------------------------------------------------------===//

#ifndef RASP_UNITTESTS_SUPPORT_LIBRARYPROGRAMS_H
#define RASP_UNITTESTS_SUPPORT_LIBRARYPROGRAMS_H

#include "RaspDialect/InitAll.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include "gtest/gtest.h"

#include <cstdint>
#include <string>
#include <vector>

namespace mlir::rasp::test {

/// The programs of Tracr's lib.py, as examples/<name>.rasp.
inline llvm::ArrayRef<const char *> tracrLibraryPrograms() {
  static const char *const names[] = {"count_a",
                                      "count_less_freq",
                                      "count_less_freq_numerical",
                                      "detect_pattern_ab",
                                      "detect_pattern_abc",
                                      "frac_prevs",
                                      "hist",
                                      "length",
                                      "length_numerical",
                                      "nary_sequencemap_1",
                                      "nary_sequencemap_2",
                                      "pair_balance",
                                      "reverse",
                                      "shift_by_1",
                                      "shift_by_2",
                                      "shuffle_dyck1",
                                      "shuffle_dyck2",
                                      "shuffle_dyck3",
                                      "sort",
                                      "sort_freq",
                                      "sort_unique",
                                      "sort_unique_neg_indices"};
  return names;
}

/// The path of Tracr's graph of library program `name` (`rasp-translate
/// --import-rasp --tracr-graph` of examples/<name>.rasp).
inline std::string libraryProgramPath(llvm::StringRef name) {
  return std::string(RASP_TRACR_LIBRARY_DIR) + "/" + name.str() + ".mlir";
}

/// Loads the project's dialects into `context` and registers its passes, so
/// that textual pipelines parse.
inline void loadProjectDialects(MLIRContext &context) {
  registerAllPasses();
  DialectRegistry registry;
  registerAllDialects(registry);
  context.appendDialectRegistry(registry);
  context.loadAllAvailableDialects();
}

/// Library program `name` after the textual pass pipeline `pipeline`; null,
/// with a gtest failure, if it does not parse or compile. With `causal`, the
/// program is compiled with causal attention (its `causal` attribute, as
/// `rasp-run --causal` sets it). Warnings are dropped: validation warns about
/// input-dependent aggregates.
inline OwningOpRef<ModuleOp> compileLibraryProgram(MLIRContext &context,
                                                   llvm::StringRef name,
                                                   llvm::StringRef pipeline,
                                                   bool causal = false) {
  ScopedDiagnosticHandler quiet(&context, [](Diagnostic &d) {
    return success(d.getSeverity() != DiagnosticSeverity::Error);
  });
  std::string path = libraryProgramPath(name);
  OwningOpRef<ModuleOp> module = parseSourceFile<ModuleOp>(path, &context);
  if (!module) {
    ADD_FAILURE() << "cannot parse " << path;
    return nullptr;
  }
  if (causal)
    module->walk([&](Operation *op) {
      if (op->getName().getStringRef() == "rasp.program")
        op->setAttr("causal", UnitAttr::get(&context));
    });
  PassManager pm(&context);
  if (failed(parsePassPipeline(pipeline, pm)) || failed(pm.run(*module))) {
    ADD_FAILURE() << "'" << pipeline.str() << "' fails on " << path;
    return nullptr;
  }
  return module;
}

/// Every sequence over `alphabet` of length 0, 1, ..., `maxLen`, shortest
/// first, stopping before a length whose sequences would take the total
/// past `maxInputs` (whole lengths only). `Seq` is any container with
/// `push_back`.
template <typename Seq>
std::vector<Seq> allSequences(llvm::ArrayRef<typename Seq::value_type> alphabet,
                              int64_t maxLen, size_t maxInputs) {
  std::vector<Seq> out = {Seq()};
  size_t begin = 0;
  for (int64_t len = 1; len <= maxLen; ++len) {
    size_t end = out.size();
    if (out.size() + (end - begin) * alphabet.size() > maxInputs)
      break;
    for (size_t i = begin; i < end; ++i)
      for (const auto &item : alphabet) {
        Seq next = out[i];
        next.push_back(item);
        out.push_back(std::move(next));
      }
    begin = end;
  }
  return out;
}

/// `allSequences` over the token ids 0..vocabSize-1.
template <typename Seq>
std::vector<Seq> allTokenIdSequences(int64_t vocabSize, int64_t maxLen,
                                     size_t maxInputs) {
  std::vector<typename Seq::value_type> ids;
  for (int64_t id = 0; id < vocabSize; ++id)
    ids.push_back(static_cast<typename Seq::value_type>(id));
  return allSequences<Seq>(ids, maxLen, maxInputs);
}

} // namespace mlir::rasp::test

#endif // RASP_UNITTESTS_SUPPORT_LIBRARYPROGRAMS_H
