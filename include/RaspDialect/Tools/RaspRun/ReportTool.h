//===- ReportTool.h - rasp-run --report -------------------------*- C++ -*-===//
//
// Runs rasp-run's inputs through the traced forward pass of the compiled
// model and through the interpreter, and writes the visual report of
// lib/Report (docs/Report.md).
//
//===----------------------------------------------------------------------===//

#ifndef RASPDIALECT_TOOLS_RASPRUN_REPORTTOOL_H
#define RASPDIALECT_TOOLS_RASPRUN_REPORTTOOL_H

#include "RaspDialect/Report/Report.h"
#include "RaspDialect/Tools/RaspRun/ModelTools.h"

namespace mlir::rasp {

/// An executor that traces every input (its results are the traced model's
/// outputs, and the trace documents if `traceOptions` is set) and collects
/// the report.
class ReportExecutor : public Executor {
public:
  ~ReportExecutor() override;
  /// Writes the report of the inputs run so far to `path` (created or
  /// replaced). Fails with a message if the file cannot be written.
  virtual llvm::Error writeReport(llvm::StringRef path) = 0;
};

/// Creates the report of `program` (with `output` as its output) compiled to
/// `model` by rasp-run with `pipelineOptions` (`--compile-options`). The
/// unoptimised baseline is compiled here (unless `config.optimize` is off
/// already), timed in `timing`. Emits diagnostics and fails if anything
/// cannot be compiled or described.
FailureOr<std::unique_ptr<ReportExecutor>> createReportExecutor(
    ProgramOp program, Value output, const RunConfig &config,
    CraftModelModule model, llvm::StringRef pipelineOptions,
    const report::ReportConfig &reportConfig, TimingScope &timing,
    std::optional<trace::TraceOptions> traceOptions = std::nullopt);

} // namespace mlir::rasp

#endif // RASPDIALECT_TOOLS_RASPRUN_REPORTTOOL_H
