//===- TableBounds.h - The model's tables against its attributes -*- C++
//-*-===//
//
// The runtime validates every batch against `rasp.num_token_ids` and
// `rasp.max_positions` (Execution.cpp); the generated code does no bounds
// checks. So the attributes must not promise more than the tables the code
// indexes hold: a table indexed by a token id needs at least
// num_token_ids rows, one indexed by a position at least max_positions.
// Tables indexed by the other loops of a linalg op or by constants are
// checked against the loop's extent and the constant.
//
//===----------------------------------------------------------------------===//

#ifndef RASPDIALECT_LIB_RUNTIME_TABLEBOUNDS_H
#define RASPDIALECT_LIB_RUNTIME_TABLEBOUNDS_H

#include "mlir/Dialect/Func/IR/FuncOps.h"

#include <cstdint>

namespace mlir::rasp::runtime::detail {

/// Checks every `tensor.extract` of `func` whose index is a token id (an
/// element of the tokens argument) or a position (`linalg.index` over the
/// positions of the tokens argument, or a remainder by their number): the
/// extracted dimension must be static and hold `numTokenIds` resp.
/// `maxPositions` entries. An index that is another `linalg.index` of a
/// loop of static extent, or a constant, must be within a static dimension
/// too. Emits an error at the extract otherwise.
LogicalResult checkTableBounds(func::FuncOp func, int64_t numTokenIds,
                               int64_t maxPositions);

} // namespace mlir::rasp::runtime::detail

#endif // RASPDIALECT_LIB_RUNTIME_TABLEBOUNDS_H
