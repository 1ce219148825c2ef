//===- Evaluator.cpp - Running craft components on vectors ----------------===//

#include "RaspDialect/Dialect/Craft/Evaluator/Evaluator.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>
#include <numeric>
#include <unordered_map>
#include <variant>

using namespace mlir;
using namespace mlir::craft;
using rasp::PyValue;

//===----------------------------------------------------------------------===//
// Components
//===----------------------------------------------------------------------===//

template <typename T>
std::vector<Activation<T>>
mlir::craft::applyMLP(const MLPBlock &block,
                      llvm::ArrayRef<const Activation<T> *> inputs) {
  int64_t n = inputs.empty() ? 0 : inputs.front()->numPositions;
  int64_t inDim = block.w1.getRows(), hidden = block.getHiddenSize();
  int64_t outDim = block.w2.getCols();
  std::vector<Activation<T>> results;
  for (int64_t d : block.outputDims)
    results.emplace_back(n, d);
  std::vector<T> x(inDim), h(hidden), y(outDim);
  for (int64_t p = 0; p < n; ++p) {
    int64_t offset = 0;
    for (const Activation<T> *in : inputs) {
      std::copy(in->row(p), in->row(p) + in->dim, x.begin() + offset);
      offset += in->dim;
    }
    std::fill(h.begin(), h.end(), T(0));
    block.w1.accumulateRowTimes(x.data(), h.data());
    for (T &v : h)
      v = v > T(0) ? v : T(0);
    std::fill(y.begin(), y.end(), T(0));
    block.w2.accumulateRowTimes(h.data(), y.data());
    offset = 0;
    for (Activation<T> &r : results) {
      std::copy(y.begin() + offset, y.begin() + offset + r.dim, r.row(p));
      offset += r.dim;
    }
  }
  return results;
}

/// Positions of the non-zero entries of every row of `a`.
template <typename T>
static std::vector<std::vector<int64_t>> nonZeros(const Activation<T> &a) {
  std::vector<std::vector<int64_t>> nz(a.numPositions);
  for (int64_t p = 0; p < a.numPositions; ++p)
    for (int64_t i = 0; i < a.dim; ++i)
      if (a.at(p, i) != T(0))
        nz[p].push_back(i);
  return nz;
}

template <typename T>
Activation<T>
mlir::craft::applyAttention(const AttentionBlock &block,
                            llvm::ArrayRef<const Activation<T> *> queries,
                            llvm::ArrayRef<const Activation<T> *> keys,
                            llvm::ArrayRef<const Activation<T> *> values) {
  int64_t n = 0;
  for (auto range : {queries, keys, values})
    if (!range.empty())
      n = range.front()->numPositions;

  // logits[i][j] = sum over blocks of q_i B k_j.
  std::vector<T> logits(n * n, T(0));
  for (const QKBlock &b : block.wqk) {
    const Activation<T> &q = *queries[b.query];
    const Activation<T> &k = *keys[b.key];
    std::vector<std::vector<int64_t>> keyNonZeros = nonZeros(k);
    std::vector<T> qb(k.dim);
    for (int64_t i = 0; i < n; ++i) {
      std::fill(qb.begin(), qb.end(), T(0));
      b.weights.accumulateRowTimes(q.row(i), qb.data());
      for (int64_t j = 0; j < n; ++j) {
        T s = 0;
        for (int64_t c : keyNonZeros[j])
          s += qb[c] * k.at(j, c);
        logits[i * n + j] += s;
      }
    }
  }

  // v_j = x_j * W_OV.
  int64_t valueDim = block.wov.getRows();
  Activation<T> projected(n, block.outputDim);
  std::vector<T> x(valueDim);
  for (int64_t j = 0; j < n; ++j) {
    int64_t offset = 0;
    for (const Activation<T> *v : values) {
      std::copy(v->row(j), v->row(j) + v->dim, x.begin() + offset);
      offset += v->dim;
    }
    block.wov.accumulateRowTimes(x.data(), projected.row(j));
  }

  Activation<T> out(n, block.outputDim);
  T scale = static_cast<T>(block.scale);
  std::vector<T> weights(n);
  for (int64_t i = 0; i < n; ++i) {
    int64_t last = block.causal ? i : n - 1;
    T max = -std::numeric_limits<T>::infinity();
    for (int64_t j = 0; j <= last; ++j) {
      weights[j] = scale * logits[i * n + j];
      max = std::max(max, weights[j]);
    }
    T sum = 0;
    for (int64_t j = 0; j <= last; ++j) {
      weights[j] = std::exp(weights[j] - max);
      sum += weights[j];
    }
    for (int64_t j = 0; j <= last; ++j) {
      T a = weights[j] / sum;
      if (a == T(0))
        continue;
      for (int64_t c = 0; c < block.outputDim; ++c)
        out.at(i, c) += a * projected.at(j, c);
    }
  }
  return out;
}

template std::vector<Activation<float>>
mlir::craft::applyMLP<float>(const MLPBlock &,
                             llvm::ArrayRef<const Activation<float> *>);
template std::vector<Activation<double>>
mlir::craft::applyMLP<double>(const MLPBlock &,
                              llvm::ArrayRef<const Activation<double> *>);
template Activation<float>
mlir::craft::applyAttention<float>(const AttentionBlock &,
                                   llvm::ArrayRef<const Activation<float> *>,
                                   llvm::ArrayRef<const Activation<float> *>,
                                   llvm::ArrayRef<const Activation<float> *>);
template Activation<double>
mlir::craft::applyAttention<double>(const AttentionBlock &,
                                    llvm::ArrayRef<const Activation<double> *>,
                                    llvm::ArrayRef<const Activation<double> *>,
                                    llvm::ArrayRef<const Activation<double> *>);

//===----------------------------------------------------------------------===//
// Decoding
//===----------------------------------------------------------------------===//

template <typename T>
int64_t mlir::craft::decodeCategoricalIndex(const T *vector, int64_t dim) {
  int64_t best = -1;
  T bestValue = T(0.5);
  for (int64_t i = 0; i < dim; ++i)
    if (vector[i] >= bestValue && (best < 0 || vector[i] > vector[best])) {
      best = i;
      bestValue = vector[i];
    }
  return best;
}

FailureOr<rasp::ValueSet> mlir::craft::spaceValues(SpaceAttr space) {
  rasp::ValueSet values;
  if (!space.isCategorical())
    return failure();
  for (Attribute attr : space.getValues()) {
    FailureOr<PyValue> v = rasp::fromAttr(attr);
    if (failed(v))
      return failure();
    values.push_back(*v);
  }
  return values;
}

template <typename T>
PyValue mlir::craft::decode(SpaceAttr space, const T *vector) {
  if (space.isNumerical())
    return PyValue::real(static_cast<double>(vector[0]));
  int64_t i = decodeCategoricalIndex(vector, space.getDim());
  if (i < 0)
    return PyValue::none();
  FailureOr<PyValue> v = rasp::fromAttr(space.getValues()[i]);
  return succeeded(v) ? *v : PyValue::none();
}

template int64_t mlir::craft::decodeCategoricalIndex<float>(const float *,
                                                            int64_t);
template int64_t mlir::craft::decodeCategoricalIndex<double>(const double *,
                                                             int64_t);
template PyValue mlir::craft::decode<float>(SpaceAttr, const float *);
template PyValue mlir::craft::decode<double>(SpaceAttr, const double *);

template <typename T>
std::vector<PyValue> ProgramTrace<T>::decode(Value value) const {
  std::vector<PyValue> out;
  const Activation<T> &a = values.find(value)->second;
  SpaceAttr space = getSpace(value);
  for (int64_t p = 1; p < a.numPositions; ++p)
    out.push_back(craft::decode(space, a.row(p)));
  return out;
}

template struct mlir::craft::ProgramTrace<float>;
template struct mlir::craft::ProgramTrace<double>;

//===----------------------------------------------------------------------===//
// Programs
//===----------------------------------------------------------------------===//

namespace {
struct PyValueHash {
  size_t operator()(const PyValue &v) const { return hash_value(v); }
};
} // namespace

/// Identical values, and only they, have the same type and repr.
static std::string identityKey(const PyValue &v) {
  return std::to_string(static_cast<int>(v.getKind())) + ":" + v.repr();
}

struct ProgramEvaluator::Impl {
  llvm::DenseMap<Operation *, MLPBlock> mlps;
  llvm::DenseMap<Operation *, AttentionBlock> heads;
  rasp::ValueSet vocab;
  /// The index of each vocabulary item: by type and printed form (the
  /// identical item), then by value (an equal one, `1` for `True`). Hashed:
  /// a lookup per input token costs the same for 50,000 items as for 5.
  llvm::StringMap<size_t> identicalIndex;
  std::unordered_map<PyValue, size_t, PyValueHash> equalIndex;
  /// The folded embedding tables, in the order of the embedding's results.
  std::vector<std::pair<EmbedSource, Matrix>> folds;
};

FailureOr<ProgramEvaluator> ProgramEvaluator::get(ProgramOp program) {
  auto impl = std::make_shared<Impl>();
  EmbedOp embed = program.getEmbedOp();
  if (!embed)
    return failure();
  FailureOr<rasp::ValueSet> vocab = spaceValues(embed.getTokensSpace());
  if (failed(vocab))
    return failure();
  impl->vocab = std::move(*vocab);
  for (auto [i, item] : llvm::enumerate(impl->vocab)) {
    impl->identicalIndex.try_emplace(identityKey(item), i);
    impl->equalIndex.try_emplace(item, i);
  }
  for (FoldAttr fold : embed.getFoldAttrs())
    impl->folds.push_back(
        {fold.getSource(), Matrix::fromElementsAttr(fold.getTable())});
  program.walk([&](Operation *op) {
    if (auto mlp = dyn_cast<MLPOp>(op))
      impl->mlps[op] = toBlock(mlp);
    else if (auto head = dyn_cast<AttentionHeadOp>(op))
      impl->heads[op] = toBlock(head);
  });
  return ProgramEvaluator(program, std::move(impl));
}

template <typename T>
static SmallVector<const Activation<T> *>
lookup(const llvm::DenseMap<Value, Activation<T>> &values, ValueRange range) {
  SmallVector<const Activation<T> *> out;
  for (Value v : range)
    out.push_back(&values.find(v)->second);
  return out;
}

template <typename T>
llvm::Expected<ProgramTrace<T>>
ProgramEvaluator::run(llvm::ArrayRef<PyValue> tokens) const {
  EmbedOp embed = program.getEmbedOp();
  int64_t n = static_cast<int64_t>(tokens.size()) + 1;
  int64_t maxLen = embed.getIndicesSpace().getDim();
  if (n - 1 > maxLen)
    return llvm::createStringError("input of length " + std::to_string(n - 1) +
                                   " is longer than the maximum " +
                                   std::to_string(maxLen));
  ProgramTrace<T> trace;
  trace.numPositions = n;
  Activation<T> tok(n, impl->vocab.size()), idx(n, maxLen), one(n, 1),
      bos(n, 1);
  bos.at(0, 0) = 1;
  for (int64_t p = 0; p < n; ++p)
    one.at(p, 0) = 1;
  for (int64_t p = 1; p < n; ++p) {
    const PyValue &t = tokens[p - 1];
    size_t id;
    if (auto it = impl->identicalIndex.find(identityKey(t));
        it != impl->identicalIndex.end())
      id = it->second;
    else if (auto it = impl->equalIndex.find(t); it != impl->equalIndex.end())
      id = it->second;
    else
      return llvm::createStringError("token " + t.repr() +
                                     " is not in the vocabulary");
    tok.at(p, id) = 1;
    idx.at(p, p - 1) = 1;
  }
  // A folded table's row of the token (or position) at every position but
  // BOS.
  for (auto [result, fold] : llvm::zip(embed.getFolded(), impl->folds)) {
    const Matrix &table = fold.second;
    const Activation<T> &source = fold.first == EmbedSource::Tokens ? tok : idx;
    Activation<T> a(n, table.getCols());
    for (int64_t p = 1; p < n; ++p)
      table.accumulateRowTimes(source.row(p), a.row(p));
    trace.values[result] = std::move(a);
  }
  trace.values[embed.getTokens()] = std::move(tok);
  trace.values[embed.getIndices()] = std::move(idx);
  trace.values[embed.getOne()] = std::move(one);
  trace.values[embed.getBos()] = std::move(bos);

  auto runHead = [&](AttentionHeadOp head) {
    return applyAttention<T>(impl->heads.find(head)->second,
                             lookup(trace.values, head.getQueries()),
                             lookup(trace.values, head.getKeys()),
                             lookup(trace.values, head.getValues()));
  };
  for (Operation &op : program.getBody().front()) {
    if (auto mlp = dyn_cast<MLPOp>(op)) {
      std::vector<Activation<T>> results = applyMLP<T>(
          impl->mlps.find(&op)->second, lookup(trace.values, mlp.getInputs()));
      for (auto [value, result] : llvm::zip(mlp.getResults(), results))
        trace.values[value] = std::move(result);
    } else if (auto head = dyn_cast<AttentionHeadOp>(op)) {
      trace.values[head.getResult()] = runHead(head);
    } else if (auto group = dyn_cast<MultiHeadOp>(op)) {
      // Every head of a group reads the residual stream as it was before the
      // group, so compute all outputs before recording any.
      llvm::DenseMap<Value, Activation<T>> outputs;
      for (Operation &inner : group.getBody().front())
        if (auto h = dyn_cast<AttentionHeadOp>(inner))
          outputs[h.getResult()] = runHead(h);
      auto yield = cast<YieldOp>(group.getBody().front().getTerminator());
      for (auto [result, yielded] :
           llvm::zip(group.getResults(), yield.getValues()))
        trace.values[result] = outputs[yielded];
    }
  }
  return trace;
}

template <typename T>
llvm::Expected<std::vector<PyValue>>
ProgramEvaluator::runAndDecode(llvm::ArrayRef<PyValue> tokens) const {
  llvm::Expected<ProgramTrace<T>> trace = run<T>(tokens);
  if (!trace)
    return trace.takeError();
  return trace->decode(program.getOutput());
}

template llvm::Expected<ProgramTrace<float>>
    ProgramEvaluator::run<float>(llvm::ArrayRef<PyValue>) const;
template llvm::Expected<ProgramTrace<double>>
    ProgramEvaluator::run<double>(llvm::ArrayRef<PyValue>) const;
template llvm::Expected<std::vector<PyValue>>
    ProgramEvaluator::runAndDecode<float>(llvm::ArrayRef<PyValue>) const;
template llvm::Expected<std::vector<PyValue>>
    ProgramEvaluator::runAndDecode<double>(llvm::ArrayRef<PyValue>) const;
