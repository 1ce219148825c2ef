//===- Selectors.cpp - Selection tables and composite selectors -----------===//

#include "RaspDialect/Conversion/RASPToCraft/Synthesis/Selectors.h"

#include "llvm/ADT/STLExtras.h"

#include <algorithm>
#include <map>

using namespace mlir;
using namespace mlir::craft;
using namespace mlir::craft::synth;
using rasp::Comparison;
using rasp::PyValue;
using rasp::ValueSet;

//===----------------------------------------------------------------------===//
// Tables
//===----------------------------------------------------------------------===//

/// Sets bits [lo, hi) of the row starting at `row`.
static void setRange(uint64_t *row, int64_t lo, int64_t hi) {
  for (int64_t c = lo; c < hi;) {
    if (c % 64 == 0 && hi - c >= 64) {
      row[c / 64] = ~uint64_t(0);
      c += 64;
    } else {
      row[c / 64] |= uint64_t(1) << (c % 64);
      ++c;
    }
  }
}

/// True if every value is a finite-or-infinite non-NaN number, or every
/// value is a string: then setLess orders them as Python's `<` does.
static bool isTotallyOrdered(const ValueSet &a, const ValueSet &b) {
  auto number = [](const PyValue &v) {
    return v.isNumber() && !std::isnan(v.toDouble());
  };
  auto string = [](const PyValue &v) { return v.isStr(); };
  return (llvm::all_of(a, number) && llvm::all_of(b, number)) ||
         (llvm::all_of(a, string) && llvm::all_of(b, string));
}

/// Equality tables from this many entries on are built sparse (smaller
/// ones stay bit tables, as every other comparison).
static constexpr int64_t kSparseEqualityEntries = int64_t(1) << 16;

llvm::Expected<Matrix>
mlir::craft::synth::comparisonTable(Comparison predicate, const ValueSet &keys,
                                    const ValueSet &queries) {
  int64_t rows = queries.size(), cols = keys.size();
  bool none =
      llvm::any_of(keys, [](const PyValue &v) { return v.isNone(); }) ||
      llvm::any_of(queries, [](const PyValue &v) { return v.isNone(); });
  if (none || !isTotallyOrdered(keys, queries))
    return predicateTable(
        [&](const PyValue &k, const PyValue &q) {
          return rasp::py::compare(predicate, k, q);
        },
        keys, queries);

  if (predicate == Comparison::Eq && rows * cols > kSparseEqualityEntries) {
    // At most one key equals a query (value sets hold distinct values): a
    // sparse table, linear in the value sets and not their product.
    std::vector<Triplet> entries;
    for (int64_t r = 0; r < rows; ++r) {
      auto [lower, upper] = std::equal_range(keys.begin(), keys.end(),
                                             queries[r], PyValue::setLess);
      for (auto it = lower; it != upper; ++it)
        entries.push_back({r, it - keys.begin(), 1.0});
    }
    return Matrix::fromTriplets(rows, cols, std::move(entries));
  }
  int64_t wpr = Matrix::wordsPerRow(cols);
  std::vector<uint64_t> words(rows * wpr, 0);
  for (int64_t r = 0; r < rows; ++r) {
    const PyValue &q = queries[r];
    uint64_t *row = words.data() + r * wpr;
    // Keys are sorted: those below q, equal to q and above q are ranges.
    int64_t lower =
        std::lower_bound(keys.begin(), keys.end(), q, PyValue::setLess) -
        keys.begin();
    int64_t upper =
        std::upper_bound(keys.begin(), keys.end(), q, PyValue::setLess) -
        keys.begin();
    switch (predicate) {
    case Comparison::True:
      setRange(row, 0, cols);
      break;
    case Comparison::False:
      break;
    case Comparison::Eq:
      setRange(row, lower, upper);
      break;
    case Comparison::Neq:
      setRange(row, 0, lower);
      setRange(row, upper, cols);
      break;
    case Comparison::Lt: // key < query
      setRange(row, 0, lower);
      break;
    case Comparison::Leq:
      setRange(row, 0, upper);
      break;
    case Comparison::Gt:
      setRange(row, upper, cols);
      break;
    case Comparison::Geq:
      setRange(row, lower, cols);
      break;
    }
  }
  return Matrix::fromBits(rows, cols, std::move(words));
}

llvm::Expected<Matrix> mlir::craft::synth::predicateTable(
    llvm::function_ref<llvm::Expected<bool>(const PyValue &, const PyValue &)>
        pred,
    const ValueSet &keys, const ValueSet &queries) {
  int64_t rows = queries.size(), cols = keys.size();
  int64_t wpr = Matrix::wordsPerRow(cols);
  std::vector<uint64_t> words(rows * wpr, 0);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c) {
      llvm::Expected<bool> selected = pred(keys[c], queries[r]);
      if (!selected)
        return llvm::createStringError(llvm::toString(selected.takeError()) +
                                       " (evaluating on key " + keys[c].repr() +
                                       " and query " + queries[r].repr() + ")");
      if (*selected)
        words[r * wpr + c / 64] |= uint64_t(1) << (c % 64);
    }
  return Matrix::fromBits(rows, cols, std::move(words));
}

//===----------------------------------------------------------------------===//
// Composite selectors
//===----------------------------------------------------------------------===//

SelectorTree SelectorTree::leaf(std::optional<unsigned> key,
                                std::optional<unsigned> query, Matrix table) {
  SelectorTree t;
  t.kind = Kind::Leaf;
  t.keyOperand = key;
  t.queryOperand = query;
  t.table = std::move(table);
  return t;
}

SelectorTree SelectorTree::combine(Kind kind,
                                   std::vector<SelectorTree> children) {
  SelectorTree t;
  t.kind = kind;
  t.children = std::move(children);
  return t;
}

static Matrix complement(const Matrix &m) {
  return Matrix::fromPredicate(
      m.getRows(), m.getCols(),
      [&](int64_t r, int64_t c) { return m.get(r, c) == 0.0; });
}

/// Negation normal form: only leaves are negated (by complementing tables).
static SelectorTree toNNF(const SelectorTree &t, bool negate) {
  using Kind = SelectorTree::Kind;
  switch (t.kind) {
  case Kind::Leaf:
    return SelectorTree::leaf(t.keyOperand, t.queryOperand,
                              negate ? complement(t.table) : t.table);
  case Kind::Not:
    return toNNF(t.children.front(), !negate);
  case Kind::And:
  case Kind::Or: {
    Kind kind = t.kind;
    if (negate)
      kind = kind == Kind::And ? Kind::Or : Kind::And;
    std::vector<SelectorTree> children;
    for (const SelectorTree &c : t.children)
      children.push_back(toNNF(c, negate));
    return SelectorTree::combine(kind, std::move(children));
  }
  }
  llvm_unreachable("unknown selector kind");
}

static void collectConjuncts(const SelectorTree &t,
                             std::vector<const SelectorTree *> &out) {
  if (t.kind == SelectorTree::Kind::And) {
    for (const SelectorTree &c : t.children)
      collectConjuncts(c, out);
    return;
  }
  out.push_back(&t);
}

static void collectOperands(const SelectorTree &t,
                            llvm::SmallVectorImpl<unsigned> &queries,
                            llvm::SmallVectorImpl<unsigned> &keys) {
  if (t.kind == SelectorTree::Kind::Leaf) {
    if (t.queryOperand)
      queries.push_back(*t.queryOperand);
    if (t.keyOperand)
      keys.push_back(*t.keyOperand);
    return;
  }
  for (const SelectorTree &c : t.children)
    collectOperands(c, queries, keys);
}

static void sortUnique(llvm::SmallVectorImpl<unsigned> &v) {
  llvm::sort(v);
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

namespace {
/// Evaluates an NNF tree at one (query tuple, key tuple) entry.
struct TupleEvaluator {
  llvm::ArrayRef<unsigned> queryOperands, keyOperands;
  /// Value index of every operand at the current entry.
  llvm::SmallVector<int64_t> queryIndex, keyIndex;

  int64_t position(llvm::ArrayRef<unsigned> operands, unsigned id) const {
    return llvm::find(operands, id) - operands.begin();
  }

  bool eval(const SelectorTree &t) const {
    switch (t.kind) {
    case SelectorTree::Kind::Leaf: {
      int64_t r = t.queryOperand
                      ? queryIndex[position(queryOperands, *t.queryOperand)]
                      : 0;
      int64_t c =
          t.keyOperand ? keyIndex[position(keyOperands, *t.keyOperand)] : 0;
      return t.table.get(r, c) != 0.0;
    }
    case SelectorTree::Kind::And:
      return llvm::all_of(t.children,
                          [&](const SelectorTree &c) { return eval(c); });
    case SelectorTree::Kind::Or:
      return llvm::any_of(t.children,
                          [&](const SelectorTree &c) { return eval(c); });
    case SelectorTree::Kind::Not:
      return !eval(t.children.front());
    }
    llvm_unreachable("unknown selector kind");
  }
};

/// Splits `flat` into mixed-radix digits over `dims` (first most significant).
void digits(int64_t flat, llvm::ArrayRef<int64_t> dims,
            llvm::SmallVectorImpl<int64_t> &out) {
  out.resize(dims.size());
  for (int64_t i = static_cast<int64_t>(dims.size()) - 1; i >= 0; --i) {
    out[i] = flat % dims[i];
    flat /= dims[i];
  }
}
} // namespace

llvm::Expected<SelectorPlan>
mlir::craft::synth::planSelector(const SelectorTree &tree,
                                 llvm::function_ref<int64_t(unsigned)> dimOf,
                                 int64_t maxEntries) {
  SelectorTree nnf = toNNF(tree, /*negate=*/false);
  std::vector<const SelectorTree *> factors;
  collectConjuncts(nnf, factors);

  // Group the factors by the operands they read, in order of appearance.
  using Key =
      std::pair<llvm::SmallVector<unsigned>, llvm::SmallVector<unsigned>>;
  std::vector<Key> keys;
  std::vector<std::vector<const SelectorTree *>> groups;
  for (const SelectorTree *f : factors) {
    Key key;
    collectOperands(*f, key.first, key.second);
    sortUnique(key.first);
    sortUnique(key.second);
    auto it = llvm::find(keys, key);
    if (it == keys.end()) {
      keys.push_back(key);
      groups.push_back({f});
    } else {
      groups[it - keys.begin()].push_back(f);
    }
  }

  SelectorPlan plan;
  for (auto [key, conjuncts] : llvm::zip(keys, groups)) {
    auto &group = conjuncts; // captured below
    llvm::SmallVector<int64_t> qDims, kDims;
    for (unsigned q : key.first)
      qDims.push_back(dimOf(q));
    for (unsigned k : key.second)
      kDims.push_back(dimOf(k));
    auto product = [](llvm::ArrayRef<int64_t> dims) {
      int64_t p = 1;
      for (int64_t d : dims)
        p = d && p > INT64_MAX / d ? INT64_MAX : p * d;
      return p;
    };
    int64_t rows = product(qDims), cols = product(kDims);
    Matrix table;
    const SelectorTree *only = group.size() == 1 ? group.front() : nullptr;
    if (only && only->kind == SelectorTree::Kind::Leaf) {
      // A plain select: its table exists already, whatever its size.
      table = only->table;
    } else {
      if (rows && cols > maxEntries / rows)
        return llvm::createStringError(
            "a factor of this selector needs a table over " +
            std::to_string(rows) + " query tuples and " + std::to_string(cols) +
            " key tuples, more than the limit of " +
            std::to_string(maxEntries) + " entries");
      TupleEvaluator eval{key.first, key.second, {}, {}};
      table = Matrix::fromPredicate(rows, cols, [&](int64_t r, int64_t c) {
        digits(r, qDims, eval.queryIndex);
        digits(c, kDims, eval.keyIndex);
        return llvm::all_of(
            group, [&](const SelectorTree *t) { return eval.eval(*t); });
      });
    }
    int64_t nnz = table.getNumNonZeros();
    if (nnz == rows * cols)
      continue; // Always true: no constraint.
    if (nnz == 0) {
      // Never true: the whole selector selects nothing.
      plan.conjuncts.clear();
      plan.conjuncts.push_back({{}, {}, Matrix(1, 1)});
      return plan;
    }
    plan.conjuncts.push_back({key.first, key.second, std::move(table)});
  }
  return plan;
}
