// mac_peak.cpp - one core's integer multiply-accumulate peak, measured.
//
// Independent accumulator chains of the widest integer MAC instruction the
// build targets (compile with the same flags as the code under test):
//   int16: AVX-512 VNNI vpdpwssd (2 MACs per 32-bit lane, fused add),
//          else AVX-512BW / AVX2 / SSE2 pmaddwd + add;
//   int8:  AVX-512 VNNI vpdpbusd (4 MACs per lane), else the int16 figure.
// Prints MACs per second for each as one JSON line. The operands stay in
// registers, so this is the arithmetic limit, not a memory-bound figure.
#include <immintrin.h>

#include <chrono>
#include <cstdio>

template <typename Body> static double measure(long iterations, long macsPerIteration, Body body) {
  double best = 0;
  for (int repeat = 0; repeat < 7; ++repeat) {
    auto start = std::chrono::steady_clock::now();
    body(iterations);
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    double rate = iterations * static_cast<double>(macsPerIteration) / seconds;
    best = rate > best ? rate : best;
  }
  return best;
}

#define CHAINS 12

int main() {
  volatile int seed = 3;
  long iterations = 4000000;
  double int16 = 0, int8 = 0;
  const char *int16Kind = "", *int8Kind = "";
#if defined(__AVX512VNNI__) && defined(__AVX512BW__)
  int16Kind = "vpdpwssd zmm";
  int16 = measure(iterations, CHAINS * 32, [&](long n) {
    __m512i a = _mm512_set1_epi16(seed), b = _mm512_set1_epi16(seed + 1), acc[CHAINS];
    for (int c = 0; c < CHAINS; ++c) acc[c] = _mm512_set1_epi32(c);
    for (long i = 0; i < n; ++i)
      for (int c = 0; c < CHAINS; ++c) acc[c] = _mm512_dpwssd_epi32(acc[c], a, b);
    for (int c = 1; c < CHAINS; ++c) acc[0] = _mm512_add_epi32(acc[0], acc[c]);
    asm volatile("" : : "v"(acc[0]));
  });
  int8Kind = "vpdpbusd zmm";
  int8 = measure(iterations, CHAINS * 64, [&](long n) {
    __m512i a = _mm512_set1_epi8(seed), b = _mm512_set1_epi8(seed + 1), acc[CHAINS];
    for (int c = 0; c < CHAINS; ++c) acc[c] = _mm512_set1_epi32(c);
    for (long i = 0; i < n; ++i)
      for (int c = 0; c < CHAINS; ++c) acc[c] = _mm512_dpbusd_epi32(acc[c], a, b);
    for (int c = 1; c < CHAINS; ++c) acc[0] = _mm512_add_epi32(acc[0], acc[c]);
    asm volatile("" : : "v"(acc[0]));
  });
#elif defined(__AVX2__)
  int16Kind = int8Kind = "vpmaddwd + vpaddd ymm";
  int16 = int8 = measure(iterations, CHAINS * 16, [&](long n) {
    __m256i a = _mm256_set1_epi16(seed), b = _mm256_set1_epi16(seed + 1), acc[CHAINS];
    for (int c = 0; c < CHAINS; ++c) acc[c] = _mm256_set1_epi32(c);
    for (long i = 0; i < n; ++i)
      for (int c = 0; c < CHAINS; ++c) acc[c] = _mm256_add_epi32(acc[c], _mm256_madd_epi16(a, b));
    for (int c = 1; c < CHAINS; ++c) acc[0] = _mm256_add_epi32(acc[0], acc[c]);
    asm volatile("" : : "x"(acc[0]));
  });
#else
  int16Kind = int8Kind = "pmaddwd + paddd xmm";
  int16 = int8 = measure(iterations, CHAINS * 8, [&](long n) {
    __m128i a = _mm_set1_epi16(seed), b = _mm_set1_epi16(seed + 1), acc[CHAINS];
    for (int c = 0; c < CHAINS; ++c) acc[c] = _mm_set1_epi32(c);
    for (long i = 0; i < n; ++i)
      for (int c = 0; c < CHAINS; ++c) acc[c] = _mm_add_epi32(acc[c], _mm_madd_epi16(a, b));
    for (int c = 1; c < CHAINS; ++c) acc[0] = _mm_add_epi32(acc[0], acc[c]);
    asm volatile("" : : "x"(acc[0]));
  });
#endif
  std::printf("{\"int16_macs_per_s\": %.4g, \"int16_instruction\": \"%s\", "
              "\"int8_macs_per_s\": %.4g, \"int8_instruction\": \"%s\"}\n",
              int16, int16Kind, int8, int8Kind);
  return 0;
}
