//===- EmbeddingTables.cpp - Token and position embedding tables ----------===//
//
// The one place that decides what `craft.embed` writes into the residual for
// each token id and each position. Everything that runs or exports a model
// builds its embeddings here.
//
//===----------------------------------------------------------------------===//

#include "RaspDialect/Dialect/Craft/Analysis/Assembly.h"
#include "RaspDialect/Dialect/Craft/IR/CraftWeights.h"
#include "RaspDialect/Support/MemoryBudget.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/DenseMap.h"

#include <map>
#include <set>

using namespace mlir;
using namespace mlir::craft;

namespace {
/// Writes the tables of one model; every method reports its own errors.
class TableBuilder {
public:
  TableBuilder(ModelOp model, const ResidualLayout &layout)
      : model(model), embed(model.getEmbedOp()), layout(layout) {}

  FailureOr<EmbeddingTables> build();

private:
  FailureOr<ResidualRange> rangeOf(Value value, unsigned expectedDim);
  LogicalResult addFolds(ArrayRef<int64_t> tokenIds);
  /// Adds `value` at `column` of token row `id`'s rest (the column must be
  /// in `restIndex`).
  void addRest(int64_t id, int64_t column, float value) {
    SparseRows &t = tables.tokens;
    t.rest[id * t.getNumRestColumns() + restIndex.at(column)] += value;
  }
  /// The same for position row `p` (`positionRestIndex`).
  void addPositionRest(int64_t p, int64_t column, float value) {
    SparseRows &t = tables.positions;
    t.rest[p * t.getNumRestColumns() + positionRestIndex.at(column)] += value;
  }
  /// The residual label of dimension `column`.
  std::string labelOf(int64_t column) {
    return cast<StringAttr>(model.getLabels()[column]).str();
  }

  ModelOp model;
  EmbedOp embed;
  const ResidualLayout &layout;
  EmbeddingTables tables;
  /// Residual column -> index into the tables' `restColumns`.
  std::map<int64_t, int64_t> restIndex, positionRestIndex;
};
} // namespace

/// The range of an embedding result; `expectedDim` 0 means any.
FailureOr<ResidualRange> TableBuilder::rangeOf(Value value,
                                               unsigned expectedDim) {
  std::optional<ResidualRange> range = layout.lookup(value);
  if (!range)
    return embed.emitOpError("result ")
           << getSpace(value) << " is not in the residual layout of the model";
  if (expectedDim && range->dim != expectedDim)
    return embed.emitOpError("result ")
           << getSpace(value) << " must have dimension " << expectedDim;
  return *range;
}

FailureOr<EmbeddingTables> TableBuilder::build() {
  SpaceAttr tokenSpace = embed.getTokensSpace();
  SpaceAttr indexSpace = embed.getIndicesSpace();
  FailureOr<ResidualRange> tokens = rangeOf(embed.getTokens(), 0);
  FailureOr<ResidualRange> indices = rangeOf(embed.getIndices(), 0);
  FailureOr<ResidualRange> one = rangeOf(embed.getOne(), 1);
  FailureOr<ResidualRange> bos = rangeOf(embed.getBos(), 1);
  if (failed(tokens) || failed(indices) || failed(one) || failed(bos))
    return failure();
  // A subspace the tables do not fill would silently stay zero: every result
  // of the embedding must be one of the four handled here or a fold.
  if (embed->getNumResults() != 4 + embed.getFolded().size())
    return embed.emitOpError("has results the embedding tables do not cover");
  // The embed verifier guarantees categorical tokens and indices.

  // Ids: the vocabulary in the model's order, then BOS.
  ArrayAttr vocab = model.getVocabAttr();
  if (!vocab)
    vocab = tokenSpace.getValues();
  tables.vocab.assign(vocab.begin(), vocab.end());
  int64_t maxSeqLen = model.getMaxSeqLen().value_or(indexSpace.getDim());
  tables.width = layout.getWidth();
  tables.numTokenIds = static_cast<int64_t>(vocab.size()) + 1;
  tables.numPositions = maxSeqLen + 1;
  // The rest columns: the tokens' `one` and every column a fold writes.
  std::set<int64_t> rest = {one->offset}, positionRest;
  for (auto [result, fold] :
       llvm::zip(embed.getFolded(), embed.getFoldAttrs())) {
    FailureOr<ResidualRange> range = rangeOf(result, fold.getSpace().getDim());
    if (failed(range))
      return failure();
    std::set<int64_t> &columns =
        fold.getSource() == EmbedSource::Tokens ? rest : positionRest;
    for (int64_t c = 0; c < range->dim; ++c)
      columns.insert(range->offset + c);
  }
  tables.tokens.restColumns.assign(rest.begin(), rest.end());
  for (auto [k, column] : llvm::enumerate(tables.tokens.restColumns))
    restIndex[column] = k;
  tables.positions.restColumns.assign(positionRest.begin(), positionRest.end());
  for (auto [k, column] : llvm::enumerate(tables.positions.restColumns))
    positionRestIndex[column] = k;

  // The tables are copied on their way into the model (weights, their
  // lowering, the JIT's constants), so four copies are counted. Both tables
  // are sparse: one column per row and the rest columns.
  uint64_t floats = mlir::rasp::saturatingSum(
      mlir::rasp::saturatingProduct(
          {static_cast<uint64_t>(tables.numPositions),
           static_cast<uint64_t>(tables.positions.restColumns.size() + 2)}),
      mlir::rasp::saturatingProduct(
          {static_cast<uint64_t>(tables.numTokenIds),
           static_cast<uint64_t>(tables.tokens.restColumns.size() + 2)}));
  uint64_t bytes = mlir::rasp::saturatingProduct({4, floats, sizeof(float)});
  if (failed(mlir::rasp::MemoryBudget::check(
          embed.getLoc(), bytes,
          "the embedding tables (" + llvm::Twine(tables.numTokenIds) +
              " token ids and " + llvm::Twine(tables.numPositions) +
              " positions, residual width " + llvm::Twine(tables.width) + ")")))
    return failure();
  tables.tokens.hot.assign(tables.numTokenIds, bos->offset);
  tables.tokens.rest.assign(
      tables.numTokenIds * tables.tokens.restColumns.size(), 0.0f);
  tables.positions.hot.assign(tables.numPositions, -1);
  tables.positions.rest.assign(
      tables.numPositions * tables.positions.restColumns.size(), 0.0f);

  // Token rows: the token's one-hot and `one`; BOS: its own direction and
  // `one`. Every row sets `one`, so it is 1 at every position.
  // Directions by value, so that each id is found in O(1)
  // (SpaceAttr::indexOf is a linear search: quadratic over a vocabulary).
  llvm::DenseMap<Attribute, unsigned> directionOf;
  for (auto [i, value] : llvm::enumerate(tokenSpace.getValues()))
    directionOf.try_emplace(value, i);
  std::vector<int64_t> tokenIds(tokenSpace.getDim(), -1);
  for (auto [id, item] : llvm::enumerate(vocab)) {
    auto found = directionOf.find(item);
    std::optional<unsigned> index;
    if (found != directionOf.end())
      index = found->second;
    if (!index)
      return model.emitOpError("vocabulary item ")
             << item << " has no direction in the token space " << tokenSpace;
    tokenIds[*index] = id;
    int64_t column = tokens->offset + *index;
    tables.tokens.hot[id] = column;
    addRest(id, one->offset, 1.0f);
    tables.tokenLabels.push_back(labelOf(column));
  }
  addRest(tables.getBosId(), one->offset, 1.0f);
  tables.tokenLabels.push_back(labelOf(bos->offset));

  // Position rows: position p >= 1 holds input token p - 1, so it sets
  // `indices:p-1`; the BOS position sets nothing.
  // Directions by index, as for the tokens (indexOf would be quadratic).
  llvm::DenseMap<Attribute, unsigned> indexOf;
  for (auto [i, value] : llvm::enumerate(indexSpace.getValues()))
    indexOf.try_emplace(value, i);
  Type i64 = IntegerType::get(model.getContext(), 64);
  for (int64_t p = 1; p < tables.numPositions; ++p) {
    auto found = indexOf.find(IntegerAttr::get(i64, p - 1));
    std::optional<unsigned> index;
    if (found != indexOf.end())
      index = found->second;
    if (!index)
      return model.emitOpError("position ")
             << p << " (index " << p - 1
             << ") has no direction in the indices space " << indexSpace;
    tables.positions.hot[p] = indices->offset + *index;
  }
  if (failed(addFolds(tokenIds)))
    return failure();

  // The column span of the tables, so consumers can skip the zero columns.
  int64_t lo = tables.width, hi = 0;
  auto cover = [&](int64_t column) {
    lo = std::min(lo, column);
    hi = std::max(hi, column + 1);
  };
  for (const SparseRows *t : {&tables.tokens, &tables.positions}) {
    for (int64_t column : t->hot)
      if (column >= 0)
        cover(column);
    for (auto [k, column] : llvm::enumerate(t->restColumns))
      for (int64_t r = 0, e = t->getNumRows(); r < e; ++r)
        if (t->rest[r * t->getNumRestColumns() + k] != 0.0f) {
          cover(column);
          break;
        }
  }
  tables.columns = lo < hi ? ResidualRange{lo, hi - lo} : ResidualRange{0, 0};
  return std::move(tables);
}

/// Adds the folded subspaces: row `i` of a fold's table goes to the row of the
/// token with direction `i` (`tokenIds[i]`; none for a direction outside the
/// vocabulary) or to position `i + 1`. BOS rows stay zero, as the fold says.
LogicalResult TableBuilder::addFolds(ArrayRef<int64_t> tokenIds) {
  for (auto [result, fold] :
       llvm::zip(embed.getFolded(), embed.getFoldAttrs())) {
    FailureOr<ResidualRange> range = rangeOf(result, fold.getSpace().getDim());
    if (failed(range))
      return failure();
    bool byToken = fold.getSource() == EmbedSource::Tokens;
    forEachNonZero(fold.getTable(), [&](int64_t r, int64_t c, double v) {
      if (byToken && tokenIds[r] >= 0)
        addRest(tokenIds[r], range->offset + c, static_cast<float>(v));
      else if (!byToken && r + 1 < tables.numPositions)
        addPositionRest(r + 1, range->offset + c, static_cast<float>(v));
    });
  }
  return success();
}

FailureOr<EmbeddingTables>
mlir::craft::buildEmbeddingTables(ModelOp model, const ResidualLayout &layout) {
  if (!model.getEmbedOp())
    return model.emitOpError("has no 'craft.embed'");
  return TableBuilder(model, layout).build();
}

void SparseRows::writeRow(int64_t r, float *row, int64_t width) const {
  std::fill(row, row + width, 0.0f);
  if (hot[r] >= 0)
    row[hot[r]] = 1.0f;
  int64_t numRest = getNumRestColumns();
  for (int64_t k = 0; k < numRest; ++k)
    row[restColumns[k]] += rest[r * numRest + k];
}

std::vector<float> SparseRows::dense(int64_t width) const {
  std::vector<float> table(static_cast<size_t>(getNumRows()) * width);
  for (int64_t r = 0, e = getNumRows(); r < e; ++r)
    writeRow(r, table.data() + r * width, width);
  return table;
}

std::vector<float> EmbeddingTables::tokenRow(int64_t id) const {
  std::vector<float> row(width);
  tokens.writeRow(id, row.data(), width);
  return row;
}

std::vector<float> EmbeddingTables::positionRow(int64_t p) const {
  std::vector<float> row(width);
  positions.writeRow(p, row.data(), width);
  return row;
}
