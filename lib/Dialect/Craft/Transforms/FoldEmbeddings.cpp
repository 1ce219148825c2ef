//===- FoldEmbeddings.cpp - MLPs of the tokens or positions alone ---------===//
//
// docs/Fusion.md, "Embedding folding".
//
//===----------------------------------------------------------------------===//

#include "RaspDialect/Dialect/Craft/Transforms/FoldEmbeddings.h"
#include "RaspDialect/Dialect/Craft/Analysis/Placement.h"
#include "RaspDialect/Dialect/Craft/Evaluator/Evaluator.h"

#include "mlir/IR/Builders.h"
#include "llvm/ADT/DenseMap.h"

using namespace mlir;
using namespace mlir::craft;

namespace {
/// A subspace the embedding writes, as a table over the token or position
/// one-hot.
struct Table {
  EmbedSource source;
  Matrix rows;
};

class Folder {
public:
  explicit Folder(ProgramOp program)
      : program(program), embed(program.getEmbedOp()) {}

  int64_t run();

private:
  /// The source an MLP reads, if it reads one only.
  std::optional<EmbedSource> sourceOf(MLPOp mlp);
  /// The tables of an MLP's results, or nothing if it is not zero at BOS.
  std::optional<std::vector<Matrix>> tablesOf(MLPOp mlp, EmbedSource source);

  ProgramOp program;
  EmbedOp embed;
  /// Tables of the embedding's folded results and of folded MLP results.
  llvm::DenseMap<Value, Table> tables;
};
} // namespace

std::optional<EmbedSource> Folder::sourceOf(MLPOp mlp) {
  // The placement model's rule, over what is folded so far.
  SmallVector<std::optional<placement::FoldSource>> inputs;
  for (Value v : mlp.getInputs()) {
    if (v.getDefiningOp() == embed.getOperation()) {
      inputs.push_back(placement::foldSourceOf(embed, v));
    } else if (auto it = tables.find(v); it != tables.end()) {
      inputs.push_back(it->second.source == EmbedSource::Tokens
                           ? placement::FoldSource::Tokens
                           : placement::FoldSource::Indices);
    } else {
      inputs.push_back(std::nullopt);
    }
  }
  std::optional<placement::FoldSource> source = placement::foldSourceOf(inputs);
  if (!source)
    return std::nullopt;
  // A constant (reading only `one` and `bos`) is a table of equal rows.
  return placement::toEmbedSource(*source);
}

std::optional<std::vector<Matrix>> Folder::tablesOf(MLPOp mlp,
                                                    EmbedSource source) {
  bool tokens = source == EmbedSource::Tokens;
  int64_t rows =
      (tokens ? embed.getTokensSpace() : embed.getIndicesSpace()).getDim();
  // Position 0 is BOS, position 1 + r holds the one-hot of row r.
  int64_t n = rows + 1;
  std::vector<Activation<double>> inputs;
  for (Value v : mlp.getInputs()) {
    int64_t dim = cast<VecType>(v.getType()).getDim();
    Activation<double> a(n, dim);
    if (v == embed.getOne()) {
      for (int64_t p = 0; p < n; ++p)
        a.at(p, 0) = 1;
    } else if (v == embed.getBos()) {
      a.at(0, 0) = 1;
    } else if (v == embed.getTokens() || v == embed.getIndices()) {
      for (int64_t r = 0; r < rows; ++r)
        a.at(r + 1, r) = 1;
    } else {
      const Matrix &t = tables.find(v)->second.rows;
      for (int64_t r = 0; r < rows; ++r)
        t.forEachInRow(r, [&](int64_t c, double w) { a.at(r + 1, c) = w; });
    }
    inputs.push_back(std::move(a));
  }
  std::vector<const Activation<double> *> ptrs;
  for (const Activation<double> &a : inputs)
    ptrs.push_back(&a);
  std::vector<Activation<double>> outs = applyMLP<double>(toBlock(mlp), ptrs);
  std::vector<Matrix> result;
  for (const Activation<double> &o : outs) {
    std::vector<Triplet> entries;
    for (int64_t c = 0; c < o.dim; ++c)
      if (o.at(0, c) != 0)
        return std::nullopt;
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t c = 0; c < o.dim; ++c)
        if (o.at(r + 1, c) != 0)
          entries.push_back({r, c, o.at(r + 1, c)});
    result.push_back(Matrix::fromTriplets(rows, o.dim, std::move(entries)));
  }
  return result;
}

int64_t Folder::run() {
  if (!embed)
    return 0;
  MLIRContext *context = program.getContext();
  for (auto [result, fold] : llvm::zip(embed.getFolded(), embed.getFoldAttrs()))
    tables[result] = {fold.getSource(),
                      Matrix::fromElementsAttr(fold.getTable())};
  SmallVector<MLPOp> folded;
  SmallVector<Attribute> folds;
  for (FoldAttr fold : embed.getFoldAttrs())
    folds.push_back(fold);
  SmallVector<Value> foldedResults;
  for (MLPOp mlp : program.getBody().front().getOps<MLPOp>()) {
    std::optional<EmbedSource> source = sourceOf(mlp);
    if (!source)
      continue;
    std::optional<std::vector<Matrix>> t = tablesOf(mlp, *source);
    if (!t)
      continue;
    for (auto [result, table] : llvm::zip(mlp.getResults(), *t)) {
      folds.push_back(FoldAttr::get(context, *source, getSpace(result),
                                    table.toElementsAttr(context)));
      foldedResults.push_back(result);
      tables[result] = {*source, std::move(table)};
    }
    folded.push_back(mlp);
  }
  if (folded.empty())
    return 0;
  // One embedding with every table; its new results replace the MLPs'.
  OpBuilder b(embed);
  auto replacement = EmbedOp::create(
      b, embed.getLoc(), embed.getTokensSpace(), embed.getIndicesSpace(),
      embed.getOneSpace(), embed.getBosSpace(), b.getArrayAttr(folds));
  for (auto [old, now] :
       llvm::zip(embed.getResults(),
                 replacement.getResults().take_front(embed.getNumResults())))
    old.replaceAllUsesWith(now);
  for (auto [old, now] :
       llvm::zip(foldedResults,
                 replacement.getResults().drop_front(embed.getNumResults())))
    old.replaceAllUsesWith(now);
  for (MLPOp mlp : llvm::reverse(folded))
    mlp.erase();
  embed.erase();
  return folded.size();
}

int64_t mlir::craft::foldEmbeddings(ProgramOp program) {
  return Folder(program).run();
}
