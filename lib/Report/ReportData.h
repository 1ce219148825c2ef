//===- ReportData.h - The report's data, internal ---------------*- C++ -*-===//
//
// Shared by the files of lib/Report: the description of the program and the
// model (ProgramGraph.cpp) and the data of one input (InputData.cpp), both
// JSON pieces of schema `rasp-report/1` (docs/Report.md).
//
//===----------------------------------------------------------------------===//

#ifndef LIB_REPORT_REPORTDATA_H
#define LIB_REPORT_REPORTDATA_H

#include "RaspDialect/Report/Report.h"
#include "RaspDialect/Trace/TraceDocument.h"

#include <nlohmann/json.hpp>

namespace mlir::rasp::report {

using Json = nlohmann::ordered_json;

/// An SOp or a selector of the program: a node of the graph.
struct GraphNode {
  Operation *op = nullptr;
  Value result;
  bool selector = false;
  /// The index in TraceLayout::subspaces of the subspace holding its value,
  /// or -1 if the model holds it nowhere (fused into an MLP, a selector).
  int64_t subspace = -1;
};

/// The program and the model, and what inputs are described against.
struct ModelDescription {
  /// `program`, `nodes`, `stages`, `blocks`, `layout` of the report.
  Json json;
  std::vector<GraphNode> nodes;
  trace::TraceLayout layout;
  /// The block id of every head (by layer, then head) and of every layer's
  /// MLP (-1 where there is none).
  std::vector<std::vector<int64_t>> headBlocks;
  std::vector<int64_t> mlpBlocks;
};

/// Describes `program` compiled to `model`. Emits diagnostics and fails if
/// the layout or the value sets cannot be computed.
FailureOr<ModelDescription>
describeModel(ProgramOp program, craft::ModelOp model,
              const craft::AssembledModel &assembled,
              const ReportConfig &config);

/// The data of one input.
Json describeInput(const ModelDescription &description,
                   const craft::AssembledModel &assembled,
                   const ReportInput &input);

/// A value as the report prints it: a string's own text, Python's repr of
/// other values; with `float32`, floats as the shortest decimal of their
/// float32 value. None is JSON null.
Json showValue(const PyValue &value, bool float32);

} // namespace mlir::rasp::report

#endif // LIB_REPORT_REPORTDATA_H
