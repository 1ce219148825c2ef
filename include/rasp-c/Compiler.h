/*===-- rasp-c/Compiler.h - The RASP compiler for C callers -------*- C -*-===*\
|*                                                                            *|
|* Compiling and running RASP programs without speaking MLIR: load a `.rasp` *|
|* source (or MLIR holding rasp.programs) with compile options, compile it   *|
|* to native code, run batches of token ids to output vectors and decoded    *|
|* values, write the weights as safetensors, print the tensor IR. Every call *|
|* goes through the C++ driver (RaspDialect/Driver/Driver.h).                *|
|*                                                                            *|
|* Errors are results: a fallible call returns a RaspStatus, which is null   *|
|* on success and otherwise carries the diagnostics' text (`file:line:col:   *|
|* error: ...` with the source line, as rasp-run prints them). No call       *|
|* aborts the process on bad input. Every object is freed by its Destroy     *|
|* call, in any order (a model keeps what it needs of its program).          *|
|*                                                                            *|
\*===----------------------------------------------------------------------===*/

#ifndef RASP_C_COMPILER_H
#define RASP_C_COMPILER_H

#include "mlir-c/Support.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define DEFINE_C_API_STRUCT(name, storage)                                     \
  struct name {                                                                \
    storage *ptr;                                                              \
  };                                                                           \
  typedef struct name name

/// The outcome of a call: null on success, else the diagnostics' text.
DEFINE_C_API_STRUCT(RaspStatus, void);
/// The compile options: parameters, program and output choice, pipeline
/// options, function name.
DEFINE_C_API_STRUCT(RaspCompileOptions, void);
/// A loaded and checked program, in an MLIRContext of its own.
DEFINE_C_API_STRUCT(RaspProgram, void);
/// A program compiled to native code.
DEFINE_C_API_STRUCT(RaspModel, void);
/// The outputs of a batch: per input, an error or the decoded values (and
/// the output vectors when a model computed them).
DEFINE_C_API_STRUCT(RaspOutputs, void);

#undef DEFINE_C_API_STRUCT

/// A value of a RASP program: a token or an output (Python's None, bool,
/// int, float or str).
typedef enum RaspValueKind {
  RaspValueNone,
  RaspValueBool,
  RaspValueInt,
  RaspValueFloat,
  RaspValueString,
} RaspValueKind;

typedef struct RaspValue {
  RaspValueKind kind;
  bool boolean;
  int64_t integer;
  double real;
  /// A string's text; returned ones live as long as the object they came
  /// from.
  MlirStringRef string;
} RaspValue;

/// How vocabulary items given as text are typed (`rasp-run --vocab-type`).
typedef enum RaspVocabType {
  /// An int if it parses as one, else a float if it parses, else a string.
  RaspVocabTypeAuto,
  /// Every item is the string written ("01" stays "01").
  RaspVocabTypeStr,
  /// Every item is an int, written as Python prints it.
  RaspVocabTypeInt,
  /// Every item is a finite float, written as Python prints it.
  RaspVocabTypeFloat,
} RaspVocabType;

//===----------------------------------------------------------------------===//
// Status
//===----------------------------------------------------------------------===//

/// Whether `status` is a success.
static inline bool raspStatusIsSuccess(RaspStatus status) {
  return status.ptr == NULL;
}

/// The diagnostics' text of a failure (empty for a success). Valid until the
/// status is destroyed.
MLIR_CAPI_EXPORTED MlirStringRef raspStatusGetMessage(RaspStatus status);

/// Frees `status` (nothing for a success).
MLIR_CAPI_EXPORTED void raspStatusDestroy(RaspStatus status);

//===----------------------------------------------------------------------===//
// Memory budget
//===----------------------------------------------------------------------===//

/// The process-wide memory budget in bytes (docs/Limits.md): every stage
/// that allocates in proportion to the program or the inputs checks its
/// estimate against it first and fails with a status instead. Default:
/// RASP_MEMORY_BUDGET, else half of the physical memory.
MLIR_CAPI_EXPORTED uint64_t raspGetMemoryBudget(void);
MLIR_CAPI_EXPORTED void raspSetMemoryBudget(uint64_t bytes);

//===----------------------------------------------------------------------===//
// Compile options
//===----------------------------------------------------------------------===//

/// The defaults: the program's own parameters, every model-size
/// optimisation, the weight forms of `rasp-run`.
MLIR_CAPI_EXPORTED RaspCompileOptions raspCompileOptionsCreate(void);

MLIR_CAPI_EXPORTED void raspCompileOptionsDestroy(RaspCompileOptions options);

/// The vocabulary, in token-id order. Replaces the program's `vocab`.
MLIR_CAPI_EXPORTED void raspCompileOptionsSetVocab(RaspCompileOptions options,
                                                   intptr_t numItems,
                                                   const RaspValue *items);

/// The vocabulary as `rasp-run --vocab` takes it: comma-separated items,
/// each an int, a float or else a string (`"a,b,1"`).
MLIR_CAPI_EXPORTED RaspStatus
raspCompileOptionsParseVocab(RaspCompileOptions options, MlirStringRef list);

/// The vocabulary as `rasp-run --vocab=LIST --vocab-type=TYPE` takes it.
MLIR_CAPI_EXPORTED RaspStatus raspCompileOptionsParseTypedVocab(
    RaspCompileOptions options, MlirStringRef list, RaspVocabType type);

/// The vocabulary as `rasp-run --vocab-file=PATH --vocab-type=TYPE` reads
/// it: one token per line, exactly as written (docs/rasp-run.md). Errors
/// name the file and line.
MLIR_CAPI_EXPORTED RaspStatus raspCompileOptionsReadVocabFile(
    RaspCompileOptions options, MlirStringRef path, RaspVocabType type);

/// The longest input, without BOS. Replaces the program's `max_seq_len`.
MLIR_CAPI_EXPORTED void
raspCompileOptionsSetMaxSeqLen(RaspCompileOptions options, int64_t maxSeqLen);

/// The beginning-of-sequence token. Replaces the program's `bos`.
MLIR_CAPI_EXPORTED void raspCompileOptionsSetBOS(RaspCompileOptions options,
                                                 MlirStringRef bos);

/// Causal attention masks. Replaces the program's `causal`.
MLIR_CAPI_EXPORTED void raspCompileOptionsSetCausal(RaspCompileOptions options,
                                                    bool causal);

/// Compile the SOp bound to this top-level name (rasp-run's `--output`).
MLIR_CAPI_EXPORTED void raspCompileOptionsSetOutput(RaspCompileOptions options,
                                                    MlirStringRef name);

/// The `rasp.program` to compile when the input has several.
MLIR_CAPI_EXPORTED void raspCompileOptionsSetProgram(RaspCompileOptions options,
                                                     MlirStringRef name);

/// The name of the model function in tensor IR (default: the program's).
MLIR_CAPI_EXPORTED void
raspCompileOptionsSetFunctionName(RaspCompileOptions options,
                                  MlirStringRef name);

/// False turns every model-size optimisation off (one MLP per op, as
/// Tracr); pipeline options parsed afterwards may turn single ones on.
MLIR_CAPI_EXPORTED void
raspCompileOptionsSetOptimize(RaspCompileOptions options, bool optimize);

/// Parses options of the registered `rasp-to-linalg` pipeline, as `rasp-opt`
/// and `rasp-run --compile-options` take them
/// (`"fuse-mlps=false lookup-min-elements=0"`).
MLIR_CAPI_EXPORTED RaspStatus raspCompileOptionsParsePipelineOptions(
    RaspCompileOptions options, MlirStringRef text);

/// The largest safetensors export, in bytes of tensor data.
MLIR_CAPI_EXPORTED void
raspCompileOptionsSetExportMaxBytes(RaspCompileOptions options,
                                    uint64_t maxBytes);

/// The persistent compilation cache of compiled models (docs/runtime.md):
/// `enabled` false neither reads nor writes it (RASP_NO_CACHE=1 turns it off
/// for every client); an empty `directory` is the default,
/// $XDG_CACHE_HOME/rasp-compiler.
MLIR_CAPI_EXPORTED void raspCompileOptionsSetCache(RaspCompileOptions options,
                                                   bool enabled,
                                                   MlirStringRef directory);

//===----------------------------------------------------------------------===//
// Programs
//===----------------------------------------------------------------------===//

/// Loads `source`: a RASP source if `fileName` ends in `.rasp`, else MLIR
/// (text or bytecode) holding `rasp.program`s. `fileName` names it in
/// diagnostics; `load` statements resolve relative to it. Selects the
/// program and output and checks the parameters of `options` (kept for
/// the compile calls). On success `*program` is the new program.
MLIR_CAPI_EXPORTED RaspStatus raspProgramCreate(MlirStringRef source,
                                                MlirStringRef fileName,
                                                RaspCompileOptions options,
                                                RaspProgram *program);

/// As raspProgramCreate on the contents of the file `path`.
MLIR_CAPI_EXPORTED RaspStatus raspProgramCreateFromFile(
    MlirStringRef path, RaspCompileOptions options, RaspProgram *program);

MLIR_CAPI_EXPORTED void raspProgramDestroy(RaspProgram program);

/// The checked parameters. Token id i stands for vocabulary item i.
MLIR_CAPI_EXPORTED intptr_t raspProgramGetVocabSize(RaspProgram program);
MLIR_CAPI_EXPORTED RaspValue raspProgramGetVocabItem(RaspProgram program,
                                                     intptr_t index);
MLIR_CAPI_EXPORTED int64_t raspProgramGetMaxSeqLen(RaspProgram program);
MLIR_CAPI_EXPORTED MlirStringRef raspProgramGetBOS(RaspProgram program);
MLIR_CAPI_EXPORTED bool raspProgramIsCausal(RaspProgram program);
/// Whether the output is numerical (one float per position).
MLIR_CAPI_EXPORTED bool raspProgramIsNumerical(RaspProgram program);

/// The token ids of `text`, whitespace-separated tokens written as rasp-run
/// reads them. Writes at most `capacity` ids to `ids` and their number to
/// `*numIds`.
MLIR_CAPI_EXPORTED RaspStatus raspProgramEncode(RaspProgram program,
                                                MlirStringRef text,
                                                int32_t *ids, intptr_t capacity,
                                                intptr_t *numIds);

/// The program compiled to tensor IR (the `rasp-to-linalg` pipeline), as
/// text or as MLIR bytecode, passed to `callback` in pieces.
MLIR_CAPI_EXPORTED RaspStatus
raspProgramPrintTensorIR(RaspProgram program, bool bytecode,
                         MlirStringCallback callback, void *userData);

/// The layered craft model's layers, heads, dimensions and parameters
/// (rasp-run's `--model-stats`), as text or JSON.
MLIR_CAPI_EXPORTED RaspStatus
raspProgramPrintModelStats(RaspProgram program, bool json,
                           MlirStringCallback callback, void *userData);

/// Writes the compiled transformer's weights to `path` as safetensors
/// (TransformerLens names, docs/Export.md); an existing file only with
/// `overwrite`.
MLIR_CAPI_EXPORTED RaspStatus raspProgramWriteSafetensors(RaspProgram program,
                                                          MlirStringRef path,
                                                          bool overwrite);

/// Compiles the program to native code. On success `*model` is the new
/// model.
MLIR_CAPI_EXPORTED RaspStatus raspProgramCompile(RaspProgram program,
                                                 RaspModel *model);

/// Runs the reference interpreter on a batch (see raspModelRun); the
/// outputs have values but no vectors.
MLIR_CAPI_EXPORTED RaspStatus raspProgramInterpret(RaspProgram program,
                                                   intptr_t numInputs,
                                                   const int32_t *tokenIds,
                                                   const intptr_t *lengths,
                                                   RaspOutputs *outputs);

//===----------------------------------------------------------------------===//
// Models
//===----------------------------------------------------------------------===//

MLIR_CAPI_EXPORTED void raspModelDestroy(RaspModel model);

/// The width of an output vector.
MLIR_CAPI_EXPORTED int64_t raspModelGetOutputWidth(RaspModel model);

/// Whether the model's object code was loaded from the compilation cache.
MLIR_CAPI_EXPORTED bool raspModelIsFromCache(RaspModel model);

/// Threads a batch is split over (default: all cores).
MLIR_CAPI_EXPORTED void raspModelSetNumThreads(RaspModel model,
                                               unsigned numThreads);

/// Runs `numInputs` inputs as one batch. `tokenIds` holds them one after
/// another, `lengths[i]` ids for input i: vocabulary indices, without BOS.
/// An input with an id outside the vocabulary or more than max_seq_len
/// tokens gets an error in `*outputs`; the others run. Fails only on
/// malformed arguments.
MLIR_CAPI_EXPORTED RaspStatus raspModelRun(RaspModel model, intptr_t numInputs,
                                           const int32_t *tokenIds,
                                           const intptr_t *lengths,
                                           RaspOutputs *outputs);

//===----------------------------------------------------------------------===//
// Outputs
//===----------------------------------------------------------------------===//

MLIR_CAPI_EXPORTED void raspOutputsDestroy(RaspOutputs outputs);

MLIR_CAPI_EXPORTED intptr_t raspOutputsGetNumInputs(RaspOutputs outputs);

/// Whether input `input` ran; if not, why (empty when it ran).
MLIR_CAPI_EXPORTED bool raspOutputsSucceeded(RaspOutputs outputs,
                                             intptr_t input);
MLIR_CAPI_EXPORTED MlirStringRef raspOutputsGetError(RaspOutputs outputs,
                                                     intptr_t input);

/// The number of output positions of an input that ran: its tokens.
MLIR_CAPI_EXPORTED intptr_t raspOutputsGetLength(RaspOutputs outputs,
                                                 intptr_t input);

/// The decoded output at `position` (categorical: the value whose entry is
/// largest, None where none reaches 1/2; numerical: the float).
MLIR_CAPI_EXPORTED RaspValue raspOutputsGetValue(RaspOutputs outputs,
                                                 intptr_t input,
                                                 intptr_t position);

/// The output vectors of an input that ran on a model: length x width
/// floats, row-major; NULL for the interpreter's outputs.
MLIR_CAPI_EXPORTED const float *raspOutputsGetVectors(RaspOutputs outputs,
                                                      intptr_t input);
MLIR_CAPI_EXPORTED int64_t raspOutputsGetWidth(RaspOutputs outputs);

/// The decoded outputs of an input that ran as rasp-run prints them: one
/// JSON array.
MLIR_CAPI_EXPORTED void raspOutputsPrintJSON(RaspOutputs outputs,
                                             intptr_t input,
                                             MlirStringCallback callback,
                                             void *userData);

#ifdef __cplusplus
}
#endif

#endif // RASP_C_COMPILER_H
