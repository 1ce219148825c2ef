//===- Report.cpp - The data of a report ----------------------------------===//

#include "ReportData.h"

#include "llvm/Support/JSON.h"

using namespace mlir;
using namespace mlir::rasp;
using namespace mlir::rasp::report;

struct ReportBuilder::Impl {
  ModelDescription description;
  const craft::AssembledModel *assembled = nullptr;
  Json stats;
  Json inputs = Json::array();
};

ReportBuilder::ReportBuilder(std::unique_ptr<Impl> impl)
    : impl(std::move(impl)) {}
ReportBuilder::ReportBuilder(ReportBuilder &&) = default;
ReportBuilder &ReportBuilder::operator=(ReportBuilder &&) = default;
ReportBuilder::~ReportBuilder() = default;

/// Statistics in the schema of `--model-stats=json` (one model).
static Json statsJSON(const craft::ModelStats &stats) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << craft::toJSON(stats);
  return Json::parse(text);
}

FailureOr<ReportBuilder>
ReportBuilder::create(ProgramOp program, craft::ModelOp model,
                      const craft::AssembledModel &assembled,
                      const ReportConfig &config,
                      std::optional<craft::ModelStats> baseline) {
  auto impl = std::make_unique<Impl>();
  FailureOr<ModelDescription> description =
      describeModel(program, model, assembled, config);
  if (failed(description))
    return failure();
  impl->description = std::move(*description);
  impl->assembled = &assembled;
  impl->stats = {{"model", statsJSON(craft::computeModelStats(model))},
                 {"baseline", baseline ? statsJSON(*baseline) : nullptr}};
  return ReportBuilder(std::move(impl));
}

void ReportBuilder::addInput(const ReportInput &input) {
  impl->inputs.push_back(
      describeInput(impl->description, *impl->assembled, input));
}

std::string ReportBuilder::getJSON() const {
  Json doc = {{"schema", "rasp-report/1"}};
  for (const auto &[key, value] : impl->description.json.items())
    doc[key] = value;
  doc["stats"] = impl->stats;
  doc["inputs"] = impl->inputs;
  // Invalid UTF-8 in a source file must not make the page unloadable.
  return doc.dump(-1, ' ', false, Json::error_handler_t::replace);
}
