/* Uses two generated models from C (C99, -pedantic): the float API must
 * equal "quantize with the header's constants, integer API, dequantize"
 * bit for bit, and both models link into one program without the C++
 * runtime.
 *   api_check INPUTS.f32   (samples of ECG_INPUT_SIZE floats) */
#include "ecg.h"
#include "tiny.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv) {
  float input[ECG_INPUT_SIZE], output[ECG_OUTPUT_SIZE];
  uint8_t quantized[ECG_INPUT_SIZE];
  int32_t logits[ECG_OUTPUT_SIZE];
  float tinyInput[TINY_INPUT_SIZE] = {0}, tinyOutput[TINY_OUTPUT_SIZE];
  int samples = 0, mismatches = 0;
  size_t i;
  FILE *in;
  if (argc != 2 || !(in = fopen(argv[1], "rb")))
    return 2;
  while (fread(input, sizeof(float), ECG_INPUT_SIZE, in) == ECG_INPUT_SIZE) {
    ecg_run(input, output);
    for (i = 0; i < ECG_INPUT_SIZE; ++i) {
      /* f32 division, round half to even, zero point, clamp: the numeric
       * contract's quantization. */
      float q = nearbyintf(input[i] / ECG_INPUT_SCALE) + ECG_INPUT_ZERO_POINT;
      quantized[i] = (uint8_t)(q < 0 ? 0 : q > 255 ? 255 : q);
    }
    ecg_run_int(quantized, logits);
    for (i = 0; i < ECG_OUTPUT_SIZE; ++i) {
      float real = ECG_OUTPUT_SCALE * (float)(logits[i] - ECG_OUTPUT_ZERO_POINT);
      if (memcmp(&real, &output[i], sizeof real) != 0)
        ++mismatches;
    }
    ++samples;
  }
  fclose(in);
  tiny_run(tinyInput, tinyOutput);
  printf("samples %d, mismatches %d, tiny[0] %g\n", samples, mismatches,
         (double)tinyOutput[0]);
  return mismatches ? 1 : 0;
}
