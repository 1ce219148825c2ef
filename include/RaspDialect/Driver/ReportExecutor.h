//===- ReportExecutor.h - The visual report of a compiled model -*- C++ -*-===//
//
// Runs inputs through the traced forward pass of the compiled model and
// through the interpreter, and writes the visual report of lib/Report
// (docs/Report.md; rasp-run --report).
//
//===----------------------------------------------------------------------===//

#ifndef RASPDIALECT_DRIVER_REPORTEXECUTOR_H
#define RASPDIALECT_DRIVER_REPORTEXECUTOR_H

#include "RaspDialect/Driver/Executor.h"
#include "RaspDialect/Report/Report.h"

namespace mlir::rasp::driver {

/// An executor that traces every input (its results are the traced model's
/// outputs, with their trace documents if asked for) and collects the
/// report.
class ReportExecutor : public Executor {
public:
  ~ReportExecutor() override;
  /// Writes the report of the inputs run so far to `path` (created or
  /// replaced). Fails with a message if the file cannot be written.
  virtual llvm::Error writeReport(llvm::StringRef path) = 0;
};

/// Creates the report of `program` compiled to `model` (compileToCraftModel
/// with `options`). Unless the options already turn every model-size
/// optimisation off, the baseline without them is compiled here, timed in
/// `timing`. With `traceDocuments`, results carry the trace documents of
/// `options.trace` too. Emits diagnostics and fails if anything cannot be
/// compiled or described.
FailureOr<std::unique_ptr<ReportExecutor>> createReportExecutor(
    const LoadedProgram &program, CraftModel model,
    const DriverOptions &options, const report::ReportConfig &reportConfig,
    TimingScope *timing = nullptr, bool traceDocuments = false);

} // namespace mlir::rasp::driver

#endif // RASPDIALECT_DRIVER_REPORTEXECUTOR_H
