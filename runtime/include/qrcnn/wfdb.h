//===- wfdb.h - Reader for PhysioNet WFDB records (header only) ----------===//
//
// Reads the three files that make up a record of the MIT-BIH Arrhythmia
// Database (PhysioNet "mitdb"):
//
//   NNN.hea  text header: one record line, then one line per signal
//   NNN.dat  samples in WFDB format 212 (two 12-bit samples in 3 bytes)
//   NNN.atr  reference annotations in the binary MIT annotation format
//
// Only what mitdb needs is supported (format 212, single-segment records,
// all signals in one file). Anything else is reported as an error.
//
// Error handling: no function throws on bad input. Every entry point returns
// a Result<T> (value + error string); `ok()` tells whether it worked. The
// only exception that can still escape is std::bad_alloc from the standard
// containers. The decode functions work on memory buffers and use neither
// iostreams nor exceptions, so they also suit embedded targets; the
// read* convenience functions use <cstdio> for file access.
//
// Format references: the WFDB Programmer's Guide, man pages header(5),
// signal(5) and annot(5) of the WFDB Software Package.
//
//===----------------------------------------------------------------------===//
#ifndef QRCNN_WFDB_H
#define QRCNN_WFDB_H

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

namespace qrcnn {
namespace wfdb {

//===----------------------------------------------------------------------===//
// Result type
//===----------------------------------------------------------------------===//

/// A value or an error message. `error` is empty on success.
template <typename T> struct Result {
  T value{};
  std::string error;

  bool ok() const { return error.empty(); }
  static Result success(T v) {
    Result r;
    r.value = std::move(v);
    return r;
  }
  static Result failure(std::string message) {
    Result r;
    r.error = message.empty() ? std::string("unknown error") : std::move(message);
    return r;
  }
};

//===----------------------------------------------------------------------===//
// Header (.hea)
//===----------------------------------------------------------------------===//

/// One signal line of a header, e.g.
///   100.dat 212 200 11 1024 995 -22131 0 MLII
///   file    fmt gain res zero init checksum blocksize description
/// The gain field may also read "200(1024)/mV": gain, (baseline), /units.
struct SignalInfo {
  std::string fileName;   ///< signal file, e.g. "100.dat"
  int format = 0;         ///< storage format, 212 for mitdb
  int samplesPerFrame = 1; ///< "212x2": several samples per frame (unsupported)
  int skew = 0;            ///< "212:3": sample skew in frames (unsupported)
  long long byteOffset = 0; ///< "212+512": bytes to skip at the file start
  double gain = 200.0;    ///< ADC units per physical unit (0 in file -> 200)
  int baseline = 0;       ///< ADC value that means 0 physical units
                          ///< (defaults to adcZero when not given)
  std::string units = "mV";
  int adcResolution = 12; ///< bits
  int adcZero = 0;        ///< ADC value in the middle of the ADC range
  int initialValue = 0;   ///< value of the first sample (a consistency check)
  int checksum = 0;       ///< 16-bit sum of all samples, as a signed value
  int blockSize = 0;
  std::string description; ///< signal name, e.g. "MLII" or "V5"
};

/// Record line plus signal lines, e.g. "100 2 360 650000".
struct Header {
  std::string recordName;
  int numSignals = 0;
  double samplingFrequency = 250.0; ///< frames per second (WFDB default 250)
  long long numSamples = 0;         ///< samples per signal (0: unknown)
  std::vector<SignalInfo> signals;
  std::vector<std::string> comments; ///< text after '#' lines, in order

  /// Index of the first signal whose description equals `name`, or -1.
  int findSignal(const char *name) const {
    for (size_t i = 0; i < signals.size(); ++i)
      if (signals[i].description == name)
        return static_cast<int>(i);
    return -1;
  }
};

namespace detail {

/// Splits `line` at blanks/tabs.
inline std::vector<std::string> splitFields(const std::string &line) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t'))
      ++i;
    size_t j = i;
    while (j < line.size() && line[j] != ' ' && line[j] != '\t')
      ++j;
    if (j > i)
      out.push_back(line.substr(i, j - i));
    i = j;
  }
  return out;
}

/// Parses a whole string as a decimal integer; false if anything is left.
inline bool parseInt(const std::string &s, long long &out) {
  if (s.empty())
    return false;
  char *end = nullptr;
  out = std::strtoll(s.c_str(), &end, 10);
  return end && *end == '\0';
}

/// Parses a whole string as a floating-point number.
inline bool parseDouble(const std::string &s, double &out) {
  if (s.empty())
    return false;
  char *end = nullptr;
  out = std::strtod(s.c_str(), &end);
  return end && *end == '\0';
}

/// Reads a whole file into memory. Returns an error message on failure.
inline std::string readFile(const std::string &path,
                            std::vector<unsigned char> &out) {
  std::FILE *f = std::fopen(path.c_str(), "rb");
  if (!f)
    return "cannot open '" + path + "'";
  out.clear();
  unsigned char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0)
    out.insert(out.end(), buf, buf + n);
  bool failed = std::ferror(f) != 0;
  std::fclose(f);
  if (failed)
    return "error while reading '" + path + "'";
  return std::string();
}

inline std::string joinPath(const std::string &dir, const std::string &file) {
  if (dir.empty())
    return file;
  if (dir.back() == '/')
    return dir + file;
  return dir + "/" + file;
}

} // namespace detail

/// Parses the text of a .hea file.
inline Result<Header> parseHeader(const char *text, size_t length) {
  using detail::parseDouble;
  using detail::parseInt;
  Header h;
  std::vector<std::string> lines;
  // Split into lines, keep comments apart, drop empty lines.
  size_t pos = 0;
  while (pos < length) {
    size_t end = pos;
    while (end < length && text[end] != '\n')
      ++end;
    std::string line(text + pos, end - pos);
    if (!line.empty() && line.back() == '\r')
      line.pop_back();
    pos = end + 1;
    size_t first = line.find_first_not_of(" \t");
    if (first == std::string::npos)
      continue;
    if (line[first] == '#') {
      size_t c = line.find_first_not_of(" \t", first + 1);
      h.comments.push_back(c == std::string::npos ? std::string()
                                                  : line.substr(c));
      continue;
    }
    lines.push_back(line);
  }
  if (lines.empty())
    return Result<Header>::failure("header has no record line");

  // Record line: name[/segments] nsig [fs[/counterfreq[(base)]] [nsamp ...]]
  std::vector<std::string> rec = detail::splitFields(lines[0]);
  if (rec.size() < 2)
    return Result<Header>::failure(
        "record line needs a record name and a signal count");
  if (rec[0].find('/') != std::string::npos)
    return Result<Header>::failure("multi-segment records are not supported");
  h.recordName = rec[0];
  long long nsig = 0;
  if (!parseInt(rec[1], nsig) || nsig < 0 || nsig > 1024)
    return Result<Header>::failure("bad signal count '" + rec[1] + "'");
  h.numSignals = static_cast<int>(nsig);
  if (rec.size() > 2) {
    std::string fs = rec[2].substr(0, rec[2].find_first_of("/("));
    if (!parseDouble(fs, h.samplingFrequency) || !(h.samplingFrequency > 0))
      return Result<Header>::failure("bad sampling frequency '" + rec[2] + "'");
  }
  if (rec.size() > 3) {
    if (!parseInt(rec[3], h.numSamples) || h.numSamples < 0)
      return Result<Header>::failure("bad number of samples '" + rec[3] + "'");
  }
  if (lines.size() - 1 < static_cast<size_t>(nsig))
    return Result<Header>::failure(
        "header announces " + std::to_string(nsig) + " signals but has " +
        std::to_string(lines.size() - 1) + " signal lines");

  // Signal lines.
  for (int i = 0; i < h.numSignals; ++i) {
    std::vector<std::string> f = detail::splitFields(lines[1 + i]);
    const std::string where = "signal line " + std::to_string(i) + ": ";
    if (f.size() < 2)
      return Result<Header>::failure(where + "needs a file name and a format");
    SignalInfo s;
    s.fileName = f[0];
    // Format may carry suffixes: fmt[xsamples][:skew][+offset].
    long long v = 0;
    const std::string &fs = f[1];
    size_t cut = fs.find_first_of("x:+");
    if (!parseInt(fs.substr(0, cut), v))
      return Result<Header>::failure(where + "bad format '" + fs + "'");
    s.format = static_cast<int>(v);
    while (cut != std::string::npos) {
      char tag = fs[cut];
      size_t next = fs.find_first_of("x:+", cut + 1);
      if (!parseInt(fs.substr(cut + 1, next == std::string::npos
                                           ? std::string::npos
                                           : next - cut - 1),
                    v) ||
          v < 0)
        return Result<Header>::failure(where + "bad format '" + fs + "'");
      if (tag == 'x')
        s.samplesPerFrame = static_cast<int>(v);
      else if (tag == ':')
        s.skew = static_cast<int>(v);
      else
        s.byteOffset = v;
      cut = next;
    }
    bool haveBaseline = false;
    if (f.size() > 2) {
      // gain[(baseline)][/units]
      std::string g = f[2];
      size_t slash = g.find('/');
      if (slash != std::string::npos) {
        s.units = g.substr(slash + 1);
        g = g.substr(0, slash);
      }
      size_t paren = g.find('(');
      if (paren != std::string::npos) {
        size_t close = g.find(')', paren);
        if (close == std::string::npos ||
            !parseInt(g.substr(paren + 1, close - paren - 1), v))
          return Result<Header>::failure(where + "bad baseline in '" + f[2] +
                                         "'");
        s.baseline = static_cast<int>(v);
        haveBaseline = true;
        g = g.substr(0, paren);
      }
      if (!parseDouble(g, s.gain) || s.gain < 0)
        return Result<Header>::failure(where + "bad gain '" + f[2] + "'");
      if (s.gain == 0)
        s.gain = 200.0; // WFDB: 0 means uncalibrated, use the default gain
    }
    // Optional integer fields, in order.
    int *ints[] = {&s.adcResolution, &s.adcZero, &s.initialValue, &s.checksum,
                   &s.blockSize};
    const char *names[] = {"ADC resolution", "ADC zero", "initial value",
                           "checksum", "block size"};
    for (size_t k = 0; k < 5 && 3 + k < f.size(); ++k) {
      if (!parseInt(f[3 + k], v))
        return Result<Header>::failure(where + "bad " + names[k] + " '" +
                                       f[3 + k] + "'");
      *ints[k] = static_cast<int>(v);
    }
    if (!haveBaseline)
      s.baseline = s.adcZero;
    // Description: the rest of the line, fields joined by single blanks.
    for (size_t k = 8; k < f.size(); ++k) {
      if (k > 8)
        s.description += ' ';
      s.description += f[k];
    }
    h.signals.push_back(std::move(s));
  }
  return Result<Header>::success(std::move(h));
}

/// Reads and parses `path` (a .hea file).
inline Result<Header> readHeader(const std::string &path) {
  std::vector<unsigned char> bytes;
  std::string err = detail::readFile(path, bytes);
  if (!err.empty())
    return Result<Header>::failure(err);
  Result<Header> r = parseHeader(
      reinterpret_cast<const char *>(bytes.data()), bytes.size());
  if (!r.ok())
    r.error = path + ": " + r.error;
  return r;
}

//===----------------------------------------------------------------------===//
// Signals (.dat, format 212)
//===----------------------------------------------------------------------===//

/// Format 212 stores the value -2048 where no sample exists.
constexpr int kInvalidSample212 = -2048;

/// Number of bytes that hold `numSamples` format-212 samples.
inline size_t bytesFor212(size_t numSamples) { return (numSamples * 3 + 1) / 2; }

/// Decodes `numSamples` samples of format 212 from `bytes`.
///
/// The samples of all signals form one stream (frame 0 signal 0, frame 0
/// signal 1, frame 1 signal 0, ...). Each pair of consecutive samples
/// (s0, s1) is packed into three bytes b0 b1 b2:
///
///   s0 = b0 | (low nibble of b1) << 8
///   s1 = b2 | (high nibble of b1) << 4      (both 12-bit two's complement)
///
/// An odd last sample uses only b0 b1. Returns false (and leaves `out`
/// partially written) when `numBytes` is too small.
inline bool decode212(const unsigned char *bytes, size_t numBytes,
                      size_t numSamples, int16_t *out) {
  if (numBytes < bytesFor212(numSamples))
    return false;
  // Sign-extends a 12-bit two's-complement value.
  auto sext12 = [](int v) -> int16_t {
    return static_cast<int16_t>(v >= 2048 ? v - 4096 : v);
  };
  size_t i = 0;
  for (; i + 1 < numSamples; i += 2) {
    const unsigned char *b = bytes + (i / 2) * 3;
    out[i] = sext12(b[0] | ((b[1] & 0x0F) << 8));
    out[i + 1] = sext12(b[2] | ((b[1] & 0xF0) << 4));
  }
  if (i < numSamples) {
    const unsigned char *b = bytes + (i / 2) * 3;
    out[i] = sext12(b[0] | ((b[1] & 0x0F) << 8));
  }
  return true;
}

/// The WFDB checksum of one signal: the sum of its samples modulo 2^16,
/// read as a signed 16-bit value (this is what the header's checksum holds).
inline int checksum16(const int16_t *samples, size_t count, size_t stride = 1) {
  uint32_t sum = 0;
  for (size_t i = 0; i < count; ++i)
    sum += static_cast<uint32_t>(static_cast<int32_t>(samples[i * stride]));
  int v = static_cast<int>(sum & 0xFFFF);
  return v >= 0x8000 ? v - 0x10000 : v;
}

/// A record: header plus all samples in raw ADC units, frame-interleaved.
struct Record {
  Header header;
  std::vector<int16_t> samples; ///< numFrames() * header.numSignals values

  long long numFrames() const {
    return header.numSignals ? static_cast<long long>(samples.size()) /
                                   header.numSignals
                             : 0;
  }
  /// Raw ADC value of signal `sig` at sample (frame) index `t`.
  int16_t at(long long t, int sig) const {
    return samples[static_cast<size_t>(t) * header.numSignals + sig];
  }
  /// A copy of one signal, contiguous.
  std::vector<int16_t> signal(int sig) const {
    std::vector<int16_t> out(static_cast<size_t>(numFrames()));
    for (size_t t = 0; t < out.size(); ++t)
      out[t] = samples[t * header.numSignals + sig];
    return out;
  }
  /// Physical value (e.g. mV) of a raw sample of signal `sig`.
  double toPhysical(int16_t adc, int sig) const {
    const SignalInfo &s = header.signals[sig];
    return (adc - s.baseline) / s.gain;
  }
};

/// Reads record `name` (e.g. "100") from `directory`: NNN.hea, then the
/// signal file it names. The .dat must hold at least the announced number
/// of samples; a shorter file is an error.
inline Result<Record> readRecord(const std::string &directory,
                                 const std::string &name) {
  Result<Header> h = readHeader(detail::joinPath(directory, name + ".hea"));
  if (!h.ok())
    return Result<Record>::failure(h.error);
  Record rec;
  rec.header = std::move(h.value);
  const Header &hd = rec.header;
  if (hd.numSignals == 0)
    return Result<Record>::failure(name + ": record has no signals");
  for (const SignalInfo &s : hd.signals) {
    if (s.format != 212)
      return Result<Record>::failure(name + ": signal format " +
                                     std::to_string(s.format) +
                                     " is not supported (only 212)");
    if (s.fileName != hd.signals[0].fileName)
      return Result<Record>::failure(
          name + ": signals spread over several files are not supported");
    if (s.samplesPerFrame != 1 || s.skew != 0 ||
        s.byteOffset != hd.signals[0].byteOffset)
      return Result<Record>::failure(
          name + ": multi-sample frames, skew and per-signal byte offsets "
                 "are not supported");
  }
  const std::string path = detail::joinPath(directory, hd.signals[0].fileName);
  std::vector<unsigned char> bytes;
  std::string err = detail::readFile(path, bytes);
  if (!err.empty())
    return Result<Record>::failure(err);
  // A byte offset (format "212+N") skips a prolog at the start of the file.
  const size_t offset = static_cast<size_t>(hd.signals[0].byteOffset);
  if (offset > bytes.size())
    return Result<Record>::failure(path + ": file is shorter than its byte offset");
  bytes.erase(bytes.begin(), bytes.begin() + static_cast<long>(offset));
  size_t frames = static_cast<size_t>(hd.numSamples);
  if (frames == 0) // length not in the header: all complete frames
    frames = (bytes.size() * 2 / 3) / hd.numSignals;
  size_t total = frames * hd.numSignals;
  if (bytes.size() < bytesFor212(total))
    return Result<Record>::failure(
        path + ": file is truncated (" + std::to_string(bytes.size()) +
        " bytes, " + std::to_string(bytesFor212(total)) + " needed for " +
        std::to_string(frames) + " samples of " +
        std::to_string(hd.numSignals) + " signals)");
  rec.samples.resize(total);
  decode212(bytes.data(), bytes.size(), total, rec.samples.data());
  return Result<Record>::success(std::move(rec));
}

//===----------------------------------------------------------------------===//
// Annotations (.atr, MIT format)
//===----------------------------------------------------------------------===//

/// Annotation type codes, as in WFDB's <wfdb/ecgcodes.h>.
enum AnnotationCode : int {
  NOTQRS = 0,   ///< not a real annotation
  NORMAL = 1,   ///< N  normal beat
  LBBB = 2,     ///< L  left bundle branch block beat
  RBBB = 3,     ///< R  right bundle branch block beat
  ABERR = 4,    ///< a  aberrated atrial premature beat
  PVC = 5,      ///< V  premature ventricular contraction
  FUSION = 6,   ///< F  fusion of ventricular and normal beat
  NPC = 7,      ///< J  nodal (junctional) premature beat
  APC = 8,      ///< A  atrial premature beat
  SVPB = 9,     ///< S  supraventricular premature beat
  VESC = 10,    ///< E  ventricular escape beat
  NESC = 11,    ///< j  nodal (junctional) escape beat
  PACE = 12,    ///< /  paced beat
  UNKNOWN = 13, ///< Q  unclassifiable beat
  NOISE = 14,   ///< ~  signal quality change
  ARFCT = 16,   ///< |  isolated QRS-like artifact
  STCH = 18,    ///< s  ST change
  TCH = 19,     ///< T  T-wave change
  SYSTOLE = 20, ///< *  systole
  DIASTOLE = 21,///< D  diastole
  NOTE = 22,    ///< "  comment annotation
  MEASURE = 23, ///< =  measurement annotation
  PWAVE = 24,   ///< p  P-wave peak
  BBB = 25,     ///< B  bundle branch block beat (unspecified)
  PACESP = 26,  ///< ^  non-conducted pacer spike
  TWAVE = 27,   ///< t  T-wave peak
  RHYTHM = 28,  ///< +  rhythm change (aux holds e.g. "(N")
  UWAVE = 29,   ///< u  U-wave peak
  LEARN = 30,   ///< ?  learning
  FLWAV = 31,   ///< !  ventricular flutter wave
  VFON = 32,    ///< [  start of ventricular flutter/fibrillation
  VFOFF = 33,   ///< ]  end of ventricular flutter/fibrillation
  AESC = 34,    ///< e  atrial escape beat
  SVESC = 35,   ///< n  supraventricular escape beat
  LINK = 36,    ///< @  link to external data (aux holds a URL)
  NAPC = 37,    ///< x  non-conducted P-wave (blocked APC)
  PFUS = 38,    ///< f  fusion of paced and normal beat
  WFON = 39,    ///< (  waveform onset; also PQ junction, mnemonic `
  WFOFF = 40,   ///< )  waveform end; also J point, mnemonic '
  RONT = 41,    ///< r  R-on-T premature ventricular contraction
  ACMAX = 49,   ///< largest code a real annotation may have

  // Pseudo codes: they modify the stream, they are not annotations.
  SKIP = 59, ///< next 4 bytes: a 32-bit time increment
  NUM = 60,  ///< low 10 bits: `num` field of the preceding annotation
  SUB = 61,  ///< low 10 bits: `subtype` of the preceding annotation
  CHN = 62,  ///< low 10 bits: `chan` of the preceding annotation
  AUX = 63,  ///< low 10 bits: byte count of an aux string that follows
};

/// Mnemonic of an annotation code ("" for unused or out-of-range codes).
inline const char *codeToSymbol(int code) {
  static const char *const kSymbols[ACMAX + 1] = {
      "",  "N", "L", "R", "a", "V", "F", "J", "A", "S",  // 0-9
      "E", "j", "/", "Q", "~", "",  "|", "",  "s", "T",  // 10-19
      "*", "D", "\"", "=", "p", "B", "^", "t", "+", "u", // 20-29
      "?", "!", "[", "]", "e", "n", "@", "x", "f", "(",  // 30-39
      ")", "r", "",  "",  "",  "",  "",  "",  "",  "",   // 40-49
  };
  if (code < 0 || code > ACMAX)
    return "";
  return kSymbols[code];
}

/// Code of a mnemonic, or -1 if unknown. Accepts the aliases ` (PQ
/// junction, = WFON) and ' (J point, = WFOFF).
inline int symbolToCode(const char *symbol) {
  if (!symbol || !*symbol)
    return -1;
  if (std::strcmp(symbol, "`") == 0)
    return WFON;
  if (std::strcmp(symbol, "'") == 0)
    return WFOFF;
  for (int c = 1; c <= ACMAX; ++c)
    if (std::strcmp(symbol, codeToSymbol(c)) == 0)
      return c;
  return -1;
}

/// True for codes that mark a QRS complex (a heartbeat), like WFDB's isqrs().
inline bool isBeat(int code) {
  switch (code) {
  case NORMAL: case LBBB: case RBBB: case ABERR: case PVC: case FUSION:
  case NPC: case APC: case SVPB: case VESC: case NESC: case PACE:
  case UNKNOWN: case BBB: case LEARN: case AESC: case SVESC: case PFUS:
  case RONT:
    return true;
  default:
    return false;
  }
}

/// One annotation.
struct Annotation {
  long long sample = 0; ///< sample (frame) index in the record
  int code = 0;         ///< type code 1..ACMAX, see AnnotationCode
  int subtype = 0;      ///< from a SUB word; 0 if none
  int chan = 0;         ///< from a CHN word; carries over to later annotations
  int num = 0;          ///< from a NUM word; carries over to later annotations
  std::string aux;      ///< from an AUX word (e.g. "(AFIB" for rhythm changes)

  const char *symbol() const { return codeToSymbol(code); }
};

/// Decodes an MIT-format annotation file held in memory.
///
/// The file is a sequence of 16-bit little-endian words. In each word the
/// top 6 bits are a code A and the low 10 bits a value I:
///
///   A = 0,  I = 0     end of file
///   A = 1..49         an annotation of type A, I samples after the
///                     previous one
///   A = SKIP (59)     a 32-bit time increment follows in the next two words,
///                     high word first ("PDP-11 order"); it is added to the
///                     time of the next annotation
///   A = NUM (60)      set `num` of the preceding annotation to I (signed)
///   A = SUB (61)      set `subtype` of the preceding annotation to I (signed)
///   A = CHN (62)      set `chan` of the preceding annotation to I
///   A = AUX (63)      I bytes of text follow (padded to an even count)
///
/// NUM and CHN keep their value for later annotations until changed (as in
/// WFDB); subtype and aux start empty for each annotation.
inline Result<std::vector<Annotation>> parseAnnotations(const unsigned char *data,
                                                        size_t size) {
  using R = Result<std::vector<Annotation>>;
  std::vector<Annotation> out;
  size_t pos = 0;
  long long time = 0;
  int curChan = 0, curNum = 0;
  auto word = [&](size_t at) -> unsigned {
    return static_cast<unsigned>(data[at]) |
           (static_cast<unsigned>(data[at + 1]) << 8);
  };
  auto signed10 = [](unsigned v) -> int {
    return v >= 512 ? static_cast<int>(v) - 1024 : static_cast<int>(v);
  };
  while (pos + 2 <= size) { // a missing end word is tolerated
    unsigned w = word(pos);
    pos += 2;
    unsigned a = w >> 10, i = w & 0x3FF;
    if (a == 0 && i == 0)
      break; // end of file
    const std::string at = " at byte " + std::to_string(pos - 2);
    switch (a) {
    case SKIP: {
      if (pos + 4 > size)
        return R::failure("annotation file truncated inside SKIP" + at);
      uint32_t hi = word(pos), lo = word(pos + 2);
      pos += 4;
      time += static_cast<int32_t>((hi << 16) | lo);
      break;
    }
    case NUM:
    case SUB:
    case CHN:
    case AUX: {
      if (out.empty())
        return R::failure("modifier code " + std::to_string(a) +
                          " before the first annotation" + at);
      Annotation &last = out.back();
      if (a == NUM)
        last.num = curNum = signed10(i);
      else if (a == SUB)
        last.subtype = signed10(i);
      else if (a == CHN)
        last.chan = curChan = static_cast<int>(i);
      else {
        if (pos + i > size)
          return R::failure("annotation file truncated inside AUX" + at);
        const char *text = reinterpret_cast<const char *>(data + pos);
        size_t len = 0;
        while (len < i && text[len] != '\0')
          ++len;
        last.aux.assign(text, len);
        pos += i + (i & 1); // aux bytes are padded to an even count
      }
      break;
    }
    default: {
      if (a > ACMAX)
        return R::failure("invalid annotation code " + std::to_string(a) + at);
      time += i;
      Annotation ann;
      ann.sample = time;
      ann.code = static_cast<int>(a);
      ann.chan = curChan;
      ann.num = curNum;
      out.push_back(std::move(ann));
      break;
    }
    }
  }
  return R::success(std::move(out));
}

/// Reads `directory`/`name`.`extension` (default: the reference .atr).
inline Result<std::vector<Annotation>>
readAnnotations(const std::string &directory, const std::string &name,
                const std::string &extension = "atr") {
  using R = Result<std::vector<Annotation>>;
  const std::string path = detail::joinPath(directory, name + "." + extension);
  std::vector<unsigned char> bytes;
  std::string err = detail::readFile(path, bytes);
  if (!err.empty())
    return R::failure(err);
  R r = parseAnnotations(bytes.data(), bytes.size());
  if (!r.ok())
    r.error = path + ": " + r.error;
  return r;
}

} // namespace wfdb
} // namespace qrcnn

#endif // QRCNN_WFDB_H
