//===- dump_record.cpp - Print a WFDB record summary (C++ reader) --------===//
//
// Usage: dump_record MITDB_DIR RECORD [NSAMPLES]
//
// Prints the header fields, the first NSAMPLES (default 20) frames, the
// computed checksums, the annotation counts per symbol, and a summary of
// the beat windows of lead MLII. examples/ecg/dump_record.py prints the same
// text with the independent Python reader; test/ecg/readers_agree.test
// compares the two outputs byte for byte.
//
// Build: g++ -std=c++17 -Iruntime/include examples/ecg/tools/dump_record.cpp
//
//===----------------------------------------------------------------------===//
#include "qrcnn/ecg_beats.h"
#include "qrcnn/wfdb.h"

#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>

using namespace qrcnn;

int main(int argc, char **argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s MITDB_DIR RECORD [NSAMPLES]\n", argv[0]);
    return 2;
  }
  const std::string dir = argv[1], name = argv[2];
  const long nshow = argc > 3 ? std::atol(argv[3]) : 20;

  wfdb::Result<wfdb::Record> rec = wfdb::readRecord(dir, name);
  if (!rec.ok()) {
    std::fprintf(stderr, "error: %s\n", rec.error.c_str());
    return 1;
  }
  wfdb::Result<std::vector<wfdb::Annotation>> ann = wfdb::readAnnotations(dir, name);
  if (!ann.ok()) {
    std::fprintf(stderr, "error: %s\n", ann.error.c_str());
    return 1;
  }
  const wfdb::Header &h = rec.value.header;
  std::printf("record %s\n", h.recordName.c_str());
  std::printf("signals %d\n", h.numSignals);
  std::printf("frequency %g\n", h.samplingFrequency);
  std::printf("samples %lld\n", h.numSamples);
  for (int i = 0; i < h.numSignals; ++i) {
    const wfdb::SignalInfo &s = h.signals[i];
    std::printf("signal %d file %s format %d gain %g baseline %d units %s "
                "adcres %d adczero %d init %d checksum %d blocksize %d "
                "desc %s\n",
                i, s.fileName.c_str(), s.format, s.gain, s.baseline,
                s.units.c_str(), s.adcResolution, s.adcZero, s.initialValue,
                s.checksum, s.blockSize, s.description.c_str());
  }
  std::printf("frames %lld\n", rec.value.numFrames());
  for (int i = 0; i < h.numSignals; ++i)
    std::printf("computed_checksum %d %d\n", i,
                wfdb::checksum16(rec.value.samples.data() + i,
                                 static_cast<size_t>(rec.value.numFrames()),
                                 h.numSignals));
  for (long t = 0; t < nshow && t < rec.value.numFrames(); ++t) {
    std::printf("frame %ld", t);
    for (int i = 0; i < h.numSignals; ++i)
      std::printf(" %d", rec.value.at(t, i));
    std::printf("\n");
  }

  std::map<std::string, int> counts; // sorted by symbol, bytewise
  int beats = 0;
  for (const wfdb::Annotation &a : ann.value) {
    counts[a.symbol()]++;
    beats += wfdb::isBeat(a.code);
  }
  std::printf("annotations %zu\n", ann.value.size());
  std::printf("beats %d\n", beats);
  for (const auto &kv : counts)
    std::printf("count %s %d\n", kv.first.c_str(), kv.second);
  if (!ann.value.empty())
    std::printf("first_annotation %lld %s aux '%s'\n", ann.value[0].sample,
                ann.value[0].symbol(), ann.value[0].aux.c_str());

  // Beat windows of lead MLII.
  const int sig = h.findSignal(ecg::kLead);
  if (sig < 0) {
    std::printf("windows none (no %s)\n", ecg::kLead);
    return 0;
  }
  std::vector<ecg::Beat> bs = ecg::extractBeats(rec.value, ann.value, sig);
  int aami[5] = {0, 0, 0, 0, 0};
  long long adcSum = 0;
  for (const ecg::Beat &b : bs) {
    int c = static_cast<int>(ecg::aamiClassOf(b.code));
    if (c >= 0)
      aami[c]++;
    for (int16_t v : b.adc)
      adcSum += v;
  }
  std::printf("windows %zu length %d before %d adc_sum %lld\n", bs.size(),
              ecg::kWindowLength, ecg::kWindowBefore, adcSum);
  std::printf("aami N %d S %d V %d F %d Q %d\n", aami[0], aami[1], aami[2],
              aami[3], aami[4]);
  if (!bs.empty()) {
    float x[ecg::kWindowLength];
    ecg::normalizeWindow(bs[0].adc.data(), ecg::kWindowLength,
                         h.signals[sig].gain, x);
    std::printf("first_window r %lld x[86..94]", bs[0].sample);
    for (int i = 86; i < 95; ++i)
      std::printf(" %.9g", static_cast<double>(x[i]));
    std::printf("\n");
  }
  return 0;
}
