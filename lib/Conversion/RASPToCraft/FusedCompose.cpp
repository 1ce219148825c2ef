//===- FusedCompose.cpp - Joining the tables of fused operands ------------===//
//
// The table of f(x, y, ...) over the leaves of its operands: a point of the
// result is a point of every operand, agreeing on the leaves they share
// (docs/Fusion.md, "Leaves and fused values"). The size of the join is
// judged before any point is enumerated (judgeJoin, FusionPlan.cpp), and f
// is called once per combination of argument classes.
//
//===----------------------------------------------------------------------===//

#include "Lowering.h"

#include "RaspDialect/Support/TupleIds.h"

#include "llvm/ADT/DenseMap.h"

#include <cmath>

using namespace mlir;
using namespace mlir::rasp;
using namespace mlir::rasp::lowering;

namespace {
/// Results of f per combination of argument classes: in a dense table
/// indexed by the combination (mixed radix) when there are few, hashed by
/// that index while it fits in 64 bits, else by dense ids of the tuples.
class CallMemo {
public:
  explicit CallMemo(ArrayRef<std::vector<int32_t>> classes)
      : tuples(classes.size()) {
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
    if (!fitsWord) {
      auto [id, inserted] = tuples.insert(key);
      if (inserted)
        byTuple.push_back(-1);
      return byTuple[id];
    }
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
  TupleIds<> tuples;
  std::vector<int32_t> byTuple;
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

FailureOr<FusedValue> mlir::rasp::lowering::composeTables(
    ArrayRef<const FusedValue *> args, ArrayRef<unsigned> leaves,
    ArrayRef<std::vector<int32_t>> classes, ElementFn f) {
  FusedValue out;
  out.leaves.assign(leaves.begin(), leaves.end());
  Join join(args, classes, f, out);
  if (failed(join.extend(0)))
    return failure();
  return out;
}
