//===- HlsStreamTest.cpp - qrcnn's hls::stream<T> stand-in ----------------===//
//
// Always exercises the stand-in (QRCNN_FORCE_HLS_STANDINS), even on a
// machine with Xilinx's headers.
//
//===----------------------------------------------------------------------===//

#define QRCNN_FORCE_HLS_STANDINS 1
#include "qrcnn/hls/ap_int.h"
#include "qrcnn/hls/hls_stream.h"

#include <gtest/gtest.h>

#include <string>
#include <type_traits>

static_assert(QRCNN_HLS_STREAM_IS_STANDIN == 1, "the forced stand-in must be selected");
static_assert(QRCNN_HLS_STREAM_STANDIN == 1, "stand-in marker");
static_assert(!std::is_copy_constructible<hls::stream<int>>::value, "streams are not copyable");
static_assert(!std::is_copy_assignable<hls::stream<int>>::value, "streams are not copyable");

namespace {

TEST(HlsStreamStandin, FifoOrderSizeEmptyFull) {
  hls::stream<int> s("fifo");
  EXPECT_TRUE(s.empty());
  EXPECT_EQ(s.size(), 0u);
  EXPECT_FALSE(s.full());
  for (int i = 0; i < 1000; ++i)
    s.write(i * 3);
  EXPECT_FALSE(s.empty());
  EXPECT_FALSE(s.full()); // never full: unbounded
  EXPECT_EQ(s.size(), 1000u);
  for (int i = 0; i < 1000; ++i)
    ASSERT_EQ(s.read(), i * 3);
  EXPECT_TRUE(s.empty());
  EXPECT_EQ(s.name(), "fifo");
}

TEST(HlsStreamStandin, OperatorsAndReadForms) {
  hls::stream<ap_uint<4>> s;
  s << ap_uint<4>(3);
  s << 17; // converted to ap_uint<4> (wraps to 1) on the way in
  s.write(ap_uint<4>(9));
  EXPECT_TRUE(s.write_nb(ap_uint<4>(5)));
  ap_uint<4> v;
  s >> v;
  EXPECT_EQ(v.to_int(), 3);
  s.read(v);
  EXPECT_EQ(v.to_int(), 1);
  EXPECT_TRUE(s.read_nb(v));
  EXPECT_EQ(v.to_int(), 9);
  EXPECT_EQ(s.read().to_int(), 5);
  v = 7;
  EXPECT_FALSE(s.read_nb(v)); // empty: false and the default value
  EXPECT_EQ(v.to_int(), 0);
}

TEST(HlsStreamStandin, DepthParameterAccepted) {
  hls::stream<ap_int<12>, 4> s("deep");
  for (int i = 0; i < 10; ++i) // DEPTH does not bound the C model
    s.write(ap_int<12>(-i));
  EXPECT_EQ(s.size(), 10u);
  for (int i = 0; i < 10; ++i)
    EXPECT_EQ(s.read().to_int(), -i);
}

TEST(HlsStreamStandin, ReadWhileEmptyWarnsAndReturnsDefault) {
  hls::stream<int> s("starved");
  testing::internal::CaptureStderr();
  const int v = s.read();
  const std::string err = testing::internal::GetCapturedStderr();
  EXPECT_EQ(v, 0);
  EXPECT_NE(err.find("'starved' is read while empty"), std::string::npos) << err;
}

TEST(HlsStreamStandin, LeftoverDataWarnsOnDestruction) {
  testing::internal::CaptureStderr();
  {
    hls::stream<int> s("leftover");
    s.write(1);
    s.write(2);
  }
  const std::string err = testing::internal::GetCapturedStderr();
  EXPECT_NE(err.find("'leftover' contains leftover data (2 element(s))"), std::string::npos)
      << err;

  testing::internal::CaptureStderr();
  {
    hls::stream<int> s("drained");
    s.write(1);
    (void)s.read();
  }
  EXPECT_EQ(testing::internal::GetCapturedStderr(), "");
}

TEST(HlsStreamStandin, DefaultNamesAreDistinct) {
  hls::stream<int> a, b;
  EXPECT_NE(a.name(), b.name());
}

} // namespace
