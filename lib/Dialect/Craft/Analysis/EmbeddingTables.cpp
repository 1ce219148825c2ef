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
  float *tokenRow(int64_t id) {
    return tables.tokens.data() + id * tables.width;
  }
  float *positionRow(int64_t p) {
    return tables.positions.data() + p * tables.width;
  }
  /// The residual label of dimension `column`.
  std::string labelOf(int64_t column) {
    return cast<StringAttr>(model.getLabels()[column]).str();
  }

  ModelOp model;
  EmbedOp embed;
  const ResidualLayout &layout;
  EmbeddingTables tables;
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
  // The tables are copied on their way into the model (weights, their
  // lowering, the JIT's constants): a vocabulary of 20,000 items has 1.6 GB
  // of tables and peaks at 6.3 GB, so four copies are counted.
  uint64_t bytes = mlir::rasp::saturatingProduct(
      {4, static_cast<uint64_t>(tables.numTokenIds + tables.numPositions),
       static_cast<uint64_t>(tables.width), sizeof(float)});
  if (failed(mlir::rasp::MemoryBudget::check(
          embed.getLoc(), bytes,
          "the embedding tables (" + llvm::Twine(tables.numTokenIds) +
              " token ids and " + llvm::Twine(tables.numPositions) +
              " positions, residual width " + llvm::Twine(tables.width) + ")")))
    return failure();
  tables.tokens.assign(tables.numTokenIds * tables.width, 0.0f);
  tables.positions.assign(tables.numPositions * tables.width, 0.0f);

  // Token rows: the token's one-hot and `one`; BOS: its own direction and
  // `one`. Every row sets `one`, so it is 1 at every position.
  std::vector<int64_t> tokenIds(tokenSpace.getDim(), -1);
  for (auto [id, item] : llvm::enumerate(vocab)) {
    std::optional<unsigned> index = tokenSpace.indexOf(item);
    if (!index)
      return model.emitOpError("vocabulary item ")
             << item << " has no direction in the token space " << tokenSpace;
    tokenIds[*index] = id;
    int64_t column = tokens->offset + *index;
    tokenRow(id)[column] = 1.0f;
    tokenRow(id)[one->offset] = 1.0f;
    tables.tokenLabels.push_back(labelOf(column));
  }
  tokenRow(tables.getBosId())[bos->offset] = 1.0f;
  tokenRow(tables.getBosId())[one->offset] = 1.0f;
  tables.tokenLabels.push_back(labelOf(bos->offset));

  // Position rows: position p >= 1 holds input token p - 1, so it sets
  // `indices:p-1`; the BOS position sets nothing.
  Type i64 = IntegerType::get(model.getContext(), 64);
  for (int64_t p = 1; p < tables.numPositions; ++p) {
    std::optional<unsigned> index =
        indexSpace.indexOf(IntegerAttr::get(i64, p - 1));
    if (!index)
      return model.emitOpError("position ")
             << p << " (index " << p - 1
             << ") has no direction in the indices space " << indexSpace;
    positionRow(p)[indices->offset + *index] = 1.0f;
  }
  if (failed(addFolds(tokenIds)))
    return failure();

  // The column span of the tables, so consumers can skip the zero columns.
  int64_t lo = tables.width, hi = 0;
  for (const std::vector<float> *table : {&tables.tokens, &tables.positions})
    for (size_t i = 0, e = table->size(); i < e; ++i)
      if ((*table)[i] != 0.0f) {
        int64_t column = static_cast<int64_t>(i) % tables.width;
        lo = std::min(lo, column);
        hi = std::max(hi, column + 1);
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
      float *row = nullptr;
      if (byToken && tokenIds[r] >= 0)
        row = tokenRow(tokenIds[r]);
      else if (!byToken && r + 1 < tables.numPositions)
        row = positionRow(r + 1);
      if (row)
        row[range->offset + c] += static_cast<float>(v);
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
