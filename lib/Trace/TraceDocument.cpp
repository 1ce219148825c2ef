//===- TraceDocument.cpp - Decoded traces of a forward pass ---------------===//
//
// Schema `rasp-run-trace/1` (docs/Trace.md). Objects keep insertion order
// (nlohmann::ordered_json) so subspaces appear in residual order. Float32
// numbers are written as the shortest decimal that reads back as the same
// float; -inf logits of masked keys are written as null, infinite or NaN
// values as the strings "Infinity", "-Infinity" and "NaN".
//
//===----------------------------------------------------------------------===//

#include "RaspDialect/Trace/TraceDocument.h"
#include "RaspDialect/Dialect/Craft/Evaluator/Evaluator.h"

#include <nlohmann/json.hpp>

#include <charconv>
#include <cmath>
#include <cstdlib>

using namespace mlir;
using namespace mlir::rasp;
using namespace mlir::rasp::trace;
using Json = nlohmann::ordered_json;

/// The double whose shortest decimal is the shortest decimal of `value`.
static double float32Decimal(float value) {
  char buffer[32];
  std::to_chars_result end =
      std::to_chars(buffer, buffer + sizeof(buffer) - 1, value);
  *end.ptr = '\0';
  return std::strtod(buffer, nullptr);
}

/// A value of a value set or a decoded value. Floats of numerical
/// subspaces are float32 results; those of value sets are exact doubles.
static Json toJSON(const PyValue &v, bool float32) {
  switch (v.getKind()) {
  case PyValue::Kind::None:
    return nullptr;
  case PyValue::Kind::Bool:
    return v.getBool();
  case PyValue::Kind::Int:
    return v.getInt();
  case PyValue::Kind::Float:
    // Strict JSON has no inf/nan (the report's JavaScript reads these
    // documents): the words rasp-run prints, as strings.
    if (std::isnan(v.getFloat()))
      return "NaN";
    if (std::isinf(v.getFloat()))
      return v.getFloat() > 0 ? "Infinity" : "-Infinity";
    return float32 ? float32Decimal(static_cast<float>(v.getFloat()))
                   : v.getFloat();
  case PyValue::Kind::Str:
    return v.getStr();
  case PyValue::Kind::Tuple: {
    Json items = Json::array();
    for (const PyValue &item : v.getItems())
      items.push_back(toJSON(item, float32));
    return items;
  }
  }
  return nullptr;
}

static Json floats(const float *data, int64_t count) {
  Json out = Json::array();
  for (int64_t i = 0; i < count; ++i)
    out.push_back(float32Decimal(data[i]));
  return out;
}

/// An n x n matrix as an array of rows.
static Json square(const std::vector<float> &data, int64_t n) {
  Json out = Json::array();
  for (int64_t i = 0; i < n; ++i)
    out.push_back(floats(data.data() + i * n, n));
  return out;
}

static Json layoutJSON(const TraceLayout &layout) {
  Json out = Json::array();
  for (const TraceLayout::Subspace &s : layout.subspaces) {
    Json entry = {
        {"name", s.name},
        {"encoding", s.space.isCategorical() ? "categorical" : "numerical"},
        {"offset", s.range.offset},
        {"dim", s.range.dim}};
    if (s.space.isCategorical()) {
      Json values = Json::array();
      for (Attribute attr : s.space.getValues()) {
        FailureOr<PyValue> value = fromAttr(attr);
        values.push_back(succeeded(value) ? toJSON(*value, false) : nullptr);
      }
      entry["values"] = std::move(values);
    }
    out.push_back(std::move(entry));
  }
  return out;
}

static const char *stageName(Stage stage) {
  switch (stage) {
  case Stage::Embedding:
    return "embedding";
  case Stage::Attention:
    return "attention";
  case Stage::MLP:
    return "mlp";
  }
  return "";
}

/// One residual snapshot decoded per subspace.
static Json snapshotJSON(const TraceLayout &layout, const ResidualSnapshot &s,
                         size_t stageIndex, int64_t n, int64_t width,
                         const TraceOptions &options) {
  Json writes = Json::array();
  if (stageIndex < layout.writes.size())
    for (size_t index : layout.writes[stageIndex])
      writes.push_back(layout.subspaces[index].name);
  Json subspaces = Json::object();
  for (const TraceLayout::Subspace &sub : layout.subspaces) {
    Json decoded = Json::array(), raw = Json::array();
    for (int64_t p = 0; p < n; ++p) {
      const float *v = s.residual.data() + p * width + sub.range.offset;
      if (sub.space.isNumerical() || sub.range.dim > 0)
        decoded.push_back(toJSON(craft::decode(sub.space, v), true));
      else
        decoded.push_back(nullptr);
      if (options.raw)
        raw.push_back(floats(v, sub.range.dim));
    }
    Json entry = {{"decoded", std::move(decoded)}};
    if (options.raw)
      entry["raw"] = std::move(raw);
    subspaces[sub.name] = std::move(entry);
  }
  Json out = {{"stage", stageName(s.stage)}};
  out["layer"] = s.layer < 0 ? Json(nullptr) : Json(s.layer);
  out["writes"] = std::move(writes);
  out["subspaces"] = std::move(subspaces);
  return out;
}

std::string mlir::rasp::trace::printTraceDocument(
    const craft::AssembledModel &model, const TraceLayout &layout,
    const TraceInput &input, const ForwardResult &result,
    const TraceOptions &options) {
  int64_t n = result.numPositions;
  bool numerical = !model.readout.isCategorical();
  Json output = Json::array();
  for (const PyValue &v : decodeOutput(model, result))
    // rasp-run prints booleans of a numerical output as numbers.
    output.push_back(numerical && v.isBool() ? Json(v.getBool() ? 1 : 0)
                                             : toJSON(v, numerical));
  Json positions = Json::array({input.bos});
  for (const std::string &token : input.tokens)
    positions.push_back(token);

  Json residuals = Json::array();
  for (auto [index, snapshot] : llvm::enumerate(result.snapshots))
    residuals.push_back(
        snapshotJSON(layout, snapshot, index, n, result.width, options));

  Json attention = Json::array();
  for (const HeadSnapshot &h : result.heads) {
    const craft::AssembledHead &head = model.layers[h.layer].heads[h.head];
    attention.push_back({{"layer", h.layer},
                         {"head", h.head},
                         {"name", head.name},
                         {"scale", head.scale},
                         {"causal", head.causal},
                         {"logits", square(h.logits, n)},
                         {"pattern", square(h.pattern, n)}});
  }

  Json doc = {{"schema", "rasp-run-trace/1"},
              {"model", model.name},
              {"input", input.tokens},
              {"positions", std::move(positions)},
              {"output", std::move(output)},
              {"layout", layoutJSON(layout)},
              {"residuals", std::move(residuals)},
              {"attention", std::move(attention)}};
  // Token names are checked UTF-8 (the vocabulary); a string value of the
  // IR may not be, and must not abort the writer.
  return doc.dump(-1, ' ', false, Json::error_handler_t::replace);
}
