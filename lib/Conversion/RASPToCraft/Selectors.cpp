//===- Selectors.cpp - Lowering selectors to attention logits -------------===//
//
// A selector (select, select_where and boolean combinations of them) becomes
// a selector tree over the craft subspaces it reads, then a conjunction of
// tables; factors that read several SOps on a side get a tuple feature
// (docs/Craft.md, "Composite selectors").
//
//===----------------------------------------------------------------------===//

#include "Lowering.h"

#include "RaspDialect/Support/MemoryBudget.h"

#include "RaspDialect/Conversion/RASPToCraft/Synthesis/Selectors.h"

#include "llvm/ADT/TypeSwitch.h"

#include <cmath>

using namespace mlir;
using namespace mlir::rasp;
using namespace mlir::rasp::lowering;
namespace synth = mlir::craft::synth;
using synth::SelectorTree;

namespace {
/// Builds the selector tree of one aggregate or selector width.
struct TreeBuilder {
  Lowering &l;
  Operation *user;
  /// Subspace of every operand id.
  SmallVector<Value> operands;

  unsigned idOf(Value space) {
    auto it = llvm::find(operands, space);
    if (it != operands.end())
      return it - operands.begin();
    operands.push_back(space);
    return operands.size() - 1;
  }

  /// One side of a select: its values and operand (none for a constant).
  LogicalResult side(Value sop, ValueSet &values,
                     std::optional<unsigned> &operand) {
    SOpInfo &info = l.info(sop);
    if (info.constant) {
      values = {*info.constant};
      return success();
    }
    FailureOr<Value> view = l.categoricalView(user, sop);
    if (failed(view))
      return failure();
    values = info.values;
    operand = idOf(*view);
    return success();
  }

  using TableFn = llvm::function_ref<llvm::Expected<craft::Matrix>(
      const ValueSet &keys, const ValueSet &queries)>;

  FailureOr<SelectorTree> leaf(Operation *select, Value keys, Value queries,
                               TableFn table) {
    ValueSet keyValues, queryValues;
    std::optional<unsigned> key, query;
    if (failed(side(keys, keyValues, key)) ||
        failed(side(queries, queryValues, query)))
      return failure();
    // The predicate is evaluated on every pair into a 0/1 table (a bit per
    // entry, equality sparse): checked before it is built.
    uint64_t entries =
        rasp::saturatingProduct({keyValues.size(), queryValues.size()});
    if (failed(l.checkTableSize(select, keyValues.size(), queryValues.size(),
                                entries / 8 + 1, "the selector table")))
      return failure();
    llvm::Expected<craft::Matrix> m = table(keyValues, queryValues);
    if (!m)
      return l.fail(select, m.takeError());
    return SelectorTree::leaf(key, query, std::move(*m));
  }

  FailureOr<SelectorTree> build(Value selector) {
    Operation *def = selector.getDefiningOp();
    if (!def)
      return user->emitOpError("cannot be lowered to craft: its selector is "
                               "not defined by a selector op");
    using Kind = SelectorTree::Kind;
    auto combine = [&](Kind kind, ValueRange parts) -> FailureOr<SelectorTree> {
      std::vector<SelectorTree> children;
      for (Value part : parts) {
        FailureOr<SelectorTree> child = build(part);
        if (failed(child))
          return failure();
        children.push_back(std::move(*child));
      }
      return SelectorTree::combine(kind, std::move(children));
    };
    return llvm::TypeSwitch<Operation *, FailureOr<SelectorTree>>(def)
        .Case<SelectOp>([&](SelectOp op) -> FailureOr<SelectorTree> {
          // `True` reads neither operand: a constant leaf, not a table over
          // their value sets (select(tokens, tokens, True), the `length` of
          // a vocabulary of V tokens, would be V x V).
          if (op.getPredicate() == Comparison::True)
            return SelectorTree::leaf(
                std::nullopt, std::nullopt,
                craft::Matrix::fromTriplets(1, 1, {{0, 0, 1.0}}));
          return leaf(op, op.getKeys(), op.getQueries(),
                      [&](const ValueSet &k, const ValueSet &q) {
                        return synth::comparisonTable(op.getPredicate(), k, q);
                      });
        })
        .Case<SelectWhereOp>([&](SelectWhereOp op) -> FailureOr<SelectorTree> {
          FailureOr<ElementFunction> fn = ElementFunction::get(op.getBody());
          if (failed(fn))
            return failure();
          auto pred = [&](const PyValue &k,
                          const PyValue &q) -> llvm::Expected<bool> {
            EvalError error{op.getLoc(), ""};
            FailureOr<PyValue> r = (*fn)({k, q}, &error);
            if (failed(r))
              return llvm::createStringError(error.message);
            return py::truthy(*r);
          };
          return leaf(op, op.getKeys(), op.getQueries(),
                      [&](const ValueSet &k, const ValueSet &q) {
                        return synth::predicateTable(pred, k, q);
                      });
        })
        .Case<SelectorAndOp>([&](SelectorAndOp op) {
          return combine(Kind::And, {op.getLhs(), op.getRhs()});
        })
        .Case<SelectorOrOp>([&](SelectorOrOp op) {
          return combine(Kind::Or, {op.getLhs(), op.getRhs()});
        })
        .Case<SelectorNotOp>([&](SelectorNotOp op) {
          return combine(Kind::Not, {op.getInput()});
        })
        .Default([&](Operation *op) -> FailureOr<SelectorTree> {
          return user->emitOpError("cannot be lowered to craft: unsupported "
                                   "selector op '")
                 << op->getName() << "'";
        });
  }
};
} // namespace

/// docs/exactness.md (6.4): how far a logit of `block` can move when its
/// one-hot operands are up to their error bounds off. For a block W between
/// a query with entry error dq and a key with entry error dk:
/// dq * (largest column sum of |W|) + dk * (largest row sum) + dq dk sum|W|.
static double logitError(Lowering &l, const craft::AttentionBlock &block,
                         ArrayRef<Value> queries, ArrayRef<Value> keys) {
  double eta = 0;
  for (const craft::QKBlock &b : block.wqk) {
    double dq = l.errorOf(queries[b.query]), dk = l.errorOf(keys[b.key]);
    if (dq == 0 && dk == 0)
      continue;
    std::vector<double> rowSum(b.weights.getRows()),
        colSum(b.weights.getCols());
    double total = 0;
    b.weights.forEachNonZero([&](int64_t r, int64_t c, double v) {
      rowSum[r] += std::abs(v);
      colSum[c] += std::abs(v);
      total += std::abs(v);
    });
    double maxRow = rowSum.empty() ? 0 : *llvm::max_element(rowSum);
    double maxCol = colSum.empty() ? 0 : *llvm::max_element(colSum);
    eta += dq * maxCol + dk * maxRow + dq * dk * total;
  }
  return eta;
}

FailureOr<LoweredSelector>
mlir::rasp::lowering::lowerSelector(Lowering &l, Operation *user,
                                    Value selector, synth::HeadKind kind,
                                    craft::Matrix wov, StringRef label) {
  if (l.indexArithmetic)
    if (const IndexSelectorPlan *plan = l.indexArithmetic->planFor(selector)) {
      if (l.options.encodingRemarks) {
        InFlightDiagnostic remark = emitRemark(selector.getLoc());
        auto form = [&](const AffinePosition &f) {
          remark << f.widthCoeff << " * width + " << f.indexCoeff
                 << " * index + " << f.constant;
        };
        if (plan->keyForm) {
          remark << "position selector (key ";
          form(*plan->keyForm);
          remark << " == query ";
          form(*plan->queryForm);
          remark << ") compiled "
                 << (plan->quadratic ? "as a quadratic form over exact "
                                       "numerical positions: "
                                     : "as a categorical table: ");
        } else {
          remark << "position selector (key index == " << plan->slope
                 << " * query index + " << plan->offset << ") compiled "
                 << (plan->quadratic ? "as a quadratic form over numerical "
                                       "positions: "
                                     : "as a categorical table: ");
        }
        remark << plan->reason;
      }
      if (plan->quadratic)
        return lowerIndexSelector(l, user, *plan, kind, std::move(wov));
    }
  TreeBuilder builder{l, user, {}};
  FailureOr<SelectorTree> tree = builder.build(selector);
  if (failed(tree))
    return failure();
  auto dimOf = [&](unsigned id) -> int64_t {
    return craft::getSpace(builder.operands[id]).getDim();
  };
  llvm::Expected<synth::SelectorPlan> plan =
      synth::planSelector(*tree, dimOf, l.options.maxTableEntries);
  if (!plan)
    return l.fail(user, plan.takeError());

  // A factor reading several SOps on one side reads their tuple instead.
  auto sideOperand = [&](ArrayRef<unsigned> ids,
                         StringRef suffix) -> std::optional<unsigned> {
    if (ids.empty())
      return std::nullopt;
    if (ids.size() == 1)
      return ids.front();
    SmallVector<Value> spaces;
    for (unsigned id : ids)
      spaces.push_back(builder.operands[id]);
    return builder.idOf(l.tupleFeature(spaces, (label + suffix).str()));
  };
  std::vector<synth::SelectorTerm> terms;
  for (synth::Conjunct &c : plan->conjuncts)
    terms.push_back({sideOperand(c.queryOperands, "_query_tuple"),
                     sideOperand(c.keyOperands, "_key_tuple"),
                     std::move(c.table)});
  return lowerSelectorTerms(l, user, terms, builder.operands, kind,
                            std::move(wov));
}

FailureOr<LoweredSelector> mlir::rasp::lowering::lowerSelectorTerms(
    Lowering &l, Operation *user, ArrayRef<synth::SelectorTerm> terms,
    ArrayRef<Value> operands, synth::HeadKind kind, craft::Matrix wov) {
  auto dimOf = [&](unsigned id) -> int64_t {
    return craft::getSpace(operands[id]).getDim();
  };
  synth::SelectorHead head =
      synth::selectorHead(terms, dimOf, kind, std::move(wov), l.synthesis);
  LoweredSelector lowered;
  lowered.block = std::move(head.block);
  // A selector width or a numerical mean needs the selected keys' logits to
  // be equal, not only above BOS: noisy one-hots are cleaned first
  // (docs/exactness.md, 3.4). With fusion the noise is bounded, and a
  // clean copy (one more MLP) is only made where the bound is too large
  // (section 6.4).
  bool uniform = kind == synth::HeadKind::SelectorWidth ||
                 cast<SOpType>(user->getResult(0).getType()).isNumerical();
  auto spaceOf = [&](unsigned id) {
    if (id == synth::kOneOperand)
      return l.one;
    if (id == synth::kBosOperand)
      return l.bos;
    return operands[id];
  };
  bool cleanOperands = uniform;
  if (l.options.fuseMLPs) {
    SmallVector<Value> queries, keys;
    for (unsigned id : head.queries)
      queries.push_back(spaceOf(id));
    for (unsigned id : head.keys)
      keys.push_back(spaceOf(id));
    lowered.logitError = logitError(l, lowered.block, queries, keys);
    double s = lowered.block.scale, eta = lowered.logitError;
    double n = static_cast<double>(l.synthesis.maxSeqLen + 2);
    // A selector width: the attention output's relative error 3 s eta must
    // stay well below the decoder's 1 / (4 (N + 2)). A numerical mean:
    // selected keys must weigh the same. A categorical aggregate: the leak
    // kAttentionLeak e^(2 s eta) stays below 2^-12.
    if (kind == synth::HeadKind::SelectorWidth)
      cleanOperands = 3 * s * eta > 1 / (16 * n);
    else if (uniform)
      cleanOperands = eta > 0;
    else
      cleanOperands =
          2 * s * eta > std::log(std::ldexp(1.0, -12) / synth::kAttentionLeak);
    if (cleanOperands)
      lowered.logitError = 0;
  }
  auto valueOf = [&](unsigned id) {
    Value space = spaceOf(id);
    return cleanOperands ? l.clean(space) : space;
  };
  for (unsigned id : head.queries)
    lowered.queries.push_back(valueOf(id));
  for (unsigned id : head.keys)
    lowered.keys.push_back(valueOf(id));
  return lowered;
}
