//===- CraftWeights.h - Reading craft weight matrices -----------*- C++ -*-===//
//
// Craft weight matrices are rank-2 ElementsAttrs of element type f64, f32 or
// i1 in one of three storage forms: dense, sparse (COO) or dense_resource.
// These helpers read any of them without materialising zeros.
//
//===----------------------------------------------------------------------===//

#ifndef RASPDIALECT_DIALECT_CRAFT_IR_CRAFTWEIGHTS_H
#define RASPDIALECT_DIALECT_CRAFT_IR_CRAFTWEIGHTS_H

#include "mlir/IR/BuiltinAttributeInterfaces.h"
#include "mlir/IR/Diagnostics.h"

#include <cstdint>
#include <vector>

namespace mlir::craft {

/// Checks that `attr` is a weight matrix of shape `rows` x `cols`: a static
/// rank-2 dense, sparse or dense_resource elements attribute with element
/// type f64, f32 or i1. `name` is used in the message.
LogicalResult verifyWeights(llvm::function_ref<InFlightDiagnostic()> emitError,
                            Attribute attr, llvm::StringRef name, int64_t rows,
                            int64_t cols);

/// Calls `fn(row, col, value)` for every non-zero entry of `weights`. Dense
/// storage is visited in row-major order; sparse storage in stored order.
void forEachNonZero(ElementsAttr weights,
                    llvm::function_ref<void(int64_t, int64_t, double)> fn);

/// The matrix as a row-major dense array of doubles.
std::vector<double> toDenseMatrix(ElementsAttr weights);

} // namespace mlir::craft

#endif // RASPDIALECT_DIALECT_CRAFT_IR_CRAFTWEIGHTS_H
