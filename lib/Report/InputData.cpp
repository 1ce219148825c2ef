//===- InputData.cpp - The data of one input of the report ----------------===//
//
// Only what the views draw is written, compactly:
//
//   * the residual stream as changes: a sublayer adds only to the subspaces
//     it writes, so each subspace is stored at the stages where it changes
//     (its decoded values and its entries of magnitude >= 1e-4 as sparse
//     (position, direction, value) triples), not once per stage;
//   * heatmap numbers rounded to 4 significant digits (patterns to 3), whole
//     numbers written as integers; exact values are in `rasp-run --trace`;
//   * MLP hidden activations sparse where most units are off.
//
//===----------------------------------------------------------------------===//

#include "ReportData.h"

#include "RaspDialect/Dialect/Craft/Evaluator/Evaluator.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

using namespace mlir;
using namespace mlir::rasp;
using namespace mlir::rasp::report;

/// Entries below this magnitude are left out of the residual heatmaps.
static constexpr float kMinEntry = 1e-4f;

/// `value` rounded to `digits` significant digits, as a JSON number (an
/// integer if it is one).
static Json compact(double value, int digits = 4) {
  if (!std::isfinite(value))
    return nullptr;
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.*g", digits, value);
  double rounded = std::strtod(buffer, nullptr);
  if (rounded == std::trunc(rounded) && std::fabs(rounded) < 1e15)
    return static_cast<int64_t>(rounded);
  return rounded;
}

/// Whether the model's decoded value `got` is the interpreter's `expected`:
/// numbers within float32 rounding, other values equal.
static bool sameValue(const PyValue &got, const PyValue &expected) {
  if (got.isNone() || expected.isNone())
    return got.isNone() && expected.isNone();
  if (got.isNumber() && expected.isNumber() && !got.isStr() &&
      !expected.isStr()) {
    double a = got.toDouble(), b = expected.toDouble();
    return std::fabs(a - b) <= 1e-5 * std::max(1.0, std::fabs(b));
  }
  return got.equals(expected);
}

namespace {
class InputDescriber {
public:
  InputDescriber(const ModelDescription &d, const craft::AssembledModel &m,
                 const ReportInput &input)
      : d(d), m(m), input(input), f(input.trace.forward), n(f.numPositions) {}

  Json run();

private:
  Json residualChanges();
  Json heads();
  Json mlps();
  Json values();
  Json selections();
  /// The decoded values of subspace `index` in `residual` at every position.
  std::vector<PyValue> decode(size_t index, const float *residual) const;

  const ModelDescription &d;
  const craft::AssembledModel &m;
  const ReportInput &input;
  const trace::ForwardResult &f;
  int64_t n;
};
} // namespace

std::vector<PyValue> InputDescriber::decode(size_t index,
                                            const float *residual) const {
  const trace::TraceLayout::Subspace &s = d.layout.subspaces[index];
  std::vector<PyValue> out;
  for (int64_t p = 0; p < n; ++p) {
    const float *v = residual + p * f.width + s.range.offset;
    out.push_back(s.space.isNumerical() || s.range.dim > 0
                      ? craft::decode(s.space, v)
                      : PyValue::none());
  }
  return out;
}

Json InputDescriber::residualChanges() {
  Json changes = Json::array();
  std::vector<float> zeros(n * f.width, 0.0f);
  for (auto [stage, snapshot] : llvm::enumerate(f.snapshots)) {
    const std::vector<float> &before =
        stage == 0 ? zeros : f.snapshots[stage - 1].residual;
    const std::vector<float> &after = snapshot.residual;
    for (auto [index, s] : llvm::enumerate(d.layout.subspaces)) {
      bool changed = false;
      for (int64_t p = 0; p < n && !changed; ++p)
        for (int64_t c = 0; c < s.range.dim && !changed; ++c) {
          int64_t at = p * f.width + s.range.offset + c;
          changed = before[at] != after[at];
        }
      if (!changed)
        continue;
      Json cells = Json::array();
      for (int64_t p = 0; p < n; ++p)
        for (int64_t c = 0; c < s.range.dim; ++c) {
          float v = after[p * f.width + s.range.offset + c];
          if (std::fabs(v) >= kMinEntry) {
            cells.push_back(p);
            cells.push_back(c);
            cells.push_back(compact(v));
          }
        }
      Json decoded = Json::array();
      bool numerical = s.space.isNumerical();
      for (const PyValue &v : decode(index, after.data()))
        decoded.push_back(showValue(v, numerical));
      changes.push_back({{"stage", stage},
                         {"subspace", index},
                         {"decoded", std::move(decoded)},
                         {"cells", std::move(cells)}});
    }
  }
  return changes;
}

Json InputDescriber::heads() {
  Json out = Json::array();
  for (const trace::HeadSnapshot &h : f.heads) {
    Json pattern = Json::array(), logits = Json::array();
    for (float w : h.pattern)
      pattern.push_back(w < 1e-5f ? Json(0) : compact(w, 3));
    for (float s : h.logits)
      logits.push_back(compact(s));
    out.push_back({{"block", d.headBlocks[h.layer][h.head]},
                   {"pattern", std::move(pattern)},
                   {"logits", std::move(logits)}});
  }
  return out;
}

Json InputDescriber::mlps() {
  Json out = Json::array();
  for (auto [l, hidden] : llvm::enumerate(input.trace.hidden)) {
    if (d.mlpBlocks[l] < 0 || hidden.empty())
      continue;
    int64_t units = hidden.size() / n;
    int64_t active = llvm::count_if(hidden, [](float h) { return h > 0; });
    Json entry = {{"block", d.mlpBlocks[l]}, {"units", units}};
    Json data = Json::array();
    if (2 * active < static_cast<int64_t>(hidden.size())) {
      for (int64_t p = 0; p < n; ++p)
        for (int64_t u = 0; u < units; ++u)
          if (float h = hidden[p * units + u]; h > 0) {
            data.push_back(p);
            data.push_back(u);
            data.push_back(compact(h));
          }
      entry["cells"] = std::move(data);
    } else {
      for (float h : hidden)
        data.push_back(compact(h));
      entry["dense"] = std::move(data);
    }
    out.push_back(std::move(entry));
  }
  return out;
}

Json InputDescriber::values() {
  // Per SOp: the interpreter's value and the model's decoded value at every
  // position (BOS dropped), and whether they agree: "ok", "bad", or
  // "absent" where the model has no direction for the value (pruned).
  Json out = Json::array();
  const float *final = f.snapshots.back().residual.data();
  for (auto [i, node] : llvm::enumerate(d.nodes)) {
    if (node.selector)
      continue;
    Json entry = {{"node", i}};
    llvm::ArrayRef<PyValue> expected;
    if (input.expected)
      expected = input.expected->getValues(node.result);
    Json shownExpected = Json::array();
    for (const PyValue &v : expected)
      shownExpected.push_back(showValue(v, false));
    entry["expected"] = std::move(shownExpected);
    if (node.subspace >= 0) {
      const trace::TraceLayout::Subspace &s = d.layout.subspaces[node.subspace];
      std::vector<PyValue> got = decode(node.subspace, final);
      Json shown = Json::array(), verdicts = Json::array();
      for (int64_t p = 1; p < n; ++p) {
        shown.push_back(showValue(got[p], s.space.isNumerical()));
        if (expected.size() != static_cast<size_t>(n - 1))
          continue;
        const PyValue &e = expected[p - 1];
        bool representable = true;
        if (got[p].isNone() && !e.isNone() && s.space.isCategorical()) {
          FailureOr<ValueSet> values = craft::spaceValues(s.space);
          representable =
              succeeded(values) && llvm::any_of(*values, [&](const PyValue &v) {
                return v.equals(e);
              });
        }
        verdicts.push_back(sameValue(got[p], e) ? "ok"
                           : representable      ? "bad"
                                                : "absent");
      }
      entry["model"] = std::move(shown);
      entry["verdicts"] = std::move(verdicts);
    }
    out.push_back(std::move(entry));
  }
  return out;
}

Json InputDescriber::selections() {
  Json out = Json::array();
  if (!input.expected)
    return out;
  for (auto [i, node] : llvm::enumerate(d.nodes)) {
    if (!node.selector)
      continue;
    const Selection &s = input.expected->getSelection(node.result);
    std::string bits;
    for (unsigned q = 0; q < s.size(); ++q)
      for (unsigned k = 0; k < s.size(); ++k)
        bits.push_back(s.get(q, k) ? '1' : '0');
    out.push_back({{"node", i}, {"bits", std::move(bits)}});
  }
  return out;
}

Json InputDescriber::run() {
  Json positions = Json::array({d.json["program"]["bos"]});
  for (const std::string &token : input.tokens)
    positions.push_back(token);
  bool numerical = !m.readout.isCategorical();
  std::vector<PyValue> output = trace::decodeOutput(m, f);
  Json shownOutput = Json::array(), expected = nullptr;
  Json verdicts = Json::array();
  bool agree = input.expected.has_value();
  if (input.expected) {
    llvm::ArrayRef<PyValue> want = input.expected->getOutput();
    expected = Json::array();
    for (auto [index, v] : llvm::enumerate(want)) {
      expected.push_back(showValue(v, false));
      bool same = index < output.size() && sameValue(output[index], v);
      verdicts.push_back(same ? "ok" : "bad");
      agree &= same;
    }
  }
  for (const PyValue &v : output)
    shownOutput.push_back(showValue(v, numerical));
  return {{"tokens", input.tokens},
          {"positions", std::move(positions)},
          {"output", std::move(shownOutput)},
          {"expected", std::move(expected)},
          {"verdicts", std::move(verdicts)},
          {"agree", agree},
          {"interpreterError", input.interpreterError},
          {"residual", residualChanges()},
          {"heads", heads()},
          {"mlps", mlps()},
          {"values", values()},
          {"selections", selections()}};
}

Json mlir::rasp::report::describeInput(const ModelDescription &description,
                                       const craft::AssembledModel &assembled,
                                       const ReportInput &input) {
  return InputDescriber(description, assembled, input).run();
}
