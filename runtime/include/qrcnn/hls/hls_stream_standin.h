//===- qrcnn/hls/hls_stream_standin.h - hls::stream<T> for C simulation ---===//
//
// A minimal stand-in for Xilinx's hls::stream<T> so that generated HLS code
// and its testbench run in C simulation without the vendor headers. Normally
// reached through "qrcnn/hls/hls_stream.h", which prefers the vendor header.
//
// It models the C-simulation behaviour only: an unbounded FIFO backed by
// std::deque, executed sequentially on the host.
//  * write(v), operator<<(v), write_nb(v) (always succeeds); full() is
//    always false; DEPTH (as in Vitis' hls::stream<T, DEPTH>) is accepted
//    and ignored.
//  * read(), read(v), operator>>(v), read_nb(v) (false and v = T() when
//    empty);
//    empty(), size().
//  * A blocking read of an empty stream prints a warning to stderr and
//    returns T() (what Vitis' C-simulation model does; in RTL it would hang).
//  * A stream destroyed with unread data prints a warning to stderr.
//  * Not copyable. Not thread safe (no HLS_STREAM_THREAD_SAFE mode).
//
//===----------------------------------------------------------------------===//

#ifndef QRCNN_HLS_STREAM_STANDIN_H
#define QRCNN_HLS_STREAM_STANDIN_H

#if defined(__SYNTHESIS__)
#error "qrcnn's hls::stream stand-in is for C simulation only; synthesis must use Xilinx's hls_stream.h"
#endif

#include <cstddef>
#include <deque>
#include <iostream>
#include <string>
#include <utility>

/// Set when the stand-in (not the vendor header) provides hls::stream.
#define QRCNN_HLS_STREAM_STANDIN 1

namespace hls {

template <typename T, int DEPTH = 0> class stream {
public:
  stream() : name_("hls::stream." + std::to_string(next_id())) {}
  stream(const char *name) : name_(name) {}
  stream(const std::string &name) : name_(name) {}
  stream(const stream &) = delete;
  stream &operator=(const stream &) = delete;

  ~stream() {
    if (!data_.empty())
      std::cerr << "WARNING: Hls::stream '" << name_ << "' contains leftover data ("
                << data_.size() << " element(s)), which may result in RTL simulation hanging."
                << std::endl;
  }

  bool empty() const { return data_.empty(); }
  bool full() const { return false; }
  std::size_t size() const { return data_.size(); }
  const std::string &name() const { return name_; }

  void write(const T &v) { data_.push_back(v); }
  bool write_nb(const T &v) {
    write(v);
    return true;
  }
  void operator<<(const T &v) { write(v); }

  T read() {
    if (data_.empty()) {
      std::cerr << "WARNING: Hls::stream '" << name_
                << "' is read while empty, which may result in RTL simulation hanging."
                << std::endl;
      return T();
    }
    T v = std::move(data_.front());
    data_.pop_front();
    return v;
  }
  void read(T &v) { v = read(); }
  bool read_nb(T &v) {
    if (data_.empty()) {
      v = T();
      return false;
    }
    v = read();
    return true;
  }
  void operator>>(T &v) { v = read(); }

private:
  static unsigned next_id() {
    static unsigned counter = 0;
    return ++counter;
  }
  std::string name_;
  std::deque<T> data_;
};

} // namespace hls

#endif // QRCNN_HLS_STREAM_STANDIN_H
