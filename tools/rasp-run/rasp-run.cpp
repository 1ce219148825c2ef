//===- rasp-run.cpp - Run a RASP program on input sequences ---------------===//
//
// The driver of the `rasp-run` contract (docs: shared spec rasp-run.md):
// load a program, pick the parameters, then for each input line print the
// output sequence as JSON. Everything but the plumbing lives in libraries:
// RunConfig/SequenceIO (selection, parameters, encoding, printing) and the
// Interpreter; the compiled mode will plug in next to `runInterpreter`.
//
//===----------------------------------------------------------------------===//

#include "RaspDialect/InitAll.h"
#include "RaspDialect/Interpreter/Interpreter.h"
#include "RaspDialect/Tools/RaspRun/RunConfig.h"
#include "RaspDialect/Tools/RaspRun/SequenceIO.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/WithColor.h"

using namespace mlir;
using namespace mlir::rasp;
namespace cl = llvm::cl;

static cl::OptionCategory runCategory("rasp-run options");

static cl::opt<std::string> programFile(cl::Positional, cl::Required,
                                        cl::desc("<program .rasp or .mlir>"),
                                        cl::cat(runCategory));
static cl::opt<std::string>
    vocabOpt("vocab", cl::desc("Comma-separated token vocabulary"),
             cl::value_desc("LIST"), cl::cat(runCategory));
static cl::opt<int64_t>
    maxSeqLenOpt("max-seq-len", cl::desc("Longest input sequence, without BOS"),
                 cl::value_desc("N"), cl::cat(runCategory));
static cl::opt<std::string> bosOpt("bos",
                                   cl::desc("Beginning-of-sequence token name"),
                                   cl::value_desc("NAME"),
                                   cl::cat(runCategory));
static cl::opt<bool> causalOpt("causal",
                               cl::desc("Causal attention (position i sees "
                                        "only the prefix ending at i)"),
                               cl::cat(runCategory));
static cl::opt<std::string>
    outputOpt("output", cl::desc("Run the SOp bound to this name"),
              cl::value_desc("NAME"), cl::cat(runCategory));
static cl::opt<std::string>
    programOpt("program",
               cl::desc("The rasp.program to run when the input has several"),
               cl::value_desc("NAME"), cl::cat(runCategory));
static cl::opt<bool>
    interpretOpt("interpret",
                 cl::desc("Evaluate with the reference RASP interpreter"),
                 cl::cat(runCategory));
static cl::list<std::string>
    inputOpts("input",
              cl::desc("An input sequence of whitespace-separated tokens "
                       "(repeatable); without it, stdin has one per line"),
              cl::value_desc("TOKENS"), cl::cat(runCategory));

/// Prints a driver error that has no source location.
static void reportError(const llvm::Twine &message) {
  llvm::WithColor::error(llvm::errs(), "rasp-run") << message << "\n";
}

/// Loads the program file into a module, dispatching on the extension.
static OwningOpRef<ModuleOp> loadModule(llvm::SourceMgr &sourceMgr,
                                        MLIRContext *context) {
  if (llvm::sys::path::extension(programFile) == ".rasp") {
    // The integrator wires the frontend here:
    //   mlir::rasp::importRASP(sourceMgr, context, ImportRASPOptions{...})
    llvm::errs() << "rasp-run: .rasp sources are not supported yet\n";
    return {};
  }
  return parseSourceFile<ModuleOp>(sourceMgr, context);
}

/// The command-line overrides of the program's compile parameters.
static FailureOr<RunOverrides> getOverrides() {
  RunOverrides overrides;
  if (vocabOpt.getNumOccurrences()) {
    llvm::Expected<std::vector<PyValue>> vocab = parseVocabList(vocabOpt);
    if (!vocab) {
      reportError("--vocab: " + llvm::toString(vocab.takeError()));
      return failure();
    }
    overrides.vocab = std::move(*vocab);
  }
  if (maxSeqLenOpt.getNumOccurrences())
    overrides.maxSeqLen = maxSeqLenOpt;
  if (bosOpt.getNumOccurrences())
    overrides.bos = bosOpt;
  if (causalOpt.getNumOccurrences())
    overrides.causal = causalOpt;
  return overrides;
}

/// The input sequences: the --input values, else the lines of stdin.
static FailureOr<std::vector<std::string>> readInputs() {
  if (!inputOpts.empty())
    return std::vector<std::string>(inputOpts.begin(), inputOpts.end());
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> stdinBuffer =
      llvm::MemoryBuffer::getSTDIN();
  if (!stdinBuffer) {
    reportError("cannot read standard input: " +
                stdinBuffer.getError().message());
    return failure();
  }
  return splitInputLines((*stdinBuffer)->getBuffer());
}

/// Runs every input through the interpreter; prints one JSON line each.
/// Returns failure if any input failed (the others still run).
static LogicalResult runInterpreter(ProgramOp program, Value output,
                                    const RunConfig &config,
                                    llvm::ArrayRef<std::string> inputs) {
  FailureOr<Interpreter> interpreter = Interpreter::get(program, output);
  if (failed(interpreter))
    return failure();
  TokenEncoder encoder(config);
  bool numerical = cast<SOpType>(output.getType()).isNumerical();
  bool allSucceeded = true;
  std::vector<PyValue> tokens;
  for (auto [index, line] : llvm::enumerate(inputs)) {
    std::string where = "input line " + std::to_string(index + 1) + ": ";
    llvm::Expected<llvm::SmallVector<unsigned>> ids = encoder.encode(line);
    if (!ids) {
      // Keep errors in order with the output lines printed before them.
      llvm::outs().flush();
      reportError(where + llvm::toString(ids.takeError()));
      allSucceeded = false;
      continue;
    }
    tokens.clear();
    for (unsigned id : *ids)
      tokens.push_back(config.vocab[id]);
    InterpretError error{program.getLoc(), ""};
    FailureOr<std::vector<PyValue>> values =
        interpreter->run(tokens, config.causal, &error);
    if (failed(values)) {
      llvm::outs().flush();
      emitError(error.loc) << where << error.message;
      allSucceeded = false;
      continue;
    }
    printJSONSequence(llvm::outs(), *values, numerical);
    llvm::outs() << "\n";
  }
  return success(allSucceeded);
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::HideUnrelatedOptions(runCategory);
  cl::ParseCommandLineOptions(
      argc, argv,
      "rasp-run: run a RASP program on input sequences, one JSON array of "
      "outputs per input\n");

  FailureOr<RunOverrides> overrides = getOverrides();
  if (failed(overrides))
    return 1;

  std::string errorMessage;
  std::unique_ptr<llvm::MemoryBuffer> file =
      openInputFile(programFile, &errorMessage);
  if (!file) {
    reportError(errorMessage);
    return 1;
  }

  DialectRegistry registry;
  registerAllDialects(registry);
  MLIRContext context(registry);
  context.loadAllAvailableDialects();
  llvm::SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(std::move(file), llvm::SMLoc());
  SourceMgrDiagnosticHandler diagnostics(sourceMgr, &context);

  OwningOpRef<ModuleOp> module = loadModule(sourceMgr, &context);
  if (!module)
    return 1;
  FailureOr<ProgramOp> program = selectProgram(*module, programOpt);
  if (failed(program))
    return 1;
  Value output = program->getOutput();
  if (outputOpt.getNumOccurrences()) {
    FailureOr<Value> named = selectOutputByName(*program, outputOpt);
    if (failed(named))
      return 1;
    output = *named;
  }
  FailureOr<RunConfig> config = resolveRunConfig(*program, *overrides);
  if (failed(config))
    return 1;

  if (!interpretOpt) {
    reportError("the compiled mode is not implemented yet; pass --interpret "
                "to run the reference interpreter");
    return 1;
  }

  FailureOr<std::vector<std::string>> inputs = readInputs();
  if (failed(inputs))
    return 1;
  return failed(runInterpreter(*program, output, *config, *inputs)) ? 1 : 0;
}
