"""Heartbeat windows and labels; mirrors runtime/include/qrcnn/ecg_beats.h.

Window: 180 samples (0.5 s at 360 Hz) of lead MLII, samples r-90 .. r+89
around each annotated R peak r; beats whose window does not fit are skipped.
Normalisation: x = float32((adc - sum/180.0) / gain), computed in float64 in
exactly that order (bit-identical to the C++ front end).
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence

import numpy as np

from .wfdb import BEAT_CODES, read_annotations, read_record, symbol_to_code

WINDOW = 180
BEFORE = 90
AFTER = WINDOW - BEFORE
LEAD = "MLII"

AAMI_CLASSES = ["N", "S", "V", "F", "Q"]
AAMI_MAP = {s: c for c, syms in enumerate(
    [["N", "L", "R", "e", "j"], ["A", "a", "J", "S"], ["V", "E"], ["F"],
     ["/", "f", "Q"]]) for s in syms}
NLRAV_CLASSES = ["N", "L", "R", "A", "V"]

PACED = [102, 104, 107, 217]
DS1 = [101, 106, 108, 109, 112, 114, 115, 116, 118, 119, 122, 124, 201, 203,
       205, 207, 208, 209, 215, 220, 223, 230]
DS2 = [100, 103, 105, 111, 113, 117, 121, 123, 200, 202, 210, 212, 213, 214,
       219, 221, 222, 228, 231, 232, 233, 234]

#: annotation code -> AAMI class index (or absent)
AAMI_BY_CODE = {symbol_to_code(s): c for s, c in AAMI_MAP.items()}
NLRAV_BY_CODE = {symbol_to_code(s): c for c, s in enumerate(NLRAV_CLASSES)}


def default_mitdb_dir() -> str:
    """../shared/data/mitdb relative to the repository root."""
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.abspath(os.path.join(here, "..", "..", ".."))
    return os.path.join(root, "..", "shared", "data", "mitdb")


def all_records(directory: str) -> List[str]:
    with open(os.path.join(directory, "RECORDS")) as fh:
        return fh.read().split()


def normalize(adc: np.ndarray, gain: float) -> np.ndarray:
    """Mean-removed window(s) in mV (last axis = time), float32."""
    adc = np.asarray(adc, dtype=np.float64)
    s = np.sum(np.asarray(adc, dtype=np.int64), axis=-1, keepdims=True)
    return ((adc - s / float(adc.shape[-1])) / gain).astype(np.float32)


@dataclass
class BeatSet:
    adc: np.ndarray       # int16 (n, WINDOW) raw ADC
    x: np.ndarray         # float32 (n, WINDOW) normalised model input (mV)
    code: np.ndarray      # int16 annotation code
    record: np.ndarray    # int16 record number
    sample: np.ndarray    # int64 R-peak sample

    def __len__(self):
        return len(self.code)

    def subset(self, idx) -> "BeatSet":
        return BeatSet(self.adc[idx], self.x[idx], self.code[idx],
                       self.record[idx], self.sample[idx])


def extract_record(directory: str, name: str) -> Optional[BeatSet]:
    """All beat windows of lead MLII of one record (None without MLII)."""
    rec = read_record(directory, name)
    sig = rec.signal_index(LEAD)
    if sig is None:
        return None
    ann = read_annotations(directory, name)
    x = rec.samples[:, sig]
    n = len(x)
    keep = np.array([c in BEAT_CODES for c in ann.code], bool)
    keep &= (ann.sample - BEFORE >= 0) & (ann.sample + AFTER <= n)
    r = ann.sample[keep]
    idx = r[:, None] + np.arange(-BEFORE, AFTER)[None, :]
    adc = x[idx].astype(np.int16)
    gain = rec.header.signals[sig].gain
    return BeatSet(adc, normalize(adc, gain), ann.code[keep].astype(np.int16),
                   np.full(len(r), int(name), np.int16), r.astype(np.int64))


def concat(sets: Sequence[BeatSet]) -> BeatSet:
    return BeatSet(*(np.concatenate([getattr(s, f) for s in sets])
                     for f in ("adc", "x", "code", "record", "sample")))


def load_beats(directory: str, records: Optional[Sequence] = None) -> BeatSet:
    names = [str(r) for r in (records or all_records(directory))]
    sets = [b for b in (extract_record(directory, n) for n in names) if b is not None]
    return concat(sets)


def aami_labels(code: np.ndarray) -> np.ndarray:
    """AAMI class index 0..4 per beat, -1 for beats outside the mapping."""
    return np.array([AAMI_BY_CODE.get(int(c), -1) for c in code], np.int64)


def nlrav_labels(code: np.ndarray) -> np.ndarray:
    return np.array([NLRAV_BY_CODE.get(int(c), -1) for c in code], np.int64)
