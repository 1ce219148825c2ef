//===- CategoricalMLP.h - MLPs on categorical inputs ------------*- C++ -*-===//
//
// Weight synthesis for MLPs whose inputs are one-hot: lookup tables for
// `map`, the product hidden layer for `sequence_map`, tuple features for
// composite selectors, and constants. All of them are exact on one-hot
// inputs (0/1 weights, integer biases) and write exactly zero at BOS, where
// every categorical input is zero. The operand order of each block is part of
// its contract and documented per function.
//
//===----------------------------------------------------------------------===//

#ifndef RASPDIALECT_CONVERSION_RASPTOCRAFT_SYNTHESIS_CATEGORICALMLP_H
#define RASPDIALECT_CONVERSION_RASPTOCRAFT_SYNTHESIS_CATEGORICALMLP_H

#include "RaspDialect/Dialect/Craft/Evaluator/Blocks.h"
#include "RaspDialect/Semantics/PyValue.h"

#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/Support/Error.h"

namespace mlir::craft::synth {

/// Index of `value` in the sorted value set `set` (Python equality), or -1.
int64_t indexIn(const rasp::ValueSet &set, const rasp::PyValue &value);

/// The numeric value of a bool, int or float; an error naming `what()`
/// else (built only then: printing values is slow, and this is called per
/// point of large tables).
llvm::Expected<double> toNumber(const rasp::PyValue &value,
                                llvm::function_ref<std::string()> what);

/// Categorical `map`: `outputs[i]` is f(inputs[i]), possibly None (the zero
/// vector). One hidden unit per output value that some input produces:
/// h_o = ReLU(sum of the inputs mapping to o). Operands: [x].
llvm::Expected<MLPBlock>
mapCategoricalToCategorical(const rasp::ValueSet &inputs,
                            llvm::ArrayRef<rasp::PyValue> outputs,
                            const rasp::ValueSet &outputSpace);

/// Categorical input, numerical output: the lookup sum(f(v) x_v) split into
/// a positive and a negative unit, so negative outputs survive the ReLU
/// (Tracr clips them, issue #24). Operands: [x].
llvm::Expected<MLPBlock>
mapCategoricalToNumerical(const rasp::ValueSet &inputs,
                          llvm::ArrayRef<rasp::PyValue> outputs);

/// Categorical `sequence_map` with `table[i * |ys| + j]` = f(xs[i], ys[j]):
/// one hidden unit ReLU(x_i + y_j - 1) per pair whose value is not None.
/// Operands: [x, y, one].
llvm::Expected<MLPBlock>
sequenceMapToCategorical(const rasp::ValueSet &xs, const rasp::ValueSet &ys,
                         llvm::ArrayRef<rasp::PyValue> table,
                         const rasp::ValueSet &outputSpace);

/// As sequenceMapToCategorical with a numerical output.
/// Operands: [x, y, one].
llvm::Expected<MLPBlock>
sequenceMapToNumerical(const rasp::ValueSet &xs, const rasp::ValueSet &ys,
                       llvm::ArrayRef<rasp::PyValue> table);

/// The one-hot of the tuple of `dims.size()` one-hot inputs, in mixed radix
/// with the first input most significant: one unit per tuple,
/// ReLU(sum of its components - (n - 1)). Operands: [x_1, ..., x_n, one].
MLPBlock tupleFeature(llvm::ArrayRef<int64_t> dims);

/// A categorical constant: direction `index` of a `dim`-dimensional space
/// (-1: None, the zero vector) at every position but BOS.
/// Operands: [one, bos].
MLPBlock constantCategorical(int64_t dim, int64_t index);

/// A numerical constant at every position but BOS. Operands: [one, bos].
MLPBlock constantNumerical(double value);

//===----------------------------------------------------------------------===//
// Cleaning variants
//===----------------------------------------------------------------------===//
//
// A discretising MLP writes its one-hot with float32 rounding noise that
// grows with its slopes (docs/exactness.md, section 3.4). The variants below
// read such inputs through clamp units
//   clamp(2 s - 1/2) = ReLU(2 s - 1/2) - ReLU(2 s - 3/2),
// exactly 0 for s <= 1/4 and exactly 1 for s >= 3/4, so their outputs are
// exact again for any input noise below 1/8. They take `one` as their last
// operand for the biases; at BOS every unit is off.

/// A lookup reading a noisy one-hot: two clamp units per input value whose
/// output is not None, written to the output one-hot (`outputSpace`) or
/// number (`outputSpace` null). Operands: [x, one].
llvm::Expected<MLPBlock> cleanLookup(const rasp::ValueSet &inputs,
                                     llvm::ArrayRef<rasp::PyValue> outputs,
                                     const rasp::ValueSet *outputSpace);

/// A sequence_map of noisy one-hots: two clamp units per pair,
/// clamp(2 x_i + 2 y_j - 5/2). Operands: [x, y, one].
llvm::Expected<MLPBlock> cleanSequenceMap(const rasp::ValueSet &xs,
                                          const rasp::ValueSet &ys,
                                          llvm::ArrayRef<rasp::PyValue> table,
                                          const rasp::ValueSet *outputSpace);

/// The tuple feature of noisy one-hots: two clamp units per tuple,
/// clamp(2 sum - 2 n + 3/2). Operands: [x_1, ..., x_n, one].
MLPBlock cleanTupleFeature(llvm::ArrayRef<int64_t> dims);

} // namespace mlir::craft::synth

#endif // RASPDIALECT_CONVERSION_RASPTOCRAFT_SYNTHESIS_CATEGORICALMLP_H
