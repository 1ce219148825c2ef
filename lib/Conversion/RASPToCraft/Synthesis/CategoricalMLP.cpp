//===- CategoricalMLP.cpp - MLPs on categorical inputs --------------------===//

#include "RaspDialect/Conversion/RASPToCraft/Synthesis/CategoricalMLP.h"

#include <algorithm>
#include <numeric>

using namespace mlir;
using namespace mlir::craft;
using namespace mlir::craft::synth;
using rasp::PyValue;
using rasp::ValueSet;

int64_t mlir::craft::synth::indexIn(const ValueSet &set, const PyValue &value) {
  auto it = std::lower_bound(set.begin(), set.end(), value, PyValue::setLess);
  if (it == set.end() || !it->equals(value))
    return -1;
  return it - set.begin();
}

llvm::Expected<double>
mlir::craft::synth::toNumber(const PyValue &value,
                             llvm::function_ref<std::string()> what) {
  if (value.isNumber())
    return value.toDouble();
  return llvm::createStringError(what() + " is " + value.repr() +
                                 ", which a numerical SOp cannot hold");
}

static llvm::Error notInOutputSet(const PyValue &out, llvm::StringRef input) {
  return llvm::createStringError("the function yields " + out.repr() + " for " +
                                 input.str() +
                                 ", which is not in the output value set");
}

llvm::Expected<MLPBlock>
mlir::craft::synth::mapCategoricalToCategorical(const ValueSet &inputs,
                                                llvm::ArrayRef<PyValue> outputs,
                                                const ValueSet &outputSpace) {
  // Hidden unit k stands for the k-th output value that some input produces.
  std::vector<int64_t> unitOfOutput(outputSpace.size(), -1);
  std::vector<Triplet> w1, w2;
  int64_t hidden = 0;
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (outputs[i].isNone())
      continue;
    int64_t o = indexIn(outputSpace, outputs[i]);
    if (o < 0)
      return notInOutputSet(outputs[i], "input " + inputs[i].repr());
    if (unitOfOutput[o] < 0) {
      unitOfOutput[o] = hidden++;
      w2.push_back({unitOfOutput[o], o, 1.0});
    }
    w1.push_back({static_cast<int64_t>(i), unitOfOutput[o], 1.0});
  }
  MLPBlock block;
  block.inputDims = {static_cast<int64_t>(inputs.size())};
  block.outputDims = {static_cast<int64_t>(outputSpace.size())};
  block.w1 = Matrix::fromTriplets(inputs.size(), hidden, std::move(w1));
  block.w2 = Matrix::fromTriplets(hidden, outputSpace.size(), std::move(w2));
  return block;
}

/// The MLP computing sum(value * x_row) over `terms` as the difference of a
/// unit for the positive and one for the negative terms.
static MLPBlock signedLookup(llvm::ArrayRef<int64_t> inputDims, int64_t rows,
                             llvm::ArrayRef<std::pair<int64_t, double>> terms) {
  // Unit 0: ReLU(sum of positive terms), unit 1: ReLU(-sum of negatives).
  std::vector<Triplet> w1, w2;
  bool anyPositive = false, anyNegative = false;
  for (auto [row, value] : terms) {
    anyPositive |= value > 0;
    anyNegative |= value < 0;
  }
  int64_t positive = anyPositive ? 0 : -1;
  int64_t negative = anyNegative ? (anyPositive ? 1 : 0) : -1;
  for (auto [row, value] : terms) {
    if (value > 0)
      w1.push_back({row, positive, value});
    else if (value < 0)
      w1.push_back({row, negative, -value});
  }
  if (positive >= 0)
    w2.push_back({positive, 0, 1.0});
  if (negative >= 0)
    w2.push_back({negative, 0, -1.0});
  int64_t hidden = int64_t(anyPositive) + int64_t(anyNegative);
  MLPBlock block;
  block.inputDims.assign(inputDims.begin(), inputDims.end());
  block.outputDims = {1};
  block.w1 = Matrix::fromTriplets(rows, hidden, std::move(w1));
  block.w2 = Matrix::fromTriplets(hidden, 1, std::move(w2));
  return block;
}

llvm::Expected<MLPBlock>
mlir::craft::synth::mapCategoricalToNumerical(const ValueSet &inputs,
                                              llvm::ArrayRef<PyValue> outputs) {
  std::vector<std::pair<int64_t, double>> terms;
  for (size_t i = 0; i < inputs.size(); ++i) {
    llvm::Expected<double> v = toNumber(
        outputs[i], [&] { return "the value for input " + inputs[i].repr(); });
    if (!v)
      return v.takeError();
    terms.push_back({static_cast<int64_t>(i), *v});
  }
  int64_t n = static_cast<int64_t>(inputs.size());
  return signedLookup({n}, n, terms);
}

/// Hidden units ReLU(x_i + y_j - one) for the pairs `pairs`; returns W1.
static std::vector<Triplet>
pairUnits(int64_t numX, llvm::ArrayRef<std::pair<int64_t, int64_t>> pairs,
          int64_t oneRow) {
  std::vector<Triplet> w1;
  for (auto [unit, pair] : llvm::enumerate(pairs)) {
    int64_t u = static_cast<int64_t>(unit);
    w1.push_back({pair.first, u, 1.0});
    w1.push_back({numX + pair.second, u, 1.0});
    w1.push_back({oneRow, u, -1.0});
  }
  return w1;
}

llvm::Expected<MLPBlock> mlir::craft::synth::sequenceMapToCategorical(
    const ValueSet &xs, const ValueSet &ys, llvm::ArrayRef<PyValue> table,
    const ValueSet &outputSpace) {
  int64_t nx = xs.size(), ny = ys.size();
  std::vector<std::pair<int64_t, int64_t>> pairs;
  std::vector<Triplet> w2;
  for (int64_t i = 0; i < nx; ++i)
    for (int64_t j = 0; j < ny; ++j) {
      const PyValue &out = table[i * ny + j];
      if (out.isNone())
        continue;
      int64_t o = indexIn(outputSpace, out);
      if (o < 0)
        return notInOutputSet(out, "inputs (" + xs[i].repr() + ", " +
                                       ys[j].repr() + ")");
      w2.push_back({static_cast<int64_t>(pairs.size()), o, 1.0});
      pairs.push_back({i, j});
    }
  int64_t hidden = pairs.size();
  MLPBlock block;
  block.inputDims = {nx, ny, 1};
  block.outputDims = {static_cast<int64_t>(outputSpace.size())};
  block.w1 =
      Matrix::fromTriplets(nx + ny + 1, hidden, pairUnits(nx, pairs, nx + ny));
  block.w2 = Matrix::fromTriplets(hidden, outputSpace.size(), std::move(w2));
  return block;
}

llvm::Expected<MLPBlock> mlir::craft::synth::sequenceMapToNumerical(
    const ValueSet &xs, const ValueSet &ys, llvm::ArrayRef<PyValue> table) {
  int64_t nx = xs.size(), ny = ys.size();
  std::vector<std::pair<int64_t, int64_t>> pairs;
  std::vector<Triplet> w2;
  for (int64_t i = 0; i < nx; ++i)
    for (int64_t j = 0; j < ny; ++j) {
      llvm::Expected<double> v = toNumber(table[i * ny + j], [&] {
        return "the value for inputs (" + xs[i].repr() + ", " + ys[j].repr() +
               ")";
      });
      if (!v)
        return v.takeError();
      // The pair indicator is exactly 0 or 1, so the output weight can carry
      // a value of either sign.
      if (*v == 0)
        continue;
      w2.push_back({static_cast<int64_t>(pairs.size()), 0, *v});
      pairs.push_back({i, j});
    }
  int64_t hidden = pairs.size();
  MLPBlock block;
  block.inputDims = {nx, ny, 1};
  block.outputDims = {1};
  block.w1 =
      Matrix::fromTriplets(nx + ny + 1, hidden, pairUnits(nx, pairs, nx + ny));
  block.w2 = Matrix::fromTriplets(hidden, 1, std::move(w2));
  return block;
}

MLPBlock mlir::craft::synth::tupleFeature(llvm::ArrayRef<int64_t> dims) {
  int64_t n = dims.size();
  int64_t total = std::accumulate(dims.begin(), dims.end(), int64_t(1),
                                  std::multiplies<int64_t>());
  std::vector<int64_t> offsets(n, 0);
  for (int64_t i = 1; i < n; ++i)
    offsets[i] = offsets[i - 1] + dims[i - 1];
  int64_t oneRow = offsets.empty() ? 0 : offsets.back() + dims.back();
  std::vector<Triplet> w1, w2;
  for (int64_t t = 0; t < total; ++t) {
    int64_t rest = t;
    for (int64_t i = n - 1; i >= 0; --i) {
      w1.push_back({offsets[i] + rest % dims[i], t, 1.0});
      rest /= dims[i];
    }
    if (n > 1)
      w1.push_back({oneRow, t, -static_cast<double>(n - 1)});
    w2.push_back({t, t, 1.0});
  }
  MLPBlock block;
  block.inputDims.assign(dims.begin(), dims.end());
  block.inputDims.push_back(1);
  block.outputDims = {total};
  block.w1 = Matrix::fromTriplets(oneRow + 1, total, std::move(w1));
  block.w2 = Matrix::fromTriplets(total, total, std::move(w2));
  return block;
}

/// One unit ReLU(one - bos): 1 at every position but BOS, where it is 0.
static Matrix notBosUnit() {
  return Matrix::fromTriplets(2, 1, {{0, 0, 1.0}, {1, 0, -1.0}});
}

MLPBlock mlir::craft::synth::constantCategorical(int64_t dim, int64_t index) {
  MLPBlock block;
  block.inputDims = {1, 1};
  block.outputDims = {dim};
  block.w1 = notBosUnit();
  std::vector<Triplet> w2;
  if (index >= 0)
    w2.push_back({0, index, 1.0});
  block.w2 = Matrix::fromTriplets(1, dim, std::move(w2));
  return block;
}

MLPBlock mlir::craft::synth::constantNumerical(double value) {
  MLPBlock block;
  block.inputDims = {1, 1};
  block.outputDims = {1};
  block.w1 = notBosUnit();
  block.w2 = Matrix::fromTriplets(1, 1, {{0, 0, value}});
  return block;
}

//===----------------------------------------------------------------------===//
// Cleaning variants
//===----------------------------------------------------------------------===//

namespace {
/// Builds an MLP of clamp-unit pairs: unit pair k reads `rows[k]` with
/// weight 2 each and bias `-(2 |rows[k]| - 3/2)` (resp. `- 1/2`) from the
/// `one` row, and writes `outputs[k]` (+ for the first, - for the second).
struct ClampBuilder {
  int64_t oneRow;
  std::vector<Triplet> w1, w2;
  int64_t hidden = 0;

  void add(llvm::ArrayRef<int64_t> rows,
           llvm::ArrayRef<std::pair<int64_t, double>> outputs) {
    double n = static_cast<double>(rows.size());
    for (int unit = 0; unit < 2; ++unit) {
      for (int64_t r : rows)
        w1.push_back({r, hidden, 2.0});
      // clamp(2 s - 2 n + 3/2): all inputs 1 gives 3/2 and 1/2, one input
      // 0 gives at most -1/2 (section 3.4).
      w1.push_back({oneRow, hidden, -(2 * n - 1.5) - unit});
      for (auto [col, value] : outputs)
        w2.push_back({hidden, col, unit ? -value : value});
      ++hidden;
    }
  }

  MLPBlock build(llvm::ArrayRef<int64_t> inputDims, int64_t outDim) {
    MLPBlock block;
    block.inputDims.assign(inputDims.begin(), inputDims.end());
    block.outputDims = {outDim};
    block.w1 = Matrix::fromTriplets(oneRow + 1, hidden, std::move(w1));
    block.w2 = Matrix::fromTriplets(hidden, outDim, std::move(w2));
    return block;
  }
};
} // namespace

/// The output row of `value`: its one-hot direction, or the number itself.
/// `input` names the input in an error (built only then: reprs are slow).
static llvm::Expected<std::vector<std::pair<int64_t, double>>>
outputRow(const PyValue &value, const ValueSet *outputSpace,
          llvm::function_ref<std::string()> input) {
  if (!outputSpace) {
    llvm::Expected<double> v =
        toNumber(value, [&] { return "the value for " + input(); });
    if (!v)
      return v.takeError();
    if (*v == 0)
      return std::vector<std::pair<int64_t, double>>();
    return std::vector<std::pair<int64_t, double>>{{0, *v}};
  }
  if (value.isNone())
    return std::vector<std::pair<int64_t, double>>();
  int64_t o = indexIn(*outputSpace, value);
  if (o < 0)
    return notInOutputSet(value, input());
  return std::vector<std::pair<int64_t, double>>{{o, 1.0}};
}

llvm::Expected<MLPBlock>
mlir::craft::synth::cleanLookup(const ValueSet &inputs,
                                llvm::ArrayRef<PyValue> outputs,
                                const ValueSet *outputSpace) {
  int64_t n = inputs.size();
  ClampBuilder b{n, {}, {}, 0};
  for (int64_t i = 0; i < n; ++i) {
    auto row = outputRow(outputs[i], outputSpace,
                         [&] { return "input " + inputs[i].repr(); });
    if (!row)
      return row.takeError();
    if (!row->empty())
      b.add({i}, *row);
  }
  return b.build({n, 1}, outputSpace ? outputSpace->size() : 1);
}

llvm::Expected<MLPBlock>
mlir::craft::synth::cleanSequenceMap(const ValueSet &xs, const ValueSet &ys,
                                     llvm::ArrayRef<PyValue> table,
                                     const ValueSet *outputSpace) {
  int64_t nx = xs.size(), ny = ys.size();
  ClampBuilder b{nx + ny, {}, {}, 0};
  for (int64_t i = 0; i < nx; ++i)
    for (int64_t j = 0; j < ny; ++j) {
      auto row = outputRow(table[i * ny + j], outputSpace, [&] {
        return "inputs (" + xs[i].repr() + ", " + ys[j].repr() + ")";
      });
      if (!row)
        return row.takeError();
      if (!row->empty())
        b.add({i, nx + j}, *row);
    }
  return b.build({nx, ny, 1}, outputSpace ? outputSpace->size() : 1);
}

MLPBlock mlir::craft::synth::cleanTupleFeature(llvm::ArrayRef<int64_t> dims) {
  int64_t n = dims.size();
  std::vector<int64_t> offsets(n, 0);
  for (int64_t i = 1; i < n; ++i)
    offsets[i] = offsets[i - 1] + dims[i - 1];
  int64_t total = std::accumulate(dims.begin(), dims.end(), int64_t(1),
                                  std::multiplies<int64_t>());
  ClampBuilder b{offsets.back() + dims.back(), {}, {}, 0};
  llvm::SmallVector<int64_t> rows(n);
  for (int64_t t = 0; t < total; ++t) {
    int64_t rest = t;
    for (int64_t i = n - 1; i >= 0; --i) {
      rows[i] = offsets[i] + rest % dims[i];
      rest /= dims[i];
    }
    b.add(rows, {{t, 1.0}});
  }
  llvm::SmallVector<int64_t> inputDims(dims.begin(), dims.end());
  inputDims.push_back(1);
  return b.build(inputDims, total);
}
