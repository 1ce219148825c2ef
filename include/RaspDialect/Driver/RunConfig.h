//===- RunConfig.h - Program, output and parameter choice -------*- C++ -*-===//
//
// What the driver decides before compiling or running anything: which
// program and output SOp, and the compile parameters (vocabulary,
// max-seq-len, BOS, causal) from the program's attributes and the given
// overrides, checked against the program.
//
//===----------------------------------------------------------------------===//

#ifndef RASPDIALECT_DRIVER_RUNCONFIG_H
#define RASPDIALECT_DRIVER_RUNCONFIG_H

#include "RaspDialect/Dialect/RASP/IR/RASPOps.h"
#include "RaspDialect/Semantics/PyValue.h"
#include "RaspDialect/Semantics/Vocabulary.h"

#include "mlir/IR/BuiltinOps.h"

#include <optional>
#include <string>
#include <vector>

namespace mlir::rasp::driver {

/// Compile parameters given by the user (rasp-run's command line). Each one
/// that is set replaces the program attribute of the same name.
struct RunOverrides {
  std::optional<std::vector<PyValue>> vocab;
  std::optional<int64_t> maxSeqLen;
  std::optional<std::string> bos;
  std::optional<bool> causal;
};

/// The checked compile parameters of one program.
struct RunConfig {
  /// The vocabulary in the order given.
  std::vector<PyValue> vocab;
  int64_t maxSeqLen = 0;
  std::string bos;
  bool causal = false;
};

/// The text a token of value `v` is written as: a string's own text, Python's
/// repr for numbers and booleans (`1`, `1.5`, `True`).
std::string printedForm(const PyValue &v);

/// Parses a comma-separated `--vocab` list with `py::parseVocabList`: each
/// item read as `type`. Fails on an empty list or an empty item.
llvm::Expected<std::vector<PyValue>>
parseVocabList(llvm::StringRef list, py::VocabType type = py::VocabType::Auto);

/// The program called `name` in `module`, or its only program when `name` is
/// empty. Emits an error at the module otherwise.
FailureOr<ProgramOp> selectProgram(ModuleOp module, llvm::StringRef name);

/// The SOp bound to `name`: the result of the last op of `program` whose
/// location is `NameLoc(name)` (directly or inside a FusedLoc), as the
/// frontend attaches to bound variables. Emits an error if there is none.
FailureOr<Value> selectOutputByName(ProgramOp program, llvm::StringRef name);

/// Applies `overrides` to the attributes of `program` and checks the result:
/// vocabulary and max-seq-len are known, vocabulary items are distinct (in
/// value and printed form), BOS is not among them, and every item is a value
/// of each `rasp.tokens` value type as is. Emits located errors.
FailureOr<RunConfig> resolveRunConfig(ProgramOp program,
                                      const RunOverrides &overrides);

} // namespace mlir::rasp::driver

#endif // RASPDIALECT_DRIVER_RUNCONFIG_H
