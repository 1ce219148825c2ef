/*===- aot-main.c - A C program linking an ahead-of-time compiled model ---===*\
|*                                                                            *|
|* Calls the model function `rasp_model` (compiled from tensor IR by stock    *|
|* mlir-opt, mlir-translate and llc, with C wrappers) on a padded batch and   *|
|* prints each input's decoded outputs as rasp-run does:                      *|
|*                                                                            *|
|*   aot-main BOS_ID VALUES INPUT...                                          *|
|*                                                                            *|
|* BOS_ID is the model's BOS token id, VALUES the comma-separated output      *|
|* values in column order (the function's rasp.output_values), each INPUT    *|
|* the whitespace-separated token ids of one input, without BOS.             *|
|*                                                                            *|
\*===----------------------------------------------------------------------===*/

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The memref descriptors of the calling convention after bufferization. */
typedef struct {
  int32_t *allocated, *aligned;
  intptr_t offset, sizes[2], strides[2];
} Tokens;
typedef struct {
  int32_t *allocated, *aligned;
  intptr_t offset, sizes[1], strides[1];
} Lengths;
typedef struct {
  float *allocated, *aligned;
  intptr_t offset, sizes[3], strides[3];
} Output;

void _mlir_ciface_rasp_model(Output *result, Tokens *tokens, Lengths *lengths);

enum { kMaxInputs = 64, kMaxPositions = 256, kMaxValues = 256 };

int main(int argc, char **argv) {
  if (argc < 4 || argc - 3 > kMaxInputs) {
    fprintf(stderr, "usage: aot-main BOS_ID VALUES INPUT...\n");
    return 2;
  }
  int32_t bos = (int32_t)atoi(argv[1]);
  char *values[kMaxValues];
  int numValues = 0;
  for (char *v = strtok(argv[2], ","); v && numValues < kMaxValues;
       v = strtok(NULL, ","))
    values[numValues++] = v;

  int batch = argc - 3;
  int32_t ids[kMaxInputs][kMaxPositions];
  int32_t lengths[kMaxInputs];
  int positions = 1;
  for (int b = 0; b < batch; ++b) {
    int length = 1;
    ids[b][0] = bos;
    for (char *t = strtok(argv[3 + b], " "); t && length < kMaxPositions;
         t = strtok(NULL, " "))
      ids[b][length++] = (int32_t)atoi(t);
    lengths[b] = length;
    if (length > positions)
      positions = length;
  }
  /* Rows padded with BOS to the longest. */
  int32_t *tokenData = malloc(sizeof(int32_t) * batch * positions);
  for (int b = 0; b < batch; ++b)
    for (int p = 0; p < positions; ++p)
      tokenData[b * positions + p] = p < lengths[b] ? ids[b][p] : bos;

  Tokens tokens = {tokenData, tokenData, 0, {batch, positions}, {positions, 1}};
  Lengths lengthView = {lengths, lengths, 0, {batch}, {1}};
  Output out;
  _mlir_ciface_rasp_model(&out, &tokens, &lengthView);

  int64_t width = out.sizes[2];
  if (out.sizes[0] != batch || out.sizes[1] != positions ||
      width != numValues) {
    fprintf(stderr, "unexpected output shape\n");
    return 1;
  }
  for (int b = 0; b < batch; ++b) {
    printf("[");
    for (int p = 1; p < lengths[b]; ++p) {
      const float *vector =
          out.aligned + out.offset + b * out.strides[0] + p * out.strides[1];
      /* Argmax among the entries of at least 1/2; none: None. */
      int best = -1;
      float bestValue = 0.5f;
      for (int i = 0; i < width; ++i)
        if (vector[i * out.strides[2]] >= bestValue &&
            (best < 0 || vector[i * out.strides[2]] > bestValue)) {
          best = i;
          bestValue = vector[i * out.strides[2]];
        }
      printf(p > 1 ? ", " : "");
      if (best < 0)
        printf("null");
      else
        printf("\"%s\"", values[best]);
    }
    printf("]\n");
  }
  free(out.allocated);
  free(tokenData);
  return 0;
}
