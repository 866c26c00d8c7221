//===- qrcnn/hls/ap_int.h - Xilinx ap_int.h, or qrcnn's stand-in ----------===//
//
// The header generated HLS code includes for ap_int<W> / ap_uint<W>.
//
// Selection, in this order:
//  1. QRCNN_FORCE_AP_INT_STANDIN (or QRCNN_FORCE_HLS_STANDINS) defined:
//     qrcnn's stand-in (ap_int_standin.h), even when Vitis is installed.
//  2. QRCNN_USE_VENDOR_AP_INT defined: Xilinx's <ap_int.h>; an #error if
//     none is on the include path. (Defining both 1 and 2 is an error.)
//  3. Otherwise: Xilinx's <ap_int.h> if the include path has one, else the
//     stand-in.
// Afterwards QRCNN_AP_INT_IS_STANDIN is 1 (stand-in) or 0 (vendor).
//
// Self-reference: code may include this file as "qrcnn/hls/ap_int.h"
// (-I <runtime/include>) or as <ap_int.h> with runtime/include/qrcnn/hls on
// the include path; in the second case `#include <ap_int.h>` from here can
// resolve to this very file. That is detected: the file is re-entered with
// QRCNN_AP_INT_PROBING_ defined and then continues the search *after* its own
// directory with #include_next, so a vendor header later on the path is
// still found, and "found only ourselves" counts as "no vendor header".
// (Hence no #pragma once and no plain include guard around that branch.)
//
// The stand-in is for C simulation only (it #errors under __SYNTHESIS__);
// it provides no ap_fixed. See ap_int_standin.h for what it supports.
//
//===----------------------------------------------------------------------===//

#if defined(QRCNN_AP_INT_PROBING_)
// Re-entered via `#include <ap_int.h>` below: look further along the path.
#if defined(__has_include_next)
#if __has_include_next(<ap_int.h>)
#include_next <ap_int.h>
#else
#define QRCNN_AP_INT_NO_VENDOR_ 1
#endif
#else
#define QRCNN_AP_INT_NO_VENDOR_ 1
#endif

#elif !defined(QRCNN_HLS_AP_INT_H)
#define QRCNN_HLS_AP_INT_H

#if defined(QRCNN_FORCE_HLS_STANDINS) && !defined(QRCNN_FORCE_AP_INT_STANDIN)
#define QRCNN_FORCE_AP_INT_STANDIN 1
#endif
#if defined(QRCNN_FORCE_AP_INT_STANDIN) && defined(QRCNN_USE_VENDOR_AP_INT)
#error "qrcnn/hls/ap_int.h: QRCNN_FORCE_AP_INT_STANDIN and QRCNN_USE_VENDOR_AP_INT are both defined"
#endif

#if !defined(QRCNN_FORCE_AP_INT_STANDIN)
#if defined(__has_include)
#if __has_include(<ap_int.h>)
#define QRCNN_AP_INT_TRY_VENDOR_ 1
#endif
#endif
#if defined(QRCNN_USE_VENDOR_AP_INT) && !defined(QRCNN_AP_INT_TRY_VENDOR_)
#error "qrcnn/hls/ap_int.h: QRCNN_USE_VENDOR_AP_INT is defined but no <ap_int.h> is on the include path (add Vitis' include directory)"
#endif
#endif

#if defined(QRCNN_AP_INT_TRY_VENDOR_)
#undef QRCNN_AP_INT_TRY_VENDOR_
#define QRCNN_AP_INT_PROBING_ 1
#include <ap_int.h>
#undef QRCNN_AP_INT_PROBING_
#if defined(QRCNN_AP_INT_NO_VENDOR_)
// The only <ap_int.h> on the path was this file.
#undef QRCNN_AP_INT_NO_VENDOR_
#if defined(QRCNN_USE_VENDOR_AP_INT)
#error "qrcnn/hls/ap_int.h: QRCNN_USE_VENDOR_AP_INT is defined but the only <ap_int.h> on the include path is qrcnn's own selector"
#endif
#define QRCNN_AP_INT_IS_STANDIN 1
#else
#define QRCNN_AP_INT_IS_STANDIN 0
#endif
#else
#define QRCNN_AP_INT_IS_STANDIN 1
#endif

#if QRCNN_AP_INT_IS_STANDIN
#include "ap_int_standin.h"
#endif

#endif // QRCNN_HLS_AP_INT_H
