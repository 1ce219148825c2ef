//===- Report.h - A visual report of a compiled transformer -----*- C++ -*-===//
//
// `rasp-run --report=FILE.html` writes one self-contained HTML page that
// shows a compiled program (docs/Report.md): the program as a graph with the
// layer and block that computes every SOp and what fusion merged, the
// residual layout with lifetimes, the model's size against the unoptimised
// pipeline, and per input the residual stream after every sublayer, every
// head's attention pattern, the MLPs' hidden activations and the decoded
// values beside the interpreter's.
//
// The report is built in two steps: `ReportBuilder` collects the data
// (schema `rasp-report/1`, JSON), `writeReportHTML` wraps it with the viewer
// (lib/Report/viewer, embedded at build time) into one page.
//
//===----------------------------------------------------------------------===//

#ifndef RASPDIALECT_REPORT_REPORT_H
#define RASPDIALECT_REPORT_REPORT_H

#include "RaspDialect/Dialect/Craft/Analysis/Assembly.h"
#include "RaspDialect/Dialect/Craft/Analysis/ModelStats.h"
#include "RaspDialect/Dialect/RASP/IR/RASPOps.h"
#include "RaspDialect/Interpreter/Interpreter.h"
#include "RaspDialect/Trace/ForwardPass.h"

#include "llvm/Support/raw_ostream.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace mlir::rasp::report {

/// Everything the report draws of one input's forward pass.
struct ReportTrace {
  /// The recorded forward pass: residual snapshots and heads.
  trace::ForwardResult forward;
  /// Per layer, the MLP's hidden activations after the ReLU, positions x
  /// hidden units, row-major (empty for a layer without MLP).
  std::vector<std::vector<float>> hidden;
};

/// The trace the report draws for one input (`ids`: token ids of the
/// embedding tables, BOS first). This is the one place that decides where
/// the report's numbers come from: today the recorded float32 forward pass
/// of `rasp-run --trace` (trace::runForward), with the hidden activations
/// recomputed from the residual each MLP reads.
llvm::Expected<ReportTrace> traceInput(const craft::AssembledModel &model,
                                       llvm::ArrayRef<int64_t> ids,
                                       const trace::ForwardOptions &options);

/// How the program was compiled, for the report's header.
struct ReportConfig {
  /// A source file: its name as locations give it, and its contents.
  struct Source {
    std::string name, text;
  };
  /// The program file first, then the files it loads (shown with line
  /// numbers; nodes point at their lines).
  std::vector<Source> sources;
  std::string bos;
  bool causal = false;
  /// Compiled with the model-size optimisations, and rasp-run's
  /// `--compile-options`.
  bool optimize = true;
  std::string compileOptions;
};

/// One input of the report.
struct ReportInput {
  /// The printed tokens, BOS not included.
  std::vector<std::string> tokens;
  ReportTrace trace;
  /// The interpreter's values of every SOp and selector, or why it failed.
  std::optional<Trace> expected;
  std::string interpreterError;
};

/// Collects the data of a report.
class ReportBuilder {
public:
  /// Describes `program` (with its output the compiled output, its compile
  /// parameters as attributes, as `extractProgram` makes it) compiled to
  /// `model` (assembled as `assembled`); `baseline` are the statistics of
  /// the same program compiled without the model-size optimisations. Emits
  /// diagnostics and fails if the model's layout or the program's value sets
  /// cannot be computed.
  static FailureOr<ReportBuilder>
  create(ProgramOp program, craft::ModelOp model,
         const craft::AssembledModel &assembled, const ReportConfig &config,
         std::optional<craft::ModelStats> baseline);

  ReportBuilder(ReportBuilder &&);
  ReportBuilder &operator=(ReportBuilder &&);
  ~ReportBuilder();

  /// Adds one input (in order).
  void addInput(const ReportInput &input);

  /// The report's data, schema `rasp-report/1` (docs/Report.md).
  std::string getJSON() const;

private:
  struct Impl;
  explicit ReportBuilder(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl;
};

/// Writes one self-contained HTML page: the viewer with `json` (from
/// `ReportBuilder::getJSON`) inlined, titled `title`.
void writeReportHTML(llvm::StringRef json, llvm::StringRef title,
                     llvm::raw_ostream &os);

} // namespace mlir::rasp::report

#endif // RASPDIALECT_REPORT_REPORT_H
