//===- Attention.cpp - Attention heads for aggregates and widths ----------===//
//
// Derivations: docs/exactness.md, section 2.
//
//===----------------------------------------------------------------------===//

#include "RaspDialect/Conversion/RASPToCraft/Synthesis/Attention.h"
#include "RaspDialect/Conversion/RASPToCraft/Synthesis/CategoricalMLP.h"

#include <deque>
#include <map>

using namespace mlir;
using namespace mlir::craft;
using namespace mlir::craft::synth;
using rasp::ValueSet;

namespace {
/// Contributions to the W_QK blocks of a head, keyed by operand positions.
class BlockSum {
public:
  void add(unsigned q, unsigned k, const Matrix &m, double sign) {
    parts[{q, k}].push_back({&m, sign});
  }
  void addScalar(unsigned q, unsigned k, double v) {
    scalars.push_back(Matrix::fromTriplets(1, 1, {{0, 0, v}}));
    parts[{q, k}].push_back({&scalars.back(), 1.0});
  }

  std::vector<QKBlock> build(llvm::ArrayRef<int64_t> qDims,
                             llvm::ArrayRef<int64_t> kDims) const {
    std::vector<QKBlock> blocks;
    for (const auto &[pair, contributions] : parts) {
      auto [q, k] = pair;
      // A single table is kept as is (it may be a large bit matrix).
      if (contributions.size() == 1 && contributions[0].second == 1.0) {
        if (contributions[0].first->getNumNonZeros())
          blocks.push_back({q, k, *contributions[0].first});
        continue;
      }
      std::vector<Triplet> entries;
      for (auto [m, sign] : contributions)
        m->forEachNonZero([&, sign = sign](int64_t r, int64_t c, double v) {
          entries.push_back({r, c, sign * v});
        });
      Matrix sum = Matrix::fromTriplets(qDims[q], kDims[k], std::move(entries));
      if (sum.getNumNonZeros())
        blocks.push_back({q, k, std::move(sum)});
    }
    return blocks;
  }

private:
  std::map<std::pair<unsigned, unsigned>,
           std::vector<std::pair<const Matrix *, double>>>
      parts;
  std::deque<Matrix> scalars;
};

/// Position of `id` in `ids`, appending it if missing.
unsigned positionOf(llvm::SmallVectorImpl<unsigned> &ids, unsigned id) {
  auto it = llvm::find(ids, id);
  if (it != ids.end())
    return it - ids.begin();
  ids.push_back(id);
  return ids.size() - 1;
}
} // namespace

SelectorHead
mlir::craft::synth::selectorHead(llvm::ArrayRef<SelectorTerm> terms,
                                 llvm::function_ref<int64_t(unsigned)> dimOf,
                                 HeadKind kind, Matrix wov,
                                 const SynthesisOptions &options) {
  SelectorHead head;
  bool constantKey = false;
  for (const SelectorTerm &t : terms) {
    if (t.query)
      positionOf(head.queries, *t.query);
    if (t.key)
      positionOf(head.keys, *t.key);
    constantKey |= t.query.has_value() && !t.key.has_value();
  }
  unsigned oneQ = positionOf(head.queries, kOneOperand);
  unsigned bosQ = positionOf(head.queries, kBosOperand);
  unsigned oneK = constantKey ? positionOf(head.keys, kOneOperand) : ~0u;
  unsigned bosK = positionOf(head.keys, kBosOperand);

  auto dim = [&](unsigned id) -> int64_t {
    return id == kOneOperand || id == kBosOperand ? 1 : dimOf(id);
  };
  for (unsigned id : head.queries)
    head.block.queryDims.push_back(dim(id));
  for (unsigned id : head.keys)
    head.block.keyDims.push_back(dim(id));

  // Each term contributes its table between its operands. A constant side
  // reads one - bos: 1 at every position but BOS.
  BlockSum sum;
  for (const SelectorTerm &t : terms) {
    if (t.query && t.key) {
      sum.add(positionOf(head.queries, *t.query), positionOf(head.keys, *t.key),
              t.table, 1.0);
    } else if (t.query) {
      unsigned q = positionOf(head.queries, *t.query);
      sum.add(q, oneK, t.table, 1.0);
      sum.add(q, bosK, t.table, -1.0);
    } else if (t.key) {
      unsigned k = positionOf(head.keys, *t.key);
      sum.add(oneQ, k, t.table, 1.0);
      sum.add(bosQ, k, t.table, -1.0);
    }
    // A term with neither operand is the constant 0: it only raises m.
  }
  // docs/exactness.md (2.2): BOS between the selected level m and m - 1 for
  // an aggregate, tied with it for a selector width; the BOS query prefers
  // the BOS key by one more unit.
  double m = static_cast<double>(terms.size());
  sum.addScalar(oneQ, bosK, kind == HeadKind::Aggregate ? m - 0.5 : m);
  sum.addScalar(bosQ, bosK, 1.0);
  head.block.wqk = sum.build(head.block.queryDims, head.block.keyDims);

  head.block.valueDims = {wov.getRows()};
  head.block.outputDim = wov.getCols();
  head.block.wov = std::move(wov);
  head.block.scale =
      softmaxScale(options, kind == HeadKind::Aggregate ? 0.5 : 1.0);
  head.block.causal = options.causal;
  return head;
}

AttentionBlock
mlir::craft::synth::quadraticHead(int64_t a, int64_t b, int64_t c,
                                  HeadKind kind, Matrix wov,
                                  const SynthesisOptions &options) {
  // Operands on both sides: 0 = i, 1 = i^2, 2 = one, 3 = bos.
  enum { I = 0, Sq = 1, One = 2, Bos = 3 };
  double da = a, db = b, dc = c;
  double bosLevel = kind == HeadKind::Aggregate ? -0.5 : 0.0;
  // -(a k + b q + c)^2 expanded into query-feature x key-feature products;
  // the BOS column cancels the terms a non-BOS query gets from the BOS
  // key's `one` and sets its level (docs/exactness.md, 7.1).
  std::map<std::pair<int, int>, double> w = {{{I, I}, -2 * da * db},
                                             {{One, Sq}, -da * da},
                                             {{One, I}, -2 * da * dc},
                                             {{Sq, One}, -db * db},
                                             {{I, One}, -2 * db * dc},
                                             {{One, One}, -dc * dc},
                                             {{Sq, Bos}, db * db},
                                             {{I, Bos}, 2 * db * dc},
                                             {{One, Bos}, dc * dc + bosLevel},
                                             {{Bos, Bos}, 1.0}};
  AttentionBlock block;
  block.queryDims = {1, 1, 1, 1};
  block.keyDims = {1, 1, 1, 1};
  for (auto [pair, v] : w)
    if (v != 0)
      block.wqk.push_back({static_cast<unsigned>(pair.first),
                           static_cast<unsigned>(pair.second),
                           Matrix::fromTriplets(1, 1, {{0, 0, v}})});
  block.valueDims = {wov.getRows()};
  block.outputDim = wov.getCols();
  block.wov = std::move(wov);
  block.scale = softmaxScale(options, kind == HeadKind::Aggregate ? 0.5 : 1.0);
  block.causal = options.causal;
  return block;
}

llvm::Expected<Matrix>
mlir::craft::synth::categoricalValueMap(const ValueSet &inputs,
                                        const ValueSet &outputs) {
  std::vector<Triplet> entries;
  for (auto [i, v] : llvm::enumerate(inputs)) {
    int64_t o = indexIn(outputs, v);
    if (o < 0)
      return llvm::createStringError("aggregated value " + v.repr() +
                                     " is not in the output value set");
    entries.push_back({static_cast<int64_t>(i), o, 1.0});
  }
  return Matrix::fromTriplets(inputs.size(), outputs.size(),
                              std::move(entries));
}
