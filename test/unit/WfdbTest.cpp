//===- WfdbTest.cpp - Tests of the WFDB reader and the beat front end -----===//
//
// Known values for MIT-BIH record 100 come from three independent sources:
//  * PhysioNet's own tools: rdsamp starts at -0.145 mV / -0.065 mV, i.e.
//    raw 995 / 1011 with baseline 1024 and gain 200; record 100 has 2273
//    beats (2239 N, 33 A, 1 V) plus one rhythm annotation "+" "(N".
//  * bytes of 100.dat decoded by hand (offsets 24, 3000, 1949997);
//  * the header's own checksums and initial values, which the decoder must
//    reproduce from the whole file.
//
//===----------------------------------------------------------------------===//
#include "qrcnn/ecg_beats.h"
#include "qrcnn/wfdb.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <map>
#include <set>
#include <string>
#include <vector>

#ifndef QRCNN_MITDB_DIR
#define QRCNN_MITDB_DIR "../shared/data/mitdb"
#endif

using namespace qrcnn;

namespace {

const std::string kMitdb = QRCNN_MITDB_DIR;

// Writes `bytes` to a file in the test's temporary directory.
std::string writeTemp(const std::string &name, const std::string &bytes) {
  std::string path = ::testing::TempDir() + name;
  std::FILE *f = std::fopen(path.c_str(), "wb");
  EXPECT_NE(f, nullptr) << path;
  if (f) {
    std::fwrite(bytes.data(), 1, bytes.size(), f);
    std::fclose(f);
  }
  return path;
}

std::string readAll(const std::string &path) {
  std::vector<unsigned char> bytes;
  std::string err = wfdb::detail::readFile(path, bytes);
  EXPECT_EQ(err, "");
  return std::string(bytes.begin(), bytes.end());
}

} // namespace

TEST(WfdbHeader, Record100) {
  auto r = wfdb::readHeader(kMitdb + "/100.hea");
  ASSERT_TRUE(r.ok()) << r.error;
  const wfdb::Header &h = r.value;
  EXPECT_EQ(h.recordName, "100");
  EXPECT_EQ(h.numSignals, 2);
  EXPECT_DOUBLE_EQ(h.samplingFrequency, 360.0);
  EXPECT_EQ(h.numSamples, 650000);
  ASSERT_EQ(h.signals.size(), 2u);
  const char *names[2] = {"MLII", "V5"};
  const int init[2] = {995, 1011};
  const int checksum[2] = {-22131, 20052};
  for (int i = 0; i < 2; ++i) {
    const wfdb::SignalInfo &s = h.signals[i];
    EXPECT_EQ(s.fileName, "100.dat");
    EXPECT_EQ(s.format, 212);
    EXPECT_DOUBLE_EQ(s.gain, 200.0);
    EXPECT_EQ(s.baseline, 1024);
    EXPECT_EQ(s.units, "mV");
    EXPECT_EQ(s.adcResolution, 11);
    EXPECT_EQ(s.adcZero, 1024);
    EXPECT_EQ(s.initialValue, init[i]);
    EXPECT_EQ(s.checksum, checksum[i]);
    EXPECT_EQ(s.blockSize, 0);
    EXPECT_EQ(s.description, names[i]);
  }
  EXPECT_EQ(h.findSignal("MLII"), 0);
  EXPECT_EQ(h.findSignal("V5"), 1);
  EXPECT_EQ(h.findSignal("V1"), -1);
  ASSERT_EQ(h.comments.size(), 2u);
  EXPECT_EQ(h.comments[0], "69 M 1085 1629 x1");
}

TEST(WfdbHeader, OptionalFieldsAndGainSyntax) {
  const char text[] = "rec 1 250\n"
                      "# a comment\n"
                      "rec.dat 212 100(-5)/uV 12 0 7 0 0 lead II long name\n";
  auto r = wfdb::parseHeader(text, sizeof text - 1);
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.value.numSamples, 0);
  EXPECT_DOUBLE_EQ(r.value.samplingFrequency, 250.0);
  const wfdb::SignalInfo &s = r.value.signals.at(0);
  EXPECT_DOUBLE_EQ(s.gain, 100.0);
  EXPECT_EQ(s.baseline, -5);
  EXPECT_EQ(s.units, "uV");
  EXPECT_EQ(s.initialValue, 7);
  EXPECT_EQ(s.description, "lead II long name");

  const char suffixes[] = "m 2 360\nm.dat 212x2:1+512 200\nm.dat 212 200\n";
  auto sx = wfdb::parseHeader(suffixes, sizeof suffixes - 1);
  ASSERT_TRUE(sx.ok()) << sx.error;
  EXPECT_EQ(sx.value.signals[0].format, 212);
  EXPECT_EQ(sx.value.signals[0].samplesPerFrame, 2);
  EXPECT_EQ(sx.value.signals[0].skew, 1);
  EXPECT_EQ(sx.value.signals[0].byteOffset, 512);
  EXPECT_EQ(sx.value.signals[1].samplesPerFrame, 1);
  EXPECT_FALSE(wfdb::parseHeader("m 1\nm.dat 212x\n", 15).ok());

  const char minimal[] = "m 1\nm.dat 212\n";
  auto m = wfdb::parseHeader(minimal, sizeof minimal - 1);
  ASSERT_TRUE(m.ok()) << m.error;
  EXPECT_DOUBLE_EQ(m.value.signals[0].gain, 200.0);
  EXPECT_EQ(m.value.signals[0].units, "mV");
}

TEST(WfdbSignals, Record100Samples) {
  auto r = wfdb::readRecord(kMitdb, "100");
  ASSERT_TRUE(r.ok()) << r.error;
  const wfdb::Record &rec = r.value;
  EXPECT_EQ(rec.numFrames(), 650000);
  EXPECT_EQ(rec.samples.size(), 1300000u);
  // First 20 frames (MLII, V5), as rdsamp prints them in raw units.
  const int mlii[20] = {995, 995, 995, 995, 995, 995, 995, 995, 1000, 997,
                        995, 994, 992, 993, 992, 989, 988, 987, 990, 993};
  const int v5[20] = {1011, 1011, 1011, 1011, 1011, 1011, 1011,
                      1011, 1008, 1008, 1007, 1007, 1009, 1010,
                      1010, 1011, 1013, 1014, 1014, 1016};
  for (int t = 0; t < 20; ++t) {
    EXPECT_EQ(rec.at(t, 0), mlii[t]) << "frame " << t;
    EXPECT_EQ(rec.at(t, 1), v5[t]) << "frame " << t;
  }
  // -0.145 mV and -0.065 mV, as rdsamp -p prints them.
  EXPECT_NEAR(rec.toPhysical(rec.at(0, 0), 0), -0.145, 1e-12);
  EXPECT_NEAR(rec.toPhysical(rec.at(0, 1), 1), -0.065, 1e-12);
  // Decoded by hand: bytes b1 33 ca at offset 3000, 00 43 00 at 1949997.
  EXPECT_EQ(rec.at(1000, 0), 945);
  EXPECT_EQ(rec.at(1000, 1), 970);
  EXPECT_EQ(rec.at(649999, 0), 768);
  EXPECT_EQ(rec.at(649999, 1), 1024);
  // The whole file against the header's checksums and initial values.
  for (int s = 0; s < 2; ++s) {
    EXPECT_EQ(wfdb::checksum16(rec.samples.data() + s, 650000, 2),
              rec.header.signals[s].checksum);
    EXPECT_EQ(rec.signal(s).at(0), rec.header.signals[s].initialValue);
  }
}

TEST(WfdbSignals, Decode212OddCountAndNegatives) {
  // Samples 0x7FF (2047), -1 (0xFFF), -2048 (0x800): pairs packed by hand.
  // pair (2047, -1): b0 = 0xFF, b1 = 0xF7, b2 = 0xFF
  // single -2048:    b0 = 0x00, b1 = 0x08
  const unsigned char bytes[] = {0xFF, 0xF7, 0xFF, 0x00, 0x08};
  int16_t out[3] = {0, 0, 0};
  ASSERT_TRUE(wfdb::decode212(bytes, sizeof bytes, 3, out));
  EXPECT_EQ(out[0], 2047);
  EXPECT_EQ(out[1], -1);
  EXPECT_EQ(out[2], wfdb::kInvalidSample212);
  EXPECT_FALSE(wfdb::decode212(bytes, 4, 3, out)); // 5 bytes needed
}

TEST(WfdbAnnotations, Record100) {
  auto r = wfdb::readAnnotations(kMitdb, "100");
  ASSERT_TRUE(r.ok()) << r.error;
  const std::vector<wfdb::Annotation> &anns = r.value;
  EXPECT_EQ(anns.size(), 2274u);
  std::map<std::string, int> counts;
  int beats = 0;
  for (const wfdb::Annotation &a : anns) {
    counts[a.symbol()]++;
    beats += wfdb::isBeat(a.code);
  }
  EXPECT_EQ(beats, 2273);
  EXPECT_EQ(counts["N"], 2239);
  EXPECT_EQ(counts["A"], 33);
  EXPECT_EQ(counts["V"], 1);
  EXPECT_EQ(counts["+"], 1);
  EXPECT_EQ(counts.size(), 4u);
  // The first annotation is the rhythm label, then the first beat.
  EXPECT_EQ(anns[0].sample, 18);
  EXPECT_STREQ(anns[0].symbol(), "+");
  EXPECT_EQ(anns[0].aux, "(N");
  EXPECT_EQ(anns[1].sample, 77);
  EXPECT_EQ(anns[1].code, wfdb::NORMAL);
  EXPECT_EQ(anns.back().sample, 649991);
  // Times never decrease.
  for (size_t i = 1; i < anns.size(); ++i)
    ASSERT_LE(anns[i - 1].sample, anns[i].sample);
}

TEST(WfdbAnnotations, AllRecordsBeatTotal) {
  // mitdb's README: 109,494 beat labels in the 48 records.
  const int records[] = {100, 101, 102, 103, 104, 105, 106, 107, 108, 109,
                         111, 112, 113, 114, 115, 116, 117, 118, 119, 121,
                         122, 123, 124, 200, 201, 202, 203, 205, 207, 208,
                         209, 210, 212, 213, 214, 215, 217, 219, 220, 221,
                         222, 223, 228, 230, 231, 232, 233, 234};
  long beats = 0;
  for (int rec : records) {
    auto r = wfdb::readAnnotations(kMitdb, std::to_string(rec));
    ASSERT_TRUE(r.ok()) << r.error;
    for (const auto &a : r.value)
      beats += wfdb::isBeat(a.code);
  }
  EXPECT_EQ(beats, 109494);
}

TEST(WfdbAnnotations, PseudoCodes) {
  // N at t=5; SKIP +100000; V at +3; CHN 2; NUM -1; SUB 7; AUX "(AB"; N +1.
  std::vector<unsigned char> f;
  auto w = [&](unsigned a, unsigned i) {
    unsigned v = (a << 10) | (i & 0x3FF);
    f.push_back(v & 0xFF);
    f.push_back(v >> 8);
  };
  w(wfdb::NORMAL, 5);
  w(wfdb::SKIP, 0);
  // 100000 = 0x000186A0, high 16-bit word first, each word little-endian.
  f.push_back(0x01); f.push_back(0x00);
  f.push_back(0xA0); f.push_back(0x86);
  w(wfdb::PVC, 3);
  w(wfdb::CHN, 2);
  w(wfdb::NUM, 0x3FF); // -1
  w(wfdb::SUB, 7);
  w(wfdb::AUX, 3);
  f.push_back('('); f.push_back('A'); f.push_back('B'); f.push_back(0);
  w(wfdb::NORMAL, 1);
  w(0, 0);
  auto r = wfdb::parseAnnotations(f.data(), f.size());
  ASSERT_TRUE(r.ok()) << r.error;
  ASSERT_EQ(r.value.size(), 3u);
  EXPECT_EQ(r.value[0].sample, 5);
  EXPECT_EQ(r.value[1].sample, 5 + 100000 + 3);
  EXPECT_EQ(r.value[1].chan, 2);
  EXPECT_EQ(r.value[1].num, -1);
  EXPECT_EQ(r.value[1].subtype, 7);
  EXPECT_EQ(r.value[1].aux, "(AB");
  EXPECT_EQ(r.value[2].sample, 100009);
  EXPECT_EQ(r.value[2].chan, 2);  // carried over
  EXPECT_EQ(r.value[2].num, -1);  // carried over
  EXPECT_EQ(r.value[2].subtype, 0);
  EXPECT_EQ(r.value[2].aux, "");

  // Truncated inside AUX / SKIP, modifier first: errors, not crashes.
  std::vector<unsigned char> cut(f.begin(), f.begin() + 20);
  EXPECT_FALSE(wfdb::parseAnnotations(cut.data(), cut.size()).ok());
  std::vector<unsigned char> cut2(f.begin(), f.begin() + 5);
  EXPECT_FALSE(wfdb::parseAnnotations(cut2.data(), cut2.size()).ok());
  const unsigned char numFirst[] = {0x01, wfdb::NUM << 2};
  EXPECT_FALSE(wfdb::parseAnnotations(numFirst, 2).ok());
  const unsigned char badCode[] = {0x00, 50 << 2};
  EXPECT_FALSE(wfdb::parseAnnotations(badCode, 2).ok());
}

TEST(WfdbAnnotations, Symbols) {
  const char *syms[] = {"N", "L", "R", "A", "a", "J", "S", "V", "F", "e",
                        "j", "E", "/", "f", "Q", "!", "x", "(", ")", "p",
                        "t", "u", "^", "|", "~", "+", "s", "T", "*", "D",
                        "=", "\"", "@", "[", "]", "B", "r", "n", "?"};
  for (const char *s : syms) {
    int c = wfdb::symbolToCode(s);
    ASSERT_GT(c, 0) << s;
    EXPECT_STREQ(wfdb::codeToSymbol(c), s);
  }
  EXPECT_EQ(wfdb::symbolToCode("`"), wfdb::WFON);
  EXPECT_EQ(wfdb::symbolToCode("'"), wfdb::WFOFF);
  EXPECT_EQ(wfdb::symbolToCode("N"), wfdb::NORMAL);
  EXPECT_EQ(wfdb::symbolToCode("V"), wfdb::PVC);
  EXPECT_EQ(wfdb::symbolToCode("A"), wfdb::APC);
  EXPECT_EQ(wfdb::symbolToCode("/"), wfdb::PACE);
  EXPECT_EQ(wfdb::symbolToCode("zz"), -1);
  EXPECT_EQ(wfdb::symbolToCode(""), -1);
  EXPECT_STREQ(wfdb::codeToSymbol(99), "");
  EXPECT_TRUE(wfdb::isBeat(wfdb::NORMAL));
  EXPECT_FALSE(wfdb::isBeat(wfdb::RHYTHM));
  EXPECT_FALSE(wfdb::isBeat(wfdb::NOISE));
}

TEST(WfdbErrors, MissingFiles) {
  auto h = wfdb::readHeader(kMitdb + "/no_such_record.hea");
  EXPECT_FALSE(h.ok());
  EXPECT_NE(h.error.find("cannot open"), std::string::npos) << h.error;
  EXPECT_FALSE(wfdb::readRecord(kMitdb, "no_such_record").ok());
  EXPECT_FALSE(wfdb::readAnnotations(kMitdb, "no_such_record").ok());
  EXPECT_FALSE(wfdb::readRecord("/nonexistent/dir", "100").ok());
}

TEST(WfdbErrors, TruncatedSignalFile) {
  const std::string dir = ::testing::TempDir();
  writeTemp("trunc.hea", "trunc 2 360 650000\n"
                         "trunc.dat 212 200 11 1024 995 -22131 0 MLII\n"
                         "trunc.dat 212 200 11 1024 1011 20052 0 V5\n");
  std::string dat = readAll(kMitdb + "/100.dat");
  ASSERT_EQ(dat.size(), 1950000u);
  writeTemp("trunc.dat", dat.substr(0, dat.size() - 1));
  auto r = wfdb::readRecord(dir, "trunc");
  EXPECT_FALSE(r.ok());
  EXPECT_NE(r.error.find("truncated"), std::string::npos) << r.error;
  // The complete file under the same header reads fine.
  writeTemp("trunc.dat", dat);
  EXPECT_TRUE(wfdb::readRecord(dir, "trunc").ok());
}

TEST(WfdbErrors, BadHeaders) {
  const char *bad[] = {
      "",                                       // no record line
      "# only a comment\n",                     // no record line
      "rec\n",                                  // no signal count
      "rec x 360\n",                            // bad count
      "rec 2 360 650000\nrec.dat 212\n",        // too few signal lines
      "rec 1 abc\nrec.dat 212\n",               // bad frequency
      "rec 1 360 -5\nrec.dat 212\n",            // negative length
      "rec 1 360\nrec.dat twelve\n",            // bad format
      "rec 1 360\nrec.dat 212 gain\n",          // bad gain
      "rec 1 360\nrec.dat 212 200(10 11\n",     // unclosed baseline
      "rec 1 360\nrec.dat 212 200 11 zero\n",   // bad ADC zero
      "rec/2 1 360\nrec.dat 212\n",             // multi-segment
      "\x01\x02\xff binary\n",                  // garbage
  };
  for (const char *text : bad) {
    auto r = wfdb::parseHeader(text, std::strlen(text));
    EXPECT_FALSE(r.ok()) << "accepted: '" << text << "'";
  }
  const std::string dir = ::testing::TempDir();
  // Multi-sample frames: readRecord refuses instead of misreading.
  writeTemp("spf.hea", "spf 1 360 2\nspf.dat 212x2 200 11 0\n");
  writeTemp("spf.dat", std::string(6, '\0'));
  EXPECT_FALSE(wfdb::readRecord(dir, "spf").ok());
  // A byte offset skips a prolog: 2 bytes, then samples 5 and -1.
  writeTemp("off.hea", "off 1 360 2\noff.dat 212+2 200 11 0\n");
  writeTemp("off.dat", std::string("\x7f\x7f\x05\xf0\xff", 5));
  auto off = wfdb::readRecord(dir, "off");
  ASSERT_TRUE(off.ok()) << off.error;
  EXPECT_EQ(off.value.at(0, 0), 5);
  EXPECT_EQ(off.value.at(1, 0), -1);
  // A well-formed header with an unsupported format: readRecord refuses.
  writeTemp("fmt16.hea", "fmt16 1 360 10\nfmt16.dat 16 200 16 0\n");
  writeTemp("fmt16.dat", std::string(20, '\0'));
  auto r = wfdb::readRecord(dir, "fmt16");
  EXPECT_FALSE(r.ok());
  EXPECT_NE(r.error.find("format 16"), std::string::npos) << r.error;
}

TEST(EcgBeats, AamiAndSplits) {
  using ecg::AamiClass;
  auto cls = [](const char *s) { return ecg::aamiClassOf(wfdb::symbolToCode(s)); };
  for (const char *s : {"N", "L", "R", "e", "j"})
    EXPECT_EQ(cls(s), AamiClass::N) << s;
  for (const char *s : {"A", "a", "J", "S"})
    EXPECT_EQ(cls(s), AamiClass::S) << s;
  for (const char *s : {"V", "E"})
    EXPECT_EQ(cls(s), AamiClass::V) << s;
  EXPECT_EQ(cls("F"), AamiClass::F);
  for (const char *s : {"/", "f", "Q"})
    EXPECT_EQ(cls(s), AamiClass::Q) << s;
  for (const char *s : {"+", "~", "|", "x", "!", "\""})
    EXPECT_EQ(cls(s), AamiClass::None) << s;
  EXPECT_EQ(ecg::nlravClassOf(wfdb::APC), 3);
  EXPECT_EQ(ecg::nlravClassOf(wfdb::FUSION), -1);

  std::set<int> all;
  for (int r : ecg::kDS1) all.insert(r);
  for (int r : ecg::kDS2) all.insert(r);
  EXPECT_EQ(all.size(), 44u); // disjoint
  for (int r : ecg::kPacedRecords)
    EXPECT_EQ(all.count(r), 0u) << r;
}

TEST(EcgBeats, Record100Windows) {
  auto rec = wfdb::readRecord(kMitdb, "100");
  auto anns = wfdb::readAnnotations(kMitdb, "100");
  ASSERT_TRUE(rec.ok() && anns.ok());
  int sig = rec.value.header.findSignal(ecg::kLead);
  ASSERT_EQ(sig, 0);
  std::vector<ecg::Beat> beats = ecg::extractBeats(rec.value, anns.value, sig);
  // 2273 beats; the first (sample 77) and the last (649991) do not fit.
  ASSERT_EQ(beats.size(), 2271u);
  EXPECT_EQ(beats[0].sample, 370);
  EXPECT_EQ(beats[0].adc[ecg::kWindowBefore], rec.value.at(370, 0));
  EXPECT_EQ(beats[0].adc[ecg::kWindowBefore], 1212); // the R peak
  EXPECT_EQ(beats[0].adc[0], rec.value.at(280, 0));
  EXPECT_EQ(beats[0].adc[179], rec.value.at(459, 0));
  float x[ecg::kWindowLength];
  ecg::normalizeWindow(beats[0].adc.data(), ecg::kWindowLength, 200.0, x);
  double sum = 0;
  for (float v : x)
    sum += v;
  EXPECT_NEAR(sum, 0.0, 1e-4);
  EXPECT_GT(x[ecg::kWindowBefore], 0.8f); // R peak ~1 mV above the mean
}
