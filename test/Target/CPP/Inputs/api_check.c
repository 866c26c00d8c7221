/* Uses two generated models from C (C99, -pedantic): the float API must
 * equal "quantize with the header's constants, integer API, dequantize"
 * bit for bit, the reentrant _ws functions on a caller's workspace must
 * equal the static ones, every wrong pointer or size must give its error
 * code without writing the output, and both models link into one program
 * without the C++ runtime.
 *   api_check INPUTS.f32   (samples of ECG_INPUT_SIZE floats) */
#include "ecg.h"
#include "tiny.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Two workspaces, as two threads would have; one byte more to misalign. */
static union {
  unsigned char bytes[ECG_WORKSPACE_BYTES + ECG_WORKSPACE_ALIGNMENT];
  double align; /* at least 8-byte aligned */
} workspaces[2];

static int errors = 0;

/* The first address in `bytes` aligned to ECG_WORKSPACE_ALIGNMENT. */
static unsigned char *alignUp(unsigned char *bytes) {
  return bytes + (ECG_WORKSPACE_ALIGNMENT -
                  (size_t)bytes % ECG_WORKSPACE_ALIGNMENT) %
                     ECG_WORKSPACE_ALIGNMENT;
}

static void expect(const char *what, int got, int want) {
  if (got != want) {
    printf("%s: got %d, want %d\n", what, got, want);
    ++errors;
  }
}

int main(int argc, char **argv) {
  float input[ECG_INPUT_SIZE], output[ECG_OUTPUT_SIZE], other[ECG_OUTPUT_SIZE];
  uint8_t quantized[ECG_INPUT_SIZE];
  int32_t logits[ECG_OUTPUT_SIZE], otherLogits[ECG_OUTPUT_SIZE];
  float tinyInput[TINY_INPUT_SIZE] = {0}, tinyOutput[TINY_OUTPUT_SIZE];
  unsigned char *ws0, *ws1;
  int samples = 0, mismatches = 0;
  size_t i;
  FILE *in;
  if (argc != 2 || !(in = fopen(argv[1], "rb")))
    return 2;
  /* Aligned starts inside each union (its alignment may be below 16). */
  ws0 = alignUp(workspaces[0].bytes);
  ws1 = alignUp(workspaces[1].bytes);
  while (fread(input, sizeof(float), ECG_INPUT_SIZE, in) == ECG_INPUT_SIZE) {
    expect("ecg_run", ecg_run(input, ECG_INPUT_SIZE, output, ECG_OUTPUT_SIZE),
           ECG_OK);
    for (i = 0; i < ECG_INPUT_SIZE; ++i) {
      /* f32 division, round half to even, zero point, clamp: the numeric
       * contract's quantization. */
      float q = nearbyintf(input[i] / ECG_INPUT_SCALE) + ECG_INPUT_ZERO_POINT;
      quantized[i] = (uint8_t)(q < 0 ? 0 : q > 255 ? 255 : q);
    }
    expect("ecg_run_int",
           ecg_run_int(quantized, ECG_INPUT_SIZE, logits, ECG_OUTPUT_SIZE),
           ECG_OK);
    for (i = 0; i < ECG_OUTPUT_SIZE; ++i) {
      float real = ECG_OUTPUT_SCALE * (float)(logits[i] - ECG_OUTPUT_ZERO_POINT);
      if (memcmp(&real, &output[i], sizeof real) != 0)
        ++mismatches;
    }
    /* The reentrant functions, alternating between two workspaces. */
    expect("ecg_run_ws",
           ecg_run_ws(input, ECG_INPUT_SIZE, other, ECG_OUTPUT_SIZE,
                      samples % 2 ? ws1 : ws0, ECG_WORKSPACE_BYTES),
           ECG_OK);
    if (memcmp(other, output, sizeof output) != 0)
      ++mismatches;
    expect("ecg_run_int_ws",
           ecg_run_int_ws(quantized, ECG_INPUT_SIZE, otherLogits,
                          ECG_OUTPUT_SIZE, samples % 2 ? ws0 : ws1,
                          ECG_WORKSPACE_BYTES + 1),
           ECG_OK);
    if (memcmp(otherLogits, logits, sizeof logits) != 0)
      ++mismatches;
    ++samples;
  }
  fclose(in);

  /* Every bad argument: its code, and the output left alone. */
  memset(other, 0x7f, sizeof other);
  expect("NULL input", ecg_run(NULL, ECG_INPUT_SIZE, other, ECG_OUTPUT_SIZE),
         ECG_ERROR_NULL_POINTER);
  expect("NULL output", ecg_run(input, ECG_INPUT_SIZE, NULL, ECG_OUTPUT_SIZE),
         ECG_ERROR_NULL_POINTER);
  expect("short input", ecg_run(input, ECG_INPUT_SIZE - 1, other, ECG_OUTPUT_SIZE),
         ECG_ERROR_INPUT_SIZE);
  expect("long input", ecg_run(input, ECG_INPUT_SIZE + 1, other, ECG_OUTPUT_SIZE),
         ECG_ERROR_INPUT_SIZE);
  expect("short output", ecg_run(input, ECG_INPUT_SIZE, other, ECG_OUTPUT_SIZE - 1),
         ECG_ERROR_OUTPUT_SIZE);
  expect("int: short input",
         ecg_run_int(quantized, 0, logits, ECG_OUTPUT_SIZE),
         ECG_ERROR_INPUT_SIZE);
  expect("int: long output",
         ecg_run_int(quantized, ECG_INPUT_SIZE, logits, ECG_OUTPUT_SIZE + 7),
         ECG_ERROR_OUTPUT_SIZE);
  expect("NULL workspace",
         ecg_run_ws(input, ECG_INPUT_SIZE, other, ECG_OUTPUT_SIZE, NULL,
                    ECG_WORKSPACE_BYTES),
         ECG_ERROR_NULL_POINTER);
  expect("small workspace",
         ecg_run_ws(input, ECG_INPUT_SIZE, other, ECG_OUTPUT_SIZE, ws0,
                    ECG_WORKSPACE_BYTES - 1),
         ECG_ERROR_WORKSPACE_SIZE);
  expect("misaligned workspace",
         ecg_run_ws(input, ECG_INPUT_SIZE, other, ECG_OUTPUT_SIZE, ws0 + 1,
                    ECG_WORKSPACE_BYTES),
         ECG_ERROR_WORKSPACE_ALIGNMENT);
  /* Overlapping buffers: an output on its input, the workspace on an
   * input or an output (one byte shared is enough). */
  {
    static union {
      unsigned char bytes[ECG_INPUT_SIZE * sizeof(float) + ECG_WORKSPACE_BYTES +
                          ECG_WORKSPACE_ALIGNMENT];
      double align;
    } shared;
    unsigned char *base = alignUp(shared.bytes);
    uint8_t *q = (uint8_t *)base;
    int32_t *l = (int32_t *)(base + ECG_INPUT_SIZE - sizeof(int32_t));
    float *f = (float *)base;
    memcpy(q, quantized, sizeof quantized);
    expect("int: output over the input's last byte",
           ecg_run_int(q, ECG_INPUT_SIZE, l, ECG_OUTPUT_SIZE), ECG_ERROR_OVERLAP);
    expect("int: output just after the input",
           ecg_run_int(q, ECG_INPUT_SIZE, (int32_t *)(base + ECG_INPUT_SIZE),
                       ECG_OUTPUT_SIZE),
           ECG_OK);
    expect("in-place float",
           ecg_run(f, ECG_INPUT_SIZE, f, ECG_OUTPUT_SIZE), ECG_ERROR_OVERLAP);
    expect("float: workspace over the input",
           ecg_run_ws(f, ECG_INPUT_SIZE, other, ECG_OUTPUT_SIZE, base,
                      ECG_WORKSPACE_BYTES),
           ECG_ERROR_OVERLAP);
    expect("workspace over the output",
           ecg_run_int_ws(quantized, ECG_INPUT_SIZE, (int32_t *)(base + 64),
                          ECG_OUTPUT_SIZE, base, ECG_WORKSPACE_BYTES),
           ECG_ERROR_OVERLAP);
    expect("workspace over the input (int)",
           ecg_run_int_ws(q, ECG_INPUT_SIZE, logits, ECG_OUTPUT_SIZE, base,
                          ECG_WORKSPACE_BYTES),
           ECG_ERROR_OVERLAP);
  }
  for (i = 0; i < ECG_OUTPUT_SIZE; ++i) {
    float untouched;
    memset(&untouched, 0x7f, sizeof untouched);
    if (memcmp(&other[i], &untouched, sizeof untouched) != 0)
      ++mismatches;
  }

  expect("tiny_run", tiny_run(tinyInput, TINY_INPUT_SIZE, tinyOutput, TINY_OUTPUT_SIZE),
         TINY_OK);
  printf("samples %d, mismatches %d, errors %d, tiny[0] %g\n", samples,
         mismatches, errors, (double)tinyOutput[0]);
  return mismatches || errors ? 1 : 0;
}
