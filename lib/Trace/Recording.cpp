//===- Recording.cpp - Unpacking the traced model's result ----------------===//

#include "RaspDialect/Trace/Recording.h"
#include "RaspDialect/Dialect/Craft/Evaluator/Evaluator.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Diagnostics.h"

using namespace mlir;
using namespace mlir::rasp;
using namespace mlir::rasp::trace;

FailureOr<TraceSegments> TraceSegments::get(Attribute attr, Location loc) {
  auto array = dyn_cast_or_null<ArrayAttr>(attr);
  if (!array)
    return emitError(loc, "the model function has no trace segments");
  TraceSegments out;
  for (Attribute element : array) {
    auto dict = dyn_cast<DictionaryAttr>(element);
    auto kind = dict ? dict.getAs<StringAttr>("kind") : StringAttr();
    auto integer = [&](StringRef name, int64_t missing) -> int64_t {
      auto value = dict.getAs<IntegerAttr>(name);
      return value ? value.getInt() : missing;
    };
    if (!kind)
      return emitError(loc, "malformed trace segment ") << element;
    Segment s{kind.str(), integer("layer", -1), integer("head", -1),
              integer("offset", -1), integer("width", -1)};
    bool residual =
        s.kind == "embedding" || s.kind == "attention" || s.kind == "mlp";
    bool head = s.kind == "logits" || s.kind == "pattern";
    if ((!residual && !head && s.kind != "hidden") || s.offset < 0 ||
        s.width < 0 || (s.kind != "embedding" && s.layer < 0) ||
        (head && s.head < 0))
      return emitError(loc, "malformed trace segment ") << element;
    out.numLayers = std::max(out.numLayers, s.layer + 1);
    out.segments.push_back(std::move(s));
  }
  if (out.segments.empty() || out.segments.front().kind != "embedding")
    return emitError(loc, "the trace segments do not start at the embedding");
  return out;
}

ForwardResult TraceSegments::unpack(const float *rows, int64_t n,
                                    int64_t rowWidth) const {
  ForwardResult result;
  result.numPositions = n;
  result.width = segments.front().width;
  result.hidden.resize(numLayers);
  // Columns [offset, offset + count) of every position.
  auto columns = [&](const Segment &s, int64_t count) {
    std::vector<float> out;
    out.reserve(n * count);
    for (int64_t p = 0; p < n; ++p)
      out.insert(out.end(), rows + p * rowWidth + s.offset,
                 rows + p * rowWidth + s.offset + count);
    return out;
  };
  for (const Segment &s : segments) {
    if (s.kind == "embedding" || s.kind == "attention" || s.kind == "mlp") {
      Stage stage = s.kind == "embedding"   ? Stage::Embedding
                    : s.kind == "attention" ? Stage::Attention
                                            : Stage::MLP;
      result.snapshots.push_back({stage, s.layer, columns(s, s.width)});
    } else if (s.kind == "hidden") {
      result.hidden[s.layer] = columns(s, s.width);
    } else {
      // Keys 0..n-1 of each query row: the first n of the head's columns.
      if (result.heads.empty() || result.heads.back().layer != s.layer ||
          result.heads.back().head != s.head)
        result.heads.push_back({s.layer, s.head, {}, {}});
      (s.kind == "logits" ? result.heads.back().logits
                          : result.heads.back().pattern) = columns(s, n);
    }
  }
  result.residual = result.snapshots.back().residual;
  return result;
}

std::vector<PyValue>
mlir::rasp::trace::decodeOutput(const craft::AssembledModel &model,
                                const ForwardResult &result) {
  const craft::Readout &readout = model.readout;
  std::vector<PyValue> out;
  for (int64_t p = 1; p < result.numPositions; ++p)
    out.push_back(
        craft::decode(readout.space, result.row(p) + readout.range.offset));
  return out;
}
