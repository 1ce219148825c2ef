//===- FusedCompose.cpp - Joining the tables of fused operands ------------===//
//
// The table of f(x, y, ...) over the leaves of its operands: a point of the
// result is a point of every operand, agreeing on the leaves they share
// (docs/Fusion.md, "Leaves and fused values"). The size of the join is
// bounded before any point is enumerated, and f is called once per
// combination of argument classes.
//
//===----------------------------------------------------------------------===//

#include "Lowering.h"

#include "llvm/ADT/DenseMap.h"

#include <cmath>
#include <map>

using namespace mlir;
using namespace mlir::rasp;
using namespace mlir::rasp::lowering;

/// An upper bound on the points of the join: at most the product of the
/// operands' tables, and at most the product over the distinct leaves of
/// the value indices they use.
static double joinBound(ArrayRef<const FusedValue *> args,
                        ArrayRef<unsigned> leaves) {
  double product = 1;
  for (const FusedValue *a : args)
    product *= static_cast<double>(std::max<size_t>(1, a->numPoints()));
  double byLeaves = 1;
  for (unsigned leaf : leaves) {
    int32_t largest = -1;
    for (const FusedValue *a : args) {
      size_t width = a->leaves.size();
      auto it = llvm::find(a->leaves, leaf);
      if (it == a->leaves.end())
        continue;
      size_t column = it - a->leaves.begin();
      for (size_t p = 0; p < a->numPoints(); ++p)
        largest = std::max(largest, a->points[p * width + column]);
    }
    // Indices -1 (None) .. largest.
    byLeaves *= static_cast<double>(largest + 2);
  }
  return std::min(product, byLeaves);
}

namespace {
/// Results of f per combination of argument classes: in a dense table
/// indexed by the combination when there are few, else hashed.
class CallMemo {
public:
  explicit CallMemo(ArrayRef<std::vector<int32_t>> classes) {
    constexpr uint64_t kMaxDense = uint64_t(1) << 20;
    uint64_t combinations = 1;
    for (const std::vector<int32_t> &c : classes) {
      radix.push_back(combinations);
      uint64_t count = 1 + (c.empty() ? 0 : *llvm::max_element(c));
      fitsWord = fitsWord && count < (uint64_t(1) << 32) &&
                 combinations <= UINT64_MAX / count;
      combinations = fitsWord ? combinations * count : combinations;
    }
    if (fitsWord && combinations <= kMaxDense)
      dense.assign(combinations, -1);
  }

  /// The slot of a combination of classes, -1 if f was not called on it.
  int32_t &slot(ArrayRef<int32_t> key) {
    if (!fitsWord)
      return byKey.try_emplace(std::vector<int32_t>(key.begin(), key.end()), -1)
          .first->second;
    uint64_t index = 0;
    for (size_t i = 0; i < key.size(); ++i)
      index += radix[i] * static_cast<uint64_t>(key[i]);
    if (!dense.empty())
      return dense[index];
    return byWord.try_emplace(index, -1).first->second;
  }

  std::vector<PyValue> results;

private:
  bool fitsWord = true;
  std::vector<uint64_t> radix;
  std::vector<int32_t> dense;
  llvm::DenseMap<uint64_t, int32_t> byWord;
  std::map<std::vector<int32_t>, int32_t> byKey;
};

/// The depth-first join: extends a partial point with each compatible point
/// of the next argument.
class Join {
public:
  Join(ArrayRef<const FusedValue *> args,
       ArrayRef<std::vector<int32_t>> classes, ElementFn f, FusedValue &out)
      : args(args), classes(classes), f(f), out(out), memo(classes),
        partial(out.leaves.size(), INT32_MIN), chosen(args.size()),
        key(args.size()) {
    // The columns of each argument's leaves; a column is fresh for the first
    // argument that has it and compared against by the later ones.
    std::vector<bool> seen(out.leaves.size(), false);
    for (const FusedValue *a : args) {
      auto &cols = columns.emplace_back();
      for (unsigned leaf : a->leaves) {
        size_t column = llvm::find(out.leaves, leaf) - out.leaves.begin();
        cols.push_back({column, !seen[column]});
        seen[column] = true;
      }
    }
  }

  LogicalResult extend(size_t a) {
    if (a == args.size())
      return emitPoint();
    const FusedValue &arg = *args[a];
    size_t width = arg.leaves.size();
    for (size_t p = 0; p < arg.numPoints(); ++p) {
      // Fresh columns are overwritten here before anything reads them.
      bool compatible = true;
      for (size_t i = 0; i < width && compatible; ++i) {
        auto [column, fresh] = columns[a][i];
        int32_t v = arg.points[p * width + i];
        if (fresh)
          partial[column] = v;
        else
          compatible = partial[column] == v;
      }
      if (!compatible)
        continue;
      chosen[a] = p;
      if (failed(extend(a + 1)))
        return failure();
    }
    return success();
  }

private:
  LogicalResult emitPoint() {
    bool anyNone = false;
    for (size_t i = 0; i < args.size(); ++i) {
      key[i] = classes[i][chosen[i]];
      anyNone |= args[i]->outputs[chosen[i]].isNone();
    }
    out.points.insert(out.points.end(), partial.begin(), partial.end());
    // None arguments give None (map semantics), without calling f.
    if (anyNone) {
      out.outputs.push_back(PyValue::none());
      return success();
    }
    int32_t &slot = memo.slot(key);
    if (slot < 0) {
      inputs.clear();
      for (size_t i = 0; i < args.size(); ++i)
        inputs.push_back(args[i]->outputs[chosen[i]]);
      FailureOr<PyValue> r = f(inputs);
      if (failed(r))
        return failure();
      slot = static_cast<int32_t>(memo.results.size());
      memo.results.push_back(std::move(*r));
    }
    out.outputs.push_back(memo.results[slot]);
    return success();
  }

  ArrayRef<const FusedValue *> args;
  ArrayRef<std::vector<int32_t>> classes;
  ElementFn f;
  FusedValue &out;
  CallMemo memo;
  std::vector<SmallVector<std::pair<size_t, bool>, 4>> columns;
  std::vector<int32_t> partial;
  std::vector<size_t> chosen;
  std::vector<int32_t> key;
  std::vector<PyValue> inputs;
};
} // namespace

double mlir::rasp::lowering::fusedWork(double points, size_t leaves) {
  // Building the table (a function call per class combination, a row of
  // value indices and an output per point) costs about as much per point
  // as 32 steps of the synthesis' sorted passes (measured: ~400 ns a point
  // against ~12 ns a step, shuffle_dyck2 at N = 8).
  constexpr double kTableBuild = 32;
  return points *
         (static_cast<double>(leaves + 1) * std::ceil(std::log2(points + 1)) +
          kTableBuild);
}

FailureOr<std::optional<FusedValue>> mlir::rasp::lowering::composeTables(
    ArrayRef<const FusedValue *> args,
    llvm::function_ref<FailureOr<std::vector<std::vector<int32_t>>>()>
        classesOf,
    ElementFn f, int64_t maxPoints, double maxWork, std::string *refusal) {
  FusedValue out;
  for (const FusedValue *a : args)
    for (unsigned leaf : a->leaves)
      if (!llvm::is_contained(out.leaves, leaf))
        out.leaves.push_back(leaf);
  llvm::sort(out.leaves);
  // A table over one leaf is as large as its value set, as without fusion.
  // Judged on the bound, before composing: the composition itself, and
  // every composition inlining this table, costs as much as the table.
  if (out.leaves.size() >= 2) {
    double bound = joinBound(args, out.leaves);
    double work = fusedWork(bound, out.leaves.size());
    if (bound > static_cast<double>(maxPoints)) {
      if (refusal)
        *refusal = "its table over the leaves of its operands could exceed "
                   "max-fused-domain (" +
                   std::to_string(maxPoints) + " points)";
      return std::optional<FusedValue>();
    }
    if (work > maxWork) {
      if (refusal)
        *refusal = "its table over the leaves of its operands could have " +
                   std::to_string(static_cast<int64_t>(bound)) +
                   " points, an estimated work " +
                   std::to_string(static_cast<int64_t>(work)) +
                   " above the limit " +
                   std::to_string(static_cast<int64_t>(maxWork)) +
                   " (max-fused-work, or fusion-savings times the work of "
                   "the MLPs it replaces)";
      return std::optional<FusedValue>();
    }
  }
  FailureOr<std::vector<std::vector<int32_t>>> classes = classesOf();
  if (failed(classes))
    return failure();
  Join join(args, *classes, f, out);
  if (failed(join.extend(0)))
    return failure();
  return std::optional<FusedValue>(std::move(out));
}
