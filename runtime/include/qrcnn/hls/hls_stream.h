//===- qrcnn/hls/hls_stream.h - Xilinx hls_stream.h, or qrcnn's stand-in -===//
//
// The header generated HLS code includes for hls::stream<T>.
//
// Selection, in this order:
//  1. QRCNN_FORCE_HLS_STREAM_STANDIN (or QRCNN_FORCE_HLS_STANDINS) defined:
//     qrcnn's stand-in (hls_stream_standin.h), even when Vitis is installed.
//  2. QRCNN_USE_VENDOR_HLS_STREAM defined: Xilinx's <hls_stream.h>; an #error if
//     none is on the include path. (Defining both 1 and 2 is an error.)
//  3. Otherwise: Xilinx's <hls_stream.h> if the include path has one, else the
//     stand-in.
// Afterwards QRCNN_HLS_STREAM_IS_STANDIN is 1 (stand-in) or 0 (vendor).
//
// Self-reference: code may include this file as "qrcnn/hls/hls_stream.h"
// (-I <runtime/include>) or as <hls_stream.h> with runtime/include/qrcnn/hls on
// the include path; in the second case `#include <hls_stream.h>` from here can
// resolve to this very file. That is detected: the file is re-entered with
// QRCNN_HLS_STREAM_PROBING_ defined and then continues the search *after* its own
// directory with #include_next, so a vendor header later on the path is
// still found, and "found only ourselves" counts as "no vendor header".
// (Hence no #pragma once and no plain include guard around that branch.)
//
// The stand-in is for C simulation only (it #errors under __SYNTHESIS__).
// See hls_stream_standin.h for what it supports. The two selectors are
// independent; QRCNN_FORCE_HLS_STANDINS forces both stand-ins.
//
//===----------------------------------------------------------------------===//

#if defined(QRCNN_HLS_STREAM_PROBING_)
// Re-entered via `#include <hls_stream.h>` below: look further along the path.
#if defined(__has_include_next)
#if __has_include_next(<hls_stream.h>)
#include_next <hls_stream.h>
#else
#define QRCNN_HLS_STREAM_NO_VENDOR_ 1
#endif
#else
#define QRCNN_HLS_STREAM_NO_VENDOR_ 1
#endif

#elif !defined(QRCNN_HLS_HLS_STREAM_H)
#define QRCNN_HLS_HLS_STREAM_H

#if defined(QRCNN_FORCE_HLS_STANDINS) && !defined(QRCNN_FORCE_HLS_STREAM_STANDIN)
#define QRCNN_FORCE_HLS_STREAM_STANDIN 1
#endif
#if defined(QRCNN_FORCE_HLS_STREAM_STANDIN) && defined(QRCNN_USE_VENDOR_HLS_STREAM)
#error "qrcnn/hls/hls_stream.h: QRCNN_FORCE_HLS_STREAM_STANDIN and QRCNN_USE_VENDOR_HLS_STREAM are both defined"
#endif

#if !defined(QRCNN_FORCE_HLS_STREAM_STANDIN)
#if defined(__has_include)
#if __has_include(<hls_stream.h>)
#define QRCNN_HLS_STREAM_TRY_VENDOR_ 1
#endif
#endif
#if defined(QRCNN_USE_VENDOR_HLS_STREAM) && !defined(QRCNN_HLS_STREAM_TRY_VENDOR_)
#error "qrcnn/hls/hls_stream.h: QRCNN_USE_VENDOR_HLS_STREAM is defined but no <hls_stream.h> is on the include path (add Vitis' include directory)"
#endif
#endif

#if defined(QRCNN_HLS_STREAM_TRY_VENDOR_)
#undef QRCNN_HLS_STREAM_TRY_VENDOR_
#define QRCNN_HLS_STREAM_PROBING_ 1
#include <hls_stream.h>
#undef QRCNN_HLS_STREAM_PROBING_
#if defined(QRCNN_HLS_STREAM_NO_VENDOR_)
// The only <hls_stream.h> on the path was this file.
#undef QRCNN_HLS_STREAM_NO_VENDOR_
#if defined(QRCNN_USE_VENDOR_HLS_STREAM)
#error "qrcnn/hls/hls_stream.h: QRCNN_USE_VENDOR_HLS_STREAM is defined but the only <hls_stream.h> on the include path is qrcnn's own selector"
#endif
#define QRCNN_HLS_STREAM_IS_STANDIN 1
#else
#define QRCNN_HLS_STREAM_IS_STANDIN 0
#endif
#else
#define QRCNN_HLS_STREAM_IS_STANDIN 1
#endif

#if QRCNN_HLS_STREAM_IS_STANDIN
#include "hls_stream_standin.h"
#endif

#endif // QRCNN_HLS_HLS_STREAM_H
