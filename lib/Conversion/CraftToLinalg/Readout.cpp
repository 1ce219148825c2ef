//===- Readout.cpp - The output subspace of every position ----------------===//
//
// The function returns the output subspace's columns (B x N x W) and records
// how to decode them: `rasp.output_encoding` ("categorical": argmax over
// `rasp.output_values`, None where no entry reaches 1/2; "numerical": the
// single column is the value) and `rasp.output_labels`.
//
//===----------------------------------------------------------------------===//

#include "ModelBuilder.h"

using namespace mlir;
using namespace mlir::rasp;
using namespace mlir::rasp::detail;

Value mlir::rasp::detail::buildReadout(ModelBuilder &b, Value x,
                                       func::FuncOp func) {
  const craft::Readout &readout = b.getModel().readout;
  OpBuilder &builder = b.getBuilder();
  func->setAttr(kOutputEncodingAttr,
                builder.getStringAttr(readout.isCategorical() ? "categorical"
                                                              : "numerical"));
  if (readout.isCategorical())
    func->setAttr(kOutputValuesAttr, readout.space.getValues());
  SmallVector<StringRef> labels(readout.labels.begin(), readout.labels.end());
  func->setAttr(kOutputLabelsAttr, builder.getStrArrayAttr(labels));
  TensorBuilder &t = b.tensors();
  Value columns = t.columns(x, builder.getIndexAttr(readout.range.offset),
                            builder.getIndexAttr(readout.range.dim));
  // With a static batch size the signature's result type has it.
  return t.splitRows(columns, b.getBatch(), b.getPositions(),
                     /*keepStaticBatch=*/true);
}
