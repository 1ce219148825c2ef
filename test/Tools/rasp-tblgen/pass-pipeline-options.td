// RUN: rasp-tblgen -gen-pass-pipeline-options -I %mlir_include_dir %s | FileCheck %s

// Every option of a pass, as the pass declares it (argument, type,
// description, default, extra flags), becomes a member of the pipeline-option
// mixin, and the struct conversion copies each one; passes without options
// get nothing.

include "mlir/Pass/PassBase.td"

def CountingPass : Pass<"counting", "::mlir::ModuleOp"> {
  let options = [
    Option<"limit", "limit", "int64_t", "1 << 4", "most items">,
    ListOption<"names", "names", "std::string", "names to keep">,
    Option<"label", "label", "std::string", "\"x\"",
           "a description quoting )PO\" and \"quotes\"">,
    Option<"fast", "fast", "bool", "false", "skip checks",
           "::llvm::cl::Hidden">,
  ];
}

def PlainPass : Pass<"plain", "::mlir::ModuleOp">;

// CHECK-NOT: PLAINPASS
// CHECK-LABEL: #ifdef GEN_PASS_PIPELINE_OPTIONS_COUNTINGPASS
// CHECK:       template <typename Holder>
// CHECK-NEXT:  CountingPassOptions toCountingPassOptions(const Holder &holder) {
// CHECK-NEXT:    CountingPassOptions options;
// CHECK-NEXT:    options.limit = holder.limit;
// CHECK-NEXT:    options.names.assign(holder.names.begin(), holder.names.end());
// CHECK-NEXT:    options.label = holder.label;
// CHECK-NEXT:    options.fast = holder.fast;
// CHECK-NEXT:    return options;
// CHECK:       template <typename Base>
// CHECK-NEXT:  struct CountingPassPipelineOptions : public Base {
// CHECK:         Option<int64_t> limit{*this, "limit", ::llvm::cl::desc(R"PO(most items)PO"), ::llvm::cl::init(1 << 4)};
// CHECK-NEXT:    ListOption<std::string> names{*this, "names", ::llvm::cl::desc(R"PO(names to keep)PO")};
// CHECK-NEXT:    Option<std::string> label{*this, "label", ::llvm::cl::desc(R"PO_(a description quoting )PO" and "quotes")PO_"), ::llvm::cl::init("x")};
// CHECK-NEXT:    Option<bool> fast{*this, "fast", ::llvm::cl::desc(R"PO(skip checks)PO"), ::llvm::cl::init(false), ::llvm::cl::Hidden};
// CHECK-NEXT:  };
// CHECK:       #endif // GEN_PASS_PIPELINE_OPTIONS_COUNTINGPASS
// CHECK-NOT: PLAINPASS
