"""Minimal, dependency-light reader for the WFDB files of the MIT-BIH
Arrhythmia Database (numpy only).

It understands exactly what mitdb needs and says so clearly otherwise:

* ``NNN.hea`` header: the record line and one line per signal
  (file, format, gain, baseline, units, ADC resolution, ADC zero, initial
  value, checksum, block size, description); ``#`` comment lines are kept.
* signal files in WFDB format 212: two 12-bit two's-complement samples packed
  into three bytes, samples of all signals interleaved frame by frame.
* MIT-format annotation files (``.atr``): 16-bit little-endian words, the
  annotation type code in the top 6 bits and a time increment in the low 10
  bits, with the pseudo codes SKIP (59), NUM (60), SUB (61), CHN (62) and
  AUX (63).

This is an independent implementation of the same format knowledge as the
C++ header ``runtime/include/qrcnn/wfdb.h``; the lit test
``test/ecg/readers_agree.test`` compares the two.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import List, Optional

import numpy as np

# --- annotation codes (WFDB ecgcodes.h) ----------------------------------
#: mnemonic for each annotation code 0..49 ('' where the code is unused).
#: 39 and 40 are also known as PQ junction (`) and J point (').
ANN_SYMBOLS = [
    "", "N", "L", "R", "a", "V", "F", "J", "A", "S",          # 0-9
    "E", "j", "/", "Q", "~", "", "|", "", "s", "T",           # 10-19
    "*", "D", '"', "=", "p", "B", "^", "t", "+", "u",         # 20-29
    "?", "!", "[", "]", "e", "n", "@", "x", "f", "(",         # 30-39
    ")", "r", "", "", "", "", "", "", "", "",                 # 40-49
]
#: alternative mnemonics that map onto existing codes
ANN_ALIASES = {"`": 39, "'": 40}
#: annotation codes that denote a QRS complex (a beat), as WFDB's isqrs()
BEAT_CODES = frozenset([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 25, 30,
                        34, 35, 38, 41])

SKIP, NUM, SUB, CHN, AUX = 59, 60, 61, 62, 63
INVALID_212 = -2048  # format 212's "no sample" value


def symbol_to_code(sym: str) -> int:
    if sym in ANN_ALIASES:
        return ANN_ALIASES[sym]
    if sym and sym in ANN_SYMBOLS:
        return ANN_SYMBOLS.index(sym)
    raise ValueError(f"unknown annotation mnemonic {sym!r}")


class WfdbError(Exception):
    pass


@dataclass
class SignalInfo:
    file_name: str
    fmt: int
    gain: float          # ADC units per physical unit (200 means 200 adu/mV)
    baseline: int        # ADC value of 0 physical units
    units: str
    adc_resolution: int  # bits
    adc_zero: int
    initial_value: int
    checksum: int        # 16-bit sum of all samples, as signed
    block_size: int
    description: str
    samples_per_frame: int = 1  # "212x2" (unsupported when != 1)
    skew: int = 0               # "212:3" (unsupported when != 0)
    byte_offset: int = 0        # "212+512": bytes to skip at the file start


@dataclass
class Header:
    record_name: str
    num_signals: int
    sampling_frequency: float
    num_samples: int
    signals: List[SignalInfo] = field(default_factory=list)
    comments: List[str] = field(default_factory=list)


def parse_header(text: str) -> Header:
    lines = []
    comments = []
    for raw in text.splitlines():
        s = raw.strip()
        if not s:
            continue
        if s.startswith("#"):
            comments.append(s[1:].strip())
            continue
        lines.append(s)
    if not lines:
        raise WfdbError("header has no record line")
    rec = lines[0].split()
    if len(rec) < 2:
        raise WfdbError("record line needs at least a name and a signal count")
    name = rec[0].split("/")[0]
    if "/" in rec[0]:
        raise WfdbError("multi-segment records are not supported")
    try:
        nsig = int(rec[1])
        fs = float(rec[2].split("/")[0].split("(")[0]) if len(rec) > 2 else 250.0
        nsamp = int(rec[3]) if len(rec) > 3 else 0
    except ValueError as e:
        raise WfdbError(f"bad record line: {lines[0]!r}") from e
    if nsig < 0 or nsig > 1024 or fs <= 0 or nsamp < 0:
        raise WfdbError(f"bad record line: {lines[0]!r}")
    if len(lines) - 1 < nsig:
        raise WfdbError(f"header announces {nsig} signals but has {len(lines) - 1} signal lines")
    hdr = Header(name, nsig, fs, nsamp, comments=comments)
    for i in range(nsig):
        f = lines[1 + i].split()
        if len(f) < 2:
            raise WfdbError(f"signal line {i} needs a file name and a format")
        try:
            m = re.fullmatch(r"(\d+)(?:x(\d+))?(?::(\d+))?(?:\+(\d+))?", f[1])
            if not m:
                raise ValueError(f[1])
            fmt = int(m.group(1))
            spf, skew, offset = (int(g) if g else d for g, d in zip(m.group(2, 3, 4), (1, 0, 0)))
            gain, baseline, units = 200.0, None, "mV"
            if len(f) > 2:
                g = f[2]
                if "/" in g:
                    g, units = g.split("/", 1)
                if "(" in g:
                    g, b = g.split("(", 1)
                    baseline = int(b.rstrip(")"))
                gain = float(g)
                if gain == 0:
                    gain = 200.0  # WFDB's default for "uncalibrated"
            adcres = int(f[3]) if len(f) > 3 else 12
            adczero = int(f[4]) if len(f) > 4 else 0
            init = int(f[5]) if len(f) > 5 else 0
            cks = int(f[6]) if len(f) > 6 else 0
            bsize = int(f[7]) if len(f) > 7 else 0
            desc = " ".join(f[8:]) if len(f) > 8 else ""
        except ValueError as e:
            raise WfdbError(f"bad signal line {i}: {lines[1 + i]!r}") from e
        if baseline is None:
            baseline = adczero
        hdr.signals.append(SignalInfo(f[0], fmt, gain, baseline, units, adcres,
                                      adczero, init, cks, bsize, desc, spf, skew, offset))
    return hdr


def read_header(path: str) -> Header:
    try:
        with open(path, "r", encoding="ascii", errors="replace") as fh:
            return parse_header(fh.read())
    except OSError as e:
        raise WfdbError(f"cannot read {path}: {e.strerror}") from e


def decode_212(data: bytes, nsig: int, nframes: int) -> np.ndarray:
    """Decode format-212 bytes into an int16 array of shape (nframes, nsig).

    Samples are taken as one stream (frame by frame, signal by signal); each
    consecutive pair (s0, s1) occupies three bytes b0 b1 b2:
    s0 = b0 | (b1 & 0x0F) << 8,  s1 = b2 | (b1 & 0xF0) << 4, both 12-bit
    two's complement.
    """
    total = nframes * nsig
    need = (total * 3 + 1) // 2
    if len(data) < need:
        raise WfdbError(f"signal file too short: {len(data)} bytes, need {need}")
    b = np.frombuffer(data, dtype=np.uint8, count=need)
    npairs = (total + 1) // 2
    if len(b) < npairs * 3:
        b = np.concatenate([b, np.zeros(npairs * 3 - len(b), np.uint8)])
    b = b[: npairs * 3].reshape(npairs, 3).astype(np.int32)
    s0 = b[:, 0] | ((b[:, 1] & 0x0F) << 8)
    s1 = b[:, 2] | ((b[:, 1] & 0xF0) << 4)
    out = np.empty(npairs * 2, np.int32)
    out[0::2] = s0
    out[1::2] = s1
    out = np.where(out >= 2048, out - 4096, out)[:total]
    return out.astype(np.int16).reshape(nframes, nsig)


@dataclass
class Record:
    header: Header
    samples: np.ndarray  # int16 (num_samples, num_signals), raw ADC units

    def signal_index(self, description: str) -> Optional[int]:
        for i, s in enumerate(self.header.signals):
            if s.description == description:
                return i
        return None


def read_record(directory: str, name: str) -> Record:
    hdr = read_header(os.path.join(directory, name + ".hea"))
    files = {s.file_name for s in hdr.signals}
    if len(files) != 1:
        raise WfdbError("only records with all signals in one file are supported")
    if any(s.fmt != 212 for s in hdr.signals):
        raise WfdbError("only signal format 212 is supported")
    if any(s.samples_per_frame != 1 or s.skew != 0 or s.byte_offset != hdr.signals[0].byte_offset
           for s in hdr.signals):
        raise WfdbError("multi-sample frames, skew and per-signal byte offsets are not supported")
    path = os.path.join(directory, hdr.signals[0].file_name)
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as e:
        raise WfdbError(f"cannot read {path}: {e.strerror}") from e
    offset = hdr.signals[0].byte_offset
    if offset > len(data):
        raise WfdbError(f"{path}: file is shorter than its byte offset")
    data = data[offset:]
    nframes = hdr.num_samples
    if nframes == 0:  # length not given: as many complete frames as present
        nframes = (len(data) * 2 // 3) // max(hdr.num_signals, 1)
    return Record(hdr, decode_212(data, hdr.num_signals, nframes))


@dataclass
class Annotations:
    sample: np.ndarray   # int64 sample index of each annotation
    code: np.ndarray     # int16 annotation type code (1..49)
    subtype: np.ndarray  # int8
    chan: np.ndarray     # uint8
    num: np.ndarray      # int8
    aux: List[str]

    @property
    def symbols(self) -> List[str]:
        return [ANN_SYMBOLS[c] for c in self.code]


def parse_annotations(data: bytes) -> Annotations:
    """Decode an MIT-format annotation file.

    A pseudo word SKIP carries a 32-bit time increment (PDP-11 order: high
    16-bit word first, each word little-endian) that is added to the time of
    the next annotation. NUM, SUB, CHN and AUX modify the annotation that
    precedes them; SUB and AUX default to 0/"" for each annotation, while
    CHN and NUM keep the value of the previous annotation (as in WFDB).
    """
    n = len(data)
    pos, t = 0, 0
    sample, code, sub, chan, num, aux = [], [], [], [], [], []
    cur_chan, cur_num = 0, 0
    while True:
        if pos + 2 > n:
            break  # files normally end with a 0 word; tolerate its absence
        w = data[pos] | (data[pos + 1] << 8)
        pos += 2
        a, i = w >> 10, w & 0x3FF
        if a == 0 and i == 0:
            break
        if a == SKIP:
            if pos + 4 > n:
                raise WfdbError("annotation file truncated inside SKIP")
            hi = data[pos] | (data[pos + 1] << 8)
            lo = data[pos + 2] | (data[pos + 3] << 8)
            pos += 4
            v = (hi << 16) | lo
            if v >= 1 << 31:
                v -= 1 << 32
            t += v
        elif a == NUM:
            if not code:
                raise WfdbError("NUM before the first annotation")
            v = i if i < 512 else i - 1024
            num[-1] = cur_num = v
        elif a == SUB:
            if not code:
                raise WfdbError("SUB before the first annotation")
            sub[-1] = i if i < 512 else i - 1024
        elif a == CHN:
            if not code:
                raise WfdbError("CHN before the first annotation")
            chan[-1] = cur_chan = i
        elif a == AUX:
            if not code:
                raise WfdbError("AUX before the first annotation")
            if pos + i > n:
                raise WfdbError("annotation file truncated inside AUX")
            aux[-1] = data[pos:pos + i].split(b"\0")[0].decode("latin-1")
            pos += i + (i & 1)
        else:
            if a > 49:
                raise WfdbError(f"invalid annotation code {a} at byte {pos - 2}")
            t += i
            sample.append(t)
            code.append(a)
            sub.append(0)
            chan.append(cur_chan)
            num.append(cur_num)
            aux.append("")
    return Annotations(np.array(sample, np.int64), np.array(code, np.int16),
                       np.array(sub, np.int8), np.array(chan, np.uint8),
                       np.array(num, np.int8), aux)


def read_annotations(directory: str, name: str, ext: str = "atr") -> Annotations:
    path = os.path.join(directory, f"{name}.{ext}")
    try:
        with open(path, "rb") as fh:
            return parse_annotations(fh.read())
    except OSError as e:
        raise WfdbError(f"cannot read {path}: {e.strerror}") from e


def checksum16(x: np.ndarray) -> int:
    """WFDB checksum: the sum of all samples of a signal, as a signed 16-bit value."""
    s = int(np.sum(x.astype(np.int64))) & 0xFFFF
    return s - 0x10000 if s >= 0x8000 else s
