//===- Support.cpp - Values, token ids and diagnostics of the bridge ------===//

#include "BridgeImpl.h"

#include "RaspDialect/Semantics/Vocabulary.h"

#include "llvm/Support/raw_ostream.h"

#include <climits>

using namespace mlir;
using namespace mlir::rasp;

namespace raspc {

//===----------------------------------------------------------------------===//
// Values
//===----------------------------------------------------------------------===//

PyValue toPyValue(const Value &value) {
  switch (value.kind) {
  case Value::Kind::None:
    return PyValue::none();
  case Value::Kind::Bool:
    return PyValue::boolean(value.boolean);
  case Value::Kind::Int:
    return PyValue::integer(value.integer);
  case Value::Kind::Float:
    return PyValue::real(value.real);
  case Value::Kind::Str:
    return PyValue::str(value.str);
  case Value::Kind::Tuple:
    return PyValue::tuple(toPyValues(value.items));
  }
  return PyValue::none();
}

Value fromPyValue(const PyValue &value) {
  Value out;
  switch (value.getKind()) {
  case PyValue::Kind::None:
    break;
  case PyValue::Kind::Bool:
    out.kind = Value::Kind::Bool;
    out.boolean = value.getBool();
    break;
  case PyValue::Kind::Int:
    out.kind = Value::Kind::Int;
    out.integer = value.getInt();
    break;
  case PyValue::Kind::Float:
    out.kind = Value::Kind::Float;
    out.real = value.getFloat();
    break;
  case PyValue::Kind::Str:
    out.kind = Value::Kind::Str;
    out.str = value.getStr();
    break;
  case PyValue::Kind::Tuple:
    out.kind = Value::Kind::Tuple;
    out.items = fromPyValues(value.getItems());
    break;
  }
  return out;
}

std::vector<PyValue> toPyValues(const std::vector<Value> &values) {
  std::vector<PyValue> out;
  out.reserve(values.size());
  for (const Value &v : values)
    out.push_back(toPyValue(v));
  return out;
}

std::vector<Value> fromPyValues(llvm::ArrayRef<PyValue> values) {
  std::vector<Value> out;
  out.reserve(values.size());
  for (const PyValue &v : values)
    out.push_back(fromPyValue(v));
  return out;
}

driver::TokenIds toTokenIds(const std::vector<int64_t> &ids) {
  driver::TokenIds out;
  for (int64_t id : ids)
    out.push_back(id < 0 || id > INT_MAX ? UINT_MAX
                                         : static_cast<unsigned>(id));
  return out;
}

RunResult fromRunResult(const driver::RunResult &result) {
  RunResult out;
  out.succeeded = result.succeeded;
  out.values = fromPyValues(result.values);
  out.error = result.error;
  if (!result.succeeded && result.errorLoc) {
    std::string where = DiagnosticCapture::describe(*result.errorLoc);
    if (!where.empty())
      out.error = where + ": " + out.error;
  }
  return out;
}

//===----------------------------------------------------------------------===//
// Diagnostics
//===----------------------------------------------------------------------===//

std::string DiagnosticCapture::describe(Location loc) {
  if (auto name = dyn_cast<NameLoc>(loc))
    return name.getName().str();
  if (auto file = dyn_cast<FileLineColLoc>(loc))
    return (file.getFilename().str() + ":" + std::to_string(file.getLine()) +
            ":" + std::to_string(file.getColumn()));
  if (auto fused = dyn_cast<FusedLoc>(loc)) {
    for (Location inner : fused.getLocations()) {
      std::string text = describe(inner);
      if (!text.empty())
        return text;
    }
  }
  return "";
}

static StringRef severityName(DiagnosticSeverity severity) {
  switch (severity) {
  case DiagnosticSeverity::Error:
    return "error";
  case DiagnosticSeverity::Warning:
    return "warning";
  case DiagnosticSeverity::Note:
    return "note";
  case DiagnosticSeverity::Remark:
    return "remark";
  }
  return "error";
}

DiagnosticCapture::DiagnosticCapture(MLIRContext *context)
    : ScopedDiagnosticHandler(context) {
  // Handled here, never printed to stderr.
  setHandler([this](Diagnostic &diag) {
    auto line = [&](Diagnostic &d, StringRef indent) {
      std::string where = describe(d.getLocation());
      llvm::raw_string_ostream os(text);
      os << indent;
      if (!where.empty())
        os << where << ": ";
      os << severityName(d.getSeverity()) << ": " << d.str() << "\n";
    };
    line(diag, "");
    for (Diagnostic &note : diag.getNotes())
      line(note, "  ");
    return success();
  });
}

std::string DiagnosticCapture::take(llvm::StringRef fallback) {
  std::string out = text.empty() ? fallback.str() : text;
  text.clear();
  while (!out.empty() && out.back() == '\n')
    out.pop_back();
  return out;
}

//===----------------------------------------------------------------------===//
// Options
//===----------------------------------------------------------------------===//

FailureOr<driver::DriverOptions> makeDriverOptions(const Parameters &parameters,
                                                   std::string &error) {
  driver::DriverOptions options;
  options.parameters.vocab = toPyValues(parameters.vocab);
  options.parameters.maxSeqLen = parameters.maxSeqLen;
  options.parameters.bos = parameters.bos;
  options.parameters.causal = parameters.causal;
  if (!parameters.optimize)
    options.disableOptimizations();
  if (!parameters.compileOptions.empty())
    if (llvm::Error err =
            options.parsePipelineOptions(parameters.compileOptions)) {
      error = llvm::toString(std::move(err));
      return failure();
    }
  return options;
}

//===----------------------------------------------------------------------===//
// Vocabularies
//===----------------------------------------------------------------------===//

/// The items `read` gives with `type`, or the error.
static Outcome<std::vector<Value>> vocabOutcome(
    const std::string &type,
    llvm::function_ref<llvm::Expected<std::vector<PyValue>>(py::VocabType)>
        read) {
  std::optional<py::VocabType> parsed = py::parseVocabType(type);
  if (!parsed)
    return Outcome<std::vector<Value>>::failure(
        "unknown vocabulary type '" + type +
        "' (expected auto, str, int or float)");
  llvm::Expected<std::vector<PyValue>> vocab = read(*parsed);
  if (!vocab)
    return Outcome<std::vector<Value>>::failure(
        llvm::toString(vocab.takeError()));
  Outcome<std::vector<Value>> out;
  out.value = fromPyValues(*vocab);
  return out;
}

Outcome<std::vector<Value>> parseVocab(const std::string &text,
                                       const std::string &type) {
  return vocabOutcome(
      type, [&](py::VocabType t) { return py::parseVocabList(text, t); });
}

Outcome<std::vector<Value>> readVocabFile(const std::string &path,
                                          const std::string &type) {
  return vocabOutcome(
      type, [&](py::VocabType t) { return py::readVocabFile(path, t); });
}

} // namespace raspc
