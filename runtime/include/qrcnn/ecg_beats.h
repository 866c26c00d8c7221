//===- ecg_beats.h - Heartbeat windows and labels for MIT-BIH ------------===//
//
// The front end of the ECG example, shared by C++ tools and mirrored
// exactly by the Python package examples/ecg/qrcnn_ecg (beats.py):
//
//  * Beat window: 180 samples (0.5 s at 360 Hz) of lead MLII around each
//    annotated R peak r: samples r-90 .. r+89, i.e. 90 before the peak and
//    the peak itself plus 89 after it. Beats whose window does not fit in
//    the record are skipped.
//  * Normalisation: the window's mean is removed and ADC units become mV:
//        x[i] = float( (adc[i] - sum/180.0) / gain )      (in double)
//    (the header baseline cancels out). This is the float input of the
//    models; their first QuantizeLinear maps it to uint8.
//  * Labels: the AAMI EC57 five classes (N, S, V, F, Q) and the five beat
//    types N, L, R, A, V of the "balanced" protocol.
//  * Record lists of the inter-patient split DS1/DS2 of de Chazal, O'Dwyer
//    and Reilly, IEEE TBME 51(7), 2004 (paced records excluded).
//
//===----------------------------------------------------------------------===//
#ifndef QRCNN_ECG_BEATS_H
#define QRCNN_ECG_BEATS_H

#include "qrcnn/wfdb.h"

#include <array>
#include <cstdint>
#include <vector>

namespace qrcnn {
namespace ecg {

/// Window length in samples and its position relative to the R peak.
constexpr int kWindowLength = 180;
constexpr int kWindowBefore = 90; ///< samples before the R peak
constexpr int kWindowAfter = kWindowLength - kWindowBefore; ///< peak + 89

/// Name of the lead the models use.
constexpr const char *kLead = "MLII";

/// AAMI EC57 heartbeat classes.
enum class AamiClass : int { N = 0, S = 1, V = 2, F = 3, Q = 4, None = -1 };

inline const char *aamiName(AamiClass c) {
  switch (c) {
  case AamiClass::N: return "N";
  case AamiClass::S: return "S";
  case AamiClass::V: return "V";
  case AamiClass::F: return "F";
  case AamiClass::Q: return "Q";
  default: return "-";
  }
}

/// AAMI class of an annotation code:
///   N: N L R e j     S: A a J S     V: V E     F: F     Q: / f Q
/// Every other code (non-beats, and the rare beat codes B r n ? that do not
/// occur in mitdb's reference labels or are not part of the mapping) gives
/// AamiClass::None.
inline AamiClass aamiClassOf(int code) {
  using namespace wfdb;
  switch (code) {
  case NORMAL: case LBBB: case RBBB: case AESC: case NESC:
    return AamiClass::N;
  case APC: case ABERR: case NPC: case SVPB:
    return AamiClass::S;
  case PVC: case VESC:
    return AamiClass::V;
  case FUSION:
    return AamiClass::F;
  case PACE: case PFUS: case UNKNOWN:
    return AamiClass::Q;
  default:
    return AamiClass::None;
  }
}

/// Class index 0..4 of the balanced protocol (N, L, R, A, V), or -1.
inline int nlravClassOf(int code) {
  using namespace wfdb;
  switch (code) {
  case NORMAL: return 0;
  case LBBB: return 1;
  case RBBB: return 2;
  case APC: return 3;
  case PVC: return 4;
  default: return -1;
  }
}

/// Records with paced rhythm, excluded from the AAMI inter-patient split.
constexpr std::array<int, 4> kPacedRecords = {102, 104, 107, 217};

/// DS1: the 22 training records of de Chazal et al. 2004.
constexpr std::array<int, 22> kDS1 = {101, 106, 108, 109, 112, 114, 115, 116,
                                      118, 119, 122, 124, 201, 203, 205, 207,
                                      208, 209, 215, 220, 223, 230};
/// DS2: the 22 test records of de Chazal et al. 2004.
constexpr std::array<int, 22> kDS2 = {100, 103, 105, 111, 113, 117, 121, 123,
                                      200, 202, 210, 212, 213, 214, 219, 221,
                                      222, 228, 231, 232, 233, 234};

/// One beat: where it is, its label, and its raw window.
struct Beat {
  long long sample = 0; ///< R-peak sample index in the record
  int code = 0;         ///< annotation code (wfdb::AnnotationCode)
  std::array<int16_t, kWindowLength> adc{}; ///< raw ADC units
};

/// True if the window around R peak `r` lies inside a record of `numFrames`.
inline bool windowFits(long long r, long long numFrames) {
  return r - kWindowBefore >= 0 && r + kWindowAfter <= numFrames;
}

/// Extracts the window of every beat annotation (wfdb::isBeat) of signal
/// `sig` whose window fits in the record, in annotation order.
inline std::vector<Beat>
extractBeats(const wfdb::Record &rec,
             const std::vector<wfdb::Annotation> &annotations, int sig) {
  std::vector<Beat> beats;
  if (sig < 0 || sig >= rec.header.numSignals)
    return beats;
  const long long frames = rec.numFrames();
  for (const wfdb::Annotation &a : annotations) {
    if (!wfdb::isBeat(a.code) || !windowFits(a.sample, frames))
      continue;
    Beat b;
    b.sample = a.sample;
    b.code = a.code;
    for (int i = 0; i < kWindowLength; ++i)
      b.adc[i] = rec.at(a.sample - kWindowBefore + i, sig);
    beats.push_back(b);
  }
  return beats;
}

/// The model input of one window: mean removed, in physical units (mV):
///   out[i] = float((adc[i] - sum / double(n)) / gain)
/// computed in double exactly in this order, so that the Python front end
/// (numpy float64) gives bit-identical float32 values.
inline void normalizeWindow(const int16_t *adc, int n, double gain,
                            float *out) {
  long long sum = 0;
  for (int i = 0; i < n; ++i)
    sum += adc[i];
  const double mean = static_cast<double>(sum) / static_cast<double>(n);
  for (int i = 0; i < n; ++i)
    out[i] = static_cast<float>((static_cast<double>(adc[i]) - mean) / gain);
}

} // namespace ecg
} // namespace qrcnn

#endif // QRCNN_ECG_BEATS_H
