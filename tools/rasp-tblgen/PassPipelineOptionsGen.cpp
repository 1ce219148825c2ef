//===- PassPipelineOptionsGen.cpp - Pipeline options from Passes.td -------===//
//
// -gen-pass-pipeline-options: for every pass with options, the pieces a pass
// pipeline needs to take that pass's options as its own without spelling
// them out again:
//
//   template <typename Base> struct <Pass>PipelineOptions : Base
//     the pass's options, declared as in the pass (argument, type,
//     description, default, flags), as members of pipeline options
//     (`Base` is a PassPipelineOptions or another such mixin);
//   template <typename Holder> <Pass>Options to<Pass>Options(const Holder &)
//     the generated options struct of the pass (GEN_PASS_DECL_<PASS>) from
//     anything with those members: the pipeline options, or the pass itself
//     (a friend of it, since the pass base declares them protected).
//
// Each pass's part is guarded by GEN_PASS_PIPELINE_OPTIONS_<PASS>, like
// mlir-tblgen's GEN_PASS_DECL_<PASS>, and needs that declaration first.
//
//===----------------------------------------------------------------------===//

#include "mlir/TableGen/GenInfo.h"
#include "mlir/TableGen/Pass.h"

#include "llvm/Support/FormatVariadic.h"
#include "llvm/TableGen/Record.h"
#include "llvm/TableGen/TableGenBackend.h"

using namespace mlir;
using namespace mlir::tblgen;

/// A raw string literal of `text` with a delimiter that it cannot contain.
static std::string rawString(StringRef text) {
  std::string delimiter = "PO";
  while (text.contains(")" + delimiter + "\""))
    delimiter += "_";
  return llvm::formatv("R\"{0}({1}){0}\"", delimiter, text).str();
}

static void emitPass(const Pass &pass, raw_ostream &os) {
  StringRef name = pass.getDef()->getName();
  std::string guard = "GEN_PASS_PIPELINE_OPTIONS_" + name.upper();
  os << "#ifdef " << guard << "\n";

  os << llvm::formatv(
      "/// The options of `--{0}` as a struct, from anything that declares\n"
      "/// them (the pass, or pipeline options with {1}PipelineOptions).\n"
      "template <typename Holder>\n"
      "{1}Options to{1}Options(const Holder &holder) {{\n"
      "  {1}Options options;\n",
      pass.getArgument(), name);
  for (const PassOption &opt : pass.getOptions()) {
    StringRef var = opt.getCppVariableName();
    if (opt.isListOption())
      os << llvm::formatv("  options.{0}.assign(holder.{0}.begin(), "
                          "holder.{0}.end());\n",
                          var);
    else
      os << llvm::formatv("  options.{0} = holder.{0};\n", var);
  }
  os << "  return options;\n}\n\n";

  os << llvm::formatv(
      "/// The options of `--{0}` as options of a pipeline that runs it.\n"
      "template <typename Base>\n"
      "struct {1}PipelineOptions : public Base {{\n"
      "  template <typename T>\n"
      "  using Option = ::mlir::detail::PassOptions::Option<T>;\n"
      "  template <typename T>\n"
      "  using ListOption = ::mlir::detail::PassOptions::ListOption<T>;\n\n",
      pass.getArgument(), name);
  for (const PassOption &opt : pass.getOptions()) {
    os << llvm::formatv("  {0}<{1}> {2}{{*this, \"{3}\", "
                        "::llvm::cl::desc({4})",
                        opt.isListOption() ? "ListOption" : "Option",
                        opt.getType(), opt.getCppVariableName(),
                        opt.getArgument(),
                        rawString(opt.getDescription().trim()));
    if (std::optional<StringRef> init = opt.getDefaultValue())
      os << ", ::llvm::cl::init(" << *init << ")";
    if (std::optional<StringRef> flags = opt.getAdditionalFlags())
      os << ", " << *flags;
    os << "};\n";
  }
  os << "};\n\n#undef " << guard << "\n#endif // " << guard << "\n\n";
}

static bool emitPipelineOptions(const llvm::RecordKeeper &records,
                                raw_ostream &os) {
  llvm::emitSourceFileHeader("Pass options as pipeline options", os, records);
  for (const llvm::Record *def : records.getAllDerivedDefinitions("PassBase")) {
    Pass pass(def);
    if (!pass.getOptions().empty())
      emitPass(pass, os);
  }
  return false;
}

static GenRegistration
    genPipelineOptions("gen-pass-pipeline-options",
                       "Generate pass options as pass pipeline options",
                       emitPipelineOptions);
