/*===- rasp-capi-test.c - The C API from a program written in C -----------===*\
|*                                                                            *|
|* Uses only the mlir-c and rasp-c headers and links only libRASPCAPI.so:    *|
|* registers the dialects in a context, parses a rasp module, runs           *|
|* rasp-to-linalg and a single generated pass through mlirPassManager, then  *|
|* compiles and runs a .rasp program through the high-level part, with its   *|
|* errors. Its outputs are checked against rasp-run's below.                 *|
|*                                                                            *|
\*===----------------------------------------------------------------------===*/

// clang-format off
// RUN: rm -rf %t.cache
// RUN: rasp-capi-test %rasp_src_root/examples/reverse.rasp %t.safetensors %t.cache 2>&1 | FileCheck %s
// RUN: ls %t.cache/objects | grep -c '\.entry$'
// RUN: rasp-run %rasp_src_root/examples/reverse.rasp --vocab=a,b,c --max-seq-len=5 --input="a b c" --input="c a" --input="" | FileCheck %s --check-prefix=CLI
// RUN: rasp-run %rasp_src_root/examples/reverse.rasp --vocab=a,b,c --max-seq-len=5 --export=%t.ref.safetensors --force
// RUN: cmp %t.safetensors %t.ref.safetensors
// clang-format on

#include "mlir-c/IR.h"
#include "mlir-c/Pass.h"
#include "rasp-c/Compiler.h"
#include "rasp-c/Dialects.h"
#include "rasp-c/Passes.h"

#include <stdio.h>
#include <string.h>

static void printToStdout(MlirStringRef text, void *userData) {
  (void)userData;
  fwrite(text.data, 1, text.length, stdout);
}

/// Counts the bytes of the bytecode.
static void countBytes(MlirStringRef text, void *userData) {
  *(size_t *)userData += text.length;
}

static MlirStringRef str(const char *text) {
  return mlirStringRefCreateFromCString(text);
}

static const char *kProgram =
    "rasp.program @count attributes {vocab = [\"a\", \"b\"], max_seq_len = 3 "
    ": i64} {\n"
    "  %tokens = rasp.tokens : !rasp.sop<categorical, !rasp.str>\n"
    "  %all = rasp.select %tokens, %tokens, true : !rasp.sop<categorical, "
    "!rasp.str>, !rasp.sop<categorical, !rasp.str>\n"
    "  %length = rasp.selector_width %all : !rasp.sop<categorical, i64>\n"
    "  rasp.output %length : !rasp.sop<categorical, i64>\n"
    "}\n";

/* The MLIR level: dialect handles, a parsed rasp module, the pipeline and a
 * generated pass through mlirPassManager. */
static int testMLIR(void) {
  MlirContext context = mlirContextCreate();
  MlirDialectRegistry registry = mlirDialectRegistryCreate();
  mlirRegisterRASPDialects(registry);
  mlirContextAppendDialectRegistry(context, registry);
  mlirDialectRegistryDestroy(registry);
  MlirDialect rasp =
      mlirDialectHandleLoadDialect(mlirGetDialectHandle__rasp__(), context);
  MlirDialect craft =
      mlirDialectHandleLoadDialect(mlirGetDialectHandle__craft__(), context);
  MlirStringRef raspName = mlirDialectGetNamespace(rasp);
  MlirStringRef craftName = mlirDialectGetNamespace(craft);
  // CHECK-LABEL: dialects: rasp craft
  printf("dialects: %.*s %.*s\n", (int)raspName.length, raspName.data,
         (int)craftName.length, craftName.data);

  mlirRegisterRASPPasses();
  MlirModule module = mlirModuleCreateParse(context, str(kProgram));
  if (mlirModuleIsNull(module))
    return 1;

  // One generated pass on its own: --infer-bases writes the value sets.
  MlirPassManager bases = mlirPassManagerCreate(context);
  mlirPassManagerAddOwnedPass(bases, mlirCreateRASPTransformsInferBasesPass());
  if (mlirLogicalResultIsFailure(
          mlirPassManagerRunOnOp(bases, mlirModuleGetOperation(module))))
    return 2;
  mlirPassManagerDestroy(bases);
  // CHECK-LABEL: infer-bases:
  // CHECK: rasp.tokens {values = ["a", "b"]}
  // CHECK: rasp.selector_width %{{.*}} {values = [0, 1, 2, 3]}
  printf("infer-bases:\n");
  mlirOperationPrint(mlirModuleGetOperation(module), printToStdout, NULL);

  // The registered pipeline, parsed from its textual form.
  MlirPassManager pm = mlirPassManagerCreate(context);
  if (mlirLogicalResultIsFailure(mlirParsePassPipeline(
          mlirPassManagerGetAsOpPassManager(pm),
          str("builtin.module(rasp-to-linalg{fuse-mlps=false})"), printToStdout,
          NULL)))
    return 3;
  if (mlirLogicalResultIsFailure(
          mlirPassManagerRunOnOp(pm, mlirModuleGetOperation(module))))
    return 4;
  mlirPassManagerDestroy(pm);
  // CHECK-LABEL: rasp-to-linalg:
  // CHECK: func.func @count(%{{.*}}: tensor<?x?xi32>, %{{.*}}: tensor<?xi32>)
  // CHECK-SAME: -> tensor<?x?x4xf32>
  // CHECK-SAME: rasp.output_values = [0, 1, 2, 3]
  // CHECK: linalg.matmul
  printf("\nrasp-to-linalg:\n");
  mlirOperationPrint(mlirModuleGetOperation(module), printToStdout, NULL);
  printf("\n");

  mlirModuleDestroy(module);
  mlirContextDestroy(context);
  return 0;
}

/* Prints a status's text and frees it; returns whether it failed. */
static int reportFailure(const char *what, RaspStatus status) {
  if (raspStatusIsSuccess(status))
    return 0;
  MlirStringRef message = raspStatusGetMessage(status);
  printf("%s failed:\n%.*s\n", what, (int)message.length, message.data);
  raspStatusDestroy(status);
  return 1;
}

/* The high-level part on a .rasp file, the safetensors written to
 * `weightsPath`, compiled models cached in `cacheDir`. */
static int testCompiler(const char *path, const char *weightsPath,
                        const char *cacheDir) {
  RaspCompileOptions options = raspCompileOptionsCreate();
  raspCompileOptionsSetCache(options, true, str(cacheDir));
  if (reportFailure("vocab",
                    raspCompileOptionsParseVocab(options, str("a,b,c"))))
    return 10;
  raspCompileOptionsSetMaxSeqLen(options, 5);
  raspCompileOptionsSetFunctionName(options, str("reverse_model"));

  RaspProgram program;
  if (reportFailure("load",
                    raspProgramCreateFromFile(str(path), options, &program)))
    return 11;
  // The options were copied: the program does not need them.
  raspCompileOptionsDestroy(options);

  // CHECK-LABEL: program: 3 tokens, max_seq_len 5, BOS BOS, categorical
  MlirStringRef bos = raspProgramGetBOS(program);
  printf("program: %ld tokens, max_seq_len %ld, BOS %.*s, %s\n",
         (long)raspProgramGetVocabSize(program),
         (long)raspProgramGetMaxSeqLen(program), (int)bos.length, bos.data,
         raspProgramIsNumerical(program) ? "numerical" : "categorical");
  RaspValue item = raspProgramGetVocabItem(program, 2);
  // CHECK: token 2: c
  printf("token 2: %.*s\n", (int)item.string.length, item.string.data);

  // CHECK-LABEL: tensor IR:
  // CHECK: func.func @reverse_model(
  printf("tensor IR:\n");
  if (reportFailure("tensor IR", raspProgramPrintTensorIR(program, false,
                                                          printToStdout, NULL)))
    return 12;
  size_t bytecodeSize = 0;
  if (reportFailure("bytecode", raspProgramPrintTensorIR(
                                    program, true, countBytes, &bytecodeSize)))
    return 13;
  // CHECK: bytecode: yes
  printf("\nbytecode: %s\n", bytecodeSize > 100 ? "yes" : "no");

  // CHECK-LABEL: stats:
  // CHECK: layers
  printf("stats:\n");
  if (reportFailure("stats", raspProgramPrintModelStats(program, false,
                                                        printToStdout, NULL)))
    return 14;
  if (reportFailure("safetensors", raspProgramWriteSafetensors(
                                       program, str(weightsPath), true)))
    return 15;

  // An empty cache, then the code the first compile stored.
  // CHECK-LABEL: cache: miss, hit
  RaspModel model, cached;
  if (reportFailure("compile", raspProgramCompile(program, &model)) ||
      reportFailure("compile", raspProgramCompile(program, &cached)))
    return 16;
  printf("cache: %s, %s\n", raspModelIsFromCache(model) ? "hit" : "miss",
         raspModelIsFromCache(cached) ? "hit" : "miss");
  raspModelDestroy(cached);

  // a b c, c a, an id past the vocabulary, the empty input.
  int32_t ids[32];
  intptr_t lengths[4];
  intptr_t used = 0;
  if (reportFailure("encode", raspProgramEncode(program, str("a b c"), ids, 32,
                                                &lengths[0])))
    return 17;
  used += lengths[0];
  if (reportFailure("encode", raspProgramEncode(program, str("c a"), ids + used,
                                                32 - used, &lengths[1])))
    return 18;
  used += lengths[1];
  ids[used] = 0;
  ids[used + 1] = 7;
  lengths[2] = 2;
  lengths[3] = 0;

  RaspOutputs outputs;
  if (reportFailure("run", raspModelRun(model, 4, ids, lengths, &outputs)))
    return 19;
  // CHECK-LABEL: model:
  // CHECK-NEXT: ["c", "b", "a"]
  // CHECK-NEXT: ["a", "c"]
  // CHECK-NEXT: error: token id 7 at position 1 is not below the vocab
  // CHECK-NEXT: []
  // CLI:      ["c", "b", "a"]
  // CLI-NEXT: ["a", "c"]
  // CLI-NEXT: []
  printf("model:\n");
  for (intptr_t i = 0; i < raspOutputsGetNumInputs(outputs); ++i) {
    if (!raspOutputsSucceeded(outputs, i)) {
      MlirStringRef error = raspOutputsGetError(outputs, i);
      printf("error: %.*s\n", (int)error.length, error.data);
      continue;
    }
    raspOutputsPrintJSON(outputs, i, printToStdout, NULL);
    printf("\n");
  }
  // The first output vector of "a b c" has its largest entry at "c".
  const float *vectors = raspOutputsGetVectors(outputs, 0);
  int64_t width = raspOutputsGetWidth(outputs);
  int64_t best = 0;
  for (int64_t j = 1; j < width; ++j)
    if (vectors[j] > vectors[best])
      best = j;
  RaspValue first = raspOutputsGetValue(outputs, 0, 0);
  // CHECK: vectors: width 3, argmax 2, value c
  printf("vectors: width %ld, argmax %ld, value %.*s\n", (long)width,
         (long)best, (int)first.string.length, first.string.data);
  raspOutputsDestroy(outputs);

  // The reference interpreter agrees.
  RaspOutputs reference;
  if (reportFailure("interpret",
                    raspProgramInterpret(program, 2, ids, lengths, &reference)))
    return 20;
  // CHECK-LABEL: interpreter:
  // CHECK-NEXT: ["c", "b", "a"]
  // CHECK-NEXT: ["a", "c"]
  printf("interpreter:\n");
  for (intptr_t i = 0; i < 2; ++i) {
    raspOutputsPrintJSON(reference, i, printToStdout, NULL);
    printf("\n");
  }
  raspOutputsDestroy(reference);

  // Any order of destruction: the model keeps what it needs.
  raspProgramDestroy(program);
  RaspOutputs again;
  if (reportFailure("run again", raspModelRun(model, 1, ids, lengths, &again)))
    return 21;
  // CHECK: after the program: ["c", "b", "a"]
  printf("after the program: ");
  raspOutputsPrintJSON(again, 0, printToStdout, NULL);
  printf("\n");
  raspOutputsDestroy(again);
  raspModelDestroy(model);
  return 0;
}

/* Errors come back as statuses with the diagnostics' text. */
static int testErrors(void) {
  RaspCompileOptions options = raspCompileOptionsCreate();
  raspCompileOptionsSetMaxSeqLen(options, 4);
  RaspProgram program;

  // CHECK-LABEL: syntax failed:
  // CHECK-NEXT: bad.rasp:1:9: error:
  reportFailure("syntax", raspProgramCreate(str("x = map(;"), str("bad.rasp"),
                                            options, &program));

  RaspValue vocab[2] = {{RaspValueString, false, 0, 0.0, {"a", 1}},
                        {RaspValueString, false, 0, 0.0, {"BOS", 3}}};
  raspCompileOptionsSetVocab(options, 2, vocab);
  // CHECK-LABEL: vocabulary failed:
  // CHECK-NEXT: error: the vocabulary contains the BOS token 'BOS'
  reportFailure(
      "vocabulary",
      raspProgramCreate(str("x = tokens;"), str("p.rasp"), options, &program));

  // CHECK-LABEL: pipeline options failed:
  // CHECK-NEXT: invalid compile options 'no-such-option=1'
  reportFailure("pipeline options", raspCompileOptionsParsePipelineOptions(
                                        options, str("no-such-option=1")));
  // CHECK-LABEL: missing file failed:
  // CHECK-NEXT: cannot read 'no/such.rasp'
  reportFailure("missing file", raspProgramCreateFromFile(str("no/such.rasp"),
                                                          options, &program));

  // Typed vocabularies, as rasp-run --vocab-type: "01" stays a string.
  RaspProgram typed;
  if (reportFailure("typed vocab", raspCompileOptionsParseTypedVocab(
                                       options, str("01,2"), RaspVocabTypeStr)))
    return 31;
  if (reportFailure("typed load", raspProgramCreate(str("x = tokens;"),
                                                    str("p.rasp"), options,
                                                    &typed)))
    return 32;
  RaspValue first = raspProgramGetVocabItem(typed, 0);
  // CHECK-LABEL: typed: string 01
  printf("typed: %s %.*s\n",
         first.kind == RaspValueString ? "string" : "not a string",
         (int)first.string.length, first.string.data);
  raspProgramDestroy(typed);
  // CHECK-LABEL: int vocabulary failed:
  // CHECK-NEXT: invalid vocabulary: {{.*}}'a'
  reportFailure("int vocabulary", raspCompileOptionsParseTypedVocab(
                                      options, str("1,a"), RaspVocabTypeInt));
  // CHECK-LABEL: vocabulary file failed:
  // CHECK-NEXT: invalid vocabulary file: {{.*}}no/such.vocab
  reportFailure("vocabulary file",
                raspCompileOptionsReadVocabFile(options, str("no/such.vocab"),
                                                RaspVocabTypeAuto));

  // The memory budget: a model whose embedding tables do not fit it is a
  // failed status naming the estimate, not an allocation.
  uint64_t savedBudget = raspGetMemoryBudget();
  raspSetMemoryBudget(1 << 20);
  // CHECK-LABEL: budget: 1048576
  printf("budget: %llu\n", (unsigned long long)raspGetMemoryBudget());
  RaspValue small[2] = {{RaspValueString, false, 0, 0.0, {"a", 1}},
                        {RaspValueString, false, 0, 0.0, {"b", 1}}};
  raspCompileOptionsSetVocab(options, 2, small);
  raspCompileOptionsSetMaxSeqLen(options, 50000);
  if (reportFailure("budget load", raspProgramCreate(str("x = tokens;"),
                                                     str("p.rasp"), options,
                                                     &program)))
    return 30;
  RaspModel model;
  // CHECK-LABEL: over budget failed:
  // CHECK-NEXT: p.rasp:1:1: error: the embedding tables {{.*}} would need an estimated 1.5 MiB, over the memory budget of 1.0 MiB
  reportFailure("over budget", raspProgramCompile(program, &model));
  raspProgramDestroy(program);
  raspSetMemoryBudget(savedBudget);
  raspCompileOptionsDestroy(options);
  return 0;
}

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr,
            "usage: rasp-capi-test PROGRAM.rasp OUT.safetensors CACHE-DIR\n");
    return 2;
  }
  int status = testMLIR();
  if (status)
    return status;
  status = testCompiler(argv[1], argv[2], argv[3]);
  if (status)
    return status;
  // CHECK-LABEL: done
  status = testErrors();
  printf("done\n");
  return status;
}
