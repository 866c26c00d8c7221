#!/usr/bin/python3
"""Print a WFDB record summary with the Python reader (qrcnn_ecg.wfdb).

Usage: dump_record.py MITDB_DIR RECORD [NSAMPLES]

Same output, byte for byte, as examples/ecg/tools/dump_record.cpp (the C++
reader); test/ecg/readers_agree.test diffs the two.
"""
import os
import sys
from collections import Counter

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from qrcnn_ecg import beats as B  # noqa: E402
from qrcnn_ecg.wfdb import (BEAT_CODES, WfdbError, checksum16,  # noqa: E402
                            read_annotations, read_record)


def main(argv):
    if len(argv) < 3:
        sys.stderr.write(f"usage: {argv[0]} MITDB_DIR RECORD [NSAMPLES]\n")
        return 2
    d, name = argv[1], argv[2]
    nshow = int(argv[3]) if len(argv) > 3 else 20
    try:
        rec = read_record(d, name)
        ann = read_annotations(d, name)
    except WfdbError as e:
        sys.stderr.write(f"error: {e}\n")
        return 1
    h = rec.header
    print(f"record {h.record_name}")
    print(f"signals {h.num_signals}")
    print(f"frequency {h.sampling_frequency:g}")
    print(f"samples {h.num_samples}")
    for i, s in enumerate(h.signals):
        print(f"signal {i} file {s.file_name} format {s.fmt} gain {s.gain:g} "
              f"baseline {s.baseline} units {s.units} adcres {s.adc_resolution} "
              f"adczero {s.adc_zero} init {s.initial_value} checksum {s.checksum} "
              f"blocksize {s.block_size} desc {s.description}")
    print(f"frames {rec.samples.shape[0]}")
    for i in range(h.num_signals):
        print(f"computed_checksum {i} {checksum16(rec.samples[:, i])}")
    for t in range(min(nshow, rec.samples.shape[0])):
        print(f"frame {t} " + " ".join(str(int(v)) for v in rec.samples[t]))
    syms = ann.symbols
    print(f"annotations {len(syms)}")
    print(f"beats {sum(int(c) in BEAT_CODES for c in ann.code)}")
    for sym, n in sorted(Counter(syms).items()):
        print(f"count {sym} {n}")
    if len(syms):
        print(f"first_annotation {ann.sample[0]} {syms[0]} aux '{ann.aux[0]}'")
    bs = B.extract_record(d, name)
    if bs is None:
        print(f"windows none (no {B.LEAD})")
        return 0
    print(f"windows {len(bs)} length {B.WINDOW} before {B.BEFORE} "
          f"adc_sum {int(bs.adc.astype(np.int64).sum())}")
    aami = np.bincount(B.aami_labels(bs.code)[B.aami_labels(bs.code) >= 0], minlength=5)
    print("aami " + " ".join(f"{c} {n}" for c, n in zip(B.AAMI_CLASSES, aami)))
    if len(bs):
        x = bs.x[0]
        print(f"first_window r {bs.sample[0]} x[86..94] " +
              " ".join("%.9g" % float(v) for v in x[86:95]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
