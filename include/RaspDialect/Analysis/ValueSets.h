//===- ValueSets.h - The value set of every SOp -----------------*- C++ -*-===//
//
// Basis inference (Tracr's step 2) as a reusable analysis: the exact finite
// set of values every SOp of a `rasp.program` can hold, for a vocabulary and
// a maximum sequence length. A categorical SOp gets one residual direction
// per value, so these sets fix the size of the compiled model.
//
// None is never a member of a value set: it is the absence of a value (the
// zero vector in the residual stream), produced by a categorical aggregate
// that selects nothing or a function that returns None. See
// docs/BasisInference.md for every rule.
//
//===----------------------------------------------------------------------===//

#ifndef RASPDIALECT_ANALYSIS_VALUESETS_H
#define RASPDIALECT_ANALYSIS_VALUESETS_H

#include "RaspDialect/Dialect/RASP/IR/RASPOps.h"
#include "RaspDialect/Semantics/PyValue.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/STLFunctionalExtras.h"

#include <optional>

namespace mlir::rasp {

/// Returns the value set of an SOp, or nullptr if it is unknown.
using ValueSetLookup = llvm::function_ref<const ValueSet *(Value)>;

/// Default of `ValueSetOptions::maxValues`.
inline constexpr size_t kDefaultMaxValues = 100000;

/// Compile-time parameters of basis inference. Unset parameters come from the
/// program's `vocab` and `max_seq_len` attributes.
struct ValueSetOptions {
  std::optional<ValueSet> vocab;
  std::optional<int64_t> maxSeqLen;
  /// The largest value set inference may build, for any SOp and for the
  /// intermediate sums of a numerical aggregate.
  size_t maxValues = kDefaultMaxValues;
};

/// The value sets of every SOp of one program.
class ValueSetAnalysis {
public:
  /// Infers the value set of every SOp of `program`. Reports evaluation
  /// errors, missing parameters and sets larger than the cap as diagnostics
  /// at the offending op and fails.
  static FailureOr<ValueSetAnalysis> compute(ProgramOp program,
                                             const ValueSetOptions &options);

  /// The value set of `sop`, or nullptr if it is not an SOp of the program.
  const ValueSet *lookup(Value sop) const;

  const ValueSet &getVocab() const { return vocab; }
  int64_t getMaxSeqLen() const { return maxSeqLen; }

private:
  ValueSet vocab;
  int64_t maxSeqLen = 0;
  llvm::DenseMap<Value, ValueSet> sets;
  friend class ValueSetInferrer;
};

/// The values a numerical `rasp.aggregate` can produce at a position that
/// selects between 1 and `maxSeqLen` keys whose values are drawn (with
/// repetition, in any order) from `inputs`: every `sum(xs) / len(xs)` computed
/// as the interpreter does (exact int sums, left-to-right double sums for
/// floats, then Python true division), as floats. The default is not included.
/// None inputs are ignored. Fails when the sums of one length or the means
/// exceed `maxValues`, or when an int sum may overflow 64 bits.
llvm::Expected<ValueSet> numericalMeans(llvm::ArrayRef<PyValue> inputs,
                                        int64_t maxSeqLen, size_t maxValues);

/// numericalMeans split by the number of selected keys: element n - 1 holds
/// the means of exactly n values, for n in 1..`maxSeqLen`. Each set is capped
/// at `maxValues`.
llvm::Expected<std::vector<ValueSet>>
numericalMeansByCount(llvm::ArrayRef<PyValue> inputs, int64_t maxSeqLen,
                      size_t maxValues);

/// `lhs_coeff * x + rhs_coeff * y` with Python semantics: the value of a
/// `rasp.linear_sequence_map` at a position holding `x` and `y`.
llvm::Expected<PyValue> evaluateLinearSequenceMap(LinearSequenceMapOp op,
                                                  const PyValue &x,
                                                  const PyValue &y);

} // namespace mlir::rasp

#endif // RASPDIALECT_ANALYSIS_VALUESETS_H
