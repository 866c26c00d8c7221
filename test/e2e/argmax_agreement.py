#!/usr/bin/python3
"""Compare the top class of each sample in a --run output with a list of
class indices (one per line).

    argmax_agreement.py OUT.f32 CLASSES.txt [--classes K]

OUT.f32 holds, per sample, K float32 outputs (default: the size / lines).
Prints 'agree A/N' and the indices of the samples that differ.
"""
import argparse

import numpy as np

ap = argparse.ArgumentParser()
ap.add_argument("out")
ap.add_argument("classes")
ap.add_argument("--classes", dest="k", type=int, default=0)
a = ap.parse_args()
want = np.loadtxt(a.classes, dtype=np.int64).ravel()
got = np.fromfile(a.out, "<f4")
k = a.k or got.size // want.size
top = got.reshape(-1, k).argmax(1)  # first maximum, like qnn.argmax
differ = np.nonzero(top != want)[0]
print("agree %d/%d" % (want.size - differ.size, want.size))
if differ.size:
    print("differ: " + " ".join(str(i) for i in differ))
