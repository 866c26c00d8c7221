#!/usr/bin/python3
"""Write a protocol's test beats as raw float32 for a compiled model.

    extract_beats.py --protocol inter|intra|nlrav [--mitdb DIR] [--every K]
                     -o BEATS.f32 [--labels LABELS.txt]

The beats are those of qrcnn_ecg.protocols (seed 0, as train.py), in their
order; --every K keeps every K-th (a systematic sample keeps the class mix).
BEATS.f32: 180 little-endian float32 per beat (mV, window mean removed: the
models' input). LABELS.txt: the class index of each beat, one per line.
"""
import argparse
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from qrcnn_ecg import beats as B  # noqa: E402
from qrcnn_ecg import protocols as P  # noqa: E402

SPLITS = {"inter": (P.aami_inter, B.DS2), "intra": (lambda b: P.aami_intra(b, 0), None),
          "nlrav": (lambda b: P.balanced(b, 0), None)}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--protocol", choices=sorted(SPLITS), required=True)
    ap.add_argument("--mitdb", default=B.default_mitdb_dir())
    ap.add_argument("--every", type=int, default=1)
    ap.add_argument("-o", "--output", required=True)
    ap.add_argument("--labels")
    args = ap.parse_args(argv)
    make, records = SPLITS[args.protocol]
    # the inter-patient test set only needs the DS2 records
    split = make(B.load_beats(args.mitdb, records))
    x, y = split.x_test[::args.every], split.y_test[::args.every]
    x.astype("<f4").tofile(args.output)
    if args.labels:
        np.savetxt(args.labels, y, fmt="%d")
    counts = " ".join(f"{c} {int((y == i).sum())}" for i, c in enumerate(split.classes))
    print(f"{args.protocol}: {len(y)} of {len(split.y_test)} test beats ({counts})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
