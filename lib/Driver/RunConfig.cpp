//===- RunConfig.cpp - Program, output and parameter selection ------------===//

#include "RaspDialect/Driver/RunConfig.h"

#include "RaspDialect/Support/Text.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"

#include <unordered_map>

using namespace mlir;
using namespace mlir::rasp;
using namespace mlir::rasp::driver;

namespace {
struct PyValueHash {
  size_t operator()(const PyValue &v) const { return hash_value(v); }
};
} // namespace

std::string mlir::rasp::driver::printedForm(const PyValue &v) {
  return v.isStr() ? v.getStr() : v.repr();
}

llvm::Expected<std::vector<PyValue>>
mlir::rasp::driver::parseVocabList(llvm::StringRef list, py::VocabType type) {
  return py::parseVocabList(list, type);
}

FailureOr<ProgramOp> mlir::rasp::driver::selectProgram(ModuleOp module,
                                                       llvm::StringRef name) {
  auto programs = llvm::to_vector(module.getOps<ProgramOp>());
  if (!name.empty()) {
    for (ProgramOp program : programs)
      if (program.getSymName() == name)
        return program;
    return module.emitError("no rasp.program named '") << name << "'";
  }
  if (programs.size() == 1)
    return programs.front();
  if (programs.empty())
    return module.emitError("the input has no rasp.program");
  InFlightDiagnostic diag = module.emitError("the input has ")
                            << programs.size() << " programs (";
  llvm::interleaveComma(programs, diag, [&](ProgramOp program) {
    diag << "@" << program.getSymName();
  });
  return diag << "); choose one with --program=NAME";
}

/// True if `loc` binds `name`: a NameLoc, possibly fused with other locations.
static bool isNamed(Location loc, llvm::StringRef name) {
  if (auto named = dyn_cast<NameLoc>(loc))
    return named.getName() == name;
  if (auto fused = dyn_cast<FusedLoc>(loc))
    return llvm::any_of(fused.getLocations(),
                        [&](Location inner) { return isNamed(inner, name); });
  return false;
}

FailureOr<Value> mlir::rasp::driver::selectOutputByName(ProgramOp program,
                                                        llvm::StringRef name) {
  Value sop;
  bool namesSelector = false;
  for (Operation &op : program.getBody().front()) {
    if (op.getNumResults() != 1 || !isNamed(op.getLoc(), name))
      continue;
    // Later bindings of a name shadow earlier ones.
    if (isa<SOpType>(op.getResult(0).getType()))
      sop = op.getResult(0);
    else
      namesSelector = true;
  }
  if (sop)
    return sop;
  if (namesSelector)
    return emitError(program.getLoc(), "'")
           << name << "' names a selector, not an SOp (--output)";
  return emitError(program.getLoc(), "no SOp named '")
         << name << "' in @" << program.getSymName() << " (--output)";
}

/// Checks that every vocabulary item is a value of each token type as is.
static LogicalResult checkTokenTypes(ProgramOp program,
                                     llvm::ArrayRef<PyValue> vocab) {
  for (TokensOp tokens : program.getBody().front().getOps<TokensOp>()) {
    Type type = tokens.getType().getValueType();
    for (const PyValue &item : vocab) {
      llvm::Expected<PyValue> coerced = coerceToType(item, type);
      bool same = coerced && coerced->identical(item);
      if (!coerced)
        llvm::consumeError(coerced.takeError());
      if (!same)
        return tokens.emitError("vocabulary item ")
               << item.repr() << " of type '" << item.typeName()
               << "' is not a value of the token type " << type;
    }
  }
  return success();
}

FailureOr<RunConfig>
mlir::rasp::driver::resolveRunConfig(ProgramOp program,
                                     const RunOverrides &overrides) {
  RunConfig config;
  Location loc = program.getLoc();
  if (overrides.vocab) {
    config.vocab = *overrides.vocab;
  } else if (std::optional<ArrayAttr> vocab = program.getVocab()) {
    FailureOr<ValueSet> values = fromArrayAttr(*vocab);
    if (failed(values))
      return emitError(loc, "the program's vocabulary is not a list of values");
    config.vocab = std::move(*values);
  } else {
    return emitError(loc, "no vocabulary: pass --vocab=LIST or "
                          "--vocab-file=FILE, or give @")
           << program.getSymName() << " a 'vocab' attribute";
  }
  if (overrides.maxSeqLen) {
    config.maxSeqLen = *overrides.maxSeqLen;
  } else if (std::optional<uint64_t> maxSeqLen = program.getMaxSeqLen()) {
    config.maxSeqLen = *maxSeqLen;
  } else {
    return emitError(loc, "no maximum sequence length: pass --max-seq-len=N "
                          "or give @")
           << program.getSymName() << " a 'max_seq_len' attribute";
  }
  if (config.maxSeqLen < 1)
    return emitError(loc, "the maximum sequence length must be at least 1, "
                          "got ")
           << config.maxSeqLen;
  config.bos = overrides.bos ? *overrides.bos : program.getBosName().str();
  config.causal = overrides.causal ? *overrides.causal : program.getCausal();

  // JSON output and traces print the BOS and every item: UTF-8 only.
  if (!isValidUTF8(config.bos))
    return emitError(loc, "the BOS token '")
           << escapeBytes(config.bos) << "' is not valid UTF-8";
  // Hashed, so that a vocabulary of 100,000 items is checked in linear time.
  std::unordered_map<PyValue, size_t, PyValueHash> byValue;
  llvm::StringMap<size_t> byText;
  byValue.reserve(config.vocab.size());
  for (auto [i, item] : llvm::enumerate(config.vocab)) {
    if (item.isNone())
      return emitError(loc, "the vocabulary must not contain None");
    std::string text = printedForm(item);
    if (!isValidUTF8(text))
      return emitError(loc, "vocabulary item '")
             << escapeBytes(text) << "' is not valid UTF-8";
    if (text == config.bos)
      return emitError(loc, "the vocabulary contains the BOS token '")
             << config.bos << "'";
    auto [equal, newValue] = byValue.try_emplace(item, i);
    if (!newValue)
      return emitError(loc, "the vocabulary lists equal items ")
             << config.vocab[equal->second].repr() << " and " << item.repr();
    auto [same, newText] = byText.try_emplace(text, i);
    if (!newText)
      return emitError(loc, "the vocabulary items ")
             << config.vocab[same->second].repr() << " and " << item.repr()
             << " are both written '" << text << "'";
  }
  if (failed(checkTokenTypes(program, config.vocab)))
    return failure();
  return config;
}
