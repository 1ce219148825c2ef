//===- PruneDirections.cpp - Drop residual directions nothing reads -------===//
//
// Two sweeps over a craft.program: backwards, which directions of each
// subspace some weight reads (a consumer's hidden unit or head that is
// itself live); forwards, every component rebuilt on the directions that
// remain (docs/Fusion.md, "Residual economy").
//
//===----------------------------------------------------------------------===//

#include "RaspDialect/Dialect/Craft/Transforms/PruneDirections.h"
#include "RaspDialect/Dialect/Craft/Evaluator/Blocks.h"

#include "mlir/IR/Builders.h"
#include "llvm/ADT/BitVector.h"
#include "llvm/ADT/DenseMap.h"

using namespace mlir;
using namespace mlir::craft;

namespace {
int64_t dimOf(Value v) { return cast<VecType>(v.getType()).getDim(); }

/// (operand index, direction within it) of each row of a concatenation.
std::vector<std::pair<unsigned, int64_t>> rowOwners(ValueRange operands) {
  std::vector<std::pair<unsigned, int64_t>> owners;
  for (auto [i, v] : llvm::enumerate(operands))
    for (int64_t d = 0; d < dimOf(v); ++d)
      owners.push_back({static_cast<unsigned>(i), d});
  return owners;
}

class Pruner {
public:
  explicit Pruner(ProgramOp program) : program(program) {}

  PruneStats run() {
    findUsed();
    rebuild();
    return stats;
  }

private:
  llvm::BitVector &used(Value v) {
    llvm::BitVector &bits = usedDirections[v];
    if (bits.size() != static_cast<size_t>(dimOf(v)))
      bits.resize(dimOf(v));
    return bits;
  }
  void markAll(Value v) { used(v).set(); }
  /// Directions of `v` that remain: all for values not rebuilt here.
  llvm::BitVector kept(Value v) {
    if (!prunable(v)) {
      llvm::BitVector all(dimOf(v));
      all.set();
      return all;
    }
    return used(v);
  }
  bool prunable(Value v) {
    return isa_and_nonnull<MLPOp, AttentionHeadOp>(v.getDefiningOp()) &&
           !isa<MultiHeadOp>(v.getDefiningOp()->getParentOp()) &&
           v != program.getOutput();
  }

  void findUsed();
  void rebuild();
  void rebuildMLP(MLPOp mlp, OpBuilder &b);
  void rebuildHead(AttentionHeadOp head, OpBuilder &b);
  /// The rebuilt value standing for `v` (itself if not rebuilt).
  Value replacement(Value v) {
    auto it = replacements.find(v);
    return it == replacements.end() ? v : it->second;
  }
  SpaceAttr keptSpace(Value v, const llvm::BitVector &keep);

  ProgramOp program;
  llvm::DenseMap<Value, llvm::BitVector> usedDirections;
  llvm::DenseMap<Operation *, llvm::BitVector> liveHidden;
  llvm::DenseMap<Value, Value> replacements;
  PruneStats stats;
};
} // namespace

void Pruner::findUsed() {
  markAll(program.getOutput());
  Block &block = program.getBody().front();
  for (Operation &op : llvm::reverse(block)) {
    if (auto group = dyn_cast<MultiHeadOp>(op)) {
      // Kept whole: everything its heads read is used.
      group.walk([&](AttentionHeadOp head) {
        for (Value v : head->getOperands())
          markAll(v);
      });
      continue;
    }
    if (auto mlp = dyn_cast<MLPOp>(op)) {
      MLPBlock b = toBlock(mlp);
      // Result columns that are read.
      llvm::BitVector readCols(b.w2.getCols());
      int64_t offset = 0;
      for (Value r : mlp.getResults()) {
        llvm::BitVector k = kept(r);
        for (int64_t d = 0; d < dimOf(r); ++d)
          if (k[d])
            readCols.set(offset + d);
        offset += dimOf(r);
      }
      llvm::BitVector live(b.getHiddenSize());
      b.w2.forEachNonZero([&](int64_t r, int64_t c, double) {
        if (readCols[c])
          live.set(r);
      });
      auto owners = rowOwners(mlp.getInputs());
      b.w1.forEachNonZero([&](int64_t r, int64_t c, double) {
        if (live[c])
          used(mlp.getInputs()[owners[r].first]).set(owners[r].second);
      });
      liveHidden[mlp] = std::move(live);
      continue;
    }
    if (auto head = dyn_cast<AttentionHeadOp>(op)) {
      llvm::BitVector out = kept(head.getResult());
      if (out.none())
        continue;
      AttentionBlock b = toBlock(head);
      auto owners = rowOwners(head.getValues());
      b.wov.forEachNonZero([&](int64_t r, int64_t c, double) {
        if (out[c])
          used(head.getValues()[owners[r].first]).set(owners[r].second);
      });
      for (const QKBlock &qk : b.wqk) {
        llvm::BitVector &q = used(head.getQueries()[qk.query]);
        llvm::BitVector &k = used(head.getKeys()[qk.key]);
        for (auto [r, any] : llvm::enumerate(qk.weights.nonZeroRows()))
          if (any)
            q.set(r);
        for (auto [c, any] : llvm::enumerate(qk.weights.nonZeroColumns()))
          if (any)
            k.set(c);
      }
    }
  }
}

SpaceAttr Pruner::keptSpace(Value v, const llvm::BitVector &keep) {
  SpaceAttr space = getSpace(v);
  if (!space.isCategorical())
    return space;
  SmallVector<Attribute> values;
  for (auto [i, value] : llvm::enumerate(space.getValues()))
    if (keep[i])
      values.push_back(value);
  return SpaceAttr::get(v.getContext(), space.getLabel(),
                        ArrayAttr::get(v.getContext(), values));
}

/// The operands that keep some direction (their new values), and for each
/// old row its new row (-1: dropped).
struct Operands {
  SmallVector<Value> values;
  std::vector<int64_t> rowMap;
};

void Pruner::rebuildMLP(MLPOp mlp, OpBuilder &b) {
  MLPBlock block = toBlock(mlp);
  const llvm::BitVector &live = liveHidden[mlp];
  // Inputs and their kept rows.
  Operands in;
  int64_t newRows = 0;
  for (Value v : mlp.getInputs()) {
    llvm::BitVector k = kept(v);
    for (int64_t d = 0; d < dimOf(v); ++d)
      in.rowMap.push_back(k[d] ? newRows++ : -1);
    if (k.any())
      in.values.push_back(replacement(v));
  }
  std::vector<int64_t> colMap(block.getHiddenSize(), -1);
  int64_t hidden = 0;
  for (int64_t c = 0; c < block.getHiddenSize(); ++c)
    if (live[c])
      colMap[c] = hidden++;
  stats.hiddenUnits += block.getHiddenSize() - hidden;
  // Results and their kept columns.
  std::vector<int64_t> outMap;
  SmallVector<SpaceAttr> spaces;
  SmallVector<Value> keptResults;
  int64_t outCols = 0;
  for (Value r : mlp.getResults()) {
    llvm::BitVector k = kept(r);
    for (int64_t d = 0; d < dimOf(r); ++d)
      outMap.push_back(k[d] ? outCols++ : -1);
    stats.directions += dimOf(r) - static_cast<int64_t>(k.count());
    if (k.any()) {
      spaces.push_back(keptSpace(r, k));
      keptResults.push_back(r);
    }
  }
  if (keptResults.empty()) {
    ++stats.components;
    return;
  }
  std::vector<Triplet> w1, w2;
  block.w1.forEachNonZero([&](int64_t r, int64_t c, double v) {
    if (in.rowMap[r] >= 0 && colMap[c] >= 0)
      w1.push_back({in.rowMap[r], colMap[c], v});
  });
  block.w2.forEachNonZero([&](int64_t r, int64_t c, double v) {
    if (colMap[r] >= 0 && outMap[c] >= 0)
      w2.push_back({colMap[r], outMap[c], v});
  });
  MLPBlock pruned;
  for (Value v : in.values)
    pruned.inputDims.push_back(dimOf(v));
  for (SpaceAttr s : spaces)
    pruned.outputDims.push_back(s.getDim());
  pruned.w1 = Matrix::fromTriplets(newRows, hidden, std::move(w1));
  pruned.w2 = Matrix::fromTriplets(hidden, outCols, std::move(w2));
  MLPOp copy = buildMLP(b, mlp.getLoc(), pruned, in.values, spaces);
  for (auto [old, now] : llvm::zip(keptResults, copy.getResults()))
    replacements[old] = now;
}

void Pruner::rebuildHead(AttentionHeadOp head, OpBuilder &b) {
  llvm::BitVector out = kept(head.getResult());
  stats.directions +=
      dimOf(head.getResult()) - static_cast<int64_t>(out.count());
  if (out.none()) {
    ++stats.components;
    return;
  }
  AttentionBlock block = toBlock(head);
  // Each operand list keeps the operands with a kept direction.
  auto select = [&](ValueRange operands, std::vector<int64_t> &position,
                    std::vector<std::vector<int64_t>> &rowMaps) {
    SmallVector<Value> values;
    for (Value v : operands) {
      llvm::BitVector k = kept(v);
      std::vector<int64_t> map;
      int64_t n = 0;
      for (int64_t d = 0; d < dimOf(v); ++d)
        map.push_back(k[d] ? n++ : -1);
      rowMaps.push_back(std::move(map));
      position.push_back(k.any() ? static_cast<int64_t>(values.size()) : -1);
      if (k.any())
        values.push_back(replacement(v));
    }
    return values;
  };
  std::vector<int64_t> qPos, kPos, vPos;
  std::vector<std::vector<int64_t>> qRows, kRows, vRows;
  SmallVector<Value> queries = select(head.getQueries(), qPos, qRows);
  SmallVector<Value> keys = select(head.getKeys(), kPos, kRows);
  SmallVector<Value> values = select(head.getValues(), vPos, vRows);

  AttentionBlock pruned;
  for (Value v : queries)
    pruned.queryDims.push_back(dimOf(v));
  for (Value v : keys)
    pruned.keyDims.push_back(dimOf(v));
  for (Value v : values)
    pruned.valueDims.push_back(dimOf(v));
  for (QKBlock &qk : block.wqk) {
    if (qPos[qk.query] < 0 || kPos[qk.key] < 0)
      continue;
    const auto &rm = qRows[qk.query], &cm = kRows[qk.key];
    int64_t rows = pruned.queryDims[qPos[qk.query]];
    int64_t cols = pruned.keyDims[kPos[qk.key]];
    Matrix m;
    if (rows == qk.weights.getRows() && cols == qk.weights.getCols()) {
      // Nothing removed: the block as it is (it may be a large bit table).
      m = std::move(qk.weights);
    } else if (qk.weights.getKind() == Matrix::Kind::Bits) {
      // A large 0/1 table keeps its bit form.
      std::vector<int64_t> oldRow(rows), oldCol(cols);
      for (size_t r = 0; r < rm.size(); ++r)
        if (rm[r] >= 0)
          oldRow[rm[r]] = r;
      for (size_t c = 0; c < cm.size(); ++c)
        if (cm[c] >= 0)
          oldCol[cm[c]] = c;
      m = Matrix::fromPredicate(rows, cols, [&](int64_t r, int64_t c) {
        return qk.weights.get(oldRow[r], oldCol[c]) != 0;
      });
    } else {
      std::vector<Triplet> entries;
      qk.weights.forEachNonZero([&](int64_t r, int64_t c, double v) {
        if (rm[r] >= 0 && cm[c] >= 0)
          entries.push_back({rm[r], cm[c], v});
      });
      m = Matrix::fromTriplets(rows, cols, std::move(entries));
    }
    pruned.wqk.push_back({static_cast<unsigned>(qPos[qk.query]),
                          static_cast<unsigned>(kPos[qk.key]), std::move(m)});
  }
  // Rows of W_OV: the kept directions of the value operands, renumbered.
  std::vector<int64_t> globalRow;
  int64_t next = 0;
  for (const std::vector<int64_t> &map : vRows)
    for (int64_t d : map)
      globalRow.push_back(d >= 0 ? next++ : -1);
  std::vector<int64_t> outMap;
  int64_t outCols = 0;
  for (int64_t d = 0; d < dimOf(head.getResult()); ++d)
    outMap.push_back(out[d] ? outCols++ : -1);
  std::vector<Triplet> wov;
  block.wov.forEachNonZero([&](int64_t r, int64_t c, double v) {
    if (globalRow[r] >= 0 && outMap[c] >= 0)
      wov.push_back({globalRow[r], outMap[c], v});
  });
  pruned.wov = Matrix::fromTriplets(next, outCols, std::move(wov));
  pruned.outputDim = outCols;
  pruned.scale = block.scale;
  pruned.causal = block.causal;
  AttentionHeadOp copy =
      buildAttentionHead(b, head.getLoc(), pruned, queries, keys, values,
                         keptSpace(head.getResult(), out));
  replacements[head.getResult()] = copy.getResult();
}

void Pruner::rebuild() {
  Block &block = program.getBody().front();
  SmallVector<Operation *> old;
  OpBuilder b(program.getContext());
  // A component that keeps every direction it reads and writes (and every
  // hidden unit) stays as it is.
  auto keepsAll = [&](Operation &op) {
    auto all = [&](Value v) { return kept(v).all(); };
    if (auto mlp = dyn_cast<MLPOp>(op))
      if (!liveHidden[mlp].all())
        return false;
    return llvm::all_of(op.getOperands(), all) &&
           llvm::all_of(op.getResults(), all);
  };
  for (Operation &op : llvm::make_early_inc_range(block)) {
    if (!isa<MLPOp, AttentionHeadOp>(op) || keepsAll(op)) {
      // Kept as it is, reading the replacements.
      for (OpOperand &use : op.getOpOperands())
        use.set(replacement(use.get()));
      op.walk([&](Operation *inner) {
        for (OpOperand &use : inner->getOpOperands())
          use.set(replacement(use.get()));
      });
      continue;
    }
    b.setInsertionPoint(&op);
    if (auto mlp = dyn_cast<MLPOp>(op))
      rebuildMLP(mlp, b);
    else
      rebuildHead(cast<AttentionHeadOp>(op), b);
    old.push_back(&op);
  }
  for (Operation *op : llvm::reverse(old)) {
    op->dropAllUses();
    op->erase();
  }
}

PruneStats mlir::craft::pruneDirections(ProgramOp program) {
  return Pruner(program).run();
}
